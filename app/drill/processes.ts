import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";

/**
 * One part of the system (scripts/serve.ts catalog|orders|warehouse|router|workers) as a real
 * process, as docker-compose runs it: for the rolling-restart test and the fault drill, which
 * send it signals (SIGTERM, SIGKILL) and start it again on the same port.
 */
const ROOT = path.resolve(__dirname, "..", "..");
const SERVE = path.join(ROOT, "scripts", "serve.ts");

/** Every child still running is killed when this process exits, so a failed drill leaves no orphans. */
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

export type PartName = "catalog" | "orders" | "warehouse" | "router" | "workers";

export interface PartProcess {
  name: string;
  part: PartName;
  port: number;
  /** where its readiness is asked: /ready for a router, /health for the rest */
  readyUrl: string;
  readonly pid: number;
  readonly running: boolean;
  /**
   * starts it (again) and resolves once `readyUrl` answers 200; `answering`: once its /health
   * answers at all (the process is back, whatever its dependencies say)
   */
  start(options?: { answering?: boolean }): Promise<void>;
  /** sends `signal` and resolves with the exit code once the process is gone */
  signal(signal: NodeJS.Signals): Promise<number | null>;
  /** SIGKILL if still running */
  kill(): Promise<void>;
}

/**
 * Polls `url` until it answers 200 (`anyAnswer`: any HTTP status); `alive` false stops the wait
 * (the process died).
 */
export async function waitForOk(
  url: string,
  timeoutMs: number,
  alive: () => boolean = () => true,
  anyAnswer = false,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive()) throw new Error(`the process behind ${url} exited before it was ready`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => anyAnswer || response.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function partProcess(options: {
  name?: string;
  part: PartName;
  port: number;
  env: Record<string, string>;
  /** how long a start may take before it is an error: tsx compiles the part at start, slow on a busy 2-core machine */
  startTimeoutMs?: number;
}): PartProcess {
  const { part, port } = options;
  const readyUrl = `http://127.0.0.1:${port}${part === "router" ? "/ready" : "/health"}`;
  let child: ChildProcess | null = null;
  const running = () => child !== null && child.exitCode === null && child.signalCode === null;
  const exited = (target: ChildProcess) =>
    new Promise<number | null>((resolve) =>
      target.exitCode !== null || target.signalCode !== null
        ? resolve(target.exitCode)
        : target.once("exit", (code) => resolve(code)),
    );
  return {
    name: options.name ?? part,
    part,
    port,
    readyUrl,
    get pid() {
      return child?.pid ?? 0;
    },
    get running() {
      return running();
    },
    async start(startOptions = {}) {
      if (running()) throw new Error(`${options.name ?? part} is already running`);
      const portVariable = { router: "PORT", workers: "WORKERS_PORT" }[part as string] ?? `${part.toUpperCase()}_PORT`;
      child = spawn(process.execPath, ["--import", "tsx", SERVE, part], {
        cwd: ROOT,
        env: { ...process.env, ...options.env, [portVariable]: String(port) },
        stdio: ["ignore", "ignore", "inherit"],
      });
      const started = child;
      children.add(started);
      started.once("exit", () => children.delete(started));
      const url = startOptions.answering ? `http://127.0.0.1:${port}/health` : readyUrl;
      const alive = () => started === child && running();
      await waitForOk(url, options.startTimeoutMs ?? 120_000, alive, startOptions.answering);
    },
    async signal(signal) {
      const target = child;
      if (!target || !running()) return target?.exitCode ?? null;
      const done = exited(target);
      target.kill(signal);
      return done;
    },
    async kill() {
      if (running()) await this.signal("SIGKILL");
    },
  };
}
