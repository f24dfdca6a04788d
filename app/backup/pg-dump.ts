import fs from "node:fs";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

/**
 * DATABASE_URL backups: pg_dump's custom format (compressed, schema and data, every shop) and
 * pg_restore. pg_dump refuses a server newer than itself, so one at least as new as the server
 * is looked for on PATH and in Debian's /usr/lib/postgresql/<major>/bin.
 */
export async function serverMajor(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version_num: string }>("show server_version_num");
    return Math.floor(Number(rows[0].server_version_num) / 10_000);
  } finally {
    await client.end();
  }
}

async function majorOf(binary: string): Promise<number | null> {
  try {
    const { stdout } = await run(binary, ["--version"]);
    const match = /\(PostgreSQL\)\s+(\d+)/.exec(stdout);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** The newest `tool` (pg_dump, pg_restore) able to talk to a server of major version `major`. */
export async function findTool(tool: "pg_dump" | "pg_restore", major: number): Promise<string> {
  const debian = "/usr/lib/postgresql";
  const candidates: string[] = [tool];
  if (fs.existsSync(debian))
    for (const version of fs.readdirSync(debian)) candidates.push(path.join(debian, version, "bin", tool));
  let best: { binary: string; major: number } | null = null;
  const found: number[] = [];
  for (const binary of candidates) {
    const version = await majorOf(binary);
    if (version === null) continue;
    found.push(version);
    if (version >= major && (!best || version > best.major)) best = { binary, major: version };
  }
  if (best) return best.binary;
  throw new Error(
    `${tool} ${major} or newer is needed for this PostgreSQL ${major} server, ` +
      `and this machine has ${found.length ? found.map((v) => `${tool} ${v}`).join(", ") : `no ${tool}`}; ` +
      `run it where one is installed (docker compose: docker compose exec postgres ${tool} …) or install postgresql-client-${major}.`,
  );
}

export async function dumpDatabase(url: string, file: string): Promise<{ tool: string }> {
  const tool = await findTool("pg_dump", await serverMajor(url));
  await run(tool, ["--format=custom", "--compress=6", "--no-owner", `--file=${file}`, `--dbname=${url}`], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return { tool };
}

/** Restores a pg_dump archive into the empty database `url`. */
export async function restoreDump(url: string, file: string, applicationRole: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      "select count(*) from pg_tables where schemaname = 'public'",
    );
    if (Number(rows[0].count) > 0)
      throw new Error("the target database already has tables; restore into an empty database");
    // roles are the server's, not the database's: the grants in the dump need the application role
    await client.query(
      `do $$ begin create role ${pg.escapeIdentifier(applicationRole)} nologin; exception when duplicate_object then null; end $$`,
    );
  } finally {
    await client.end();
  }
  const tool = await findTool("pg_restore", await serverMajor(url));
  await run(tool, ["--exit-on-error", "--no-owner", `--dbname=${url}`, file], { maxBuffer: 16 * 1024 * 1024 });
}
