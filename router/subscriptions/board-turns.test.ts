import type { Client } from "graphql-ws";
import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../../test/harness";
import {
  attached,
  boardClient,
  collect,
  feedSettled,
  recordStatusChange,
  routerMetric,
  someOrders,
  type Collected,
} from "../../test/board-client";
import { eventually } from "../../test/fake-bitrix";
import type { BoardHub } from "./hub";

const BOARD = `subscription Board($after: ID) { orderStatusChanged(after: $after) { historyId newStatus order { id items { product { name } } } } }`;

let t: TestStack;
let hub: BoardHub;
const clients: Client[] = [];
function board(shopId: number, variables?: Record<string, unknown>): Collected {
  const c = boardClient(t, t.token(shopId));
  clients.push(c);
  return collect(c, BOARD, variables);
}
const ids = (b: Collected) => b.data.map((d: any) => d.orderStatusChanged.historyId as string);

/**
 * Watches the hub's gateway resolutions (the real ones run unchanged): how many run at once, the
 * shop and row count of each, and, while `hold` is set, keeps the next one from starting until
 * the test lets it go.
 */
function watchResolutions() {
  const resolve = hub.resolve.bind(hub);
  const seen = {
    running: 0,
    most: 0,
    calls: [] as { shopId: number; rows: number }[],
    hold: null as Promise<void> | null,
    held: false,
  };
  hub.resolve = async (operation, viewer, rows) => {
    seen.running += 1;
    seen.most = Math.max(seen.most, seen.running);
    seen.calls.push({ shopId: viewer.shopId, rows: rows.length });
    try {
      if (seen.hold) {
        const hold = seen.hold;
        seen.hold = null;
        seen.held = true;
        await hold;
      }
      return await resolve(operation, viewer, rows);
    } finally {
      seen.running -= 1;
    }
  };
  return seen;
}

beforeAll(async () => {
  t = await startTestStack({ env: { BOARD_CONCURRENT_DISPATCHES: "1", BOARD_SWEEP_MS: "0" } });
  hub = t.stack.router.board.hub;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  await feedSettled(t.stack.db, DEV_SHOP);
  await feedSettled(t.stack.db, PROD_SHOP);
});
afterAll(() => t?.stop());

describe("shops' board streams take turns (BOARD_CONCURRENT_DISPATCHES)", () => {
  it("resolves one shop's page at a time; a shop that waited its turn gets everything committed meanwhile in one query, and every board its own events in order", async () => {
    const dev = [board(DEV_SHOP), board(DEV_SHOP)];
    const prod = [board(PROD_SHOP), board(PROD_SHOP)];
    await attached(t, DEV_SHOP, 2);
    await attached(t, PROD_SHOP, 2);
    const [devOrder] = await someOrders(t.stack.db, DEV_SHOP, 1);
    const prodOrders = await someOrders(t.stack.db, PROD_SHOP, 5);
    const seen = watchResolutions();
    let release!: () => void;
    seen.hold = new Promise<void>((resolve) => (release = resolve));

    // the dev shop's change takes the only turn and is held inside its events query
    const devWritten = [await recordStatusChange(t.stack.db, DEV_SHOP, devOrder, "PAID")];
    await eventually(async () => seen.held);
    // meanwhile five changes commit in the other shop: its stream waits for the turn
    const prodWritten: string[] = [];
    for (const orderId of prodOrders)
      prodWritten.push(await recordStatusChange(t.stack.db, PROD_SHOP, orderId, "ACCEPTED"));
    await feedSettled(t.stack.db, PROD_SHOP);
    await eventually(async () => hub.turns.waiting >= 1);
    expect(await routerMetric(t, "board_dispatches_waiting")).toBeGreaterThanOrEqual(1);
    expect(prod[0].results).toHaveLength(0);
    release();

    for (const b of dev) await b.until((x) => x.results.length >= 1, 10_000, "the dev shop's event");
    for (const b of prod) await b.until((x) => x.results.length >= 5, 10_000, "the other shop's five events");
    await new Promise((r) => setTimeout(r, 200));
    for (const b of dev) expect(ids(b)).toEqual(devWritten);
    for (const b of prod) expect(ids(b)).toEqual(prodWritten);
    for (const b of [...dev, ...prod]) expect(b.results.every((r) => !r.errors && r.data)).toBe(true);
    expect(prod[0].data[0].orderStatusChanged.order.items[0].product.name).toEqual(expect.any(String));
    expect(seen.most).toBe(1);
    // the waiting shop's five changes went through the gateway together, once for its two boards
    expect(seen.calls.filter((c) => c.shopId === PROD_SHOP)).toEqual([{ shopId: PROD_SHOP, rows: 5 }]);
    expect(await routerMetric(t, "board_dispatches_waiting")).toBe(0);
  });

  it("a replay waits for its turn like a live page, then replays in order and joins the live stream", async () => {
    const orders = await someOrders(t.stack.db, PROD_SHOP, 3);
    const before = await recordStatusChange(t.stack.db, PROD_SHOP, orders[0], "PAID");
    const replayed: string[] = [];
    for (const orderId of orders) replayed.push(await recordStatusChange(t.stack.db, PROD_SHOP, orderId, "ASSEMBLED"));
    await feedSettled(t.stack.db, PROD_SHOP);
    const live = board(DEV_SHOP);
    await attached(t, DEV_SHOP, 1);
    const [devOrder] = await someOrders(t.stack.db, DEV_SHOP, 1);
    const seen = watchResolutions();
    let release!: () => void;
    seen.hold = new Promise<void>((resolve) => (release = resolve));
    const devWritten = await recordStatusChange(t.stack.db, DEV_SHOP, devOrder, "ACCEPTED");
    await eventually(async () => seen.held);

    const replaying = board(PROD_SHOP, { after: before });
    // the replay waits for the turn the dev shop holds
    await eventually(async () => hub.turns.waiting >= 1);
    expect(replaying.results).toHaveLength(0);
    release();

    await live.until((x) => x.results.length >= 1, 10_000, "the live event");
    await replaying.until((x) => x.results.length >= 3, 10_000, "the replay");
    await attached(t, PROD_SHOP, 1);
    const after = await recordStatusChange(t.stack.db, PROD_SHOP, orders[1], "IN_DELIVERY");
    await replaying.until((x) => x.results.length >= 4, 10_000, "the live event after the replay");
    expect(ids(live)).toEqual([devWritten]);
    expect(ids(replaying)).toEqual([...replayed, after]);
    expect(seen.most).toBe(1);
  });
});
