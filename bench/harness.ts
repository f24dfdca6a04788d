import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import readline from "node:readline";
import autocannon from "autocannon";
import pg from "pg";
import { readCpuStallMicros } from "../core/cpu-pressure";
import type { Config } from "../core/config";
import { isPortFree } from "../core/database-server";

/** One line of the bench table. Latencies in milliseconds. */
export interface BenchRow {
  scenario: string;
  p50?: number;
  p99?: number;
  rps?: number;
  /** free-form figures: ratios, memory, drain time */
  notes?: string;
  target?: string;
  /** whether the target was met; undefined when the row has no target */
  met?: boolean;
}

export interface BenchStack {
  origin: string;
  graphqlUrl: string;
  catalogUrl: string;
  /** the process serving the router (and, in one process, everything else) */
  pid: number;
  /** every process of the stack, the router's first */
  pids: number[];
  /** what each of `pids` serves ("router", "catalog", …; "stack" in one process) */
  parts: string[];
  stop(): Promise<void>;
}

export interface BenchContext {
  /** the application role's connection (what the stack uses) */
  databaseUrl: string;
  /** the owner's connection (migrations, seed; bypasses the wall as a superuser) */
  ownerDatabaseUrl: string;
  config: Config;
  token(shopId: number, role?: "ADMIN" | "MANAGER" | "FLORIST" | "COURIER"): string;
  /** starts another stack (as `stack` is: BENCH_TOPOLOGY); extra env overrides the defaults */
  startStack(env?: Record<string, string>, topology?: Topology): Promise<BenchStack>;
  /** the stack the scenarios share (not there for a scenario with `ownStacks`) */
  readonly stack: BenchStack;
}

export interface BenchScenario {
  name: string;
  /** runs only on stacks it starts: the shared stack is stopped meanwhile */
  ownStacks?: boolean;
  run(context: BenchContext): Promise<BenchRow[]>;
}

const ROOT = path.resolve(__dirname, "..");

/**
 * `split` (the default, BENCH_TOPOLOGY): the router, each subgraph and the workers in their own processes, started
 * by scripts/serve.ts exactly as docker-compose starts them. `single`: everything in one
 * process, as `npm start` runs it on a laptop.
 */
export type Topology = "split" | "single";

export function benchTopology(): Topology {
  const value = process.env.BENCH_TOPOLOGY ?? "split";
  if (value !== "split" && value !== "single") throw new Error(`BENCH_TOPOLOGY must be split or single, got ${value}`);
  return value;
}

export interface StackDatabase {
  /** the application role's connection */
  databaseUrl: string;
  /** the owner's connection (scripts/serve.ts requires DATABASE_URL) */
  ownerDatabaseUrl: string;
}

export function startBenchStack(
  database: StackDatabase,
  env: Record<string, string>,
  topology: Topology,
): Promise<BenchStack> {
  return topology === "split" ? startSplitStack(database, env) : startStackProcess(database.databaseUrl, env);
}

const SPLIT_PARTS = ["catalog", "orders", "warehouse", "workers", "router"] as const;

/** The docker-compose topology: five processes, each `node scripts/serve.ts <part>` in production mode. */
async function startSplitStack(database: StackDatabase, env: Record<string, string>): Promise<BenchStack> {
  const ports = { catalog: 0, orders: 0, warehouse: 0, workers: 0, router: 0 };
  // below Linux's ephemeral range (32768–60999), where outgoing connections would take them
  let next = 20_000 + Math.floor(Math.random() * 10_000);
  for (const part of SPLIT_PARTS) {
    while (!(await isPortFree(next))) next += 1;
    ports[part] = next;
    next += 1;
  }
  const url = (port: number) => `http://127.0.0.1:${port}/graphql`;
  const shared = {
    ...process.env,
    ...env,
    NODE_ENV: "production",
    LOG_LEVEL: "silent",
    DATABASE_URL: database.ownerDatabaseUrl,
    APP_DATABASE_URL: database.databaseUrl,
    PORT: String(ports.router),
    CATALOG_PORT: String(ports.catalog),
    ORDERS_PORT: String(ports.orders),
    WAREHOUSE_PORT: String(ports.warehouse),
    WORKERS_PORT: String(ports.workers),
    CATALOG_URL: url(ports.catalog),
    ORDERS_URL: url(ports.orders),
    WAREHOUSE_URL: url(ports.warehouse),
  };
  const children = new Map<string, ChildProcess>();
  // a bench that dies (an uncaught error) must not leave the stack running: it would hear the next run's changes
  const killOnExit = () => {
    for (const child of children.values()) child.kill("SIGTERM");
  };
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
          }),
      ),
    );
  };
  try {
    for (const part of SPLIT_PARTS) {
      const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "serve.ts"), part], {
        cwd: ROOT,
        env: shared,
        stdio: ["ignore", "ignore", "inherit"],
      });
      children.set(part, child);
      const health = `http://127.0.0.1:${ports[part]}/${part === "router" ? "ready" : "health"}`;
      const exited = new Promise<never>((_, reject) =>
        child.once("exit", (code) => reject(new Error(`bench ${part} exited with ${code}`))),
      );
      exited.catch(() => undefined);
      await Promise.race([waitFor(health), exited]);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const router = children.get("router")!;
  return {
    origin: `http://127.0.0.1:${ports.router}`,
    graphqlUrl: url(ports.router),
    catalogUrl: url(ports.catalog),
    pid: router.pid!,
    pids: [router.pid!, ...[...children.values()].filter((child) => child !== router).map((child) => child.pid!)],
    parts: ["router", ...[...children.keys()].filter((part) => part !== "router")],
    stop,
  };
}

async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `${response.status} ${(await response.text()).slice(0, 300)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 in ${timeoutMs / 1000} s; last: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startStackProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<BenchStack> {
  const child: ChildProcess = spawn(
    process.execPath,
    [require.resolve("tsx/cli"), path.join(ROOT, "bench", "stack-process.ts")],
    {
      cwd: ROOT,
      // NODE_ENV=production, as the Dockerfile runs it: graphql-js and Apollo skip their development checks
      env: { ...process.env, ...env, BENCH_DATABASE_URL: databaseUrl, BENCH_STACK: "1", NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  const line = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`bench stack exited with ${code}`)));
  });
  const info = JSON.parse(line) as { origin: string; catalogUrl: string; pid: number };
  return {
    ...info,
    pids: [info.pid],
    parts: ["stack"],
    graphqlUrl: `${info.origin}/graphql`,
    async stop() {
      process.removeListener("exit", killOnExit);
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

/** Runs autocannon with a fixed request and returns latency percentiles and throughput. */
export async function load(options: {
  url: string;
  connections: number;
  durationSeconds?: number;
  amount?: number;
  method?: "GET" | "POST" | "PUT";
  headers?: Record<string, string>;
  body?: string;
  requests?: autocannon.Request[];
}): Promise<{ p50: number; p99: number; rps: number; errors: number; non2xx: number }> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    // autocannon refuses an explicit `duration: undefined`: give exactly one of the two
    ...(options.amount ? { amount: options.amount } : { duration: options.durationSeconds ?? 8 }),
    method: options.method ?? "POST",
    headers: options.headers,
    body: options.body,
    requests: options.requests,
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/**
 * One connection, one request at a time, for `seconds`: latency percentiles with sub-millisecond
 * resolution (autocannon's are whole milliseconds, too coarse for a ratio of 2 ms and 5 ms).
 */
export async function sequential(options: {
  url: string;
  headers: Record<string, string>;
  body: string;
  seconds: number;
}): Promise<SequentialResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  try {
    while (performance.now() < deadline) {
      const begun = performance.now();
      const status = await new Promise<number>((resolve, reject) => {
        const headers = { ...options.headers, "content-length": String(Buffer.byteLength(options.body)) };
        const request = http.request(options.url, { method: "POST", headers, agent }, (response) => {
          response.on("data", () => undefined);
          response.on("end", () => resolve(response.statusCode ?? 0));
          response.on("error", reject);
        });
        request.on("error", reject);
        request.end(options.body);
      }).catch(() => 0);
      latencies.push(performance.now() - begun);
      if (status !== 200) errors += 1;
    }
  } finally {
    agent.destroy();
  }
  return summarize(latencies, (performance.now() - started) / 1000, errors);
}

export interface SequentialResult {
  p50: number;
  p99: number;
  rps: number;
  errors: number;
  latencies: number[];
  seconds: number;
}

/** The value under which `p`% of the sorted values fall; NaN when there are none. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarize(latencies: number[], seconds: number, errors: number): SequentialResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    rps: sorted.length / seconds,
    errors,
    latencies,
    seconds,
  };
}

/** Several sequential runs as one (e.g. rounds alternated between two targets so drift hits both alike). */
export function combine(results: SequentialResult[]): SequentialResult {
  return summarize(
    results.flatMap((r) => r.latencies),
    results.reduce((sum, r) => sum + r.seconds, 0),
    results.reduce((sum, r) => sum + r.errors, 0),
  );
}

export function graphqlBody(query: string, variables?: Record<string, unknown>): string {
  return JSON.stringify({ query, variables });
}

/** The fields of /proc/<pid>/stat after the command name: [11] utime, [12] stime, [13] cutime, [14] cstime, in ticks. */
function procStat(pid: number): number[] {
  return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ").map(Number);
}

/** CPU seconds (user + system) a process has used so far, from /proc; null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const fields = procStat(pid);
    return (fields[11] + fields[12]) / 100;
  } catch {
    return null;
  }
}

/**
 * CPU seconds of every PostgreSQL server process on this machine (the bench's embedded server),
 * including backends that have exited: the postmaster reaps them, so their time is in its
 * children's fields (cutime, cstime). Without those a closed connection made the total drop.
 */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, "utf8").trim() !== "postgres") continue;
      const fields = procStat(Number(entry));
      total += (fields[11] + fields[12] + fields[13] + fields[14]) / 100;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/**
 * CPU seconds each process spends while `work` runs: the stack's (router first), any `others`,
 * PostgreSQL's and the bench's own (its load generator); and the CPU pressure meanwhile (the
 * share of time some task waited for a CPU). Two cores carry all of them, so this says where
 * time goes and how crowded it was.
 */
export async function cpuDuring<T>(
  stack: BenchStack,
  others: { name: string; pid: number }[],
  work: () => Promise<T>,
): Promise<{ result: T; cpu: string; stackSeconds: number }> {
  const pids = [...stack.pids, ...others.map((other) => other.pid)];
  const sample = () => [...pids.map((pid) => cpuSeconds(pid) ?? 0), postgresCpuSeconds()];
  const before = sample();
  const [stallBefore, started, ownBefore] = [readCpuStallMicros(), Date.now(), process.cpuUsage()];
  const result = await work();
  const spent = sample().map((value, i) => value - before[i]);
  const own = process.cpuUsage(ownBefore);
  const stallAfter = readCpuStallMicros();
  const names = [...stack.parts, ...others.map((other) => other.name), "PostgreSQL"];
  const pressure =
    stallBefore === null || stallAfter === null
      ? ""
      : `; CPU pressure (some) ${(((stallAfter - stallBefore) / 1000 / (Date.now() - started)) * 100).toFixed(0)} %`;
  const stackSeconds = spent.slice(0, stack.pids.length).reduce((sum, seconds) => sum + seconds, 0);
  const client = `, this bench process ${((own.user + own.system) / 1e6).toFixed(2)}`;
  return {
    result,
    cpu: `${spent.map((seconds, i) => `${names[i]} ${seconds.toFixed(2)}`).join(", ")}${client} s${pressure}`,
    stackSeconds,
  };
}

const BENCH_ROLES = ["ADMIN", "MANAGER", "FLORIST", "COURIER"] as const;

/** The id of a bench shop's user of a role (created by ensureBenchUsers): the router accepts tokens of existing users only. */
export function benchUserId(shopId: number, role: (typeof BENCH_ROLES)[number]): number {
  return shopId * 10 + BENCH_ROLES.indexOf(role) + 1;
}

/** Gives a bench shop one user per role (ids from benchUserId); run in a transaction scoped to that shop. */
export async function ensureBenchUsers(
  client: { query(sql: string, params: unknown[]): Promise<unknown> },
  shopId: number,
): Promise<void> {
  await client.query(
    `insert into app_user (id, shop_id, email, name, role, password_hash)
     select $1::int * 10 + r.n, $1, 'bench-' || lower(r.role) || '@shop' || $1 || '.bench', 'Bench ' || lower(r.role), r.role::"UserRole", '!'
     from unnest($2::text[]) with ordinality as r(role, n)
     on conflict do nothing`,
    [shopId, BENCH_ROLES],
  );
}

/** Runs `work` in one transaction scoped to a bench shop as the system (the way the scenarios seed their data). */
export async function inBenchShop(
  databaseUrl: string,
  shopId: number,
  work: (client: pg.Client) => Promise<void>,
): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("begin");
    await client.query(`select set_config('app.shop_id', $1, true), set_config('app.origin', 'system', true)`, [
      String(shopId),
    ]);
    await work(client);
    await client.query("commit");
  } finally {
    await client.end();
  }
}
