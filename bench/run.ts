/**
 * `npm run bench [-- name-filter]`: starts an embedded PostgreSQL (or uses DATABASE_URL),
 * a fresh seeded bench database, the stack in a child process, and runs every scenario in
 * bench/scenarios. Prints one table; figures are from this run only, compare ratios.
 */
import fs from "node:fs";
import path from "node:path";
import { loadConfig } from "../core/config";
import { signToken } from "../core/auth";
import { seededUserId } from "../prisma/seed-data";
import { withDatabaseName } from "../core/database-server";
import { applicationDatabaseUrl, createDatabaseIfMissing, dropDatabase, migrate, seedIfEmpty } from "../app/database";
import {
  benchTopology,
  benchUserId,
  startBenchStack,
  type BenchContext,
  type BenchRow,
  type BenchScenario,
  type BenchStack,
} from "./harness";

const ROOT = path.resolve(__dirname, "..");

function format(value: number | undefined, digits = 1): string {
  return value === undefined ? "" : value.toFixed(digits);
}

async function main() {
  const filter = process.argv[2];
  let maintenanceUrl = process.env.DATABASE_URL;
  let server: { stop(): Promise<void> } | null = null;
  if (!maintenanceUrl) {
    const { startEmbeddedPostgres } = await import("../core/embedded-postgres");
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(ROOT, ".data", "bench-postgres"), port: 5435 });
    server = embedded;
    maintenanceUrl = embedded.url;
  }
  const databaseName = "cvety_bench";
  await dropDatabase(maintenanceUrl, databaseName);
  await createDatabaseIfMissing(maintenanceUrl, databaseName);
  const ownerDatabaseUrl = withDatabaseName(maintenanceUrl, databaseName);
  await migrate(ownerDatabaseUrl);
  await seedIfEmpty(ownerDatabaseUrl, { passwordCost: 4 });

  // SUBGRAPH_SECRET too: scenarios sign requests straight to a subgraph with config.subgraphSecret
  // the bench's 1,000 boards are one user per shop on one address: its caps are raised to fit them,
  // and so is that user's mutation cap (orders-day edits 400 orders in a few seconds)
  const env = {
    JWT_SECRET: "bench-jwt-secret-long-enough-for-production-0123",
    WEBHOOK_SECRET: "bench-webhook-secret",
    SUBGRAPH_SECRET: "bench-subgraph-secret",
    BOARD_MAX_SUBSCRIPTIONS_PER_USER: "2000",
    BOARD_MAX_SUBSCRIPTIONS_PER_ADDRESS: "2000",
    // the stacks run as in production, where /metrics answers only this bearer token
    METRICS_TOKEN: "bench-metrics-token",
    RATE_LIMIT_MUTATIONS_PER_MINUTE: "100000",
  };
  Object.assign(process.env, env);
  const config = loadConfig({ ...process.env, ...env, NODE_ENV: "test" });
  // the stack runs as the application role, behind the tenant wall, as in production
  const databaseUrl = await applicationDatabaseUrl(ownerDatabaseUrl, config);
  const topology = benchTopology();
  const database = { databaseUrl, ownerDatabaseUrl };
  const scenarioDir = path.join(__dirname, "scenarios");
  const scenarios: BenchScenario[] = fs
    .readdirSync(scenarioDir)
    .filter((file) => file.endsWith(".ts"))
    .sort()
    .map((file) => require(path.join(scenarioDir, file)).scenario as BenchScenario)
    .filter((scenario) => !filter || scenario.name.includes(filter));

  // the shared stack is stopped while a scenario runs on stacks of its own: its background
  // workers would otherwise answer that scenario's NOTIFYs too (work, and CPU, no deployment has)
  let shared: BenchStack | null = null;
  const context: BenchContext = {
    databaseUrl,
    ownerDatabaseUrl,
    config,
    // the seeded demo user of that shop and role: the router accepts tokens of existing users only
    // (a bench shop's users come from ensureBenchUsers)
    token: (shopId, role = "ADMIN") =>
      signToken(
        { userId: String(seededUserId(shopId, role) ?? benchUserId(shopId, role)), shopId, role },
        env.JWT_SECRET,
      ),
    startStack: (extra, own) => startBenchStack(database, { ...env, ...extra }, own ?? topology),
    get stack() {
      if (!shared) throw new Error("this scenario runs on stacks of its own (ownStacks): the shared stack is stopped");
      return shared;
    },
  };

  const rows: BenchRow[] = [];
  try {
    for (const scenario of scenarios) {
      if (scenario.ownStacks && shared) {
        await shared.stop();
        shared = null;
      }
      if (!scenario.ownStacks && !shared) shared = await startBenchStack(database, env, topology);
      console.error(`running ${scenario.name} (${topology}) …`);
      rows.push(...(await scenario.run(context)));
    }
  } finally {
    await shared?.stop();
    await server?.stop();
  }

  const header = ["scenario", "p50 ms", "p99 ms", "req/s", "target", "met", "notes"];
  const table = rows.map((row) => [
    row.scenario,
    format(row.p50),
    format(row.p99),
    format(row.rps, 0),
    row.target ?? "",
    row.met === undefined ? "" : row.met ? "yes" : "NO",
    row.notes ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(" | ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const row of table) console.log(line(row));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
