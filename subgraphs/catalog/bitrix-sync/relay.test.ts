import client from "prom-client";
import { createDatabase, type Database } from "../../../core/db";
import { createLogger } from "../../../core/logger";
import { applicationUrl, createTestDatabase, testConfig, DEV_SHOP, PROD_SHOP } from "../../../test/harness";
import { startFakeBitrix, eventually, type FakeBitrix } from "../../../test/fake-bitrix";
import {
  backoffDelay,
  createBitrixRelay,
  parseRetryAfter,
  RELAY_LISTENER_APPLICATION_NAME,
  SendPace,
  type BitrixRelay,
} from "./relay";
import { claimDue } from "./outbox";

/**
 * The relay against a real PostgreSQL and a fake Bitrix (a real HTTP server on localhost).
 * Products are changed with SQL inside db.withTenant: the triggers queue every path alike.
 * Everything connects as the application role, behind the tenant wall, as the stack does.
 */

const TOKEN = "test-bitrix-api-token";
let database: { url: string; drop(): Promise<void> };
let db: Database;
let fake: FakeBitrix;
let relays: BitrixRelay[] = [];
let products: { id: number; bitrixProductId: number; name: string; price: number }[];

function relayEnv(extra: Record<string, string> = {}) {
  return {
    BITRIX_BASE_URL: fake.url,
    BITRIX_API_TOKEN: TOKEN,
    BITRIX_SYNC_POLL_MS: "20",
    BITRIX_SYNC_BACKOFF_BASE_MS: "20",
    BITRIX_SYNC_BACKOFF_MAX_MS: "80",
    BITRIX_TIMEOUT_MS: "2000",
    ...extra,
  };
}

async function startRelay(env: Record<string, string> = {}, registry?: client.Registry, stopGraceMs?: number) {
  const relay = createBitrixRelay({
    config: testConfig(relayEnv(env)),
    db,
    databaseUrl: applicationUrl(database.url),
    logger: createLogger("silent"),
    stopGraceMs,
  });
  if (registry) relay.registerMetrics(registry);
  await relay.start();
  relays.push(relay);
  return relay;
}

function change(shopId: number, sql: (tx: any) => Promise<unknown>, origin: "user" | "bitrix" = "user") {
  return db.withTenant(shopId, sql, { origin });
}

function setPrice(productId: number, price: number, origin: "user" | "bitrix" = "user") {
  return change(PROD_SHOP, (tx) => tx.$executeRaw`update product set price = ${price} where id = ${productId}`, origin);
}

function outbox(productId: number, shopId = PROD_SHOP) {
  return db.withTenant(shopId, (tx) => tx.bitrixOutbox.findMany({ where: { productId }, orderBy: { id: "asc" } }));
}

async function metricValue(registry: client.Registry, labels: Record<string, string>) {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === "bitrix_sync_sends_total");
  return (metric?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))
    .reduce((sum, v) => sum + v.value, 0);
}

let nextBitrixId = 990_000;
/** Products of their own for tests that need many (created as if by Bitrix: nothing queued). */
function freshProducts(count: number): Promise<{ id: number; bitrixProductId: number }[]> {
  const first = nextBitrixId;
  nextBitrixId += count;
  return change(
    PROD_SHOP,
    (tx) => tx.$queryRaw`
      insert into product (shop_id, name, price, bitrix_product_id, updated_at)
      select ${PROD_SHOP}, 'Relay test bouquet ' || g, 500000, g, now() from generate_series(${first}::int, ${first + count - 1}::int) g
      returning id, bitrix_product_id as "bitrixProductId"`,
    "bitrix",
  ) as Promise<{ id: number; bitrixProductId: number }[]>;
}

/**
 * A positive signal instead of a pause before "nothing more was sent": a marker edit made now is
 * claimed no earlier than anything already due (claims go by due time, then id), so once it is
 * delivered and the relays have stopped (stop waits for sends in flight), every send the relays
 * were going to make of what came before has reached the fake. Returns the requests but the marker's.
 */
async function drained() {
  const [marker] = await freshProducts(1);
  await setPrice(marker.id, 777700);
  await eventually(async () => (await outbox(marker.id))[0]?.state === "DELIVERED");
  await Promise.all(relays.map((r) => r.stop()));
  return fake.requests.filter((r) => !r.path.endsWith(`/${marker.bitrixProductId}`));
}
let nextProduct = 0;
const product = () => products[nextProduct++];

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDatabase(applicationUrl(database.url), { max: 6 });
  fake = await startFakeBitrix();
  products = (await db.withTenant(PROD_SHOP, (tx) =>
    tx.product.findMany({ where: { shopId: PROD_SHOP, bitrixProductId: { not: null } }, orderBy: { id: "asc" } }),
  )) as typeof products;
});

afterEach(async () => {
  await Promise.all(relays.map((r) => r.stop()));
  relays = [];
  fake.reset();
  await db.withTenant(PROD_SHOP, (tx) => tx.$executeRaw`delete from bitrix_outbox`);
  await db.withTenant(DEV_SHOP, (tx) => tx.$executeRaw`delete from bitrix_outbox`);
});

afterAll(async () => {
  await fake?.close();
  await db?.close();
  await database?.drop();
});

describe("Bitrix relay", () => {
  it("the demo seed queued nothing", async () => {
    const count = await db.withTenant(PROD_SHOP, (tx) => tx.bitrixOutbox.count());
    expect(count).toBe(0);
  });

  it("delivers a change once, with the token, the outbox id as idempotency key and the product's state", async () => {
    const p = product();
    await startRelay();
    await change(
      PROD_SHOP,
      (tx) =>
        tx.$executeRaw`update product set price = 500000, name = 'Розы «Сабина»', description = 'Свежие' where id = ${p.id}`,
    );
    const [request] = await fake.waitForRequests(1);
    const [row] = await eventually(async () => ((await outbox(p.id))[0]?.state === "DELIVERED" ? outbox(p.id) : null));
    const mainImage = await db.withTenant(PROD_SHOP, (tx) =>
      tx.productImage.findFirst({ where: { productId: p.id, isMain: true } }),
    );
    expect(request.method).toBe("PUT");
    expect(request.path).toBe(`/api/v2/products/update-from-railway/${p.bitrixProductId}`);
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers["idempotency-key"]).toBe(String(row.id));
    expect(request.headers["content-type"]).toMatch(/^application\/json/);
    expect(request.body).toEqual({
      name: "Розы «Сабина»",
      price: "5 000 ₸",
      image: mainImage!.url,
      description: "Свежие",
      enabled: "Y",
    });
    expect(row).toMatchObject({ attempts: 1, lastStatus: 200, lastError: null, lockedUntil: null });
    expect(row.deliveredAt).toBeInstanceOf(Date);
    expect(await drained()).toHaveLength(1);
  });

  it("retries a 500 and then delivers, under the same key and body", async () => {
    const p = product();
    const registry = new client.Registry();
    fake.queue({ status: 500, body: { error: "database is down" } });
    await startRelay({}, registry);
    await setPrice(p.id, 123400);
    const requests = await fake.waitForRequests(2);
    const [row] = await eventually(async () => ((await outbox(p.id))[0]?.state === "DELIVERED" ? outbox(p.id) : null));
    expect(requests[1].headers["idempotency-key"]).toBe(requests[0].headers["idempotency-key"]);
    expect(requests[1].body).toEqual(requests[0].body);
    expect(requests[0].body.price).toBe("1 234 ₸");
    expect(row).toMatchObject({ attempts: 2, lastStatus: 200, lastError: null });
    expect(await metricValue(registry, { outcome: "retry", reason: "5xx" })).toBe(1);
    expect(await metricValue(registry, { outcome: "delivered" })).toBe(1);
  });

  it("retries after a timeout", async () => {
    const p = product();
    const registry = new client.Registry();
    // the first answer comes long after the timeout; the second at once, well inside a second
    fake.queue({ status: 200, delayMs: 10_000 });
    await startRelay({ BITRIX_TIMEOUT_MS: "1000" }, registry);
    await setPrice(p.id, 200000);
    await fake.waitForRequests(2);
    const [row] = await eventually(async () => ((await outbox(p.id))[0]?.state === "DELIVERED" ? outbox(p.id) : null));
    expect(row.attempts).toBe(2);
    expect(await metricValue(registry, { outcome: "retry", reason: "timeout" })).toBe(1);
    expect(fake.requests[1].headers["idempotency-key"]).toBe(fake.requests[0].headers["idempotency-key"]);
  });

  it("keeps the timeout's error on the row while it waits", async () => {
    const p = product();
    fake.respond(() => ({ status: 200, delayMs: 10_000 }));
    await startRelay({
      BITRIX_TIMEOUT_MS: "200",
      BITRIX_SYNC_BACKOFF_BASE_MS: "60000",
      BITRIX_SYNC_BACKOFF_MAX_MS: "60000",
    });
    await setPrice(p.id, 210000);
    const [row] = await eventually(async () => {
      const rows = await outbox(p.id);
      return rows[0]?.lastError ? rows : null;
    });
    expect(row).toMatchObject({ state: "PENDING", attempts: 1, lastStatus: null, lockedUntil: null });
    expect(row.lastError).toMatch(/timeout: no answer within 200 ms/);
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 20_000);
  });

  it("honours Retry-After on a 429", async () => {
    const p = product();
    fake.queue({ status: 429, headers: { "retry-after": "1" }, body: { error: "slow down" } });
    await startRelay();
    await setPrice(p.id, 220000);
    const [first, second] = await fake.waitForRequests(2, 5_000);
    // the backoff alone would be ≤ 20 ms; Retry-After asks for a second. A lower bound: a slow
    // machine only makes the gap longer (the next attempt is due a second after the answer was read)
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    await eventually(async () => (await outbox(p.id))[0]?.state === "DELIVERED");
  });

  it("parks a 400 at once and keeps Bitrix's message", async () => {
    const p = product();
    const registry = new client.Registry();
    fake.queue({ status: 400, body: { error: "price is not a number" } });
    await startRelay({}, registry);
    await setPrice(p.id, 230000);
    const [row] = await eventually(async () => ((await outbox(p.id))[0]?.state === "PARKED" ? outbox(p.id) : null));
    expect(row).toMatchObject({ attempts: 1, lastStatus: 400 });
    expect(row.lastError).toContain("price is not a number");
    expect(await drained()).toHaveLength(1);
    expect(await metricValue(registry, { outcome: "parked", reason: "4xx" })).toBe(1);
  });

  it("parks after the last attempt instead of dropping the change", async () => {
    const p = product();
    fake.respond(() => ({ status: 503, body: { error: "maintenance" } }));
    await startRelay({ BITRIX_SYNC_MAX_ATTEMPTS: "3" });
    await setPrice(p.id, 240000);
    const [row] = await eventually(async () => ((await outbox(p.id))[0]?.state === "PARKED" ? outbox(p.id) : null));
    expect(row.attempts).toBe(3);
    expect(row.lastError).toMatch(/^gave up after 3 attempts; last: HTTP 503/);
    fake.respond(() => ({ status: 200 }));
    expect(await drained()).toHaveLength(3);
  });

  it("retries network errors", async () => {
    const p = product();
    const closed = await startFakeBitrix();
    const url = closed.url;
    await closed.close();
    await startRelay({ BITRIX_BASE_URL: url });
    await setPrice(p.id, 250000);
    const [row] = await eventually(async () => {
      const rows = await outbox(p.id);
      return rows[0]?.attempts >= 2 ? rows : null;
    });
    expect(row.state).toBe("PENDING");
    expect(row.lastError).toMatch(/^network error: ECONNREFUSED/);
  });

  it("collapses several quick edits into one send of the latest state", async () => {
    const p = product();
    for (const price of [100000, 110000, 120000, 130000]) await setPrice(p.id, price);
    await change(PROD_SHOP, (tx) => tx.$executeRaw`update product set name = 'Последнее имя' where id = ${p.id}`);
    const queued = await outbox(p.id);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ state: "PENDING", changes: 5, attempts: 0 });
    await startRelay();
    await eventually(async () => (await outbox(p.id))[0]?.state === "DELIVERED");
    const sent = await drained();
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toMatchObject({ name: "Последнее имя", price: "1 300 ₸" });
  });

  it("paces a backlog at BITRIX_SYNC_MAX_PER_SECOND: a burst, then a steady rate, nothing lost", async () => {
    const backlog = await freshProducts(5);
    await change(
      PROD_SHOP,
      (tx) => tx.$executeRaw`update product set price = price + 100 where id = any(${backlog.map((p) => p.id)}::int[])`,
    );
    // At 5 a second in bursts of a quarter second's worth (2): no claim takes more than two rows
    // (unlimited, the first would take four), and the fifth starts 600 ms after the relay was
    // made at the soonest. Claims are told apart by the claiming transaction's now() on each row.
    // Both hold however slow the machine (a stall refills the bucket only up to the burst, and
    // only delays sends); the pace's arithmetic itself is tested below with an injected clock.
    const made = Date.now();
    await startRelay({ BITRIX_SYNC_MAX_PER_SECOND: "5", BITRIX_SYNC_CONCURRENCY: "4", BITRIX_SYNC_GATHER_MS: "0" });
    await fake.waitForRequests(backlog.length, 10_000);
    expect(new Set(fake.requests.map((r) => r.path)).size).toBe(backlog.length);
    const rows = await eventually(async () => {
      const all = await db.withTenant(PROD_SHOP, (tx) =>
        tx.bitrixOutbox.findMany({ where: { productId: { in: backlog.map((p) => p.id) } } }),
      );
      return all.length === backlog.length && all.every((r) => r.state === "DELIVERED") ? all : null;
    });
    const perClaim = new Map<number, number>();
    for (const row of rows)
      perClaim.set(row.lastAttemptAt!.getTime(), (perClaim.get(row.lastAttemptAt!.getTime()) ?? 0) + 1);
    expect(Math.max(...perClaim.values())).toBeLessThanOrEqual(2);
    expect(Math.max(...perClaim.keys()) - made).toBeGreaterThanOrEqual(595);
  });

  it("slows to BITRIX_SYNC_BUSY_PER_SECOND while the host's CPU pressure is high, and speeds up when it is calm", async () => {
    const backlog = await freshProducts(5);
    let share = 0.9;
    const registry = new client.Registry();
    const relay = createBitrixRelay({
      config: testConfig(
        relayEnv({
          BITRIX_SYNC_MAX_PER_SECOND: "0",
          BITRIX_SYNC_BUSY_PER_SECOND: "2",
          BITRIX_SYNC_BUSY_CPU_PRESSURE: "50",
          BITRIX_SYNC_CONCURRENCY: "4",
          BITRIX_SYNC_GATHER_MS: "0",
        }),
      ),
      db,
      databaseUrl: applicationUrl(database.url),
      logger: createLogger("silent"),
      cpuPressure: () => ({ sample: () => share }),
      pressureSampleMs: 50,
    });
    relay.registerMetrics(registry);
    relays.push(relay);
    const limit = async () => (await registry.getSingleMetric("bitrix_sync_send_rate_limit")!.get()).values[0]?.value;
    await relay.start();
    await eventually(async () => (await limit()) === 2, 10_000, 10);
    const changed = Date.now();
    await change(
      PROD_SHOP,
      (tx) => tx.$executeRaw`update product set price = price + 100 where id = any(${backlog.map((p) => p.id)}::int[])`,
    );
    // at 2 a second in bursts of one, the second send starts half a second after the first at
    // the soonest (unlimited, all four would go in one claim); a slow machine only adds to it
    const [, second] = await fake.waitForRequests(2);
    expect(second.at - changed).toBeGreaterThanOrEqual(495);
    share = 0.1;
    await eventually(async () => (await limit()) === 0, 10_000, 10);
    await fake.waitForRequests(backlog.length, 10_000);
    expect(new Set(fake.requests.map((r) => r.path)).size).toBe(backlog.length);
  });

  it("gathers the edits committed shortly after a NOTIFY into one claim (BITRIX_SYNC_GATHER_MS)", async () => {
    // no polling to speak of: only the NOTIFY wakes the relay
    await startRelay({ BITRIX_SYNC_POLL_MS: "60000", BITRIX_SYNC_GATHER_MS: "3000" });
    const edited = [product(), product(), product(), product()];
    const firstCommit = Date.now();
    await setPrice(edited[0].id, 140000);
    await change(PROD_SHOP, async (tx) => {
      for (const [i, p] of edited.slice(1).entries())
        await tx.$executeRaw`update product set price = ${141000 + i * 1000} where id = ${p.id}`;
    });
    // the window must still be open for the later edits to join: two commits take milliseconds,
    // the window is 3 s (a bound with room for a busy machine)
    expect(fake.requests).toHaveLength(0);
    await fake.waitForRequests(edited.length);
    const times = fake.requests.map((r) => r.at).sort((a, b) => a - b);
    // nothing went out before the window closed (a lower bound: slowness only delays)
    expect(times[0] - firstCommit).toBeGreaterThanOrEqual(2950);
    // and then all of it in one claim: rows claimed by one statement share its transaction's now()
    const rows = await eventually(async () => {
      const all = (await Promise.all(edited.map((p) => outbox(p.id)))).flat();
      return all.every((r) => r.state === "DELIVERED") ? all : null;
    });
    expect(rows).toHaveLength(edited.length);
    expect(new Set(rows.map((r) => r.lastAttemptAt!.getTime())).size).toBe(1);
    expect(new Set(fake.requests.map((r) => r.path)).size).toBe(edited.length);
  });

  it("an edit made while a send is being retried goes out after it, under a new key", async () => {
    const p = product();
    fake.queue({ status: 500 });
    await startRelay({ BITRIX_SYNC_BACKOFF_BASE_MS: "400", BITRIX_SYNC_BACKOFF_MAX_MS: "400" });
    await setPrice(p.id, 300000);
    await fake.waitForRequests(1);
    await eventually(async () => (await outbox(p.id))[0]?.lastStatus === 500);
    await setPrice(p.id, 310000);
    const rows = await eventually(async () => {
      const all = await outbox(p.id);
      return all.length === 2 && all.every((r) => r.state === "DELIVERED") ? all : null;
    });
    const keys = fake.requests.map((r) => r.headers["idempotency-key"]);
    expect(keys).toEqual([String(rows[0].id), String(rows[0].id), String(rows[1].id)]);
    // the retry resends what the first attempt sent; the newest state arrives last
    expect(fake.requests.map((r) => r.body.price)).toEqual(["3 000 ₸", "3 000 ₸", "3 100 ₸"]);
  });

  it("does not echo a change that came from Bitrix", async () => {
    const p = product();
    await startRelay();
    await setPrice(p.id, 400000, "bitrix");
    await change(
      PROD_SHOP,
      (tx) =>
        tx.$executeRaw`update product_image set url = 'https://cdn.cvety.kz/from-bitrix.jpg' where product_id = ${p.id} and is_main`,
      "bitrix",
    );
    // the trigger queues in the writing transaction: nothing queued now is nothing ever sent
    expect(await outbox(p.id)).toHaveLength(0);
    expect(await drained()).toHaveLength(0);
  });

  it("never sends products of another shop, even with a Bitrix id or a row in the outbox", async () => {
    await startRelay();
    const devProduct = await db.withTenant(DEV_SHOP, (tx) =>
      tx.product.findFirstOrThrow({ where: { shopId: DEV_SHOP } }),
    );
    await change(
      DEV_SHOP,
      (tx) => tx.$executeRaw`update product set bitrix_product_id = 990001, price = 777700 where id = ${devProduct.id}`,
    );
    expect(await outbox(devProduct.id, DEV_SHOP)).toHaveLength(0);
    // a row that somehow got there (e.g. BITRIX_SHOP_ID changed) is not the relay's business
    await change(
      DEV_SHOP,
      (tx) =>
        tx.$executeRaw`insert into bitrix_outbox (shop_id, product_id, bitrix_product_id) values (${DEV_SHOP}, ${devProduct.id}, 990001)`,
    );
    expect(await drained()).toHaveLength(0);
    expect(await outbox(devProduct.id, DEV_SHOP)).toMatchObject([{ state: "PENDING", attempts: 0 }]);
  });

  it("sends only BITRIX_SHOP_ID's products when the setting names another shop", async () => {
    const devProduct = await db.withTenant(DEV_SHOP, (tx) =>
      tx.product.findFirstOrThrow({ where: { shopId: DEV_SHOP }, skip: 1 }),
    );
    const p = product();
    await startRelay({ BITRIX_SHOP_ID: String(DEV_SHOP) });
    try {
      await change(
        DEV_SHOP,
        (tx) =>
          tx.$executeRaw`update product set bitrix_product_id = 990002, price = 880000 where id = ${devProduct.id}`,
      );
      await setPrice(p.id, 880000);
      const [request] = await fake.waitForRequests(1);
      expect(request.path).toBe("/api/v2/products/update-from-railway/990002");
      expect(await outbox(p.id)).toHaveLength(0);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      relays = [];
      await startRelay({ BITRIX_BASE_URL: "" }); // writes BITRIX_SHOP_ID 17008 back
    }
  });

  it("never sends a product without a Bitrix id", async () => {
    const p = product();
    await startRelay();
    await change(PROD_SHOP, (tx) => tx.$executeRaw`update product set bitrix_product_id = null where id = ${p.id}`);
    await setPrice(p.id, 410000);
    expect(await outbox(p.id)).toHaveLength(0);
    expect(await drained()).toHaveLength(0);
  });

  it("parks a queued row whose product lost its Bitrix id before the send", async () => {
    const p = product();
    await setPrice(p.id, 420000);
    await change(PROD_SHOP, (tx) => tx.$executeRaw`update product set bitrix_product_id = null where id = ${p.id}`);
    await startRelay();
    const [row] = await eventually(async () => ((await outbox(p.id))[0]?.state === "PARKED" ? outbox(p.id) : null));
    expect(row.lastError).toMatch(/no Bitrix id/);
    expect(fake.requests).toHaveLength(0);
  });

  it("sends a new main image, an archived product as disabled, and ignores a change of nothing Bitrix gets", async () => {
    const p = product();
    await startRelay();
    await change(PROD_SHOP, async (tx) => {
      await tx.$executeRaw`update product_image set is_main = false where product_id = ${p.id}`;
      await tx.$executeRaw`insert into product_image (shop_id, product_id, url, position, is_main) values (${PROD_SHOP}, ${p.id}, 'https://cdn.cvety.kz/new-main.jpg', 0, true)`;
    });
    await fake.waitForRequests(1);
    expect(fake.requests[0].body.image).toBe("https://cdn.cvety.kz/new-main.jpg");
    await eventually(async () => (await outbox(p.id)).every((r) => r.state === "DELIVERED"));

    // another non-main image and an updated_at bump change nothing Bitrix receives
    await change(PROD_SHOP, async (tx) => {
      await tx.$executeRaw`insert into product_image (shop_id, product_id, url, position, is_main) values (${PROD_SHOP}, ${p.id}, 'https://cdn.cvety.kz/extra.jpg', 5, false)`;
      await tx.$executeRaw`update product set updated_at = now() where id = ${p.id}`;
    });
    expect((await outbox(p.id)).map((r) => r.state)).toEqual(["DELIVERED"]);
    expect(await drained()).toHaveLength(1);

    fake.reset();
    await startRelay();
    await change(PROD_SHOP, (tx) => tx.$executeRaw`update product set archived_at = now() where id = ${p.id}`);
    const [archived] = await fake.waitForRequests(1);
    expect(archived.body.enabled).toBe("N");
  });

  it("a rolled-back change queues nothing", async () => {
    const p = product();
    await expect(
      change(PROD_SHOP, async (tx) => {
        await tx.$executeRaw`update product set price = 1 where id = ${p.id}`;
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await outbox(p.id)).toHaveLength(0);
  });

  it("without BITRIX_BASE_URL rows wait; a relay started later sends them", async () => {
    const p = product();
    await startRelay({ BITRIX_BASE_URL: "" });
    await setPrice(p.id, 430000);
    // an unconfigured relay never claims: the row waits untouched
    expect(await outbox(p.id)).toMatchObject([{ state: "PENDING", attempts: 0, lockedUntil: null }]);
    await startRelay();
    await fake.waitForRequests(1);
    await eventually(async () => (await outbox(p.id))[0]?.state === "DELIVERED");
  });

  it("retries a row whose relay died holding it once the lease runs out", async () => {
    const p = product();
    await setPrice(p.id, 440000);
    // a relay that claims and then is never heard of again
    const [claimed] = await db.write(PROD_SHOP, (sql) => claimDue(sql, PROD_SHOP, 10, 800), { origin: "system" });
    expect(claimed.productId).toBe(p.id);
    const [leased] = await outbox(p.id);
    await startRelay();
    const [request] = await fake.waitForRequests(1, 5_000);
    // not before the dead relay's lease ran out (both clocks are this machine's)
    expect(request.at).toBeGreaterThanOrEqual(leased.lockedUntil!.getTime() - 5);
    expect(request.headers["idempotency-key"]).toBe(String(claimed.id));
    const [row] = await eventually(async () => ((await outbox(p.id))[0]?.state === "DELIVERED" ? outbox(p.id) : null));
    expect(row.attempts).toBe(2);
  });

  it("two relays side by side send each change exactly once", async () => {
    const batch = Array.from({ length: 12 }, () => product());
    fake.respond(() => ({ status: 200, delayMs: 30 }));
    await startRelay({ BITRIX_SYNC_CONCURRENCY: "4" });
    await startRelay({ BITRIX_SYNC_CONCURRENCY: "4" });
    await Promise.all(batch.map((p, i) => setPrice(p.id, 500000 + i * 100)));
    await fake.waitForRequests(batch.length);
    const sent = await drained();
    const keys = sent.map((r) => r.headers["idempotency-key"]);
    expect(new Set(keys).size).toBe(batch.length);
    expect(sent).toHaveLength(batch.length);
  });

  it("stopping hands an unanswered send back without counting the attempt", async () => {
    const p = product();
    fake.respond(() => ({ status: 200, delayMs: 60_000 }));
    const relay = await startRelay({}, undefined, 50);
    await setPrice(p.id, 450000);
    await fake.waitForRequests(1);
    const started = Date.now();
    await relay.stop();
    // the stop did not wait for the answer (a minute away); the bound leaves a busy machine half of it
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await outbox(p.id)).toMatchObject([{ state: "PENDING", attempts: 0, lockedUntil: null }]);
  });
});

describe("the LISTEN connection", () => {
  it("a lost LISTEN connection comes back, claims what is due at once, then a NOTIFY wakes it again", async () => {
    // a minute's poll and no CPU pressure watch: only the LISTEN (a NOTIFY, or listening again) wakes the relay
    await startRelay({
      BITRIX_SYNC_POLL_MS: "60000",
      BITRIX_SYNC_BUSY_CPU_PRESSURE: "0",
      BITRIX_SYNC_BACKOFF_BASE_MS: "1000",
      BITRIX_SYNC_BACKOFF_MAX_MS: "1000",
    });
    const listeners = async () =>
      (
        await db.pool.query<{ pid: number }>(
          // this file's database: relays of other test files run on the same server under the same name
          `select pid from pg_stat_activity
            where application_name = $1 and datname = current_database() and query like 'LISTEN%'`,
          [RELAY_LISTENER_APPLICATION_NAME],
        )
      ).rows;
    const [lost] = await listeners();
    expect(lost).toBeDefined();
    // a row that comes due with no NOTIFY, as one queued while the relay was deaf: a retry
    const p = product();
    fake.queue({ status: 500, body: { error: "try again" } });
    await setPrice(p.id, 460000);
    await fake.waitForRequests(1);
    await eventually(async () => {
      const [row] = await db.write(
        PROD_SHOP,
        (sql) =>
          sql<{ due: boolean }>(
            `select next_attempt_at <= now() and locked_until is null as due from bitrix_outbox where product_id = $1`,
            [p.id],
          ),
        { origin: "system" },
      );
      return row?.due === true;
    });
    // due, and nothing claims it: the poll is a minute away
    expect(fake.requests).toHaveLength(1);
    await db.pool.query(`select pg_terminate_backend($1)`, [lost.pid]);
    await eventually(async () => (await listeners()).some((row) => row.pid !== lost.pid));
    // listening again, the relay claims at once: the retry goes out long before the poll
    const requests = await fake.waitForRequests(2, 20_000);
    expect(requests[1].headers["idempotency-key"]).toBe(requests[0].headers["idempotency-key"]);
    await eventually(async () => (await outbox(p.id))[0]?.state === "DELIVERED");
    // and the renewed LISTEN hears the next change
    const next = product();
    await setPrice(next.id, 470000);
    const [, , heard] = await fake.waitForRequests(3, 20_000);
    expect(heard.path.endsWith(`/${next.bitrixProductId}`)).toBe(true);
  });
});

describe("send pace", () => {
  it("allows a burst, then refills at the rate, never above the burst", () => {
    let now = 0;
    const pace = new SendPace(16, 4, () => now);
    expect(pace.available()).toBe(4);
    pace.take(4);
    expect(pace.available()).toBe(0);
    expect(pace.msUntil(2)).toBe(125);
    now += 130;
    expect(pace.available()).toBe(2);
    now += 60_000;
    expect(pace.available()).toBe(4);
  });

  it("a slower rate has smaller bursts (a quarter second's worth), and a changed rate applies at once", () => {
    const now = 0;
    const pace = new SendPace(100, 32, () => now);
    expect(pace.available()).toBe(25);
    pace.setRate(4);
    expect(pace.available()).toBe(1);
    expect(pace.msUntil(10)).toBe(0); // asks for at most a burst
    pace.take(1);
    expect(pace.msUntil(1)).toBe(250);
    pace.setRate(0);
    expect(pace.available()).toBe(Number.POSITIVE_INFINITY);
  });

  it("a rate of 0 does not limit", () => {
    const pace = new SendPace(0, 4, () => 0);
    pace.take(1_000);
    expect(pace.available()).toBe(Number.POSITIVE_INFINITY);
    expect(pace.msUntil(50)).toBe(0);
  });
});

describe("backoff", () => {
  it("doubles from the base up to the cap, jittered between half and all of it", () => {
    expect(backoffDelay(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelay(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffDelay(30, 1000, 60_000, () => 1)).toBe(60_000);
    expect(backoffDelay(500, 1000, 60_000, () => 0.5)).toBe(45_000);
  });

  it("the default settings retry for about a day before parking", () => {
    const { backoffBaseMs, backoffMaxMs, maxAttempts } = testConfig().bitrixSync;
    let total = 0;
    for (let attempt = 1; attempt < maxAttempts; attempt++)
      total += backoffDelay(attempt, backoffBaseMs, backoffMaxMs, () => 0.5);
    expect(total / 3_600_000).toBeGreaterThan(20);
    expect(total / 3_600_000).toBeLessThan(30);
  });

  it("reads Retry-After as seconds or an HTTP date, ignores garbage", () => {
    const now = Date.parse("2026-11-26T12:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Thu, 26 Nov 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter("99999999", now)).toBe(24 * 3_600_000);
  });
});
