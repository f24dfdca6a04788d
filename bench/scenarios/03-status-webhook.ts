import pg from "pg";
import { cpuDuring, load, percentile, type BenchRow, type BenchScenario, type BenchStack } from "../harness";

/**
 * The Bitrix status webhook at 20 connections, alternating AP/CO over a pool of shop 17008
 * orders, beside a floor measured in the same run: the bare `pg` transaction that updates
 * one order and inserts one history row (BEGIN; UPDATE; INSERT; COMMIT), at the same
 * concurrency, on a disjoint pool of orders. Targets: ≥ 1000 req/s, p99 ≤ 20 ms, p50 ≤ 3× floor.
 */
const CONNECTIONS = 20;
const DURATION_SECONDS = 10;
const SHOP = 17008;
const WEBHOOK_POOL = 200;
const FLOOR_POOL = 100;

interface Pooled {
  id: number;
  bitrixOrderId: number;
  status: string;
}

async function orderPools(databaseUrl: string): Promise<{ webhook: Pooled[]; floor: Pooled[] }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("begin");
    await client.query("select set_config('app.shop_id', $1, true)", [String(SHOP)]);
    const { rows } = await client.query<{ id: number; bitrix_order_id: number; status: string }>(
      `select id, bitrix_order_id, status::text as status from "order" where shop_id = $1 and bitrix_order_id is not null order by id limit $2`,
      [SHOP, WEBHOOK_POOL + FLOOR_POOL],
    );
    await client.query("commit");
    const pooled = rows.map((row) => ({ id: row.id, bitrixOrderId: row.bitrix_order_id, status: row.status }));
    if (pooled.length < WEBHOOK_POOL + FLOOR_POOL)
      throw new Error(`bench needs ${WEBHOOK_POOL + FLOOR_POOL} Bitrix orders, found ${pooled.length}`);
    return { webhook: pooled.slice(0, WEBHOOK_POOL), floor: pooled.slice(WEBHOOK_POOL) };
  } finally {
    await client.end();
  }
}

/** The floor: CONNECTIONS workers, each owning a slice of orders, alternating their status. */
async function measureFloor(databaseUrl: string, orders: Pooled[], seconds: number) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONNECTIONS });
  const latencies: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  const worker = async (index: number) => {
    const mine = orders.filter((_, i) => i % CONNECTIONS === index);
    const client = await pool.connect();
    try {
      for (let step = 0; Date.now() < deadline; step += 1) {
        const order = mine[step % mine.length];
        const next = order.status === "ACCEPTED" ? "ASSEMBLED" : "ACCEPTED";
        const started = process.hrtime.bigint();
        // the shop is set in the same round trip as BEGIN, so row-level security admits the rows
        await client.query(`begin; select set_config('app.shop_id', '${SHOP}', true)`);
        const updated = await client.query(
          `update "order" set status = $1::"OrderStatus", updated_at = now() where id = $2`,
          [next, order.id],
        );
        if (updated.rowCount !== 1) throw new Error("floor: the update touched no row");
        await client.query(
          `insert into order_history (shop_id, order_id, old_status, new_status, changed_by, changed_by_id, notes) values ($1, $2, $3::"OrderStatus", $4::"OrderStatus", 'bitrix', null, null)`,
          [SHOP, order.id, order.status, next],
        );
        await client.query("commit");
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        order.status = next;
      }
    } finally {
      client.release();
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, index) => worker(index)));
  const elapsed = (Date.now() - started) / 1000;
  await pool.end();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), rps: latencies.length / elapsed };
}

async function historyCount(databaseUrl: string, orderIds: number[]): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("begin");
    await client.query("select set_config('app.shop_id', $1, true)", [String(SHOP)]);
    const { rows } = await client.query<{ n: string }>(
      "select count(*) as n from order_history where order_id = any($1::int[])",
      [orderIds],
    );
    await client.query("commit");
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

export const scenario: BenchScenario = {
  name: "status-webhook",
  ownStacks: true,
  async run({ startStack, databaseUrl }): Promise<BenchRow[]> {
    // its own stack: Bitrix posts from one address, so the per-IP webhook limit is off here,
    // as it must be (or raised) for the Bitrix sender in production
    const stack = await startStack({ RATE_LIMIT_WEBHOOK_PER_MINUTE: "0" });
    try {
      return await measure(stack, databaseUrl);
    } finally {
      await stack.stop();
    }
  },
};

async function measure(stack: BenchStack, databaseUrl: string): Promise<BenchRow[]> {
  {
    const pools = await orderPools(databaseUrl);
    const url = `${stack.origin}/api/v1/webhooks/order-status-sync`;
    const headers = {
      "content-type": "application/json",
      "x-webhook-secret": process.env.WEBHOOK_SECRET ?? "bench-webhook-secret",
    };
    let counter = 0;
    // each request moves the next order of the pool to the other of two statuses
    const requests = [
      {
        method: "POST" as const,
        setupRequest(request: any) {
          const index = counter++;
          const order = pools.webhook[index % pools.webhook.length];
          const status = Math.floor(index / pools.webhook.length) % 2 === 0 ? "AP" : "CO";
          request.body = JSON.stringify({ order_id: order.bitrixOrderId, status, changed_by_id: 1 });
          return request;
        },
      },
    ];

    // warm-up: JIT, pool connections, plan caches
    await load({ url, connections: CONNECTIONS, durationSeconds: 2, headers, requests });
    await measureFloor(databaseUrl, pools.floor, 2);

    const ids = pools.webhook.map((order) => order.id);
    const historyBefore = await historyCount(databaseUrl, ids);
    const { result: webhook, cpu: webhookCpu } = await cpuDuring(stack, [], () =>
      load({ url, connections: CONNECTIONS, durationSeconds: DURATION_SECONDS, headers, requests }),
    );
    const historyAfter = await historyCount(databaseUrl, ids);
    const { result: floor, cpu: floorCpu } = await cpuDuring(stack, [], () =>
      measureFloor(databaseUrl, pools.floor, DURATION_SECONDS),
    );

    const ratio = webhook.p50 / Math.max(floor.p50, 0.001);
    const applied = historyAfter - historyBefore;
    const errors = webhook.errors + webhook.non2xx;
    return [
      {
        scenario: "status webhook, 20 conn",
        p50: webhook.p50,
        p99: webhook.p99,
        rps: webhook.rps,
        target: "≥ 1000 req/s, p99 ≤ 20 ms",
        met: webhook.rps >= 1000 && webhook.p99 <= 20 && errors === 0,
        notes: `errors ${errors}; history rows written ${applied}; CPU ${webhookCpu}`,
      },
      {
        scenario: "floor: bare pg update + history insert, 20 conn",
        p50: floor.p50,
        p99: floor.p99,
        rps: floor.rps,
        notes: `CPU ${floorCpu}`,
      },
      {
        scenario: "status webhook / floor latency",
        target: "p50 ≤ 3×",
        met: ratio <= 3,
        notes: `p50 ratio ${ratio.toFixed(2)}`,
      },
    ];
  }
}
