import pg from "pg";
import { cpuDuring, load, type BenchRow, type BenchScenario, type BenchStack } from "../harness";

/**
 * The Bitrix whole-order webhook (POST /api/v1/webhooks/order-sync) at 20 connections: new
 * 3-item orders (each request a Bitrix order we have not seen: order, client, items, history in
 * one transaction), then redeliveries of those same orders unchanged (the digest matches:
 * nothing is written). Targets: new ≥ 500 orders/s with p99 ≤ 50 ms; redeliveries ≥ 2× that.
 * Then, on the same stack, the status webhook (POST /api/v1/webhooks/order-status-sync, as in
 * 03-status-webhook.ts) over the orders just created: the figures are compared with it as
 * ratios measured in this run, since a shared machine's absolute figures drift.
 */
const CONNECTIONS = 20;
const DURATION_SECONDS = 10;
const SHOP = 17008;
const FIRST_BITRIX_ORDER = 60_000_000;

async function bitrixProducts(databaseUrl: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("begin");
    await client.query("select set_config('app.shop_id', $1, true)", [String(SHOP)]);
    const { rows } = await client.query<{ id: number }>(
      `select bitrix_product_id as id from product where shop_id = $1 and bitrix_product_id is not null order by id limit 30`,
      [SHOP],
    );
    await client.query("commit");
    return rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

async function syncedOrders(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("begin");
    await client.query("select set_config('app.shop_id', $1, true)", [String(SHOP)]);
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from "order" where shop_id = $1 and bitrix_order_id >= $2`,
      [SHOP, FIRST_BITRIX_ORDER],
    );
    await client.query("commit");
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

/** The body Bitrix would send for order `n`: 3 items of the seeded catalog, paid by Kaspi. */
function orderBody(n: number, productIds: number[]): string {
  const item = (k: number) => ({
    product_id: productIds[(n + k) % productIds.length],
    name: `Букет ${k}`,
    quantity: 1 + (k % 2),
    price: "5 000 ₸",
  });
  return JSON.stringify({
    order_id: FIRST_BITRIX_ORDER + n,
    status: "N",
    updated_at: "2026-12-01T10:00:00+05:00",
    customer: { name: "Покупатель", phone: `+7701${String(1_000_000 + (n % 5_000)).slice(1)}` },
    recipient: { name: "Получатель", phone: "+77020000001" },
    delivery: {
      kind: "DELIVERY",
      address: "Алматы, Абая 1",
      from: "2026-12-02T10:00:00+05:00",
      to: "2026-12-02T12:00:00+05:00",
      fee: "1 500 ₸",
    },
    card_text: "С праздником",
    items: [item(0), item(1), item(2)],
    payments: [{ method: "KASPI", amount: "21 500 ₸", external_id: `kaspi-${n}` }],
  });
}

export const scenario: BenchScenario = {
  name: "order-sync",
  ownStacks: true,
  async run({ startStack, databaseUrl }): Promise<BenchRow[]> {
    // Bitrix posts from one address: the per-IP webhook limit is off (or raised) for it
    const stack = await startStack({ RATE_LIMIT_WEBHOOK_PER_MINUTE: "0" });
    try {
      return await measure(stack, databaseUrl);
    } finally {
      await stack.stop();
    }
  },
};

async function measure(stack: BenchStack, databaseUrl: string): Promise<BenchRow[]> {
  const productIds = await bitrixProducts(databaseUrl);
  if (productIds.length < 3) throw new Error("bench needs Bitrix-linked products in shop 17008");
  const url = `${stack.origin}/api/v1/webhooks/order-sync`;
  const headers = {
    "content-type": "application/json",
    "x-webhook-secret": process.env.WEBHOOK_SECRET ?? "bench-webhook-secret",
  };
  let next = 0;
  const fresh = [
    { method: "POST" as const, setupRequest: (request: any) => ({ ...request, body: orderBody(next++, productIds) }) },
  ];

  // warm-up: JIT, pool connections, plan caches (these orders count as created too)
  await load({ url, connections: CONNECTIONS, durationSeconds: 2, headers, requests: fresh });
  const before = await syncedOrders(databaseUrl);
  const firstNew = next;
  const { result: created, cpu: createdCpu } = await cpuDuring(stack, [], () =>
    load({ url, connections: CONNECTIONS, durationSeconds: DURATION_SECONDS, headers, requests: fresh }),
  );
  const createdCount = (await syncedOrders(databaseUrl)) - before;

  // redeliveries: the orders just created, sent again unchanged, round and round
  const span = Math.max(1, next - firstNew);
  let again = 0;
  const redeliveries = [
    {
      method: "POST" as const,
      setupRequest: (request: any) => ({ ...request, body: orderBody(firstNew + (again++ % span), productIds) }),
    },
  ];
  const { result: unchanged, cpu: unchangedCpu } = await cpuDuring(stack, [], () =>
    load({ url, connections: CONNECTIONS, durationSeconds: DURATION_SECONDS, headers, requests: redeliveries }),
  );
  const afterRedelivery = await syncedOrders(databaseUrl);
  const status = await statusWebhookLoad(stack, headers, firstNew, next);

  const createdErrors = created.errors + created.non2xx;
  const unchangedErrors = unchanged.errors + unchanged.non2xx;
  const ratio = unchanged.rps / Math.max(created.rps, 1);
  const toStatus = (rps: number) => `${(rps / Math.max(status.rps, 1)).toFixed(2)}× the status webhook`;
  return [
    {
      scenario: "order-sync: new 3-item orders, 20 conn",
      p50: created.p50,
      p99: created.p99,
      rps: created.rps,
      target: "≥ 500 orders/s, p99 ≤ 50 ms",
      met: created.rps >= 500 && created.p99 <= 50 && createdErrors === 0,
      notes: `${toStatus(created.rps)}; errors ${createdErrors}; orders created ${createdCount}; CPU ${createdCpu}`,
    },
    {
      scenario: "order-sync: unchanged redeliveries, 20 conn",
      p50: unchanged.p50,
      p99: unchanged.p99,
      rps: unchanged.rps,
      target: "≥ 2× new orders/s",
      met: ratio >= 2 && unchangedErrors === 0,
      notes: `${ratio.toFixed(2)}× new, ${toStatus(unchanged.rps)}; errors ${unchangedErrors}; orders created meanwhile ${afterRedelivery - before - createdCount} (requests cut off by the end of the first run); CPU ${unchangedCpu}`,
    },
    {
      scenario: "same stack: status webhook, 20 conn (the ratios' base)",
      p50: status.p50,
      p99: status.p99,
      rps: status.rps,
      notes: `errors ${status.errors + status.non2xx}; CPU ${status.cpu}`,
    },
  ];
}

/** The status webhook on the same stack, alternating AP/CO over (up to 200 of) the orders just created. */
async function statusWebhookLoad(stack: BenchStack, headers: Record<string, string>, first: number, end: number) {
  const pool = Math.max(1, Math.min(200, end - first));
  let counter = 0;
  const requests = [
    {
      method: "POST" as const,
      setupRequest(request: any) {
        const index = counter++;
        const status = Math.floor(index / pool) % 2 === 0 ? "AP" : "CO";
        return { ...request, body: JSON.stringify({ order_id: FIRST_BITRIX_ORDER + first + (index % pool), status }) };
      },
    },
  ];
  const url = `${stack.origin}/api/v1/webhooks/order-status-sync`;
  await load({ url, connections: CONNECTIONS, durationSeconds: 2, headers, requests });
  const { result, cpu } = await cpuDuring(stack, [], () =>
    load({ url, connections: CONNECTIONS, durationSeconds: DURATION_SECONDS, headers, requests }),
  );
  return { ...result, cpu };
}
