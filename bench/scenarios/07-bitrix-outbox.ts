import path from "node:path";
import readline from "node:readline";
import { spawn } from "node:child_process";
import { createDatabase, type Database } from "../../core/db";
import { cpuDuring, graphqlBody, load, type BenchScenario } from "../harness";

/**
 * The Bitrix outbox under load, against a fake Bitrix (its own process) answering in 50 ms.
 * 1,000 distinct products of shop 17008 with Bitrix ids, so nothing collapses: every
 * updateProduct is one send.
 *  1. relay stopped (BITRIX_BASE_URL unset): 1,000 updateProduct mutations through the router,
 *     8 connections → mutation p50; the trigger queues 1,000 rows that wait.
 *  2. the stack restarted with the relay on: time until that backlog of 1,000 is delivered →
 *     relay throughput.
 *  3. relay running: 1,000 more mutations while it sends → mutation p50, and the time from the
 *     first mutation until the queue is empty again.
 */

const SHOP = 17008;
const PRODUCTS = 1_000;
const BITRIX_ID_BASE = 7_000_000;
const ROOT = path.resolve(__dirname, "..", "..");
const UPDATE = `mutation U($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id price } }`;

async function startFake(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", "fake-bitrix-process.ts")], {
    cwd: ROOT,
    env: { ...process.env, FAKE_BITRIX_DELAY_MS: "50" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`fake Bitrix exited with ${code}`)));
  });
  return {
    url: JSON.parse(line).url,
    pid: child.pid!,
    stop: () => new Promise((resolve) => child.once("exit", resolve).kill("SIGTERM")),
  };
}

/** The relay's own drain time: its first claim of these rows → the last one delivered. */
async function sendingSpan(db: Database): Promise<number> {
  const [row] = await db.withTenant(
    SHOP,
    (tx) =>
      tx.$queryRaw<
        { ms: number }[]
      >`select extract(epoch from max(delivered_at) - min(last_attempt_at))::float8 * 1000 as ms from bitrix_outbox`,
  );
  return row.ms;
}

async function counts(db: Database) {
  const [row] = await db.withTenant(
    SHOP,
    (tx) =>
      tx.$queryRaw<{ pending: bigint; delivered: bigint }[]>`
      select count(*) filter (where state = 'PENDING') as pending, count(*) filter (where state = 'DELIVERED') as delivered from bitrix_outbox`,
  );
  return { pending: Number(row.pending), delivered: Number(row.delivered) };
}

/** Milliseconds since `since` when no row is pending any more (null after the timeout). */
async function drained(db: Database, since: number, timeoutMs = 90_000): Promise<number | null> {
  while (Date.now() - since < timeoutMs) {
    if ((await counts(db)).pending === 0) return Date.now() - since;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return null;
}

export const scenario: BenchScenario = {
  name: "bitrix-outbox",
  ownStacks: true,
  async run({ databaseUrl, startStack, token }) {
    const db = createDatabase(databaseUrl, { max: 2, applicationName: "bench-bitrix" });
    const fake = await startFake();
    const removeProducts = () =>
      db.withTenant(
        SHOP,
        (tx) => tx.$executeRaw`delete from product where shop_id = ${SHOP} and bitrix_product_id >= ${BITRIX_ID_BASE}`,
        {
          origin: "bitrix",
        },
      );
    try {
      // created as if by Bitrix: nothing queued
      await removeProducts();
      const ids = await db.withTenant(
        SHOP,
        async (tx) => {
          await tx.$executeRaw`delete from bitrix_outbox`;
          const created = await tx.$queryRaw<{ id: number }[]>`
            insert into product (shop_id, name, price, bitrix_product_id, updated_at)
            select ${SHOP}, 'Bench bouquet ' || g, 500000, ${BITRIX_ID_BASE} + g, now() from generate_series(1, ${PRODUCTS}) g
            returning id`;
          return created.map((r) => r.id);
        },
        { origin: "bitrix", timeoutMs: 60_000 },
      );
      const headers = { "content-type": "application/json", authorization: `Bearer ${token(SHOP)}` };
      const mutations = async (url: string, price: number, amount = PRODUCTS) => {
        let next = 0;
        const bodies = ids.slice(0, amount).map((id) => graphqlBody(UPDATE, { id: String(id), input: { price } }));
        const result = await load({
          url,
          connections: 8,
          amount,
          requests: [
            {
              setupRequest: (req: any) => ({
                ...req,
                method: "POST",
                path: "/graphql",
                headers,
                body: bodies[next++ % bodies.length],
              }),
            },
          ],
        });
        if (result.errors + result.non2xx > 0)
          throw new Error(`updateProduct failed: ${result.errors} errors, ${result.non2xx} non-2xx`);
        return result;
      };
      const env: Record<string, string> = { BITRIX_API_TOKEN: "bench-token", RATE_LIMIT_MUTATIONS_PER_MINUTE: "0" };
      // the relay's settings can be tried from the command line: BITRIX_SYNC_MAX_PER_SECOND=… npm run bench -- bitrix
      for (const [name, value] of Object.entries(process.env))
        if (name.startsWith("BITRIX_SYNC_") && value !== undefined) env[name] = value;

      // 1. relay stopped
      const stopped = await startStack({ ...env, BITRIX_BASE_URL: "" });
      let offP50: number;
      let offP99: number;
      let offCpu: string;
      try {
        await mutations(stopped.graphqlUrl, 510_000, 200); // warm-up
        await db.withTenant(SHOP, (tx) => tx.$executeRaw`delete from bitrix_outbox`);
        const measured = await cpuDuring(stopped, [{ name: "fake Bitrix", pid: fake.pid }], () =>
          mutations(stopped.graphqlUrl, 520_000),
        );
        const off = measured.result;
        offCpu = measured.cpu;
        [offP50, offP99] = [off.p50, off.p99];
      } finally {
        await stopped.stop();
      }
      const queued = (await counts(db)).pending;

      // 2. the backlog, with the relay on
      const running = await startStack({ ...env, BITRIX_BASE_URL: fake.url });
      try {
        const backlogStarted = Date.now();
        const { result: backlogMs, cpu: backlogCpu } = await cpuDuring(
          running,
          [{ name: "fake Bitrix", pid: fake.pid }],
          () => drained(db, backlogStarted),
        );
        const deliveredBacklog = (await counts(db)).delivered;
        const backlogSpan = await sendingSpan(db);

        // 3. mutations while the relay sends, after the same warm-up as in 1 (a fresh process is slower)
        await mutations(running.graphqlUrl, 510_000, 200);
        await drained(db, Date.now());
        await db.withTenant(SHOP, (tx) => tx.$executeRaw`delete from bitrix_outbox`);
        const liveStarted = Date.now();
        const { result: on, cpu: onCpu } = await cpuDuring(running, [{ name: "fake Bitrix", pid: fake.pid }], () =>
          mutations(running.graphqlUrl, 530_000),
        );
        const liveMs = await drained(db, liveStarted);
        const deliveredLive = (await counts(db)).delivered;

        const ratio = on.p50 / offP50;
        const seconds = (ms: number | null) => (ms === null ? "not drained in 90 s" : `${(ms / 1000).toFixed(2)} s`);
        return [
          {
            scenario: "bitrix outbox: backlog of 1,000 drained",
            target: "≤ 15 s",
            met: backlogMs !== null && backlogSpan <= 15_000 && deliveredBacklog === PRODUCTS,
            notes: `${queued} queued, ${deliveredBacklog} delivered in ${seconds(backlogSpan)} from the relay's first claim (${seconds(backlogMs)} after the router was ready); ${((deliveredBacklog / backlogSpan) * 1000).toFixed(0)} sends/s at 50 ms each; CPU ${backlogCpu}`,
          },
          {
            scenario: "bitrix outbox: 1,000 updates while sending",
            target: "≤ 15 s",
            met: liveMs !== null && liveMs <= 15_000 && deliveredLive === PRODUCTS,
            notes: `first mutation → queue empty ${seconds(liveMs)}; ${deliveredLive} delivered`,
          },
          {
            scenario: "updateProduct, router, 8 conn, relay stopped",
            p50: offP50,
            p99: offP99,
            notes: `1,000 distinct products; CPU ${offCpu}`,
          },
          {
            scenario: "updateProduct, router, 8 conn, relay sending",
            p50: on.p50,
            p99: on.p99,
            notes: `1,000 distinct products; CPU ${onCpu}`,
          },
          {
            scenario: "updateProduct p50 relay sending / stopped",
            target: "≤ 1.10",
            met: ratio <= 1.1,
            notes: `ratio ${ratio.toFixed(2)}`,
          },
        ];
      } finally {
        await running.stop();
      }
    } finally {
      await fake.stop();
      await removeProducts().catch(() => undefined);
      await db.close();
    }
  },
};
