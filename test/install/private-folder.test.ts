import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * A fresh copy of the repository in a folder only its owner can enter (as `mktemp -d` makes),
 * under a path with spaces and Cyrillic letters, starts its embedded PostgreSQL. As root the
 * server runs as the user "postgres", which cannot enter that folder: the library and its binaries
 * are copied to EMBEDDED_POSTGRES_HOME and the data folder links there.
 */
const ROOT = path.resolve(__dirname, "..", "..");
const COPIED_PACKAGES = new Set(["embedded-postgres", "@embedded-postgres"]);

const PROBE = `
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../core/embedded-postgres";
async function main() {
  const server = await startEmbeddedPostgres({ dataDir: path.join(__dirname, "..", ".data", "postgres"), port: 5490 });
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  const { rows } = await client.query("select current_setting('data_directory') as data, current_user as who, 41 + 1 as answer");
  await client.end();
  await server.stop();
  console.log(JSON.stringify({ ...rows[0], dataDir: server.dataDir }));
}
main().catch((error) => { console.error(error); process.exit(1); });
`;

function cloneInto(target: string): void {
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" })
    .split("\0")
    .filter(Boolean);
  for (const file of files) {
    if (!fs.existsSync(path.join(ROOT, file))) continue;
    fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(target, file));
  }
  // an installed node_modules: the embedded server's packages really inside the private folder, the rest linked
  fs.mkdirSync(path.join(target, "node_modules"));
  for (const entry of fs.readdirSync(path.join(ROOT, "node_modules"))) {
    const from = path.join(ROOT, "node_modules", entry);
    const to = path.join(target, "node_modules", entry);
    if (COPIED_PACKAGES.has(entry)) fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    else fs.symlinkSync(from, to);
  }
}

describe("install folder", () => {
  let privateDir: string;
  let home: string;

  beforeAll(() => {
    privateDir = fs.mkdtempSync(path.join(os.tmpdir(), "cvety private-"));
    fs.chmodSync(privateDir, 0o700);
    home = fs.mkdtempSync(path.join(os.tmpdir(), "cvety-embedded-home-"));
  });

  afterAll(() => {
    fs.rmSync(privateDir, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  });

  test("a copy in a private folder whose path has spaces and Cyrillic letters starts its embedded PostgreSQL", () => {
    const clone = path.join(privateDir, "проект cvety graph");
    cloneInto(clone);
    fs.writeFileSync(path.join(clone, "scripts", "probe-embedded.ts"), PROBE);
    const output = execFileSync(
      path.join(clone, "node_modules", ".bin", "tsx"),
      [path.join(clone, "scripts", "probe-embedded.ts")],
      {
        cwd: clone,
        env: { ...process.env, EMBEDDED_POSTGRES_HOME: home },
        encoding: "utf8",
        timeout: 120_000,
      },
    );
    const result = JSON.parse(output.trim().split("\n").pop()!) as {
      answer: number;
      data: string;
      who: string;
      dataDir: string;
    };
    expect(result.answer).toBe(42);
    expect(result.data).toBe(result.dataDir);
    const linkOrFolder = path.join(clone, ".data", "postgres");
    if (process.getuid?.() === 0) {
      // the server user could not have entered the private folder: the data and the binaries live under `home`
      expect(result.data.startsWith(path.join(home, "data"))).toBe(true);
      expect(fs.lstatSync(linkOrFolder).isSymbolicLink()).toBe(true);
      expect(fs.realpathSync(linkOrFolder)).toBe(result.data);
      expect(fs.readdirSync(home).some((name) => name.startsWith("embedded-postgres-"))).toBe(true);
    } else {
      expect(fs.realpathSync(result.data)).toBe(fs.realpathSync(linkOrFolder));
    }
  });
});
