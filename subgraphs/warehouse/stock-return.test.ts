import { startTestStack, PROD_SHOP, type TestStack } from "../../test/harness";
import { createLogger } from "../../core/logger";
import { StockConsumer } from "./stock-consumer";
import { returnForOrder } from "./stock-return";

/**
 * Cancelling an order whose flowers were consumed at ASSEMBLED returns them through RETURN
 * operations exactly once: concurrent cancels, Bitrix redelivering RF/UN, and a consumer that
 * was down when the cancellation committed (the sweep makes the return later, once).
 */

let t: TestStack;
const consumers: StockConsumer[] = [];
const logger = createLogger("silent");

beforeAll(async () => {
  t = await startTestStack({ env: { STOCK_CONSUMER_POLL_MS: "0" } });
});
afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.stop()));
});
afterAll(() => t?.stop());

async function startConsumer() {
  const consumer = new StockConsumer({ db: t.stack.db, databaseUrl: t.databaseUrl, logger, pollMs: 60_000 });
  consumers.push(consumer);
  await consumer.start();
  return consumer;
}

async function until<T>(
  check: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 8_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sql = <T = any>(text: string, params: unknown[] = []) => t.ownerQuery(text, params).then((r) => r.rows as T[]);

const used = new Set<number>();
/** An ACCEPTED order of shop 17008 whose items have recipes and whose stock suffices, not used by another test. */
async function acceptedOrder(): Promise<{ id: number; bitrixOrderId: number }> {
  const rows = await sql<{ id: number; bitrix_order_id: number }>(
    `select o.id, o.bitrix_order_id from "order" o where o.shop_id = $1 and o.status = 'ACCEPTED'
       and exists (select 1 from order_item oi join recipe_item r on r.product_id = oi.product_id where oi.order_id = o.id)
     order by o.id`,
    [PROD_SHOP],
  );
  const row = rows.find((r) => !used.has(r.id))!;
  used.add(row.id);
  return { id: row.id, bitrixOrderId: row.bitrix_order_id };
}

/** Every warehouse item's quantity in shop 17008. */
async function stock(): Promise<Record<number, number>> {
  const rows = await sql<{ id: number; quantity: number }>(
    `select id, quantity from warehouse_item where shop_id = $1 order by id`,
    [PROD_SHOP],
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.quantity]));
}

const returnsOf = (orderId: number) =>
  sql<{ item_id: number; delta: number }>(
    `select item_id, delta from warehouse_operation where order_id = $1 and type = 'RETURN' order by item_id`,
    [orderId],
  );
const consumesOf = (orderId: number) =>
  sql<{ item_id: number; delta: number }>(
    `select item_id, -delta as delta from warehouse_operation where order_id = $1 and type = 'CONSUME' order by item_id`,
    [orderId],
  );

function setStatus(orderId: number, status: string) {
  return t.graphql(
    `mutation($id: ID!, $status: OrderStatus!) { updateOrderStatus(id: $id, status: $status) { id status } }`,
    { id: String(orderId), status },
  );
}

function bitrix(bitrixOrderId: number, status: string) {
  return fetch(`${t.origin}/api/v1/webhooks/order-status-sync`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-webhook-secret": t.config.webhookSecrets[0] },
    body: JSON.stringify({ order_id: bitrixOrderId, status }),
  });
}

async function assembledAndConsumed(orderId: number) {
  expect((await setStatus(orderId, "ASSEMBLED")).errors).toBeUndefined();
  await until(async () => (await consumesOf(orderId)).length > 0, "the order's stock consumed");
}

const returned = (orderId: number) =>
  until(
    async () =>
      (await sql(`select 1 from stock_consumption where order_id = $1 and returned_at is not null`, [orderId])).length >
      0,
    "the stock returned",
  );

it("cancelling a consumed order returns what it consumed, through RETURN operations", async () => {
  await startConsumer();
  const order = await acceptedOrder();
  const before = await stock();
  await assembledAndConsumed(order.id);
  expect(await stock()).not.toEqual(before);
  await setStatus(order.id, "CANCELLED");
  await returned(order.id);
  expect(await returnsOf(order.id)).toEqual(await consumesOf(order.id));
  expect(await stock()).toEqual(before);
});

it("concurrent cancels and redelivered Bitrix RF/UN return the stock exactly once", async () => {
  const consumer = await startConsumer();
  const order = await acceptedOrder();
  const before = await stock();
  await assembledAndConsumed(order.id);
  await Promise.all([
    ...Array.from({ length: 5 }, () => setStatus(order.id, "CANCELLED")),
    ...["RF", "UN", "RF", "UN", "RF"].map((code) => bitrix(order.bitrixOrderId, code)),
  ]);
  await returned(order.id);
  // redeliveries after the return, and another sweep, change nothing
  await bitrix(order.bitrixOrderId, "RF");
  await consumer.sweepShop(PROD_SHOP);
  await consumer.idle();
  expect(await returnsOf(order.id)).toEqual(await consumesOf(order.id));
  expect(await stock()).toEqual(before);
});

it("a cancellation while no consumer ran (a crash) is returned by the next sweep, once", async () => {
  const first = await startConsumer();
  const order = await acceptedOrder();
  const before = await stock();
  await assembledAndConsumed(order.id);
  await first.stop();
  await setStatus(order.id, "CANCELLED");
  expect(await returnsOf(order.id)).toEqual([]);
  await startConsumer();
  await returned(order.id);
  // the statement itself refuses a second return
  expect(
    await t.stack.db.write(PROD_SHOP, (s) => returnForOrder(s, PROD_SHOP, order.id), { autocommit: true }),
  ).toBeNull();
  expect(await returnsOf(order.id)).toEqual(await consumesOf(order.id));
  expect(await stock()).toEqual(before);
});

it("an order cancelled before its stock was taken is neither consumed nor returned", async () => {
  const order = await acceptedOrder();
  const before = await stock();
  await setStatus(order.id, "ASSEMBLED");
  await setStatus(order.id, "CANCELLED");
  const consumer = await startConsumer();
  await consumer.sweepShop(PROD_SHOP);
  expect(await consumesOf(order.id)).toEqual([]);
  expect(await returnsOf(order.id)).toEqual([]);
  expect(await stock()).toEqual(before);
});

it("another shop's consumer statement cannot return this shop's stock", async () => {
  const order = await acceptedOrder();
  expect(await t.stack.db.write(8, (s) => returnForOrder(s, 8, order.id), { autocommit: true })).toBeNull();
  expect(
    await t.stack.db.write(8, (s) => returnForOrder(s, PROD_SHOP, order.id), { autocommit: true }).catch(() => null),
  ).toBeNull();
});
