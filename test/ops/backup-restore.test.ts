import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { backupDataFolder, backupKind, BASE_BACKUP_FORMAT } from "../../app/backup";
import { createDatabaseIfMissing, migrate, seedIfEmpty } from "../../app/database";
import { withDatabaseName } from "../../core/database-server";
import { startEmbeddedServerProcess, TSX, type EmbeddedServerProcess } from "./embedded-server";

/**
 * Backups of the embedded server taken while it is written to (app/backup, scripts/backup.ts):
 * restored into an empty folder, every table of the database equals the source at the backup's end.
 */
const ROOT = path.resolve(__dirname, "..", "..");
const run = promisify(execFile);
jest.setTimeout(240_000);

let work: string;
let source: EmbeddedServerProcess;
let databaseUrl: string;
const servers: EmbeddedServerProcess[] = [];

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "cvety-backup-"));
  fs.chmodSync(work, 0o755);
  source = await startEmbeddedServerProcess(path.join(work, "source"));
  servers.push(source);
  await createDatabaseIfMissing(source.url, "cvety");
  databaseUrl = withDatabaseName(source.url, "cvety");
  await migrate(databaseUrl);
  await seedIfEmpty(databaseUrl, { passwordCost: 4 });
  await query(
    databaseUrl,
    "create table backup_probe (writer int, seq int, product_id int, price int, primary key (writer, seq))",
  );
});

afterAll(async () => {
  for (const server of servers) await server.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Writers that each, in one transaction, raise a product's price and record the new price in backup_probe. */
let writersSoFar = 0;
function writeLoad(url: string, writers = 4) {
  const firstWriter = writersSoFar;
  writersSoFar += writers;
  const pool = new pg.Pool({ connectionString: url, max: writers });
  let running = true;
  let committed = 0;
  const loops = Array.from({ length: writers }, async (_, index) => {
    const writer = firstWriter + index;
    const products = (await pool.query<{ id: number }>("select id from product order by id")).rows.map((row) => row.id);
    for (let seq = 1; running; seq++) {
      const client = await pool.connect();
      try {
        await client.query("begin");
        const productId = products[(writer * 7 + seq) % products.length];
        const { rows } = await client.query<{ price: number }>(
          "update product set price = price + 1 where id = $1 returning price",
          [productId],
        );
        await client.query("insert into backup_probe values ($1, $2, $3, $4)", [writer, seq, productId, rows[0].price]);
        await client.query("commit");
        committed++;
      } finally {
        client.release();
      }
    }
  });
  return {
    get committed() {
      return committed;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      await pool.end();
      return committed;
    },
  };
}

/** Every table of every schema but the system's, each as one digest of its rows in a fixed order. */
async function tableDigests(url: string): Promise<Record<string, string>> {
  const tables = await query<{ name: string }>(
    url,
    "select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname not in ('pg_catalog', 'information_schema') order by 1",
  );
  const digests: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await query<{ rows: string; digest: string }>(
      url,
      `select count(*) as rows, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from ${name} t`,
    );
    digests[name] = `${row.rows} rows ${row.digest}`;
  }
  return digests;
}

async function restoreWithCli(file: string, dataDir: string): Promise<EmbeddedServerProcess> {
  const { stdout } = await run(
    TSX,
    [path.join(ROOT, "scripts", "backup.ts"), "restore", file, "--data-dir", dataDir, "--quiet"],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: "" } },
  );
  expect(stdout).toMatch(/db:restore restored .* into /);
  const restored = await startEmbeddedServerProcess(dataDir);
  servers.push(restored);
  return restored;
}

it("restores a backup taken under write load into an empty folder, every table equal to the source when the backup ended", async () => {
  const load = writeLoad(databaseUrl);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const before = load.committed;
  const file = path.join(work, "under-load.tar.gz");
  let atStop = 0;
  // the writers run through pg_backup_start and the copy; nothing commits after pg_backup_stop, so the source stays as the backup ends
  const manifest = await backupDataFolder(source.url, source.dataDir, file, {
    beforeStop: async () => void (atStop = await load.stop()),
  });
  expect(atStop - before).toBeGreaterThan(0);
  expect(manifest.format).toBe(BASE_BACKUP_FORMAT);
  expect(backupKind(file)).toBe("base");

  const restored = await restoreWithCli(file, path.join(work, "restored"));
  const expected = await tableDigests(databaseUrl);
  const actual = await tableDigests(withDatabaseName(restored.url, "cvety"));
  expect(Object.keys(expected).length).toBeGreaterThan(15);
  expect(actual).toEqual(expected);
  const [probe] = await query<{ count: string }>(
    withDatabaseName(restored.url, "cvety"),
    "select count(*) from backup_probe",
  );
  expect(Number(probe.count)).toBe(atStop);
});

it("npm run db:backup copies the running server while it is written to; the restore holds whole transactions only", async () => {
  const load = writeLoad(databaseUrl);
  const file = path.join(work, "cli.tar.gz");
  const { stdout } = await run(
    TSX,
    [path.join(ROOT, "scripts", "backup.ts"), "backup", "--data-dir", path.join(work, "source"), "--out", file],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: "" },
    },
  );
  const committed = await load.stop();
  expect(stdout).toMatch(/db:backup wrote .*cli\.tar\.gz \(base backup of PostgreSQL 1\d/);
  // the server it attached to still runs
  expect((await query<{ one: number }>(databaseUrl, "select 1 as one"))[0].one).toBe(1);

  const restored = await restoreWithCli(file, path.join(work, "restored-cli"));
  const url = withDatabaseName(restored.url, "cvety");
  // every product's price is the last price its writers recorded: no transaction is half there
  const torn = await query(
    url,
    `select p.id from product p join lateral (select price from backup_probe b where b.product_id = p.id order by b.price desc limit 1) last on true where p.price <> last.price`,
  );
  expect(torn).toEqual([]);
  // and each writer's transactions are there without a gap
  const gaps = await query<{ writer: number }>(
    url,
    "select writer from backup_probe group by writer having max(seq) - min(seq) + 1 <> count(*) or min(seq) <> 1",
  );
  expect(gaps).toEqual([]);
  const [probe] = await query<{ count: string }>(url, "select count(*) from backup_probe");
  expect(Number(probe.count)).toBeLessThanOrEqual(committed);
});

it("refuses to restore over a database and says what to do", async () => {
  const file = path.join(work, "under-load.tar.gz");
  const refused = await run(
    TSX,
    [path.join(ROOT, "scripts", "backup.ts"), "restore", file, "--data-dir", path.join(work, "restored")],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: "" },
    },
  ).catch((error: { code: number; stderr: string }) => error);
  expect(refused).toMatchObject({ code: 1 });
  expect((refused as { stderr: string }).stderr).toMatch(/a server is running on .*restored|already holds a database/);
});

it("with DATABASE_URL, refuses in one sentence when no pg_dump is new enough for the server", async () => {
  const [{ server_version_num: version }] = await query<{ server_version_num: string }>(
    databaseUrl,
    "show server_version_num",
  );
  const major = Math.floor(Number(version) / 10_000);
  const result = await run(
    TSX,
    [path.join(ROOT, "scripts", "backup.ts"), "backup", "--out", path.join(work, "x.dump")],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    },
  ).then(
    (ok) => ({ code: 0, stdout: ok.stdout, stderr: "" }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
  if (result.code === 0) {
    // a matching pg_dump is installed: the dump is a pg_dump archive
    expect(backupKind(path.join(work, "x.dump"))).toBe("dump");
  } else {
    expect(result.stderr).toMatch(
      new RegExp(`pg_dump ${major} or newer is needed for this PostgreSQL ${major} server`),
    );
  }
});
