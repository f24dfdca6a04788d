import fs from "node:fs";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { copyRunningDataFolder } from "./base-backup";
import { dumpDatabase, restoreDump } from "./pg-dump";

const run = promisify(execFile);
const MANIFEST = "manifest.json";
export const BASE_BACKUP_FORMAT = "cvety-graph base backup 1";

export interface BackupManifest {
  format: string;
  createdAt: string;
  serverVersion: string;
  startLsn: string;
  stopLsn: string;
  walFiles: string[];
}

/**
 * `npm run db:backup` for the embedded server: a tar.gz holding manifest.json and data/, the
 * server's data folder copied while it runs (base-backup.ts).
 */
export async function backupDataFolder(
  maintenanceUrl: string,
  dataDir: string,
  file: string,
  options: { beforeStop?: () => Promise<void> } = {},
): Promise<BackupManifest> {
  const staging = fs.mkdtempSync(path.join(path.dirname(path.resolve(file)), ".backup-"));
  try {
    const copied = await copyRunningDataFolder(maintenanceUrl, dataDir, path.join(staging, "data"), options);
    const manifest: BackupManifest = { format: BASE_BACKUP_FORMAT, createdAt: new Date().toISOString(), ...copied };
    fs.writeFileSync(path.join(staging, MANIFEST), JSON.stringify(manifest, null, 2));
    const partial = `${file}.partial`;
    await run("tar", ["-czf", partial, "-C", staging, MANIFEST, "data"]);
    fs.renameSync(partial, file);
    return manifest;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Unpacks a base backup into `dataDir`, which must hold no database; the server replays its WAL when it starts. */
export async function unpackDataFolder(file: string, dataDir: string): Promise<BackupManifest> {
  if (fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    throw new Error(
      `${dataDir} already holds a database; restore into an empty folder (--data-dir) or move that one away first`,
    );
  }
  const manifest = JSON.parse(
    (await run("tar", ["-xzOf", file, MANIFEST], { maxBuffer: 1024 * 1024 })).stdout,
  ) as BackupManifest;
  if (manifest.format !== BASE_BACKUP_FORMAT)
    throw new Error(`${file} is not a cvety-graph base backup (format "${manifest.format}")`);
  fs.mkdirSync(dataDir, { recursive: true });
  await run("tar", ["-xzf", file, "-C", dataDir, "--strip-components=1", "data"]);
  fs.chmodSync(dataDir, 0o700);
  // as root the server runs as "postgres" and must own its data
  if (process.getuid?.() === 0) await run("chown", ["-R", "postgres:postgres", dataDir]);
  return manifest;
}

/** What a file holds: a base backup (gzip) or a pg_dump custom archive. */
export function backupKind(file: string): "base" | "dump" {
  const head = Buffer.alloc(5);
  const fd = fs.openSync(file, "r");
  try {
    fs.readSync(fd, head, 0, 5, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return "base";
  if (head.toString("latin1") === "PGDMP") return "dump";
  throw new Error(`${file} is neither a cvety-graph base backup nor a pg_dump archive`);
}

export { dumpDatabase, restoreDump };

/** Rows per table of every database but the templates: what a restore check prints and compares. */
export async function tableCounts(maintenanceUrl: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  const { rows: databases } = await client.query<{ datname: string }>(
    "select datname from pg_database where not datistemplate order by 1",
  );
  await client.end();
  for (const { datname } of databases) {
    const url = new URL(maintenanceUrl);
    url.pathname = `/${datname}`;
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const { rows: tables } = await db.query<{ name: string }>(
        "select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname not in ('pg_catalog', 'information_schema') order by 1",
      );
      for (const { name } of tables) {
        const { rows } = await db.query<{ count: string }>(`select count(*) from ${name}`);
        counts[`${datname}/${name}`] = Number(rows[0].count);
      }
    } finally {
      await db.end();
    }
  }
  return counts;
}

export function defaultBackupFile(kind: "base" | "dump", dir = path.join(process.cwd(), ".data", "backups")): string {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-");
  return path.join(dir, `cvety-${stamp}${kind === "base" ? ".tar.gz" : ".dump"}`);
}
