import { spawnSync } from "node:child_process";
import path from "node:path";

/** `npm start` and `npm run serve` stop before touching anything when a setting is unknown or malformed. */
const ROOT = path.resolve(__dirname, "..", "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

function start(script: string, args: string[], env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|NODE_ENV|JEST_|TEST_)/.test(name)),
  );
  return spawnSync(TSX, [path.join(ROOT, "scripts", script), ...args], {
    cwd: ROOT,
    env: { ...clean, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

it.each([
  [
    "start.ts",
    [],
    { BOARD_KEEPALIVE: "5000" },
    /cvety-graph cannot start: BOARD_KEEPALIVE is not a cvety-graph setting/,
  ],
  [
    "start.ts",
    [],
    { PORT: "four thousand" },
    /cvety-graph cannot start: PORT must be a non-negative integer, got "four thousand"/,
  ],
  [
    "serve.ts",
    ["router"],
    {
      NODE_ENV: "production",
      JWT_SECRET: "short",
      WEBHOOK_SECRET: "w",
      APP_DATABASE_PASSWORD: "p",
      DATABASE_URL: "postgresql://x@127.0.0.1:1/x",
    },
    /cvety-graph cannot start: JWT_SECRET must be at least 32 bytes/,
  ],
  [
    "serve.ts",
    ["router"],
    {
      NODE_ENV: "production",
      JWT_SECRET: "k".repeat(32),
      WEBHOOK_SECRET: "w",
      DATABASE_URL: "postgresql://x@127.0.0.1:1/x",
    },
    /cvety-graph cannot start: APP_DATABASE_PASSWORD \(or APP_DATABASE_URL\) must be set/,
  ],
])("%s %j with %j exits 1 with one sentence naming the setting", (script, args, env, message) => {
  const result = start(script, args as string[], env as Record<string, string>);
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /); // a sentence, not a stack trace
});
