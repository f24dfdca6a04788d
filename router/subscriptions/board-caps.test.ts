/**
 * One user or one address cannot starve the live boards (issue 17 row 4): caps per user and per
 * address over all their sockets, a cap on a user's concurrent replays, and everything given
 * back when the sockets close. Several users (the seeded user of each role), two shops; the caps
 * are this test's settings.
 */
import WebSocket from "ws";
import { createClient, type Client } from "graphql-ws";
import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../../test/harness";
import {
  attached,
  collect,
  feedSettled,
  recordStatusChange,
  someOrders,
  type Collected,
} from "../../test/board-client";

const PER_CONNECTION = 3;
const PER_USER = 5;
const PER_ADDRESS = 8;
const REPLAYS_PER_USER = 2;
const SLIM = `subscription Slim { orderStatusChanged { historyId newStatus } }`;
const REPLAY = `subscription Replay($after: ID) { orderStatusChanged(after: $after) { historyId newStatus } }`;

let t: TestStack;
const clients: Client[] = [];

/** A graphql-ws client whose requests come through the (trusted) proxy from `address`. */
function clientFrom(address: string, token: string): Client {
  class FromAddress extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { "x-forwarded-for": address } });
    }
  }
  const client = createClient({
    url: t.graphqlUrl.replace(/^http/, "ws"),
    webSocketImpl: FromAddress,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
  });
  clients.push(client);
  return client;
}

const codeOf = (board: Collected) =>
  (board.results[0]?.errors?.[0] ?? (Array.isArray(board.error) ? board.error[0] : undefined))?.extensions as
    { code?: string; cap?: string } | undefined;
const hub = () => t.stack.router.board.hub;

/** Opens `count` subscriptions spread over sockets of at most PER_CONNECTION each; waits until each is refused or attached. */
async function open(
  address: string,
  token: string,
  count: number,
  query = SLIM,
  variables?: Record<string, unknown>,
): Promise<Collected[]> {
  const boards: Collected[] = [];
  for (let i = 0; i < count; i += PER_CONNECTION) {
    const client = clientFrom(address, token);
    for (let j = i; j < Math.min(count, i + PER_CONNECTION); j += 1) boards.push(collect(client, query, variables));
  }
  return boards;
}

/** Waits until `accepted` of the shop's boards are attached and every other one was refused. */
async function settle(boards: Collected[], shopId: number, accepted: number) {
  await attached(t, shopId, accepted, 15_000);
  const deadline = Date.now() + 10_000;
  while (boards.filter((b) => codeOf(b)).length < boards.length - accepted && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
}

beforeAll(async () => {
  t = await startTestStack({
    env: {
      TRUST_PROXY: "1",
      BOARD_MAX_SUBSCRIPTIONS_PER_CONNECTION: String(PER_CONNECTION),
      BOARD_MAX_SUBSCRIPTIONS_PER_USER: String(PER_USER),
      BOARD_MAX_SUBSCRIPTIONS_PER_ADDRESS: String(PER_ADDRESS),
      BOARD_MAX_CONCURRENT_REPLAYS_PER_USER: String(REPLAYS_PER_USER),
      BOARD_SWEEP_MS: "0",
    },
  });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  const deadline = Date.now() + 10_000;
  while (hub().subscriberCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await feedSettled(t.stack.db, DEV_SHOP);
  await feedSettled(t.stack.db, PROD_SHOP);
});
afterAll(() => t?.stop());

it("one user holds at most BOARD_MAX_SUBSCRIPTIONS_PER_USER over all their sockets; the shop's other user and the other shop keep theirs", async () => {
  const florist = t.token(DEV_SHOP, "FLORIST");
  const mine = await open("198.51.100.1", florist, PER_USER + 1);
  await settle(mine, DEV_SHOP, PER_USER);
  const refused = mine.filter((b) => codeOf(b));
  expect(refused.map(codeOf)).toEqual([{ code: "RATE_LIMITED", cap: "user" }]);

  const admin = (await open("198.51.100.2", t.token(DEV_SHOP, "ADMIN"), 1))[0];
  const otherShop = (await open("198.51.100.3", t.token(PROD_SHOP, "ADMIN"), 1))[0];
  await attached(t, DEV_SHOP, PER_USER + 1, 15_000);
  await attached(t, PROD_SHOP, 1, 15_000);
  const [devOrder] = await someOrders(t.stack.db, DEV_SHOP, 1);
  const [prodOrder] = await someOrders(t.stack.db, PROD_SHOP, 1);
  const devId = await recordStatusChange(t.stack.db, DEV_SHOP, devOrder, "PAID");
  const prodId = await recordStatusChange(t.stack.db, PROD_SHOP, prodOrder, "PAID");
  await admin.until((b) => b.data.length >= 1);
  await otherShop.until((b) => b.data.length >= 1);
  expect(admin.data.map((d: any) => d.orderStatusChanged.historyId)).toEqual([devId]);
  expect(otherShop.data.map((d: any) => d.orderStatusChanged.historyId)).toEqual([prodId]);

  // closing one gives the place back
  mine.find((b) => !codeOf(b))!.unsubscribe();
  await new Promise((r) => setTimeout(r, 200));
  const again = (await open("198.51.100.1", florist, 1))[0];
  await attached(t, DEV_SHOP, PER_USER + 1, 15_000);
  expect(codeOf(again)).toBeUndefined();
});

it("one address holds at most BOARD_MAX_SUBSCRIPTIONS_PER_ADDRESS over its users and shops; another address is not held", async () => {
  const users = (["ADMIN", "MANAGER", "COURIER"] as const).map((role) => t.token(DEV_SHOP, role));
  const boards: Collected[] = [];
  for (const token of users) boards.push(...(await open("198.51.100.9", token, 3)));
  await settle(boards, DEV_SHOP, PER_ADDRESS);
  expect(boards.filter((b) => codeOf(b)).map(codeOf)).toEqual([{ code: "RATE_LIMITED", cap: "address" }]);
  const sameAddressOtherShop = (await open("198.51.100.9", t.token(PROD_SHOP, "ADMIN"), 1))[0];
  await sameAddressOtherShop.ended();
  expect(codeOf(sameAddressOtherShop)).toEqual({ code: "RATE_LIMITED", cap: "address" });
  const elsewhere = (await open("198.51.100.10", t.token(PROD_SHOP, "ADMIN"), 1))[0];
  await attached(t, PROD_SHOP, 1, 15_000);
  expect(codeOf(elsewhere)).toBeUndefined();
});

it("a user replays at most BOARD_MAX_CONCURRENT_REPLAYS_PER_USER at once, the rest wait; each replay is whole", async () => {
  const [order] = await someOrders(t.stack.db, DEV_SHOP, 1);
  const written: string[] = [];
  const statuses = ["ACCEPTED", "ASSEMBLED", "PAID"] as const;
  for (let i = 0; i < 110; i += 1) written.push(await recordStatusChange(t.stack.db, DEV_SHOP, order, statuses[i % 3]));
  let mostActive = 0;
  let mostWaiting = 0;
  const sampler = setInterval(() => {
    mostActive = Math.max(mostActive, hub().replays.activeCount);
    mostWaiting = Math.max(mostWaiting, hub().replays.waitingCount);
  }, 1);
  try {
    const replays = await open("198.51.100.20", t.token(DEV_SHOP, "MANAGER"), PER_USER, REPLAY, { after: written[0] });
    await attached(t, DEV_SHOP, PER_USER, 30_000);
    for (const replay of replays)
      await replay.until((b) => b.data.length >= written.length - 1, 15_000, "the whole replay");
    for (const replay of replays)
      expect(replay.data.map((d: any) => d.orderStatusChanged.historyId)).toEqual(written.slice(1));
  } finally {
    clearInterval(sampler);
  }
  expect(mostActive).toBeLessThanOrEqual(REPLAYS_PER_USER);
  expect(mostWaiting).toBeGreaterThan(0);
});

it("closing the sockets gives everything back: no subscriber, count, replay place or turn is kept", async () => {
  const [order] = await someOrders(t.stack.db, DEV_SHOP, 1);
  const first = await recordStatusChange(t.stack.db, DEV_SHOP, order, "ACCEPTED");
  for (let i = 0; i < 110; i += 1)
    await recordStatusChange(t.stack.db, DEV_SHOP, order, i % 2 ? "ACCEPTED" : "ASSEMBLED");
  for (const role of ["FLORIST", "MANAGER"] as const) {
    await open("198.51.100.30", t.token(DEV_SHOP, role), 4, REPLAY, { after: first });
  }
  await open("198.51.100.31", t.token(PROD_SHOP, "ADMIN"), 2);
  const deadline = Date.now() + 10_000;
  while (hub().subscriberCount < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  expect(hub().subscriberCount).toBe(10);
  // closed mid-replay, with replays still waiting for a place
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  const settled = Date.now() + 5_000;
  while (
    (hub().subscriberCount > 0 || hub().turns.waiting > 0 || hub().replays.activeCount > 0) &&
    Date.now() < settled
  ) {
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(hub().subscriberCount).toBe(0);
  expect(hub().caps.trackedKeys).toBe(0);
  expect(hub().replays.waitingCount).toBe(0);
  expect(hub().replays.activeCount).toBe(0);
  expect(hub().turns.waiting).toBe(0);
});
