import { PROD_SHOP, type TestStack } from "../../test/harness";
import { historyOf, orderPicker, postWebhook, statusOf } from "../../test/order-fixtures";
import { startStackBehindProxy, type TcpProxy } from "../../test/tcp-proxy";

/**
 * The database goes away mid-run and comes back: the webhook answers 503 (so Bitrix retries),
 * /health reports degraded, and both recover without a restart. The outage is a TCP proxy
 * cutting the stack off from the shared test PostgreSQL, which other test files keep using.
 */
let t: TestStack;
let proxy: TcpProxy;
let stop: () => Promise<void>;
const pick = orderPicker(() => t);

beforeAll(async () => {
  ({ t, proxy, stop } = await startStackBehindProxy());
});
afterAll(() => stop?.());

async function health() {
  const response = await fetch(`${t.origin}/health`);
  return { status: response.status, body: (await response.json()) as any };
}

it("answers 503 while the database is unreachable and recovers without a restart", async () => {
  const before = await pick(PROD_SHOP, "NEW");
  const during = await pick(PROD_SHOP, "NEW");
  expect((await postWebhook(t, { order_id: before.bitrixOrderId, status: "PD" })).body).toEqual({
    status: "success",
    order_id: before.id,
  });
  expect((await health()).status).toBe(200);

  proxy.pause();
  try {
    const refused = await postWebhook(t, { order_id: during.bitrixOrderId, status: "PD" });
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatch(/database is unavailable/);
    expect(refused.headers.get("retry-after")).toBe("5");

    const degraded = await health();
    expect(degraded.status).toBe(503);
    expect(degraded.body.status).toBe("degraded");
    expect(degraded.body.checks.database.status).toBe("unhealthy");
    expect(typeof degraded.body.checks.database.error).toBe("string");

    const graphql = await t.graphql(`{ orders(first: 1) { totalCount } }`);
    expect(graphql.errors?.[0].extensions?.code).toBe("SERVICE_UNAVAILABLE");

    // bad input is still judged without the database: 400, not 503
    expect((await postWebhook(t, { order_id: "x", status: "PD" })).status).toBe(400);
  } finally {
    proxy.resume();
  }

  // Bitrix retries the same delivery: applied once
  const retried = await postWebhook(t, { order_id: during.bitrixOrderId, status: "PD" });
  expect(retried.status).toBe(200);
  expect(retried.body).toEqual({ status: "success", order_id: during.id });
  expect(await statusOf(t, PROD_SHOP, during.id)).toBe("PAID");
  expect(await historyOf(t, PROD_SHOP, during.id)).toHaveLength(2);

  const healthy = await health();
  expect(healthy.status).toBe(200);
  expect(healthy.body.status).toBe("healthy");
  const graphql = await t.graphql(`{ orders(first: 1) { totalCount } }`);
  expect(graphql.errors).toBeUndefined();
});

it("a cut in the middle of deliveries: each answer is 200 or 503, nothing is applied twice, and the process survives", async () => {
  const orders = await Promise.all(Array.from({ length: 10 }, () => pick(PROD_SHOP, "PAID")));
  const inFlight = orders.map((order) => postWebhook(t, { order_id: order.bitrixOrderId, status: "AP" }));
  await new Promise((resolve) => setTimeout(resolve, 5));
  proxy.pause();
  const answers = await Promise.all(inFlight);
  for (const answer of answers) expect([200, 503]).toContain(answer.status);
  proxy.resume();
  // Bitrix redelivers everything it did not get a 200 for; a 200 it lost is redelivered too
  const redelivered = await Promise.all(
    orders.map((order) => postWebhook(t, { order_id: order.bitrixOrderId, status: "AP" })),
  );
  for (const answer of redelivered) expect(["success", "unchanged"]).toContain(answer.body.status);
  for (const order of orders) {
    expect(await statusOf(t, PROD_SHOP, order.id)).toBe("ACCEPTED");
    expect((await historyOf(t, PROD_SHOP, order.id)).filter((row) => row.newStatus === "ACCEPTED")).toHaveLength(1);
  }
  expect((await health()).status).toBe(200);
});

it("gives back every pooled connection the cut broke (none stays checked out)", async () => {
  // Prisma transactions and raw ones alike: an interactive transaction whose ROLLBACK fails
  // would otherwise keep its connection forever and shrink the pool with every outage
  const pool = t.stack.db.pool;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const prismaTx = t.stack.db.withTenant(PROD_SHOP, async (tx) => {
    await tx.$queryRaw`select 1 as one`;
    await sleep(300);
    await tx.$queryRaw`select 1 as one`;
  });
  const rawTx = t.stack.db.write(PROD_SHOP, async (sql) => {
    await sql(`select 1 as one`);
    await sleep(300);
    await sql(`select $1::int as one`, [1]);
  });
  await sleep(100);
  proxy.pause();
  const outcomes = await Promise.allSettled([prismaTx, rawTx]);
  expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
  proxy.resume();
  const busy = () => pool.totalCount - pool.idleCount;
  for (let attempt = 0; attempt < 100 && busy() > 0; attempt += 1)
    await new Promise((resolve) => setTimeout(resolve, 50));
  expect(busy()).toBe(0);
  expect(pool.waitingCount).toBe(0);
});
