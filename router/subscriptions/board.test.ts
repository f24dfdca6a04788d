import jwt from "jsonwebtoken";
import WebSocket from "ws";
import type { Client } from "graphql-ws";
import { startTestStack, DEV_SHOP, PROD_SHOP, TEST_JWT_SECRET, type TestStack } from "../../test/harness";
import {
  attached,
  boardClient,
  collect,
  feedSettled,
  rawInit,
  recordStatusChange,
  someOrders,
} from "../../test/board-client";
import { postWebhook } from "../../test/order-fixtures";

const BOARD = `subscription Board($after: ID) {
  orderStatusChanged(after: $after) {
    historyId oldStatus newStatus changedBy at
    order { id status total items { quantity product { id name stock } } }
  }
}`;

let t: TestStack;
const clients: Client[] = [];
function client(token: string, options?: Parameters<typeof boardClient>[2]) {
  const c = boardClient(t, token, options);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  t = await startTestStack({ env: { BOARD_KEEPALIVE_MS: "700" } });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  // the next test's boards start behind everything this one wrote
  await feedSettled(t.stack.db, DEV_SHOP);
  await feedSettled(t.stack.db, PROD_SHOP);
});
afterAll(() => t?.stop());

/** Seeded orders of a shop in a status, none handed out twice in this file. */
const taken = new Set<number>();
async function ordersIn(shopId: number, status: "NEW" | "PAID", count: number): Promise<number[]> {
  const rows = await t.stack.db.withTenant(shopId, (tx) =>
    tx.order.findMany({ where: { shopId, status }, orderBy: { id: "asc" }, select: { id: true } }),
  );
  const ids = rows
    .map((r) => r.id)
    .filter((id) => !taken.has(id))
    .slice(0, count);
  ids.forEach((id) => taken.add(id));
  return ids;
}

describe("orderStatusChanged", () => {
  it("delivers a committed change with fields from all three subgraphs", async () => {
    const [orderId] = await someOrders(t.stack.db, PROD_SHOP, 1);
    const board = collect(client(t.token(PROD_SHOP)), BOARD);
    await attached(t, PROD_SHOP, 1);
    const historyId = await recordStatusChange(t.stack.db, PROD_SHOP, orderId, "ASSEMBLED", "florist-7");
    await board.atLeast(1);
    const [result] = board.results;
    expect(result.errors).toBeUndefined();
    const change = (result.data as any).orderStatusChanged;
    expect(change).toMatchObject({
      historyId,
      newStatus: "ASSEMBLED",
      changedBy: "florist-7",
      order: { id: String(orderId), status: "ASSEMBLED" },
    });
    expect(new Date(change.at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(change.order.items.length).toBeGreaterThan(0);
    for (const item of change.order.items) {
      expect(item.product.name).toEqual(expect.any(String));
      expect(item.product.stock).toEqual(expect.any(Number));
    }
  });

  it("createOrder is a change from null to NEW", async () => {
    const board = collect(
      client(t.token(DEV_SHOP)),
      `subscription { orderStatusChanged { oldStatus newStatus changedBy order { id status items { quantity product { name } } } } }`,
    );
    await attached(t, DEV_SHOP, 1);
    const products = await t.graphql(
      `{ products(first: 1, enabled: true) { edges { node { id name } } } }`,
      {},
      { token: t.token(DEV_SHOP) },
    );
    const product = products.data.products.edges[0].node;
    const created = await t.graphql(
      `mutation($input: CreateOrderInput!) { createOrder(input: $input) { id } }`,
      {
        input: {
          items: [{ productId: product.id, quantity: 3 }],
          customer: { name: "Тест Тестов", phone: "+7 701 000 00 01" },
        },
      },
      { token: t.token(DEV_SHOP) },
    );
    expect(created.errors).toBeUndefined();
    await board.atLeast(1);
    expect(board.data[0]).toEqual({
      orderStatusChanged: {
        oldStatus: null,
        newStatus: "NEW",
        changedBy: t.userId(DEV_SHOP, "ADMIN"),
        order: {
          id: created.data.createOrder.id,
          status: "NEW",
          items: [{ quantity: 3, product: { name: product.name } }],
        },
      },
    });
  });

  it("delivers a change made with the updateOrderStatus mutation", async () => {
    const [orderId] = await ordersIn(PROD_SHOP, "NEW", 1);
    const board = collect(client(t.token(PROD_SHOP, "FLORIST")), BOARD);
    await attached(t, PROD_SHOP, 1);
    const updated = await t.graphql(
      `mutation($id: ID!) { updateOrderStatus(id: $id, status: PAID, notes: "paid by card") { id status } }`,
      { id: String(orderId) },
      { token: t.token(PROD_SHOP, "MANAGER") },
    );
    expect(updated.errors).toBeUndefined();
    await board.atLeast(1);
    expect(board.data[0].orderStatusChanged).toMatchObject({
      oldStatus: "NEW",
      newStatus: "PAID",
      changedBy: t.userId(PROD_SHOP, "MANAGER"),
      order: { id: String(orderId), status: "PAID" },
    });
    // a note is history too, but not a status change: the board does not hear of it
    const note = await t.graphql(
      `mutation($id: ID!) { addOrderNote(id: $id, text: "call first") { id } }`,
      { id: String(orderId) },
      { token: t.token(PROD_SHOP, "MANAGER") },
    );
    expect(note.errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 400));
    expect(board.results).toHaveLength(1);
  });

  it("delivers a change that came from Bitrix through the webhook", async () => {
    const order = await t.stack.db.withTenant(PROD_SHOP, (tx) =>
      tx.order.findFirstOrThrow({
        where: { shopId: PROD_SHOP, status: "PAID", bitrixOrderId: { not: null } },
        orderBy: { id: "desc" },
      }),
    );
    const board = collect(client(t.token(PROD_SHOP)), BOARD);
    await attached(t, PROD_SHOP, 1);
    const response = await postWebhook(t, { order_id: order.bitrixOrderId, status: "AP", changed_by_id: 42 });
    expect(response.body).toEqual({ status: "success", order_id: order.id });
    await board.atLeast(1);
    expect(board.data[0].orderStatusChanged).toMatchObject({
      oldStatus: "PAID",
      newStatus: "ACCEPTED",
      changedBy: "bitrix",
      order: { id: String(order.id), status: "ACCEPTED" },
    });
    // a redelivery changes nothing and announces nothing
    expect((await postWebhook(t, { order_id: order.bitrixOrderId, status: "AP", changed_by_id: 42 })).body.status).toBe(
      "unchanged",
    );
    await new Promise((r) => setTimeout(r, 400));
    expect(board.results).toHaveLength(1);
  });

  it("a shop 8 board never sees shop 17008's changes, and the other way round", async () => {
    const [devOrder] = await someOrders(t.stack.db, DEV_SHOP, 1);
    const [prodOrder] = await someOrders(t.stack.db, PROD_SHOP, 1);
    const dev = collect(client(t.token(DEV_SHOP)), BOARD);
    const prod = collect(client(t.token(PROD_SHOP, "FLORIST")), BOARD);
    await attached(t, DEV_SHOP, 1);
    await attached(t, PROD_SHOP, 1);
    const prodId = await recordStatusChange(t.stack.db, PROD_SHOP, prodOrder, "PAID");
    const devId = await recordStatusChange(t.stack.db, DEV_SHOP, devOrder, "ACCEPTED");
    await dev.atLeast(1);
    await prod.atLeast(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(dev.data.map((d: any) => d.orderStatusChanged.historyId)).toEqual([devId]);
    expect(prod.data.map((d: any) => d.orderStatusChanged.historyId)).toEqual([prodId]);
    expect(dev.data[0].orderStatusChanged.order.id).toBe(String(devOrder));
  });

  it("aliases, fragments and variables in the selection are honoured", async () => {
    const [orderId] = await someOrders(t.stack.db, DEV_SHOP, 1);
    const board = collect(
      client(t.token(DEV_SHOP)),
      `subscription Aliased($withItems: Boolean!) { change: orderStatusChanged { ...Change to: newStatus } }
       fragment Change on OrderStatusChange { historyId order { orderId: id items @include(if: $withItems) { quantity } } }`,
      { withItems: false },
    );
    await attached(t, DEV_SHOP, 1);
    const historyId = await recordStatusChange(t.stack.db, DEV_SHOP, orderId, "CANCELLED");
    await board.atLeast(1);
    expect(board.results[0]).toEqual({
      data: { change: { historyId, to: "CANCELLED", order: { orderId: String(orderId) } } },
    });
  });
});

describe("authentication", () => {
  const wsUrl = () => t.graphqlUrl.replace(/^http/, "ws");

  it.each([
    ["no payload", undefined],
    ["no authorization", {}],
    ["not a bearer header", { authorization: "Token abc" }],
    ["garbage token", { authorization: "Bearer not-a-jwt" }],
    [
      "wrong key",
      {
        authorization: `Bearer ${jwt.sign({ shop_id: PROD_SHOP, role: "ADMIN" }, "another-secret", { subject: "u1", expiresIn: 60 })}`,
      },
    ],
    [
      "expired token",
      {
        authorization: `Bearer ${jwt.sign({ shop_id: PROD_SHOP, role: "ADMIN", exp: Math.floor(Date.now() / 1000) - 10 }, TEST_JWT_SECRET, { subject: "u1" })}`,
      },
    ],
    [
      "shop_id as string",
      {
        authorization: `Bearer ${jwt.sign({ shop_id: "17008", role: "ADMIN" }, TEST_JWT_SECRET, { subject: "u1", expiresIn: 60 })}`,
      },
    ],
    ...[2 ** 31, 2 ** 53, -1, 0, 1.5].map((shopId) => [
      `shop_id ${shopId}, not a shop id`,
      {
        authorization: `Bearer ${jwt.sign({ shop_id: shopId, role: "ADMIN" }, TEST_JWT_SECRET, { subject: "1", expiresIn: 60 })}`,
      },
    ]),
  ] as [string, object | undefined][])("closes the socket with 4401 for %s", async (_name, payload) => {
    const answer = await rawInit(wsUrl(), payload);
    expect(answer.code).toBe(4401);
  });

  it("acknowledges a valid token", async () => {
    expect((await rawInit(wsUrl(), { authorization: `Bearer ${t.token(DEV_SHOP)}` })).code).toBe("ack");
  });

  it("ends a subscription with UNAUTHENTICATED when the token expires mid-stream", async () => {
    const [orderId] = await someOrders(t.stack.db, DEV_SHOP, 1);
    // the first event must arrive before the token expires: 10 s is many times what attaching and
    // one change take even on a busy machine (2 s was not); the expiry then ends the stream
    const board = collect(client(t.token(DEV_SHOP, "ADMIN", { ttlSeconds: 10 })), BOARD);
    await attached(t, DEV_SHOP, 1);
    const historyId = await recordStatusChange(t.stack.db, DEV_SHOP, orderId, "PAID");
    await board.atLeast(1);
    expect(board.data[0].orderStatusChanged.historyId).toBe(historyId);
    await board.ended(30_000);
    const last = board.results[board.results.length - 1];
    expect(last.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect(last.errors?.[0].extensions?.lastHistoryId).toBe(historyId);
    expect(board.completed).toBe(true);
  });
});

describe("keep-alive", () => {
  it("pings every BOARD_KEEPALIVE_MS and drops a client that never answers", async () => {
    const url = t.graphqlUrl.replace(/^http/, "ws");
    const socket = new WebSocket(url, "graphql-transport-ws", { autoPong: false });
    let pings = 0;
    socket.on("ping", () => (pings += 1));
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${t.token(DEV_SHOP)}` } }));
    const code = await new Promise<number>((resolve) => socket.once("close", (c) => resolve(c)));
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(code).toBe(1006);
  });
});
