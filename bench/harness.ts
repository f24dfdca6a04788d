import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import autocannon from "autocannon";
import type { Config } from "../core/config";

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
  pid: number;
  stop(): Promise<void>;
}

export interface BenchContext {
  /** the application role's connection (what the stack uses) */
  databaseUrl: string;
  /** the owner's connection (migrations, seed; bypasses the wall as a superuser) */
  ownerDatabaseUrl: string;
  config: Config;
  token(shopId: number, role?: "ADMIN" | "MANAGER" | "FLORIST" | "COURIER"): string;
  /** starts the stack in a child process; extra env overrides the defaults */
  startStack(env?: Record<string, string>): Promise<BenchStack>;
  /** the stack every scenario shares, started once */
  stack: BenchStack;
}

export interface BenchScenario {
  name: string;
  run(context: BenchContext): Promise<BenchRow[]>;
}

const ROOT = path.resolve(__dirname, "..");

export async function startStackProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<BenchStack> {
  const child: ChildProcess = spawn(process.execPath, [require.resolve("tsx/cli"), path.join(ROOT, "bench", "stack-process.ts")], {
    cwd: ROOT,
    env: { ...process.env, ...env, BENCH_DATABASE_URL: databaseUrl, NODE_ENV: "test" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`bench stack exited with ${code}`)));
  });
  const info = JSON.parse(line) as { origin: string; catalogUrl: string; pid: number };
  return {
    ...info,
    graphqlUrl: `${info.origin}/graphql`,
    async stop() {
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

export function graphqlBody(query: string, variables?: Record<string, unknown>): string {
  return JSON.stringify({ query, variables });
}
