import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { findFreePort, withDatabaseName } from "../../core/database-server";
import { loadConfig } from "../../core/config";
import {
  APP_ROLE,
  createDatabaseIfMissing,
  grantApplicationLogin,
  migrate,
  seedIfEmpty,
  withCredentials,
} from "../database";
import { startEmbeddedServerProcess, type EmbeddedServerProcess } from "../../test/ops/embedded-server";
import { startFakeBitrix, type FakeBitrix } from "../../test/fake-bitrix";
import { partProcess, waitForOk, type PartName, type PartProcess } from "./processes";
import { startLoad, sleep, type Load, type Sent } from "./load";
import { checkBoards, checkLedger, checkProducts } from "./checks";
import { ResumingSubscriber } from "./board";
import { BITRIX_SHOP, loadTargets, newestBoardEvent, partEnvironment } from "./cluster";
import { ALL_FAULTS, type DatabaseHandle, type Fault, type FaultTarget } from "./faults";

/**
 * The fault drill (npm run drill; docs/operations.md "Fault drill"): every part in a process of
 * its own on an embedded PostgreSQL of the drill's own, a mixed load and live boards, and one
 * fault at a time. After each: what was answered success is in the database exactly once, the
 * boards have every event once in commit order, the outbox has delivered every product change,
 * and the router's /ready is back.
 */
export interface DrillRow {
  fault: string;
  /** requests in flight when the fault struck */
  inFlight: number;
  /** requests answered success during the round */
  answered: number;
  /**
   * webhook deliveries sent again after an answer that was not 2xx (503 while a part was down,
   * shed by the delivery gate, or no answer), as Bitrix's retry does: each then applied once
   */
  resent: number;
  lost: number;
  duplicated: number;
  /** from the struck process's return to the router's /ready answering 200 */
  timeToReadyMs: number;
  /** boards that missed or repeated an event (0 expected) */
  boardProblems: string[];
  /** outbox rows not delivered after the round, and edited products whose last delivery is not their price (0 expected) */
  undelivered: number;
}

const ROOT = path.resolve(__dirname, "..", "..");
const DATABASE = "cvety_drill";
const READY_BOUND_MS = 10_000;

interface Cluster extends FaultTarget {
  owner: pg.Pool;
  fake: FakeBitrix;
  routerUrl: string;
  close(): Promise<void>;
}

/** The drill's PostgreSQL: a process of its own, so it can be killed and paused; same data and port on restart. */
async function startDatabase(dataDir: string, port: number) {
  let server: EmbeddedServerProcess = await startEmbeddedServerProcess(dataDir, port);
  const handle: DatabaseHandle & { url: string; stop(): Promise<void> } = {
    url: server.url,
    get pid() {
      return server.pid;
    },
    async restart() {
      if (server.child.exitCode === null) server.child.kill("SIGKILL");
      // a backend of the killed postmaster may hold its shared memory a moment longer: try again
      for (let attempt = 1; ; attempt++) {
        try {
          server = await startEmbeddedServerProcess(dataDir, port);
          return;
        } catch (error) {
          if (attempt >= 10) throw error;
          await sleep(500);
        }
      }
    },
    stop: () => server.stop(),
  };
  return handle;
}

async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  let next = 27_700 + Math.floor(Math.random() * 500);
  while (ports.length < count) {
    const port = await findFreePort(next);
    ports.push(port);
    next = port + 1;
  }
  return ports;
}

async function startCluster(log: (line: string) => void): Promise<Cluster> {
  const dataDir = path.join(ROOT, ".data", `drill-${process.pid}`);
  const [pgPort, catalog, orders, warehouse, workers, router] = await freePorts(6);
  const database = await startDatabase(dataDir, pgPort);
  await createDatabaseIfMissing(database.url, DATABASE);
  const ownerUrl = withDatabaseName(database.url, DATABASE);
  const appUrl = withCredentials(ownerUrl, APP_ROLE, loadConfig({ NODE_ENV: "test" }).appDatabasePassword);
  const fake = await startFakeBitrix();
  const env = partEnvironment(ownerUrl, appUrl, {
    CATALOG_URL: `http://127.0.0.1:${catalog}/graphql`,
    ORDERS_URL: `http://127.0.0.1:${orders}/graphql`,
    WAREHOUSE_URL: `http://127.0.0.1:${warehouse}/graphql`,
    BITRIX_BASE_URL: fake.url,
    BITRIX_API_TOKEN: "drill-bitrix-token",
    // a relay that lost its process or database retries within the round, not after an hour
    BITRIX_SYNC_BACKOFF_BASE_MS: "500",
    BITRIX_SYNC_BACKOFF_MAX_MS: "2000",
    BITRIX_SYNC_LEASE_MS: "3000",
    BITRIX_TIMEOUT_MS: "2000",
    // the 100 boards are one admin's token standing for 100 people's screens: lift the per-user caps
    BOARD_MAX_SUBSCRIPTIONS_PER_USER: "200",
    BOARD_MAX_CONCURRENT_REPLAYS_PER_USER: "20",
  });
  const stopDatabase = async () => {
    await fake.close();
    await database.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  log("migrating and seeding the drill's database");
  try {
    return await startParts(env, { catalog, orders, warehouse, workers, router }, database, fake, log, stopDatabase);
  } catch (error) {
    await stopDatabase();
    throw error;
  }
}

async function startParts(
  env: Record<string, string>,
  ports: Record<PartName, number>,
  database: DatabaseHandle,
  fake: FakeBitrix,
  log: (line: string) => void,
  stopDatabase: () => Promise<void>,
): Promise<Cluster> {
  await migrate(env.DATABASE_URL);
  // the demo shops, with cheap password hashes (nobody signs in with a password here), as the tests' template does
  await seedIfEmpty(env.DATABASE_URL, { passwordCost: 4 });
  await grantApplicationLogin(env.DATABASE_URL, env.APP_DATABASE_PASSWORD);
  const parts = Object.fromEntries(
    Object.entries(ports).map(([part, port]) => [part, partProcess({ part: part as PartName, port, env })]),
  ) as Record<PartName, PartProcess>;
  log("starting the subgraphs, the workers and the router");
  try {
    await Promise.all([parts.catalog, parts.orders, parts.warehouse].map((p) => p.start()));
    await Promise.all([parts.workers.start(), parts.router.start()]);
  } catch (error) {
    await Promise.all(Object.values(parts).map((p) => p.kill()));
    throw error;
  }
  const owner = new pg.Pool({ connectionString: env.DATABASE_URL, max: 3 });
  // an idle connection of the pool dies with a killed PostgreSQL: the next query opens another
  owner.on("error", (error) => log(`owner connection lost: ${error.message}`));
  const routerUrl = `http://127.0.0.1:${ports.router}`;
  return {
    parts,
    database,
    owner,
    fake,
    routerUrl,
    async close() {
      await Promise.all(Object.values(parts).map((p) => p.kill()));
      await owner.end();
      await stopDatabase();
    },
  };
}

/** Waits until the load has `count` more successes than now (the cluster serves again), at most `timeoutMs`. */
async function moreSuccesses(load: Load, count: number, timeoutMs: number) {
  const target = load.sent.filter((s) => s.ok).length + count;
  const deadline = Date.now() + timeoutMs;
  while (load.sent.filter((s) => s.ok).length < target && Date.now() < deadline) await sleep(100);
}

/** Outbox rows since `sinceId` not delivered within `timeoutMs` (each change the relay must push). */
async function undeliveredOutbox(owner: pg.Pool, fake: FakeBitrix, sinceId: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await owner.query<{ id: number; state: string }>(
      `select id, state::text from bitrix_outbox where shop_id = $1 and id > $2`,
      [BITRIX_SHOP, sinceId],
    );
    const received = new Set(fake.requests.map((r) => String(r.headers["idempotency-key"])));
    const missing = rows.filter((row) => row.state !== "REPLACED" && !received.has(String(row.id)));
    const open = rows.filter((row) => row.state === "PENDING" || row.state === "PARKED");
    if ((!missing.length && !open.length) || Date.now() > deadline) return missing.length + open.length;
    await sleep(250);
  }
}

async function lastOutboxId(owner: pg.Pool): Promise<number> {
  const { rows } = await owner.query<{ id: number | null }>(`select max(id) as id from bitrix_outbox`);
  return rows[0].id ?? 0;
}

async function runFault(
  cluster: Cluster,
  fault: Fault,
  boards: ResumingSubscriber[],
  log: (line: string) => void,
): Promise<DrillRow> {
  const outboxFrom = await lastOutboxId(cluster.owner);
  // read afresh: a delivery the last round left unanswered may have moved an order
  const targets = await loadTargets(cluster.owner, cluster.routerUrl);
  const load = startLoad(targets, {
    queries: 2,
    notes: 2,
    statusWebhooks: 3,
    orderSync: 1,
    productEdits: 1,
    retryWebhooks: true,
    pauseMs: 20,
  });
  await moreSuccesses(load, 30, 30_000);
  const inFlight = load.inFlight;
  const returnedAt = await fault.strike(cluster);
  await waitForOk(`${cluster.routerUrl}/ready`, 120_000);
  const timeToReadyMs = Date.now() - returnedAt;
  await moreSuccesses(load, 30, 30_000);
  const sent = await load.stop();
  return { fault: fault.name, inFlight, timeToReadyMs, ...(await checkRound(cluster, sent, boards, outboxFrom, log)) };
}

/** The round's checks, once its load has stopped: ledger, boards, outbox, product edits. */
async function checkRound(
  cluster: Cluster,
  sent: Sent[],
  boards: ResumingSubscriber[],
  outboxFrom: number,
  log: (line: string) => void,
) {
  const verdict = await checkLedger(cluster.owner, sent);
  // generous bounds: 100 boards replaying on a busy 2-core machine, a relay backing off
  const boardProblems = await checkBoards(cluster.owner, boards, BITRIX_SHOP, 60_000);
  const undelivered = await undeliveredOutbox(cluster.owner, cluster.fake, outboxFrom, 60_000);
  const products = await checkProducts(cluster.owner, sent);
  const lost = [...verdict.lost, ...products.lost];
  const kinds = ["query", "note", "status", "order-sync", "product"] as const;
  log(
    `  answered success: ${kinds.map((kind) => `${kind} ${sent.filter((s) => s.kind === kind && s.ok).length}`).join(", ")}`,
  );
  if (lost.length || verdict.duplicated.length || products.stale.length)
    log(
      `lost: ${lost.slice(0, 5)}; duplicated: ${verdict.duplicated.slice(0, 5)}; stale: ${products.stale.slice(0, 3)}`,
    );
  return {
    answered: sent.filter((s) => s.ok).length,
    resent: sent.reduce((sum, s) => sum + Math.max(0, (s.attempts ?? 1) - 1), 0),
    lost: lost.length,
    duplicated: verdict.duplicated.length,
    boardProblems,
    undelivered: undelivered + products.stale.length,
  };
}

export async function runDrill(
  options: { log?: (line: string) => void; faults?: Fault[]; boards?: number } = {},
): Promise<DrillRow[]> {
  const log = options.log ?? (() => undefined);
  const cluster = await startCluster(log);
  const boards: ResumingSubscriber[] = [];
  try {
    const startedAfter = await newestBoardEvent(cluster.owner);
    const { adminToken } = await loadTargets(cluster.owner, cluster.routerUrl);
    const wsUrl = `${cluster.routerUrl.replace(/^http/, "ws")}/graphql`;
    for (let i = 0; i < (options.boards ?? 100); i++)
      boards.push(new ResumingSubscriber(`board-${i}`, wsUrl, adminToken, startedAfter));
    const rows: DrillRow[] = [];
    for (const fault of options.faults ?? ALL_FAULTS) {
      log(`fault: ${fault.name}`);
      const row = await runFault(cluster, fault, boards, log);
      rows.push(row);
      log(formatRow(row));
      for (const problem of row.boardProblems.slice(0, 3)) log(`  ${problem}`);
    }
    return rows;
  } finally {
    await Promise.all(boards.map((board) => board.close()));
    await cluster.close();
  }
}

export function formatRow(row: DrillRow): string {
  const ready = `${(row.timeToReadyMs / 1000).toFixed(1)} s${row.timeToReadyMs > READY_BOUND_MS ? " (over 10 s)" : ""}`;
  return `| ${row.fault} | ${row.inFlight} | ${row.answered} | ${row.resent} | ${row.lost} | ${row.duplicated} | ${row.boardProblems.length} | ${row.undelivered} | ${ready} |`;
}

export function formatTable(rows: DrillRow[]): string {
  return [
    "| fault | requests in flight | answered success | webhooks resent | lost | duplicated | boards missing/repeating | outbox undelivered | time to ready |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(formatRow),
  ].join("\n");
}

export { READY_BOUND_MS };
