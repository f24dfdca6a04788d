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

const FULL = `subscription { orderStatusChanged { historyId newStatus order { id status items { product { name stock } } } } }`;
const SLIM = `subscription Slim { orderStatusChanged { historyId newStatus } }`;

let t: TestStack;
const clients: Client[] = [];
function client(token: string) {
  const c = boardClient(t, token);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  t = await startTestStack({
    // one seeded user per shop and role: the per-user cap (board-caps.test.ts) is raised out of the way
    env: {
      BOARD_MAX_SUBSCRIPTIONS_PER_CONNECTION: "3",
      BOARD_MAX_SUBSCRIBERS_PER_SHOP: "60",
      BOARD_MAX_SUBSCRIPTIONS_PER_USER: "1000",
    },
  });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  // the next test's boards start behind everything this one wrote
  await feedSettled(t.stack.db, DEV_SHOP);
  await feedSettled(t.stack.db, PROD_SHOP);
});
afterAll(() => t?.stop());

describe("100 concurrent subscribers of two shops", () => {
  it("each receives exactly its own shop's changes, in the same order, resolved once per selection", async () => {
    const boards: { shop: number; board: Collected }[] = [];
    for (let i = 0; i < 100; i += 1) {
      const shop = i % 2 === 0 ? DEV_SHOP : PROD_SHOP;
      boards.push({ shop, board: collect(client(t.token(shop)), i % 4 < 2 ? FULL : SLIM) });
    }
    await attached(t, DEV_SHOP, 50, 15_000);
    await attached(t, PROD_SHOP, 50, 15_000);
    const resolutionsBefore = await routerMetric(t, "board_resolutions_total");

    const written: Record<number, string[]> = { [DEV_SHOP]: [], [PROD_SHOP]: [] };
    await Promise.all(
      [DEV_SHOP, PROD_SHOP].map(async (shop) => {
        const orders = await someOrders(t.stack.db, shop, 5);
        await Promise.all(
          orders.map(async (orderId) => {
            for (const status of ["PAID", "ACCEPTED"] as const)
              written[shop].push(await recordStatusChange(t.stack.db, shop, orderId, status));
          }),
        );
      }),
    );
    for (const { shop, board } of boards)
      await board.until((b) => b.results.length >= written[shop].length, 20_000, `shop ${shop} events`);
    await new Promise((r) => setTimeout(r, 300));

    const orderOf: Record<number, string[]> = {};
    for (const { shop, board } of boards) {
      expect(board.results.every((r) => !r.errors)).toBe(true);
      const got = board.data.map((d: any) => d.orderStatusChanged.historyId as string);
      expect([...got].sort()).toEqual([...written[shop]].sort());
      orderOf[shop] ??= got;
      expect(got).toEqual(orderOf[shop]);
    }
    const full = boards.find((b) => b.shop === PROD_SHOP && b.board.data[0].orderStatusChanged.order)!;
    expect(full.board.data[0].orderStatusChanged.order.items[0].product).toEqual({
      name: expect.any(String),
      stock: expect.any(Number),
    });

    // 20 events, 2 shops × 2 selections: at most one gateway call per event and selection, not per subscriber
    const resolutions = (await routerMetric(t, "board_resolutions_total")) - resolutionsBefore;
    expect(resolutions).toBeGreaterThanOrEqual(4);
    expect(resolutions).toBeLessThanOrEqual(20 * 2);
  });
});

describe("limits", () => {
  it("a connection holds at most BOARD_MAX_SUBSCRIPTIONS_PER_CONNECTION subscriptions", async () => {
    const c = client(t.token(DEV_SHOP));
    const boards = [0, 1, 2, 3].map(() => collect(c, SLIM));
    await boards[3].ended();
    expect((boards[3].error as any[])[0].extensions.code).toBe("RATE_LIMITED");
    expect(boards.slice(0, 3).every((b) => b.error === undefined && !b.completed)).toBe(true);
    // closing one frees its place
    boards[0].unsubscribe();
    await new Promise((r) => setTimeout(r, 100));
    const again = collect(c, SLIM);
    await new Promise((r) => setTimeout(r, 300));
    expect(again.error).toBeUndefined();
  });

  it("a shop has at most BOARD_MAX_SUBSCRIBERS_PER_SHOP subscribers per router; other shops are unaffected", async () => {
    const boards: Collected[] = [];
    for (let i = 0; i < 20; i += 1) {
      const c = client(t.token(DEV_SHOP));
      for (let j = 0; j < 3; j += 1) boards.push(collect(c, SLIM));
    }
    await attached(t, DEV_SHOP, 60, 15_000);
    const refused = collect(client(t.token(DEV_SHOP)), SLIM);
    await refused.ended();
    expect(refused.results[0]?.errors?.[0].extensions?.code ?? (refused.error as any[])?.[0]?.extensions?.code).toBe(
      "RATE_LIMITED",
    );
    const otherShop = collect(client(t.token(PROD_SHOP)), SLIM);
    await attached(t, PROD_SHOP, 1, 15_000);
    expect(otherShop.error).toBeUndefined();
    expect(otherShop.completed).toBe(false);
  });

  it("validates subscriptions against the supergraph", async () => {
    const c = client(t.token(DEV_SHOP));
    const unknownField = collect(c, `subscription { orderStatusChanged { nope } }`);
    const syntax = collect(c, `subscription { orderStatusChanged { `);
    await unknownField.ended();
    await syntax.ended();
    expect((unknownField.error as any[])[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect((syntax.error as any[])[0].extensions.code).toBe("GRAPHQL_PARSE_FAILED");
  });

  it("answers queries sent over the socket through the gateway, in the caller's shop", async () => {
    const c = client(t.token(DEV_SHOP));
    const result = collect(c, `{ orders(first: 1) { edges { node { id items { product { name } } } } } }`);
    await result.ended();
    expect(result.results[0].errors).toBeUndefined();
    const orderId = (result.results[0].data as any).orders.edges[0].node.id;
    const [devOrder] = await someOrders(t.stack.db, DEV_SHOP, 1);
    expect(orderId).toBeDefined();
    const own = await t.stack.db.withTenant(DEV_SHOP, (tx) =>
      tx.order.count({ where: { id: Number(orderId), shopId: DEV_SHOP } }),
    );
    expect(own).toBe(1);
    expect(devOrder).toBeGreaterThan(0);
  });
});
