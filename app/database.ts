import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { createDatabase } from "../core/db";
import { withDatabaseName, type DatabaseServer } from "../core/database-server";
import { seed } from "../prisma/seed";
import { seedBitrixOrders } from "../prisma/seed-bitrix-orders";
import type { Config } from "../core/config";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");
export const EMBEDDED_DATA_DIR = path.join(ROOT, ".data", "postgres");
export const APP_DATABASE = "cvety";
/** The role the application connects as (created by the tenant-wall migration). */
export const APP_ROLE = "cvety_app";

/**
 * The database for `npm start` and the db:* scripts: DATABASE_URL when set, else an embedded
 * PostgreSQL under .data/ with a `cvety` database in it.
 */
export async function resolveDatabase(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ url: string; server: DatabaseServer | null }> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, server: null };
  const { startEmbeddedPostgres } = require("../core/embedded-postgres") as typeof import("../core/embedded-postgres");
  const server = await startEmbeddedPostgres({ dataDir: EMBEDDED_DATA_DIR, port: 5433 });
  await createDatabaseIfMissing(server.url, APP_DATABASE);
  return { url: withDatabaseName(server.url, APP_DATABASE), server };
}

export async function createDatabaseIfMissing(maintenanceUrl: string, name: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (!rowCount) {
      await client.query(
        `create database ${pg.escapeIdentifier(name)}${template ? ` template ${pg.escapeIdentifier(template)}` : ""}`,
      );
    }
  } finally {
    await client.end();
  }
}

export async function dropDatabase(maintenanceUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  } finally {
    await client.end();
  }
}

/** Applies prisma/migrations with `prisma migrate deploy` (Rust-free: runs through the pg adapter). */
export async function migrate(url: string): Promise<void> {
  const cli = require.resolve("prisma/build/index.js");
  try {
    await run(process.execPath, [cli, "migrate", "deploy"], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url } });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`prisma migrate deploy failed:\n${stdout ?? ""}${stderr ?? ""}`);
  }
}

/** Seeds the demo shops unless the database already has shops. Returns whether it seeded. */
export async function seedIfEmpty(url: string, options: { passwordCost?: number } = {}): Promise<boolean> {
  const db = createDatabase(url, { max: 2, applicationName: "cvety-seed" });
  try {
    // known_shop_ids(): the owner is behind the wall too (FORCE) unless it is a superuser
    const { rows } = await db.pool.query<{ count: string }>("select count(*) from known_shop_ids()");
    if (Number(rows[0].count) > 0) return false;
    await seed(db.prisma, options);
    await seedBitrixOrders(db);
    return true;
  } finally {
    await db.close();
  }
}

/** Drops every table and type of the public schema, then migrates and seeds again. */
export async function resetDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("drop schema public cascade; create schema public;");
  } finally {
    await client.end();
  }
  await migrate(url);
  await seedIfEmpty(url);
}

/** The same server and database as `url`, as another user. */
export function withCredentials(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/**
 * Lets the application role log in with `password`. Needs an owner that may alter roles
 * (a superuser in development and tests); production sets APP_DATABASE_URL instead.
 */
export async function grantApplicationLogin(ownerUrl: string, password: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(`alter role ${pg.escapeIdentifier(APP_ROLE)} with login password ${pg.escapeLiteral(password)}`);
  } catch (error) {
    throw new Error(
      `Cannot let ${APP_ROLE} log in (${error instanceof Error ? error.message : error}). ` +
        `Set APP_DATABASE_URL to a connection as ${APP_ROLE} (or a login role granted ${APP_ROLE}).`,
    );
  } finally {
    await client.end();
  }
}

/**
 * The URL the running application connects with: APP_DATABASE_URL as given, or the owner's
 * URL with the application role's credentials (and that role enabled to log in).
 */
export async function applicationDatabaseUrl(
  ownerUrl: string,
  config: Pick<Config, "appDatabaseUrl" | "appDatabasePassword">,
  options: { grantLogin?: boolean } = {},
): Promise<string> {
  if (config.appDatabaseUrl) return config.appDatabaseUrl;
  if (options.grantLogin ?? true) await grantApplicationLogin(ownerUrl, config.appDatabasePassword);
  return withCredentials(ownerUrl, APP_ROLE, config.appDatabasePassword);
}
