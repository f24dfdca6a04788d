import fs from "node:fs";
import pg from "pg";
import WebSocket from "ws";
import { createClient, type Client } from "graphql-ws";
import { cpuDuring, percentile, type BenchRow, type BenchScenario } from "../harness";
import { createDatabase } from "../../core/db";
import { changeOrderStatus } from "../../subgraphs/orders/lifecycle";
import type { OrderStatus } from "../../prisma/generated/client";

/**
 * The live order board under load: 1,000 graphql-ws subscribers over 10 shops (100 each), a
 * burst of status changes committed by 10 concurrent writers (one per shop, through the same
 * statement a Bitrix status webhook runs), and the latency from each commit to each
 * subscriber's receipt of it (same clock: this process), plus the router's resident memory. Every subscriber must receive exactly its shop's changes.
 */
const SHOPS = [8, 17008, 9001, 9002, 9003, 9004, 9005, 9006, 9007, 9008];
const SUBSCRIBERS_PER_SHOP = 100;
const CHANGES_PER_SHOP = 20;
const EXTRA_SHOP_ORDERS = 30;
const STATUSES = ["PAID", "ACCEPTED", "ASSEMBLED", "IN_DELIVERY", "DELIVERED", "CANCELLED", "NEW"];

const BOARD = `subscription Board {
  orderStatusChanged { historyId oldStatus newStatus changedBy at order { id status total items { quantity product { name stock } } } }
}`;

async function inShop<T>(client: pg.PoolClient | pg.Client, shopId: number, work: () => Promise<T>): Promise<T> {
  await client.query("begin");
  try {
    await client.query("select set_config('app.shop_id', $1, true), set_config('app.origin', 'system', true)", [String(shopId)]);
    const result = await work();
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  }
}

/** Shops 9001…9008 with a few products and orders (each with an item and its first history entry). */
async function createBenchShops(pool: pg.Pool) {
  const client = await pool.connect();
  try {
    for (const shopId of SHOPS.filter((id) => id > 9000)) {
      await inShop(client, shopId, async () => {
        const exists = await client.query("select 1 from shop where id = $1", [shopId]);
        if (exists.rowCount) return;
        await client.query("insert into shop (id, name, slug) values ($1, $2, $3)", [shopId, `Bench shop ${shopId}`, `bench-${shopId}`]);
        const products: number[] = [];
        for (let i = 0; i < 5; i += 1) {
          const { rows } = await client.query("insert into product (shop_id, name, price, updated_at) values ($1, $2, $3, now()) returning id", [shopId, `Bench bouquet ${i}`, 500000 + i * 10000]);
          products.push(rows[0].id);
        }
        for (let i = 0; i < EXTRA_SHOP_ORDERS; i += 1) {
          const productId = products[i % products.length];
          const { rows } = await client.query(`insert into "order" (shop_id, status, total, updated_at) values ($1, 'NEW', 500000, now()) returning id`, [shopId]);
          await client.query("insert into order_item (shop_id, order_id, product_id, quantity, price, product_name) values ($1, $2, $3, 1, 500000, 'Bench bouquet')", [shopId, rows[0].id, productId]);
          await client.query(`insert into order_history (shop_id, order_id, old_status, new_status, changed_by) values ($1, $2, null, 'NEW', 'bench')`, [shopId, rows[0].id]);
        }
      });
    }
  } finally {
    client.release();
  }
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function metric(origin: string, name: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : 0;
}

/** Upper bucket bound under which `p`% of a Prometheus histogram's observations fall. */
async function histogramPercentile(origin: string, name: string, p: number): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const buckets = [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`, "gm"))].map((m) => ({ le: Number(m[1] === "+Inf" ? Infinity : m[1]), count: Number(m[2]) }));
  const total = buckets.at(-1)?.count ?? 0;
  return (buckets.find((b) => b.count >= (p / 100) * total)?.le ?? NaN) * 1000;
}

export const scenario: BenchScenario = {
  name: "subscriptions",
  async run({ stack, databaseUrl, ownerDatabaseUrl, token }) {
    // writers connect as the application role, behind the tenant wall, like the services do
    const writer = createDatabase(databaseUrl, { max: SHOPS.length, applicationName: "cvety-bench-writer" });
    const owner = new pg.Pool({ connectionString: ownerDatabaseUrl, max: 1, application_name: "cvety-bench-setup" });
    const clients: Client[] = [];
    try {
      await createBenchShops(owner);
      const rssIdle = rssMb(stack.pid);

      // received[shop][historyId] → receipt times of every subscriber of that shop
      const received = new Map<string, number[]>();
      const perSubscriber: { shop: number; ids: string[] }[] = [];
      let errors = 0;
      const url = stack.graphqlUrl.replace(/^http/, "ws");
      const subscribeStarted = performance.now();
      let connected = 0;
      for (const shop of SHOPS) {
        // boards connect shop by shop (100 sockets at a time), not all in the same millisecond
        const target = connected + SUBSCRIBERS_PER_SHOP;
        for (let i = 0; i < SUBSCRIBERS_PER_SHOP; i += 1) {
          const mine = { shop, ids: [] as string[] };
          perSubscriber.push(mine);
          const client = createClient({
            url,
            webSocketImpl: WebSocket,
            connectionParams: { authorization: `Bearer ${token(shop)}` },
            retryAttempts: 0,
            lazy: false,
            on: { connected: () => (connected += 1) },
          });
          clients.push(client);
          client.subscribe<{ orderStatusChanged: { historyId: string } }>(
            { query: BOARD },
            {
              next: (result) => {
                const now = performance.now();
                if (result.errors || !result.data) {
                  errors += 1;
                  return;
                }
                const id = result.data.orderStatusChanged.historyId;
                mine.ids.push(id);
                let times = received.get(id);
                if (!times) received.set(id, (times = []));
                times.push(now);
              },
              error: () => (errors += 1),
              complete: () => undefined,
            },
          );
        }
        while (connected < target) {
          if (performance.now() - subscribeStarted > 120_000) throw new Error(`only ${connected} boards connected in 2 minutes`);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      // live: attached to its shop's stream (a subscriber without `after` starts from the moment it attaches)
      while ((await metric(stack.origin, 'board_subscribers{state="live"}')) < SHOPS.length * SUBSCRIBERS_PER_SHOP) {
        if (performance.now() - subscribeStarted > 120_000) throw new Error("subscribers did not attach in 2 minutes");
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, 1_000));
      const attachSeconds = (performance.now() - subscribeStarted) / 1000;
      const rssSubscribed = rssMb(stack.pid);

      // one writer per shop, `changes` status changes each over its shop's orders, written the
      // way a Bitrix status webhook writes them (changeOrderStatus: one autocommit statement)
      const write = (changes: number, into: Map<string, { at: number; shop: number }>) =>
        Promise.all(
          SHOPS.map(async (shop, s) => {
            const orders = await writer.read(shop, (sql) =>
              sql<{ id: number; status: string }>(`select id, status::text as status from "order" where shop_id = $1 order by id limit $2`, [shop, CHANGES_PER_SHOP]),
            );
            for (let i = 0; i < changes; i += 1) {
              const order = orders[i % orders.length];
              // the next status in the cycle that differs from the order's: every change writes a row
              let k = i + s;
              while (STATUSES[k % STATUSES.length] === order.status) k += 1;
              const status = STATUSES[k % STATUSES.length] as OrderStatus;
              const result = await writer.write(shop, (sql) => changeOrderStatus(sql, shop, { id: order.id }, { status }, { kind: "bitrix", changedById: null }), {
                origin: "bitrix",
                autocommit: true,
              });
              if (result.outcome !== "changed") throw new Error(`bench writer: order ${order.id} ${result.outcome}`);
              order.status = status;
              into.set(String(result.historyId), { at: performance.now(), shop });
            }
          }),
        );
      const deliveredCount = () => [...received.values()].reduce((n, times) => n + times.length, 0);

      // warm-up: one change per shop, delivered before the clock starts (the first events query
      // after a start plans the query and warms every path it takes; that is not the steady state)
      const warmUp = new Map<string, { at: number; shop: number }>();
      await write(1, warmUp);
      while (deliveredCount() < warmUp.size * SUBSCRIBERS_PER_SHOP) {
        if (performance.now() - subscribeStarted > 180_000) throw new Error("the warm-up changes were not delivered");
        await new Promise((r) => setTimeout(r, 20));
      }
      const warmUpLatency = Math.max(...[...warmUp].flatMap(([id, { at }]) => (received.get(id) ?? []).map((t) => t - at)));
      for (const id of warmUp.keys()) received.delete(id);

      // the burst: CHANGES_PER_SHOP changes per shop, measured
      const committed = new Map<string, { at: number; shop: number }>();
      let rssPeak = rssSubscribed;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(stack.pid))), 50);
      const burstStarted = performance.now();
      let burstSeconds = 0;
      let expectedDeliveries = 0;
      const { cpu } = await cpuDuring(stack, [], async () => {
        await write(CHANGES_PER_SHOP, committed);
        burstSeconds = (performance.now() - burstStarted) / 1000;
        expectedDeliveries = committed.size * SUBSCRIBERS_PER_SHOP;
        const deadline = performance.now() + 60_000;
        while (deliveredCount() < expectedDeliveries && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        await new Promise((r) => setTimeout(r, 500));
      });
      clearInterval(sampler);
      const serverLag50 = await histogramPercentile(stack.origin, "board_delivery_lag_seconds", 50);
      const serverLag99 = await histogramPercentile(stack.origin, "board_delivery_lag_seconds", 99);

      const latencies: number[] = [];
      for (const [id, { at }] of committed) for (const time of received.get(id) ?? []) latencies.push(time - at);
      latencies.sort((a, b) => a - b);
      // exactly its shop's changes, each once: count what is wrong
      let wrong = 0;
      for (const subscriber of perSubscriber) {
        const own = new Set([...warmUp, ...committed].filter(([, c]) => c.shop === subscriber.shop).map(([id]) => id));
        const got = new Set(subscriber.ids);
        if (got.size !== subscriber.ids.length) wrong += 1;
        else if (got.size !== own.size || [...got].some((id) => !own.has(id))) wrong += 1;
      }
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      const resolutions = await metric(stack.origin, "board_resolutions_total");
      const dispatched = await metric(stack.origin, "board_events_total");
      const handedOver = await metric(stack.origin, "board_deliveries_total");
      return [
        {
          scenario: `board: ${SHOPS.length * SUBSCRIBERS_PER_SHOP} subscribers / ${SHOPS.length} shops, ${committed.size} changes, commit → client`,
          p50,
          p99,
          target: "p99 ≤ 250 ms",
          met: p99 <= 250 && wrong === 0 && latencies.length === expectedDeliveries,
          notes: `deliveries ${latencies.length}/${expectedDeliveries}, subscribers with a wrong set ${wrong}, errors ${errors}, burst ${burstSeconds.toFixed(1)} s, warm-up change (1 per shop, not counted) slowest ${warmUpLatency.toFixed(0)} ms, attach ${attachSeconds.toFixed(1)} s, gateway calls ${resolutions}, events dispatched ${dispatched}, handed to sockets ${handedOver}; router-side lag (row written → socket) p50 ≤ ${serverLag50} ms p99 ≤ ${serverLag99} ms; CPU during burst and delivery: ${cpu}; load ${fs.readFileSync("/proc/loadavg", "utf8").split(" ")[0]}`,
        },
        {
          scenario: "board: router RSS",
          target: "≤ 300 MB",
          met: rssPeak <= 300,
          notes: `idle ${rssIdle.toFixed(0)} MB, ${SHOPS.length * SUBSCRIBERS_PER_SHOP} subscribed ${rssSubscribed.toFixed(0)} MB, peak in burst ${rssPeak.toFixed(0)} MB (${stack.pids.length > 1 ? "the router's process" : "the one stack process"})`,
        },
      ] satisfies BenchRow[];
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
      await writer.close();
      await owner.end();
    }
  },
};
