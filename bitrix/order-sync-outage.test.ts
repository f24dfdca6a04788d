import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pg from "pg";
import pino from "pino";
import { PROD_SHOP, type TestStack } from "../test/harness";
import { expectChain, historyOf, postWebhook } from "../test/order-fixtures";
import { startStackBehindProxy, type TcpProxy } from "../test/tcp-proxy";
import { handlerEnv, php } from "./tests/php-cli";

/**
 * The order webhook (POST /api/v1/webhooks/order-sync) while the database is down: the
 * contract's 503 with Retry-After, so the Bitrix side keeps the delivery in its durable queue and
 * sends it again; once the database is back the queue drains, in order and exactly once, and
 * deliveries cut off mid-write leave nothing half-written. The outage is a TCP proxy cutting
 * the stack off from PostgreSQL (router/webhooks/database-outage.test.ts does the same for the
 * status webhook); the stack itself stays up, which bitrix-php.test.ts does not cover.
 */
const ORDER_SYNC = "/api/v1/webhooks/order-sync";

let t: TestStack;
/** the owner's view straight to PostgreSQL, not through the proxy the outage cuts */
let owner: pg.Pool;
let proxy: TcpProxy;
let stop: () => Promise<void>;
/** the stack's error-level log lines, shown when an answer is not the contract's */
const errorsLogged: string[] = [];
let work: string;
let products: { bitrixProductId: number }[];
let nextOrder = 9_100_000;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "cvety-outage-"));
  const sink = new Writable({
    write(chunk, _encoding, done) {
      errorsLogged.push(String(chunk).slice(0, 2000));
      done();
    },
  });
  let databaseUrl: string;
  ({ t, proxy, databaseUrl, stop } = await startStackBehindProxy({ logger: pino({ level: "error" }, sink) }));
  owner = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const rows = await owner.query(
    `select bitrix_product_id as "bitrixProductId" from product
      where shop_id = $1 and bitrix_product_id is not null and archived_at is null order by id limit 3`,
    [PROD_SHOP],
  );
  products = rows.rows;
});
afterAll(async () => {
  await owner?.end();
  await stop?.();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The stack with its owner's queries going straight to PostgreSQL (for test/order-fixtures.ts). */
const ownerView = (): TestStack => ({ ...t, ownerQuery: (text, values) => owner.query(text, values) });

/** Bitrix's body for a new 3-item order paid by Kaspi (the contract's shape). */
function orderBody(overrides: Record<string, unknown> = {}) {
  const orderId = nextOrder++;
  return {
    order_id: orderId,
    status: "N",
    updated_at: "2026-12-01T10:00:00+05:00",
    customer: { name: "Айгерим", phone: "+7 701 765 43 21" },
    recipient: { name: "Мама", phone: "+7 702 000 00 01" },
    delivery: { kind: "DELIVERY", address: "Алматы, Абая 1", fee: "1 500 ₸" },
    items: products.map((p, k) => ({ product_id: p.bitrixProductId, name: `Букет ${k}`, quantity: 1, price: "5 000 ₸" })),
    payments: [{ method: "KASPI", amount: "16 500 ₸", external_id: `kaspi-outage-${orderId}` }],
    ...overrides,
  };
}

/** A Bitrix order as the PHP seam reads it (bitrix/src/bodies.php): tenge, payments marked paid. */
function snapshot() {
  return {
    id: nextOrder++,
    status: "N",
    updated_at: "2026-12-01T10:00:00+05:00",
    customer: { name: "Айгерим", phone: "+7 701 765 43 21" },
    recipient: { name: "Мама", phone: "" },
    delivery: { kind: "DELIVERY", address: "Алматы, Абая 1", fee: 1500.0 },
    items: products.map((p, k) => ({ product_id: p.bitrixProductId, name: `Букет ${k}`, quantity: 1, price: 5000.0 })),
    payments: [{ method: "KASPI", amount: 16500.0, external_id: `kaspi-php-${nextOrder}`, paid: true }],
  };
}

/** The order with its item, payment and history counts (owner's view: every shop). */
async function stored(bitrixOrderIds: number[]) {
  const { rows } = await owner.query(
    `select o.id, o.bitrix_order_id as "bitrixOrderId", o.status::text as status, o.total,
            (select count(*)::int from order_item i where i.order_id = o.id) as items,
            (select count(*)::int from payment p where p.order_id = o.id) as payments,
            (select count(*)::int from order_history h where h.order_id = o.id) as history
       from "order" o where o.shop_id = $1 and o.bitrix_order_id = any($2::int[]) order by o.bitrix_order_id`,
    [PROD_SHOP, bitrixOrderIds],
  );
  return rows;
}

it("answers 503 with Retry-After while the database is down; bad input is still judged (400/422), not 503", async () => {
  proxy.pause();
  try {
    const body = orderBody();
    const refused = await postWebhook(t, body, { path: ORDER_SYNC });
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatch(/database is unavailable/);
    expect(refused.headers.get("retry-after")).toBe("5");
    const missing = await postWebhook(t, { ...body, customer: undefined }, { path: ORDER_SYNC });
    expect(missing).toMatchObject({ status: 400, body: { field: "customer" } });
    const unknown = await postWebhook(t, { ...body, status: "ZZ" }, { path: ORDER_SYNC });
    expect(unknown).toMatchObject({ status: 422, body: { field: "status" } });
  } finally {
    proxy.resume();
  }
  expect(await stored([nextOrder - 1])).toEqual([]);
});

it("the PHP queue keeps what got a 503 and drains, in order and exactly once, when the database is back", async () => {
  const env = handlerEnv(t.origin, fs.mkdtempSync(path.join(work, "queue-")), { CVETY_BACKOFF_BASE_MS: "60000" });
  const order = snapshot();
  const events: [string[], unknown][] = [
    [["order-saved"], order],
    [["status-change"], { order_id: order.id, status: "PD" }],
    [["order-saved"], { ...order, status: "AP", updated_at: "2026-12-01T10:05:00+05:00", comment: "позвонить" }],
  ];
  proxy.pause();
  try {
    for (const [command, input] of events) expect((await php(command, input, env)).code).toBe(0);
    const waiting = (await php(["queue"], null, env)).out.pending;
    expect(waiting).toHaveLength(3);
    // the server answered (503), unlike a server that is down (status 0)
    expect(waiting[0]).toMatchObject({ attempts: 1, last_status: 503 });
    expect(waiting.slice(1).every((entry: any) => entry.attempts === 0)).toBe(true);
  } finally {
    proxy.resume();
  }
  expect(await stored([order.id])).toEqual([]);

  const later = String(Date.now() / 1000 + 3600);
  expect((await php(["drain", later], null, env)).out).toMatchObject({ sent: 3, left: 0, failed: 0 });
  const [row] = await stored([order.id]);
  expect(row).toMatchObject({ status: "ACCEPTED", items: 3, payments: 1 });
  const history = await historyOf(ownerView(), PROD_SHOP, row.id);
  expect(history.filter((h) => h.kind === "STATUS").map((h) => h.newStatus)).toEqual(["NEW", "PAID", "ACCEPTED"]);
  expectChain(history);

  // sent again (a crash before the queue file was removed): nothing changes
  expect((await php(["drain", later], null, env)).out).toMatchObject({ sent: 0, left: 0 });
  for (const [command, input] of [events[2], events[0]]) await php(command, input, env);
  expect(await stored([order.id])).toEqual([row]);
});

it("a cut in the middle of new orders: each answer is 200 or 503, and after Bitrix's redelivery each order is whole, once", async () => {
  const bodies = Array.from({ length: 12 }, () => orderBody());
  const inFlight = bodies.map((body) => postWebhook(t, body, { path: ORDER_SYNC }));
  await new Promise((resolve) => setTimeout(resolve, 5));
  proxy.pause();
  const answers = await Promise.all(inFlight);
  proxy.resume();
  const unexpected = answers.filter((answer) => answer.status !== 200 && answer.status !== 503);
  // on failure, say why: the server's error log of the cut
  expect({ unexpected, errorsLogged: unexpected.length ? errorsLogged : [] }).toEqual({ unexpected: [], errorsLogged: [] });
  // whatever landed during the cut landed whole: an order is there with all its items or not at all
  for (const row of await stored(bodies.map((b) => b.order_id))) expect(row).toMatchObject({ items: 3, payments: 1 });

  const redelivered = await Promise.all(bodies.map((body) => postWebhook(t, body, { path: ORDER_SYNC })));
  expect(redelivered.map((answer) => answer.status)).toEqual(bodies.map(() => 200));
  // a 503 may hide a commit whose answer was cut: then the redelivery finds it unchanged
  for (const [index, answer] of redelivered.entries()) {
    expect(answer.body.status).toMatch(answers[index].status === 200 ? /^unchanged$/ : /^(created|unchanged)$/);
  }
  const rows = await stored(bodies.map((b) => b.order_id));
  expect(rows).toHaveLength(bodies.length);
  for (const row of rows) expect(row).toMatchObject({ status: "NEW", total: 1_650_000, items: 3, payments: 1, history: 1 });
});
