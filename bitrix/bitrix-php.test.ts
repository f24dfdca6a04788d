import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startTestStack, PROD_SHOP, TEST_WEBHOOK_SECRET, type TestStack } from "../test/harness";
import { handlerEnv, php } from "./tests/php-cli";
import { eventually, startFakeBitrix, type FakeBitrix } from "../test/fake-bitrix";
import { startTcpProxy, type TcpProxy } from "../test/tcp-proxy";
import { expectChain, historyOf } from "../test/order-fixtures";

/**
 * The Bitrix side (bitrix/) run by `php` (Debian's php-cli) against the real running stack:
 * the handlers' bodies and signing, the durable queue while our server is down and after, and
 * the product endpoint with our own relay pushing to it.
 */

const PRODUCT_SERVER = path.join(__dirname, "tests", "product-server.php");
const API_TOKEN = "php-test-bitrix-token";

let t: TestStack;
let work: string;
let productServer: ChildProcess;
let productOrigin: string;
let productsDir: string;
let products: { id: number; bitrixProductId: number }[];
let nextOrder = 8_800_000;

function freshQueue(): string {
  return fs.mkdtempSync(path.join(work, "queue-"));
}

function snapshot(overrides: Record<string, unknown> = {}) {
  return {
    id: nextOrder++,
    status: "N",
    updated_at: "2026-12-01T10:00:00+05:00",
    customer: { name: "Айгерим", phone: "+7 701 765 43 21" },
    recipient: { name: "Мама", phone: "" },
    delivery: { kind: "DELIVERY", address: "Алматы, Абая 1", from: "2026-12-02 10:00:00+05:00", to: "2026-12-02 12:00:00+05:00", fee: 1500.0 },
    card_text: "С днём рождения!",
    comment: "",
    items: [
      { product_id: products[0].bitrixProductId, name: "Розы 25", quantity: 2.0, price: 5000.0 },
      { product_id: products[1].bitrixProductId, name: "Тюльпаны", quantity: 1, price: 3500.5 },
    ],
    payments: [
      { method: "KASPI", amount: 13501.0, external_id: "kaspi-77", paid: true },
      { method: "CASH", amount: 100.0, external_id: "cash-1", paid: false },
    ],
    ...overrides,
  };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startProductServer(): Promise<void> {
  const port = await freePort();
  productsDir = fs.mkdtempSync(path.join(work, "products-"));
  productServer = spawn("php", ["-S", `127.0.0.1:${port}`, PRODUCT_SERVER], {
    env: { PATH: process.env.PATH ?? "", CVETY_BITRIX_API_TOKEN: API_TOKEN, CVETY_TEST_PRODUCTS_DIR: productsDir, CVETY_IDEMPOTENCY_DIR: path.join(work, "keys") },
    stdio: "ignore",
  });
  productOrigin = `http://127.0.0.1:${port}`;
  await eventually(() => fetch(productOrigin).then(() => true), 10_000, 50);
}

async function bitrixOrder(bitrixOrderId: number) {
  const rows = await t.ownerQuery(`select id, status::text as status, total from "order" where shop_id = $1 and bitrix_order_id = $2`, [PROD_SHOP, bitrixOrderId]);
  return rows.rows;
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "cvety-php-"));
  await startProductServer();
  t = await startTestStack({ env: { BITRIX_BASE_URL: productOrigin, BITRIX_API_TOKEN: API_TOKEN, BITRIX_SYNC_POLL_MS: "50", BITRIX_TIMEOUT_MS: "5000" } });
  const rows = await t.ownerQuery(`select id, bitrix_product_id as "bitrixProductId" from product where shop_id = $1 and bitrix_product_id is not null and archived_at is null order by id limit 3`, [PROD_SHOP]);
  products = rows.rows;
});

afterAll(async () => {
  await t?.stop();
  productServer?.kill();
  fs.rmSync(work, { recursive: true, force: true });
});

describe("the event handlers' bodies and signing", () => {
  let fake: FakeBitrix;
  beforeAll(async () => {
    fake = await startFakeBitrix();
  });
  afterAll(() => fake.close());

  it("OnSaleOrderSaved posts the contract's body: tiyn, ISO times, only paid payments, signed with X-Webhook-Secret", async () => {
    const order = snapshot();
    const result = await php(["order-saved"], order, handlerEnv(fake.url, freshQueue()));
    expect(result).toMatchObject({ code: 0, out: { sent: 1, left: 0 } });
    const [request] = fake.requests.splice(0);
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/api/v1/webhooks/order-sync");
    expect(request.headers["x-webhook-secret"]).toBe(TEST_WEBHOOK_SECRET);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.body).toEqual({
      order_id: order.id,
      status: "N",
      updated_at: "2026-12-01T10:00:00+05:00",
      customer: { name: "Айгерим", phone: "+7 701 765 43 21" },
      recipient: { name: "Мама", phone: null },
      delivery: { kind: "DELIVERY", address: "Алматы, Абая 1", from: "2026-12-02T10:00:00+05:00", to: "2026-12-02T12:00:00+05:00", fee: 150000 },
      card_text: "С днём рождения!",
      comment: null,
      items: [
        { product_id: products[0].bitrixProductId, name: "Розы 25", quantity: 2, price: 500000 },
        { product_id: products[1].bitrixProductId, name: "Тюльпаны", quantity: 1, price: 350050 },
      ],
      payments: [{ method: "KASPI", amount: 1350100, external_id: "kaspi-77" }],
    });
  });

  it("OnSaleStatusOrderChange posts {order_id, status, changed_by_id, notes}", async () => {
    const result = await php(["status-change"], { order_id: 123456, status: "AP", changed_by_id: "42", notes: " принят " }, handlerEnv(fake.url, freshQueue()));
    expect(result.out).toMatchObject({ sent: 1, left: 0 });
    const [request] = fake.requests.splice(0);
    expect(request.path).toBe("/api/v1/webhooks/order-status-sync");
    expect(request.headers["x-webhook-secret"]).toBe(TEST_WEBHOOK_SECRET);
    expect(request.body).toEqual({ order_id: 123456, status: "AP", changed_by_id: 42, notes: "принят" });
  });

  it("a 5xx keeps the delivery with a growing backoff; a refusal (4xx) goes to failed/ and is not retried", async () => {
    const queue = freshQueue();
    const env = handlerEnv(fake.url, queue, { CVETY_BACKOFF_BASE_MS: "60000" });
    fake.queue({ status: 503, body: { error: "down" } }, { status: 500 });
    await php(["status-change"], { order_id: 1, status: "AP" }, env);
    const first = (await php(["queue"], null, env)).out.pending[0];
    expect(first).toMatchObject({ attempts: 1, last_status: 503 });
    expect(first.next_attempt_at - Date.now() / 1000).toBeGreaterThan(25);
    const notDue = await php(["drain"], null, env);
    expect(notDue.out).toMatchObject({ sent: 0, retry: 0, left: 1 });
    await php(["drain", String(first.next_attempt_at + 1)], null, env);
    const second = (await php(["queue"], null, env)).out.pending[0];
    expect(second).toMatchObject({ attempts: 2, last_status: 500 });
    expect(second.next_attempt_at - first.next_attempt_at).toBeGreaterThan(25);
    expect(fake.requests.splice(0)).toHaveLength(2);

    fake.queue({ status: 422, body: { error: "Unknown status code" } });
    const refused = await php(["drain", String(second.next_attempt_at + 1)], null, env);
    expect(refused.out).toMatchObject({ sent: 0, failed: 1, left: 0 });
    expect((await php(["queue"], null, env)).out.failed).toHaveLength(1);
    await php(["drain", String(second.next_attempt_at + 10_000)], null, env);
    expect(fake.requests.splice(0)).toHaveLength(1);
  });

  it("waits at least what the server's Retry-After asks, in seconds or as a date, and no longer than the cap", async () => {
    const queue = freshQueue();
    const env = handlerEnv(fake.url, queue, { CVETY_BACKOFF_BASE_MS: "1000", CVETY_BACKOFF_MAX_MS: "600000" });
    fake.queue({ status: 503, body: { error: "busy" }, headers: { "retry-after": "120" } });
    await php(["status-change"], { order_id: 2, status: "AP" }, env);
    const first = (await php(["queue"], null, env)).out.pending[0];
    expect(first).toMatchObject({ attempts: 1, last_status: 503 });
    // the backoff alone would be 0.5–1 s
    expect(first.next_attempt_at - Date.now() / 1000).toBeGreaterThan(100);

    const inTenMinutes = new Date(first.next_attempt_at * 1000 + 300_000).toUTCString();
    fake.queue({ status: 429, body: { error: "slow down" }, headers: { "retry-after": inTenMinutes } });
    await php(["drain", String(first.next_attempt_at + 1)], null, env);
    const second = (await php(["queue"], null, env)).out.pending[0];
    expect(second).toMatchObject({ attempts: 2, last_status: 429 });
    // a date is read against the real clock: at least 300 s after the first due time
    expect(second.next_attempt_at - first.next_attempt_at).toBeGreaterThan(250);

    fake.queue({ status: 503, body: { error: "busy" }, headers: { "retry-after": "86400" } });
    await php(["drain", String(second.next_attempt_at + 1)], null, env);
    const third = (await php(["queue"], null, env)).out.pending[0];
    expect(third.next_attempt_at - (second.next_attempt_at + 1)).toBeLessThanOrEqual(600);
    expect(fake.requests.splice(0)).toHaveLength(3);
  });
});

describe("against the running server", () => {
  it("a new order and its status changes arrive once each, with the real secret; a wrong secret is refused and parked", async () => {
    const queue = freshQueue();
    const env = handlerEnv(t.origin, queue);
    const order = snapshot({ status: "PD" });
    const created = await php(["order-saved"], order, env);
    expect(created.out).toMatchObject({ sent: 1, left: 0, failed: 0 });
    const [row] = await bitrixOrder(order.id);
    expect(row).toMatchObject({ status: "PAID", total: 500000 * 2 + 350050 + 150000 });
    await php(["status-change"], { order_id: order.id, status: "AP", changed_by_id: 7 }, env);
    const history = await historyOf(t, PROD_SHOP, row.id);
    expect(history.map((h) => [h.newStatus, h.changedBy])).toEqual([
      ["NEW", "bitrix"],
      ["PAID", "bitrix"],
      ["ACCEPTED", "bitrix"],
    ]);
    expect(history.at(-1)!.changedById).toBe("7");

    const wrong = await php(["status-change"], { order_id: order.id, status: "CO" }, { ...env, CVETY_WEBHOOK_SECRET: "wrong" });
    expect(wrong.out).toMatchObject({ sent: 0, failed: 1, left: 0 });
    expect(await historyOf(t, PROD_SHOP, row.id)).toHaveLength(3);
  });

  it("the queue survives our server being down and drains, in order and exactly once, when it is back", async () => {
    const proxy: TcpProxy = await startTcpProxy({ host: "127.0.0.1", port: t.stack.router.port });
    try {
      const queue = freshQueue();
      const env = handlerEnv(`http://127.0.0.1:${proxy.port}`, queue, { CVETY_BACKOFF_BASE_MS: "60000" });
      proxy.pause();
      const order = snapshot();
      const events: [string[], unknown][] = [
        [["order-saved"], order],
        [["status-change"], { order_id: order.id, status: "PD" }],
        [["order-saved"], { ...order, status: "AP", updated_at: "2026-12-01T10:05:00+05:00", comment: "позвонить" }],
        [["status-change"], { order_id: order.id, status: "CO" }],
      ];
      for (const [command, input] of events) {
        const result = await php(command, input, env);
        expect(result.code).toBe(0);
      }
      const waiting = (await php(["queue"], null, env)).out.pending;
      expect(waiting).toHaveLength(4);
      expect(waiting[0]).toMatchObject({ attempts: 1, last_status: 0 });
      expect(waiting.slice(1).every((entry: any) => entry.attempts === 0)).toBe(true);
      expect(await bitrixOrder(order.id)).toEqual([]);

      proxy.resume();
      const later = String(Date.now() / 1000 + 3600);
      const drained = await php(["drain", later], null, env);
      expect(drained.out).toMatchObject({ sent: 4, left: 0, failed: 0 });
      const [row] = await bitrixOrder(order.id);
      expect(row.status).toBe("ASSEMBLED");
      const history = await historyOf(t, PROD_SHOP, row.id);
      expect(history.filter((h) => h.kind === "STATUS").map((h) => h.newStatus)).toEqual(["NEW", "PAID", "ACCEPTED", "ASSEMBLED"]);
      expectChain(history);

      // nothing left to send; and the last delivery sent again (a crash before its file was
      // removed) changes nothing, nor do the order's earlier versions (unchanged / stale)
      expect((await php(["drain", later], null, env)).out).toMatchObject({ sent: 0, left: 0 });
      for (const [command, input] of [events[3], events[0], events[2]]) await php(command, input, env);
      expect(await historyOf(t, PROD_SHOP, row.id)).toHaveLength(history.length);
      expect(await bitrixOrder(order.id)).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });
});

describe("the product endpoint /api/v2/products/update-from-railway/{id}", () => {
  const put = (id: number | string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${productOrigin}/api/v2/products/update-from-railway/${id}`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${API_TOKEN}`, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }));
  const stored = (id: number) => JSON.parse(fs.readFileSync(path.join(productsDir, `${id}.json`), "utf8"));
  const valid = { name: "Розы «Сабина» 25", price: "5 000 ₸", image: "https://cdn.cvety.kz/a.jpg", description: "…", enabled: "Y" };

  beforeAll(() => {
    for (const id of [500001, 500002, products[2].bitrixProductId]) fs.writeFileSync(path.join(productsDir, `${id}.json`), JSON.stringify({ id }));
  });

  it("checks the bearer token", async () => {
    expect((await put(500001, valid, { authorization: "" })).status).toBe(401);
    expect((await put(500001, valid, { authorization: "Bearer nope" })).status).toBe(401);
    expect(stored(500001).updates).toBeUndefined();
  });

  it("parses \"5 000 ₸\" into tiyn and writes the product", async () => {
    const answer = await put(500001, { ...valid, price: "4 950,50 ₸", enabled: "N" });
    expect(answer).toEqual({ status: 200, body: { status: "ok", product_id: 500001 } });
    expect(stored(500001)).toMatchObject({ name: valid.name, price: 495050, enabled: false, image: valid.image });
  });

  it("answers 4xx naming the field where resending cannot help", async () => {
    expect(await put(500001, { ...valid, price: "пять тысяч" })).toMatchObject({ status: 422, body: { field: "price" } });
    expect(await put(500001, { ...valid, name: "" })).toMatchObject({ status: 400, body: { field: "name" } });
    expect(await put(500001, { ...valid, enabled: "maybe" })).toMatchObject({ status: 400, body: { field: "enabled" } });
    expect((await put(500001, "{not json")).status).toBe(400);
    expect((await put(999999, valid)).status).toBe(404);
    expect((await put("abc", valid)).status).toBe(404);
  });

  it("honours Idempotency-Key: a repeat is answered from memory and applied once; the key on another body is refused", async () => {
    const first = await put(500002, valid, { "idempotency-key": "4711" });
    const again = await put(500002, valid, { "idempotency-key": "4711" });
    expect(first).toEqual({ status: 200, body: { status: "ok", product_id: 500002 } });
    expect(again).toEqual({ status: 200, body: { status: "ok", product_id: 500002, replayed: true } });
    expect(stored(500002).updates).toHaveLength(1);
    const reused = await put(500002, { ...valid, name: "другое" }, { "idempotency-key": "4711" });
    expect(reused.status).toBe(422);
    expect(stored(500002).updates).toHaveLength(1);
  });

  it("our relay's push of an admin's edit lands once, in the shape the endpoint takes", async () => {
    const product = products[2];
    const changed = await t.graphql(`mutation($id: ID!) { updateProduct(id: $id, input: { name: "Пионы от PHP", price: 1234500 }) { id } }`, { id: String(product.id) });
    expect(changed.errors).toBeUndefined();
    const pushed = await eventually(async () => {
      const current = stored(product.bitrixProductId);
      return current.name === "Пионы от PHP" ? current : null;
    }, 20_000);
    expect(pushed).toMatchObject({ price: 1234500, enabled: true });
    const outbox = await eventually(async () => {
      const rows = await t.ownerQuery(`select state::text as state, last_status from bitrix_outbox where product_id = $1 order by id desc limit 1`, [product.id]);
      return rows.rows[0]?.state === "DELIVERED" ? rows.rows[0] : null;
    });
    expect(outbox.last_status).toBe(200);
    expect(stored(product.bitrixProductId).updates).toHaveLength(1);
  });
});
