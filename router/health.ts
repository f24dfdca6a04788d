import fs from "node:fs";
import path from "node:path";
import type { Config } from "../core/config";
import type { Database } from "../core/db";
import { signViewer } from "../core/subgraph-signature";
import { SUBGRAPH_NAMES } from "./supergraph";

export type CheckResult = { status: "healthy" } | { status: "unhealthy"; error: string };

const MIGRATIONS_DIR = path.resolve(__dirname, "..", "prisma", "migrations");
const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
        CHECK_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

async function check(what: string, probe: () => Promise<void>): Promise<CheckResult> {
  try {
    await withTimeout(probe(), what);
    return { status: "healthy" };
  } catch (error) {
    return {
      status: "unhealthy",
      error: error instanceof Error ? error.message.split("\n")[0].slice(0, 200) : String(error),
    };
  }
}

export function databaseCheck(db: Database) {
  return check("database", async () => {
    await db.pool.query("select 1");
  });
}

/**
 * The database takes writes: not read-only (default_transaction_read_only, a standby). A full disk
 * shows only when a write fails: those answer 503 and log "database refusing writes".
 */
export function writableCheck(db: Database) {
  return check("database writable", async () => {
    const { rows } = await db.pool.query<{ read_only: string; standby: boolean }>(
      "select current_setting('transaction_read_only') as read_only, pg_is_in_recovery() as standby",
    );
    if (rows[0].standby) throw new Error("the database is a standby (in recovery): it refuses writes");
    if (rows[0].read_only === "on")
      throw new Error("the database is read-only (default_transaction_read_only): writes answer 503");
  });
}

/** Every migration in prisma/migrations has been applied and finished. */
export function migrationsCheck(db: Database) {
  return check("migrations", async () => {
    const expected = fs
      .readdirSync(MIGRATIONS_DIR)
      .filter((name) => fs.existsSync(path.join(MIGRATIONS_DIR, name, "migration.sql")));
    const { rows } = await db.pool.query<{ migration_name: string }>(
      "select migration_name from _prisma_migrations where finished_at is not null and rolled_back_at is null",
    );
    const applied = new Set(rows.map((row) => row.migration_name));
    const missing = expected.filter((name) => !applied.has(name));
    if (missing.length) throw new Error(`pending migrations: ${missing.join(", ")}`);
  });
}

/** A signed, anonymous `{ __typename }` reaches the subgraph and gets an answer. */
export function subgraphCheck(config: Config, name: (typeof SUBGRAPH_NAMES)[number]) {
  return check(`subgraph ${name}`, async () => {
    const response = await fetch(config.subgraphUrls[name], {
      method: "POST",
      headers: { "content-type": "application/json", ...signViewer(null, "readiness", config.subgraphSecret) },
      body: JSON.stringify({ query: "{ __typename }" }),
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`answered HTTP ${response.status}`);
    const body = (await response.json()) as { data?: { __typename?: string } };
    if (body.data?.__typename !== "Query") throw new Error("answered without data");
  });
}

export async function healthReport(config: Config, db: Database) {
  const [database, ...subgraphs] = await Promise.all([
    databaseCheck(db),
    ...SUBGRAPH_NAMES.map((name) => subgraphCheck(config, name)),
  ]);
  const checks: Record<string, CheckResult> = { database };
  SUBGRAPH_NAMES.forEach((name, index) => (checks[`subgraph_${name}`] = subgraphs[index]));
  const healthy = Object.values(checks).every((c) => c.status === "healthy");
  return { healthy, checks };
}

export async function readinessReport(config: Config, db: Database) {
  const database = await databaseCheck(db);
  const unreachable = { status: "unhealthy", error: "database unreachable" } as const;
  const [migrations, writable] =
    database.status === "healthy"
      ? await Promise.all([migrationsCheck(db), writableCheck(db)])
      : [unreachable, unreachable];
  const subgraphs = await Promise.all(SUBGRAPH_NAMES.map((name) => subgraphCheck(config, name)));
  const checks: Record<string, CheckResult> = { database, migrations, database_writable: writable };
  SUBGRAPH_NAMES.forEach((name, index) => (checks[`subgraph_${name}`] = subgraphs[index]));
  return { ready: Object.values(checks).every((c) => c.status === "healthy"), checks };
}
