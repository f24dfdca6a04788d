import { execFileSync, spawn } from "node:child_process";
import path from "node:path";
import { createTestDatabase } from "../harness";
import { loadConfig } from "../../core/config";

/** The production image runs dist/serve.js (npm run build), not TypeScript through tsx: it must build and serve. */
const ROOT = path.resolve(__dirname, "..", "..");
jest.setTimeout(120_000);

it("npm run build bundles scripts/serve.ts into dist/serve.js, which serves a subgraph and stops on SIGTERM", async () => {
  execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "pipe" });
  const database = await createTestDatabase();
  const port = 4600 + Math.floor(Math.random() * 300);
  const child = spawn(process.execPath, [path.join(ROOT, "dist", "serve.js"), "catalog"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      DATABASE_URL: database.url,
      JWT_SECRET: "k".repeat(40),
      WEBHOOK_SECRET: "w",
      APP_DATABASE_PASSWORD: loadConfig({ NODE_ENV: "test" }).appDatabasePassword,
      CATALOG_PORT: String(port),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let errors = "";
  child.stderr.on("data", (chunk) => (errors += chunk));
  try {
    let health: Response | undefined;
    for (let i = 0; i < 400 && !health?.ok; i++) {
      if (child.exitCode !== null) throw new Error(`dist/serve.js exited ${child.exitCode}: ${errors}`);
      health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      if (!health?.ok) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await health!.json()).toMatchObject({ status: "healthy", subgraph: "catalog" });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    await database.drop();
  }
});
