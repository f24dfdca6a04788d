import { startTestStack, DEV_SHOP, PROD_SHOP, TEST_WEBHOOK_SECRET, type TestStack } from "../../../test/harness";
import { startFakeBitrix, eventually, type FakeBitrix } from "../../../test/fake-bitrix";

/**
 * The Bitrix sync as people see it, through the router: Product.bitrixSync, the queue, retries,
 * roles, tenancy and /metrics. The whole stack runs with its relay pointed at a fake Bitrix.
 */

let t: TestStack;
let fake: FakeBitrix;
let products: { id: number; bitrixProductId: number | null }[];
let next = 0;
const product = () => products[next++];

const ENTRY = `id state attempts changes lastAttemptAt lastHttpStatus lastError nextAttemptAt deliveredAt createdAt updatedAt bitrixProductId product { id name }`;
const QUEUE = `query Queue($state: BitrixSyncState, $first: Int, $after: String) {
  bitrixSyncQueue(state: $state, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${ENTRY} } } }
}`;
const RETRY = `mutation Retry($id: ID!) { retryBitrixSync(id: $id) { ${ENTRY} } }`;
const PRODUCT = `query P($id: ID!) { product(id: $id) { id bitrixSync { state lastAttemptAt lastError attempts } } }`;

function setPrice(productId: number, price: number) {
  return t.stack.db.withTenant(
    PROD_SHOP,
    (tx) => tx.$executeRaw`update product set price = ${price} where id = ${productId}`,
  );
}

function entries(productId: number) {
  return t.stack.db.withTenant(PROD_SHOP, (tx) =>
    tx.bitrixOutbox.findMany({ where: { productId }, orderBy: { id: "asc" } }),
  );
}

async function parkedEntry() {
  const p = product();
  fake.queue({ status: 422, body: { error: "unknown section" } });
  await setPrice(p.id, 555500);
  const [row] = await eventually(async () => ((await entries(p.id))[0]?.state === "PARKED" ? entries(p.id) : null));
  return { product: p, row };
}

beforeAll(async () => {
  fake = await startFakeBitrix();
  t = await startTestStack({
    env: {
      BITRIX_BASE_URL: fake.url,
      BITRIX_API_TOKEN: "api-test-token",
      BITRIX_SYNC_POLL_MS: "20",
      // a failed send waits a minute: long enough to see it PENDING, retryBitrixSync skips the wait
      BITRIX_SYNC_BACKOFF_BASE_MS: "60000",
    },
  });
  products = await t.stack.db.withTenant(PROD_SHOP, (tx) =>
    tx.product.findMany({ where: { shopId: PROD_SHOP, bitrixProductId: { not: null } }, orderBy: { id: "asc" } }),
  );
});

afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

describe("Product.bitrixSync", () => {
  it("is null for a product never queued and shows the delivered state after a change", async () => {
    const p = product();
    const before = await t.graphql(PRODUCT, { id: String(p.id) });
    expect(before.errors).toBeUndefined();
    expect(before.data.product.bitrixSync).toBeNull();

    await setPrice(p.id, 610000);
    await eventually(async () => (await entries(p.id))[0]?.state === "DELIVERED");
    const after = await t.graphql(PRODUCT, { id: String(p.id) }, { token: t.token(PROD_SHOP, "ADMIN") });
    expect(after.errors).toBeUndefined();
    // the queue's state (Bitrix's errors and HTTP statuses) is ADMIN-only, like bitrixSyncQueue (issue 17 row 6)
    for (const role of ["MANAGER", "FLORIST", "COURIER"] as const) {
      const other = await t.graphql(PRODUCT, { id: String(p.id) }, { token: t.token(PROD_SHOP, role) });
      expect(other.errors?.map((e) => [e.path?.join("."), e.extensions?.code])).toEqual([
        ["product.bitrixSync", "FORBIDDEN"],
      ]);
      expect(other.data.product).toEqual({ id: String(p.id), bitrixSync: null });
    }
    expect(after.data.product.bitrixSync).toMatchObject({ state: "DELIVERED", attempts: 1, lastError: null });
    expect(Date.parse(after.data.product.bitrixSync.lastAttemptAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("is batched: a page of products asks for it in one query", async () => {
    const statements = async (query: string) => {
      const before = t.stack.db.statementCount();
      const result = await t.graphql(query);
      expect(result.errors).toBeUndefined();
      expect(result.data.products.edges.length).toBeGreaterThan(40);
      return t.stack.db.statementCount() - before;
    };
    const without = await statements(`{ products(first: 50) { edges { node { id } } } }`);
    const withSync = await statements(`{ products(first: 50) { edges { node { id bitrixSync { state } } } } }`);
    // one more read transaction (3 statements) plus background noise on the shared pool (the
    // stock consumer polls); a query per product would add about 150
    expect(withSync - without).toBeGreaterThan(0);
    expect(withSync - without).toBeLessThanOrEqual(25);
  });
});

describe("through the real paths", () => {
  it("an admin's updateProduct reaches Bitrix", async () => {
    const p = product();
    const result = await t.graphql(
      `mutation U($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id price } }`,
      { id: String(p.id), input: { name: "Пионы «Сара Бернар»", price: 1234500 } },
    );
    expect(result.errors).toBeUndefined();
    const [row] = await eventually(async () =>
      (await entries(p.id))[0]?.state === "DELIVERED" ? entries(p.id) : null,
    );
    const request = fake.requests.find((r) => r.headers["idempotency-key"] === String(row.id));
    expect(request?.path).toBe(`/api/v2/products/update-from-railway/${p.bitrixProductId}`);
    expect(request?.body).toMatchObject({ name: "Пионы «Сара Бернар»", price: "12 345 ₸" });
  });

  it("a change that arrived through the Bitrix product webhook is not sent back", async () => {
    const p = product();
    const before = fake.requests.length;
    const response = await fetch(`${t.origin}/api/v1/webhooks/product-sync`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-webhook-secret": TEST_WEBHOOK_SECRET },
      body: JSON.stringify({ product_id: p.bitrixProductId, name: "Из Битрикса", price: "7 000 ₸", enabled: "N" }),
    });
    expect(response.status).toBe(200);
    const changed = await t.stack.db.withTenant(PROD_SHOP, (tx) =>
      tx.product.findUniqueOrThrow({ where: { id: p.id } }),
    );
    expect(changed).toMatchObject({ name: "Из Битрикса", price: 700000, enabled: false });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await entries(p.id)).toHaveLength(0);
    expect(fake.requests.length).toBe(before);
  });
});

describe("bitrixSyncQueue and retryBitrixSync", () => {
  it("shows a parked change with Bitrix's answer; a retry sends the current state under a new key", async () => {
    const { product: p, row } = await parkedEntry();
    const parked = await t.graphql(QUEUE, { state: "PARKED" });
    expect(parked.errors).toBeUndefined();
    const node = parked.data.bitrixSyncQueue.edges.map((e: any) => e.node).find((n: any) => n.id === String(row.id));
    expect(node).toMatchObject({
      state: "PARKED",
      attempts: 1,
      lastHttpStatus: 422,
      nextAttemptAt: null,
      deliveredAt: null,
      bitrixProductId: p.bitrixProductId,
      product: { id: String(p.id) },
    });
    expect(node.lastError).toContain("unknown section");

    await setPrice(p.id, 565600); // fixed in the meantime
    const retried = await t.graphql(RETRY, { id: String(row.id) });
    expect(retried.errors).toBeUndefined();
    const fresh = retried.data.retryBitrixSync;
    expect(fresh.id).not.toBe(String(row.id));
    expect(fresh.product.id).toBe(String(p.id));
    await eventually(async () => (await entries(p.id)).find((e) => String(e.id) === fresh.id)?.state === "DELIVERED");
    const last = fake.requests[fake.requests.length - 1];
    expect(last.headers["idempotency-key"]).toBe(fresh.id);
    expect(last.body.price).toBe("5 656 ₸");
    const old = (await entries(p.id)).find((e) => e.id === row.id);
    expect(old?.state).toBe("REPLACED");

    const view = await t.graphql(PRODUCT, { id: String(p.id) });
    expect(view.data.product.bitrixSync.state).toBe("DELIVERED");
  });

  it("retrying a pending change sends it now instead of after its backoff", async () => {
    const p = product();
    fake.queue({ status: 503 });
    await setPrice(p.id, 570000);
    const [waiting] = await eventually(async () =>
      (await entries(p.id))[0]?.lastStatus === 503 ? entries(p.id) : null,
    );
    expect(waiting.state).toBe("PENDING");
    const pending = await t.graphql(QUEUE, { state: "PENDING" });
    const node = pending.data.bitrixSyncQueue.edges
      .map((e: any) => e.node)
      .find((n: any) => n.id === String(waiting.id));
    expect(Date.parse(node.nextAttemptAt)).toBeGreaterThan(Date.now() + 10_000);

    const retried = await t.graphql(RETRY, { id: String(waiting.id) });
    expect(retried.errors).toBeUndefined();
    expect(retried.data.retryBitrixSync.id).toBe(String(waiting.id));
    const [done] = await eventually(async () =>
      (await entries(p.id))[0]?.state === "DELIVERED" ? entries(p.id) : null,
    );
    expect(done.attempts).toBe(2);
  });

  it("refuses to retry a delivered entry with CONFLICT", async () => {
    const p = product();
    await setPrice(p.id, 580000);
    const [row] = await eventually(async () =>
      (await entries(p.id))[0]?.state === "DELIVERED" ? entries(p.id) : null,
    );
    const result = await t.graphql(RETRY, { id: String(row.id) });
    expect(result.errors?.[0].extensions?.code).toBe("CONFLICT");
  });

  it("pages through the queue with cursors", async () => {
    const all = await t.graphql(QUEUE, { first: 100 });
    expect(all.errors).toBeUndefined();
    const total = all.data.bitrixSyncQueue.totalCount;
    expect(total).toBeGreaterThanOrEqual(4);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await t.graphql(QUEUE, { first: 2, after });
      expect(page.errors).toBeUndefined();
      seen.push(...page.data.bitrixSyncQueue.edges.map((e: any) => e.node.id));
      if (!page.data.bitrixSyncQueue.pageInfo.hasNextPage) break;
      after = page.data.bitrixSyncQueue.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.data.bitrixSyncQueue.edges.map((e: any) => e.node.id));
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => a - b));
  });

  it.each([
    ["an unknown state", QUEUE, { state: "STUCK" }, "BAD_USER_INPUT"],
    ["first: 0", QUEUE, { first: 0 }, "BAD_USER_INPUT"],
    ["first: 101", QUEUE, { first: 101 }, "BAD_USER_INPUT"],
    ["a forged cursor", QUEUE, { after: "bm90LWEtY3Vyc29y" }, "BAD_USER_INPUT"],
    ["a non-numeric id", RETRY, { id: "abc" }, "BAD_USER_INPUT"],
    ["an unknown id", RETRY, { id: "99999999" }, "NOT_FOUND"],
  ])("answers %s with a coded error", async (_name, query, variables, code) => {
    const result = await t.graphql(query, variables);
    expect(result.errors?.[0].extensions?.code).toBe(code);
    expect(result.status).toBeLessThan(500);
  });
});

describe("who may see and retry", () => {
  it.each(["MANAGER", "FLORIST", "COURIER"] as const)(
    "%s gets FORBIDDEN for the queue and for retries",
    async (role) => {
      const token = t.token(PROD_SHOP, role);
      const queue = await t.graphql(QUEUE, {}, { token });
      expect(queue.errors?.[0].extensions?.code).toBe("FORBIDDEN");
      const retry = await t.graphql(RETRY, { id: "1" }, { token });
      expect(retry.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    },
  );

  it("anonymous callers are UNAUTHENTICATED", async () => {
    const result = await t.graphql(QUEUE, {}, { token: null });
    expect(result.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("shop 8 sees nothing of shop 17008's queue and cannot retry its entries", async () => {
    const { row } = await parkedEntry();
    const own = await t.graphql(QUEUE, { first: 100 });
    expect(own.data.bitrixSyncQueue.totalCount).toBeGreaterThan(0);

    const devToken = t.token(DEV_SHOP, "ADMIN");
    const queue = await t.graphql(QUEUE, { first: 100 }, { token: devToken });
    expect(queue.errors).toBeUndefined();
    expect(queue.data.bitrixSyncQueue).toMatchObject({ totalCount: 0, edges: [] });
    const parked = await t.graphql(QUEUE, { state: "PARKED" }, { token: devToken });
    expect(parked.data.bitrixSyncQueue.totalCount).toBe(0);

    const retry = await t.graphql(RETRY, { id: String(row.id) }, { token: devToken });
    expect(retry.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const untouched = (await entries(row.productId)).find((e) => e.id === row.id);
    expect(untouched?.state).toBe("PARKED");

    // nor through the product: shop 8 cannot reach shop 17008's product at all
    const viaProduct = await t.graphql(PRODUCT, { id: String(row.productId) }, { token: devToken });
    expect(viaProduct.data.product).toBeNull();
  });
});

describe("metrics", () => {
  it("exposes queue depth, the oldest pending age and sends by outcome", async () => {
    // a pending change that will wait: Bitrix answers 500 and the backoff is a minute
    const p = product();
    fake.queue({ status: 500 });
    await setPrice(p.id, 590000);
    await eventually(async () => (await entries(p.id))[0]?.lastStatus === 500);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the gauges cache for a second
    const text = await (await fetch(`${t.origin}/metrics`)).text();
    const value = (pattern: RegExp) => Number(text.match(pattern)?.[1] ?? NaN);
    expect(value(/^bitrix_sync_queue_depth\{state="PENDING"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^bitrix_sync_queue_depth\{state="PARKED"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^bitrix_sync_oldest_pending_age_seconds ([\d.]+)/m)).toBeGreaterThan(0.5);
    expect(value(/^bitrix_sync_sends_total\{outcome="delivered",reason="2xx"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^bitrix_sync_sends_total\{outcome="retry",reason="5xx"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^bitrix_sync_sends_total\{outcome="parked",reason="4xx"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
  });
});
