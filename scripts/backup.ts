/**
 * `npm run db:backup [-- --out FILE] [--data-dir DIR]`: a consistent, compressed backup of every
 * shop while the system runs: with DATABASE_URL a pg_dump archive, else a base backup of the
 * embedded server (docs/backups.md).
 * `npm run db:restore FILE [-- --data-dir DIR]`: into an empty database (DATABASE_URL) or an
 * empty embedded data folder; prints the rows of every table once the server is up.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { APP_ROLE, EMBEDDED_DATA_DIR } from "../app/database";
import {
  backupDataFolder,
  backupKind,
  defaultBackupFile,
  dumpDatabase,
  restoreDump,
  tableCounts,
  unpackDataFolder,
} from "../app/backup";
import type { DatabaseServer } from "../core/database-server";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: "string" },
    "data-dir": { type: "string" },
    port: { type: "string" },
    quiet: { type: "boolean" },
  },
});

function embedded(): typeof import("../core/embedded-postgres") {
  return require("../core/embedded-postgres") as typeof import("../core/embedded-postgres");
}

const dataDir = path.resolve(values["data-dir"] ?? EMBEDDED_DATA_DIR);
const port = values.port ? Number(values.port) : undefined;

async function backup(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const file = path.resolve(values.out ?? defaultBackupFile(url ? "dump" : "base"));
  const started = Date.now();
  if (url) {
    const { tool } = await dumpDatabase(url, file);
    console.log(`db:backup wrote ${file} (${tool}, ${size(file)}) in ${seconds(started)}`);
    return;
  }
  // the running server's (npm start's) when there is one, else started for the backup
  const server = await embedded().startEmbeddedPostgres({ dataDir, port });
  try {
    const manifest = await backupDataFolder(server.url, server.dataDir!, file);
    console.log(
      `db:backup wrote ${file} (base backup of PostgreSQL ${manifest.serverVersion}, WAL ${manifest.startLsn}–${manifest.stopLsn}, ${size(file)}) in ${seconds(started)}`,
    );
  } finally {
    await server.stop();
  }
}

async function restore(file: string | undefined): Promise<void> {
  if (!file || !fs.existsSync(file))
    throw new Error(
      `usage: npm run db:restore FILE [-- --data-dir DIR]; ${file ? `${file} does not exist` : "no FILE given"}`,
    );
  const url = process.env.DATABASE_URL;
  if (backupKind(file) === "dump") {
    if (!url)
      throw new Error("a pg_dump archive restores into DATABASE_URL's database; set DATABASE_URL to an empty database");
    await restoreDump(url, file, APP_ROLE);
    console.log(`db:restore restored ${file} into DATABASE_URL's database`);
    return;
  }
  if (url)
    throw new Error(
      "a base backup restores into the embedded server's data folder; unset DATABASE_URL (and pass --data-dir for a folder of your choice)",
    );
  const { placeForServerUser, runningServer, DEFAULT_EMBEDDED_HOME } = embedded();
  const real = placeForServerUser(dataDir, process.env.EMBEDDED_POSTGRES_HOME ?? DEFAULT_EMBEDDED_HOME).dataDir;
  if (runningServer(real))
    throw new Error(`a server is running on ${dataDir}; stop it (and move its folder away) before restoring into it`);
  const manifest = await unpackDataFolder(file, real);
  // starting replays the backup's WAL up to its end: the server opens as it was at pg_backup_stop
  const server: DatabaseServer = await embedded().startEmbeddedPostgres({ dataDir, port });
  try {
    const counts = await tableCounts(server.url);
    if (!values.quiet)
      for (const [table, rows] of Object.entries(counts)) console.log(`${String(rows).padStart(10)}  ${table}`);
    console.log(
      `db:restore restored ${file} (taken ${manifest.createdAt}) into ${dataDir}: ${Object.keys(counts).length} tables`,
    );
  } finally {
    await server.stop();
  }
}

function size(file: string): string {
  return `${(fs.statSync(file).size / 1024 / 1024).toFixed(1)} MB`;
}

function seconds(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

const command = positionals[0];
const run =
  command === "backup"
    ? backup()
    : command === "restore"
      ? restore(positionals[1])
      : Promise.reject(new Error("use backup or restore"));
run.catch((error) => {
  console.error(`db:${command ?? "?"} failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
