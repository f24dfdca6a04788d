import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { withDatabaseName, type DatabaseServer } from "../core/database-server";
import { startEmbeddedPostgres } from "../core/embedded-postgres";
import { createDatabaseIfMissing, grantApplicationLogin, migrate, seedIfEmpty } from "../app/database";
import { loadConfig } from "../core/config";

/**
 * One PostgreSQL for the whole run (embedded unless DATABASE_URL is set) and one migrated,
 * seeded template database; every test file clones the template into a database of its own.
 * The template's name hashes the migrations and seed, so a local re-run reuses it.
 */
const ROOT = path.resolve(__dirname, "..");

function templateName(): string {
  const hash = crypto.createHash("sha256");
  const files = [
    ...fs
      .readdirSync(path.join(ROOT, "prisma", "migrations"), { recursive: true })
      .map((f) => path.join("prisma", "migrations", String(f))),
    "prisma/seed.ts",
    "prisma/seed-data.ts",
    "prisma/seed-bitrix-orders.ts",
    // the seed's Bitrix orders go through the order webhook's reader and service
    "subgraphs/orders/bitrix-order-sync-webhook.ts",
    "subgraphs/orders/order-sync.ts",
  ].sort();
  for (const file of files) {
    const full = path.join(ROOT, file);
    if (fs.statSync(full).isFile()) hash.update(file).update(fs.readFileSync(full));
  }
  return `cvety_template_${hash.digest("hex").slice(0, 12)}`;
}

declare global {
  var __DATABASE_SERVER__: DatabaseServer | undefined;
}

export default async function globalSetup() {
  let maintenanceUrl = process.env.DATABASE_URL;
  if (!maintenanceUrl) {
    const server = await startEmbeddedPostgres({ dataDir: path.join(ROOT, ".data", "test-postgres"), port: 5434 });
    globalThis.__DATABASE_SERVER__ = server;
    maintenanceUrl = server.url;
  }
  const template = templateName();
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [template]);
  // drop test databases a killed run left behind; one with a connection belongs to a run still
  // going in this checkout (a second `npx jest` beside a whole run), and stays
  const stale = await client.query<{ datname: string }>(
    `select datname from pg_database d where datname like 'cvety_test_%'
       and not exists (select 1 from pg_stat_activity a where a.datname = d.datname)`,
  );
  for (const row of stale.rows)
    await client.query(`drop database if exists ${pg.escapeIdentifier(row.datname)}`).catch(() => undefined);
  await client.end();
  if (!rowCount) {
    const building = `${template}_building`;
    const adminClient = new pg.Client({ connectionString: maintenanceUrl });
    await adminClient.connect();
    await adminClient.query(`drop database if exists ${pg.escapeIdentifier(building)} with (force)`);
    await adminClient.end();
    await createDatabaseIfMissing(maintenanceUrl, building);
    const url = withDatabaseName(maintenanceUrl, building);
    await migrate(url);
    await seedIfEmpty(url, { passwordCost: 4 });
    const renameClient = new pg.Client({ connectionString: maintenanceUrl });
    await renameClient.connect();
    await renameClient.query(
      `alter database ${pg.escapeIdentifier(building)} rename to ${pg.escapeIdentifier(template)}`,
    );
    await renameClient.end();
  }
  // the stack connects as the application role (cluster-wide, created by the tenant-wall migration)
  await grantApplicationLogin(maintenanceUrl, loadConfig({ NODE_ENV: "test" }).appDatabasePassword);
  process.env.TEST_MAINTENANCE_URL = maintenanceUrl;
  process.env.TEST_TEMPLATE_DATABASE = template;
}
