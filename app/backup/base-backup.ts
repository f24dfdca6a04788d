import fs from "node:fs";
import path from "node:path";
import pg from "pg";

/**
 * A consistent copy of a running PostgreSQL's data folder with PostgreSQL's low-level base
 * backup API (https://www.postgresql.org/docs/current/continuous-archiving.html#BACKUP-LOWLEVEL-BASE-BACKUP):
 * pg_backup_start, a file copy while the server keeps writing, pg_backup_stop, then the WAL
 * written from the start to the stop. Started on that copy, the server replays that WAL and
 * opens exactly as it was when pg_backup_stop returned. Used for the embedded server, whose
 * binaries carry no pg_dump.
 */

/** What pg_basebackup leaves out too: runtime state the server rebuilds (or must not find) on start. */
const SKIPPED = new Set(["postmaster.pid", "postmaster.opts", "pg_internal.init", "backup_label", "tablespace_map"]);
const EMPTIED = new Set([
  "pg_wal",
  "pg_replslot",
  "pg_dynshmem",
  "pg_notify",
  "pg_serial",
  "pg_snapshots",
  "pg_stat_tmp",
  "pg_subtrans",
]);

export interface BaseBackupResult {
  startLsn: string;
  stopLsn: string;
  walFiles: string[];
  serverVersion: string;
}

/** Copies the running server's data folder `dataDir` into `target` (created), consistent at pg_backup_stop. */
export async function copyRunningDataFolder(
  maintenanceUrl: string,
  dataDir: string,
  target: string,
  options: { beforeStop?: () => Promise<void> } = {},
): Promise<BaseBackupResult> {
  // the backup lives as long as this one session: if it dies, the server ends the backup itself
  const client = new pg.Client({ connectionString: maintenanceUrl, application_name: "cvety-backup" });
  await client.connect();
  try {
    const { rows: version } = await client.query<{ server_version: string }>("show server_version");
    const { rows: start } = await client.query<{ lsn: string; wal: string }>(
      "select lsn::text, pg_walfile_name(lsn) as wal from pg_backup_start($1, true) as lsn",
      [`cvety-backup ${new Date().toISOString()}`],
    );
    copyTree(dataDir, target);
    await options.beforeStop?.();
    const { rows: stop } = await client.query<{
      lsn: string;
      labelfile: string;
      spcmapfile: string | null;
      wal: string;
    }>("select lsn::text, labelfile, spcmapfile, pg_walfile_name(lsn) as wal from pg_backup_stop(false)");
    fs.writeFileSync(path.join(target, "backup_label"), stop[0].labelfile);
    if (stop[0].spcmapfile) fs.writeFileSync(path.join(target, "tablespace_map"), stop[0].spcmapfile);
    const walFiles = copyWal(dataDir, target, start[0].wal, stop[0].wal);
    return { startLsn: start[0].lsn, stopLsn: stop[0].lsn, walFiles, serverVersion: version[0].server_version };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The WAL segments from the backup's start to its stop (and the timeline history files). */
function copyWal(dataDir: string, target: string, first: string, last: string): string[] {
  const walDir = path.join(dataDir, "pg_wal");
  const names = fs.readdirSync(walDir).filter((name) => /^[0-9A-F]{24}$/.test(name) && name >= first && name <= last);
  if (!names.includes(first) || !names.includes(last)) {
    throw new Error(`the WAL from ${first} to ${last} is no longer all in ${walDir}; run the backup again`);
  }
  const history = fs.readdirSync(walDir).filter((name) => name.endsWith(".history"));
  fs.mkdirSync(path.join(target, "pg_wal"), { recursive: true });
  for (const name of [...history, ...names])
    fs.copyFileSync(path.join(walDir, name), path.join(target, "pg_wal", name));
  return names;
}

/** Copies a folder the server is writing to: files that vanish meanwhile are skipped, as the backup API allows. */
function copyTree(from: string, to: string, depth = 0): void {
  fs.mkdirSync(to, { recursive: true, mode: 0o700 });
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(from, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  for (const entry of entries) {
    const source = path.join(from, entry.name);
    const destination = path.join(to, entry.name);
    if (SKIPPED.has(entry.name) || entry.name.startsWith("pgsql_tmp")) continue;
    if (entry.isDirectory()) {
      if (depth === 0 && EMPTIED.has(entry.name)) fs.mkdirSync(destination, { mode: 0o700 });
      else copyTree(source, destination, depth + 1);
    } else if (entry.isFile()) {
      try {
        fs.copyFileSync(source, destination);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
  }
}
