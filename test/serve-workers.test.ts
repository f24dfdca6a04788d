import fs from "node:fs";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { findFreePort } from "../core/database-server";
import { applicationUrl, createTestDatabase } from "./harness";
import { startFakeBitrix, type FakeBitrix } from "./fake-bitrix";

/**
 * `scripts/serve.ts workers`, the docker-compose service that runs the Bitrix relay and the stock
 * consumer away from the router: a real process on a real database, answering its container
 * health check and Prometheus scrape, and stopping cleanly on SIGTERM.
 */
const ROOT = path.resolve(__dirname, "..");
let database: { url: string; drop(): Promise<void> };
let fake: FakeBitrix;
let child: ChildProcess;
let origin: string;

beforeAll(async () => {
  database = await createTestDatabase();
  fake = await startFakeBitrix();
  // below the ephemeral range, where an outgoing connection could take it meanwhile
  const port = await findFreePort(27_400);
  origin = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "serve.ts"), "workers"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      DATABASE_URL: database.url,
      APP_DATABASE_URL: applicationUrl(database.url),
      WORKERS_PORT: String(port),
      BITRIX_BASE_URL: fake.url,
      BITRIX_API_TOKEN: "workers-test-token",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  // generous: on a loaded CI machine, starting tsx and migrating can take a while
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the workers process exited with ${child.exitCode}`);
    const ok = await fetch(`${origin}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error("the workers process did not answer /health in 90 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 100_000);

afterAll(async () => {
  if (child && child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve).kill("SIGKILL"));
  await fake?.close();
  await database?.drop();
});

it("answers its health check", async () => {
  const response = await fetch(`${origin}/health`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: "healthy", part: "workers" });
});

it("runs niced (WORKERS_NICE, 10 by default), so background work yields the CPU to requests", () => {
  const stat = fs.readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
  // field 19 of /proc/<pid>/stat is the nice value; after the command name, index 16
  expect(Number(stat[16])).toBe(10);
});

it("serves the relay's instruments on /metrics", async () => {
  const response = await fetch(`${origin}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(text).toMatch(/^bitrix_sync_queue_depth/m);
  expect(text).toMatch(/^bitrix_sync_sends_total|# TYPE bitrix_sync_sends_total counter/m);
});

it("serves the upload sweeper's instruments on /metrics (uploads it deletes, bytes stored)", async () => {
  const text = await (await fetch(`${origin}/metrics`)).text();
  expect(text).toMatch(/^# TYPE uploads_total counter/m);
  expect(text).toMatch(/^upload_stored_bytes\{purpose="ORDER_PHOTO"\} \d+/m);
});

it("answers anything else with JSON a person can act on, never a stack trace", async () => {
  const missing = await fetch(`${origin}/graphql`);
  expect(missing.status).toBe(404);
  expect(await missing.json()).toEqual({ error: "Nothing at /graphql; this process serves /health and /metrics" });
  const post = await fetch(`${origin}/health`, { method: "POST", body: "{}" });
  expect(post.status).toBe(405);
  expect(((await post.json()) as { error: string }).error).toMatch(/Only GET/);
});

it("stops cleanly on SIGTERM", async () => {
  const code = await new Promise<number | null>((resolve) =>
    child.once("exit", (exitCode) => resolve(exitCode)).kill("SIGTERM"),
  );
  expect(code).toBe(0);
});
