import { createDatabase, type Database } from "../../core/db";
import { startFakeBitrix, type FakeBitrix } from "../../test/fake-bitrix";
import type { BenchScenario, BenchRow } from "../harness";

/**
 * The Bitrix outbox under load: 1,000 product updates (1,000 distinct products, so nothing
 * collapses and every update is one send) against a fake Bitrix that answers in 50 ms.
 * - drain: time from the first update until every row is DELIVERED; the relay's throughput.
 * - cost to writers: p50 of the product update path with the relay running and sending, vs the
 *   same updates with the relay stopped (BITRIX_BASE_URL unset; the trigger still queues).
 * The update path is a tenant transaction doing `update product …` — the path every product
 * mutation and the trigger share (issue 5's updateProduct was not on main when this was written).
 */

const SHOP = 17008;
const PRODUCTS = 1_000;
const WRITERS = 8;
const BITRIX_ID_BASE = 7_000_000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs one update per product from WRITERS concurrent writers; returns each update's latency (ms). */
async function updateAll(db: Database, ids: number[], price: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < ids.length) {
        const id = ids[next++];
        const started = process.hrtime.bigint();
        await db.withTenant(SHOP, (tx) => tx.$executeRaw`update product set price = ${price}, name = name where id = ${id}`);
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }),
  );
  return latencies;
}

async function waitUntilDrained(db: Database, timeoutMs: number): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [row] = await db.withTenant(SHOP, (tx) => tx.$queryRaw<{ pending: bigint }[]>`select count(*) as pending from bitrix_outbox where state = 'PENDING'`);
    if (Number(row.pending) === 0) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return null;
}

export const scenario: BenchScenario = {
  name: "bitrix-outbox",
  async run({ databaseUrl, startStack }) {
    const db = createDatabase(databaseUrl, { max: WRITERS + 2, applicationName: "bench-bitrix" });
    let fake: FakeBitrix | null = null;
    const rows: BenchRow[] = [];
    try {
      // 1,000 products of shop 17008 with Bitrix ids, created as if by Bitrix (nothing queued)
      const ids = await db.withTenant(
        SHOP,
        async (tx) => {
          await tx.$executeRaw`delete from product where shop_id = ${SHOP} and bitrix_product_id >= ${BITRIX_ID_BASE}`;
          const created = await tx.$queryRaw<{ id: number }[]>`
            insert into product (shop_id, name, price, bitrix_product_id, updated_at)
            select ${SHOP}, 'Bench bouquet ' || g, 500000, ${BITRIX_ID_BASE} + g, now() from generate_series(1, ${PRODUCTS}) g
            returning id`;
          return created.map((r) => r.id);
        },
        { origin: "bitrix", timeoutMs: 60_000 },
      );
      const clearQueue = () => db.withTenant(SHOP, (tx) => tx.$executeRaw`delete from bitrix_outbox`);

      fake = await startFakeBitrix();
      fake.respond(() => ({ status: 200, body: { status: "ok" }, delayMs: 50 }));

      // relay stopped: the stack runs without BITRIX_BASE_URL, the trigger queues, nothing is sent
      await clearQueue();
      const stopped = await startStack({ BITRIX_BASE_URL: "", BITRIX_API_TOKEN: "bench-token" });
      await updateAll(db, ids.slice(0, 100), 510000); // warm-up
      await clearQueue();
      const latStopped = await updateAll(db, ids, 520000);
      await stopped.stop();
      await clearQueue();

      // relay running: same updates while the relay drains them to a 50 ms Bitrix
      fake.reset();
      fake.respond(() => ({ status: 200, body: { status: "ok" }, delayMs: 50 }));
      const running = await startStack({ BITRIX_BASE_URL: fake.url, BITRIX_API_TOKEN: "bench-token" });
      const started = Date.now();
      const latRunning = await updateAll(db, ids, 530000);
      const writesDone = Date.now();
      const drainedAt = await waitUntilDrained(db, 60_000);
      await running.stop();

      const sent = fake.requests.length;
      const drainSeconds = drainedAt === null ? Infinity : (drainedAt - started) / 1000;
      const firstSend = fake.requests[0]?.at ?? started;
      const lastSend = fake.requests[fake.requests.length - 1]?.at ?? started;
      const throughput = sent / Math.max(0.001, (lastSend - firstSend + 50) / 1000);
      const keys = new Set(fake.requests.map((r) => r.headers["idempotency-key"]));
      const p50Stopped = percentile(latStopped, 50);
      const p50Running = percentile(latRunning, 50);
      const ratio = p50Running / p50Stopped;
      rows.push(
        {
          scenario: "bitrix outbox: 1,000 updates drained",
          target: "≤ 15 s",
          met: drainSeconds <= 15,
          notes: `drained in ${drainSeconds.toFixed(2)} s (writes took ${((writesDone - started) / 1000).toFixed(2)} s); ${sent} sends, ${keys.size} distinct keys; relay ${throughput.toFixed(0)} sends/s at 50 ms each`,
        },
        { scenario: "product update (SQL path), relay stopped", p50: p50Stopped, p99: percentile(latStopped, 99), notes: `${WRITERS} writers` },
        { scenario: "product update (SQL path), relay sending", p50: p50Running, p99: percentile(latRunning, 99), notes: `${WRITERS} writers` },
        { scenario: "update p50 running / stopped", target: "≤ 1.10", met: ratio <= 1.1, notes: `ratio ${ratio.toFixed(2)}` },
      );
    } finally {
      await fake?.close();
      await db.withTenant(SHOP, (tx) => tx.$executeRaw`delete from product where shop_id = ${SHOP} and bitrix_product_id >= ${BITRIX_ID_BASE}`, { origin: "bitrix" }).catch(() => undefined);
      await db.close();
    }
    return rows;
  },
};
