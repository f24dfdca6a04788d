import path from "node:path";
import readline from "node:readline";
import { spawn, type ChildProcess } from "node:child_process";
import { createDatabase, type Database } from "../../../core/db";
import { applicationUrl, createTestDatabase, PROD_SHOP } from "../../../test/harness";
import { startFakeBitrix, eventually, type FakeBitrix } from "../../../test/fake-bitrix";

/**
 * A relay process killed with SIGKILL after Bitrix received its request and before it could
 * record the answer: no handler runs, nothing more is written, its database connections just
 * drop — what a crash, an OOM kill or a pulled plug does. The row stays claimed under the dead
 * process's lease; a relay started afterwards sends it again under the same Idempotency-Key.
 */

const ROOT = path.resolve(__dirname, "..", "..", "..");
let database: { url: string; drop(): Promise<void> };
let db: Database;
let fake: FakeBitrix;
const children: ChildProcess[] = [];

async function startRelayProcess(): Promise<ChildProcess> {
  // node itself with tsx's loader (not the tsx CLI, which would run the relay in a grandchild):
  // the pid we SIGKILL is the relay's
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "bitrix-relay.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      // the application role, behind the tenant wall, as in production
      APP_DATABASE_URL: applicationUrl(database.url),
      DATABASE_URL: database.url,
      BITRIX_BASE_URL: fake.url,
      BITRIX_API_TOKEN: "crash-test-token",
      BITRIX_SYNC_POLL_MS: "50",
      BITRIX_TIMEOUT_MS: "1000",
      BITRIX_SYNC_LEASE_MS: "2000",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once("line", () => resolve());
    child.once("exit", (code) => reject(new Error(`relay process exited with ${code}`)));
  });
  return child;
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDatabase(applicationUrl(database.url), { max: 2 });
  fake = await startFakeBitrix();
});

afterAll(async () => {
  await Promise.all(
    children
      .filter((child) => child.exitCode === null && child.signalCode === null)
      .map((child) => new Promise((resolve) => child.once("exit", resolve).kill("SIGKILL"))),
  );
  await fake?.close();
  await db?.close();
  await database?.drop();
});

it("a relay killed between sending and recording is resent under the same idempotency key", async () => {
  const product = await db.withTenant(PROD_SHOP, (tx) =>
    tx.product.findFirstOrThrow({ where: { shopId: PROD_SHOP, bitrixProductId: { not: null } } }),
  );
  const first = await startRelayProcess();
  const killed = new Promise<NodeJS.Signals | null>((resolve) =>
    first.once("exit", (_code, signal) => resolve(signal)),
  );
  // Bitrix gets the request; the relay dies before it hears back
  fake.queue({ status: 200, delayMs: 60_000 });
  fake.respond(() => ({ status: 200, body: { status: "ok" } }));
  const requestSeen = fake.waitForRequests(1);
  await db.withTenant(PROD_SHOP, (tx) => tx.$executeRaw`update product set price = 650000 where id = ${product.id}`);
  await requestSeen;
  first.kill("SIGKILL");
  expect(await killed).toBe("SIGKILL");
  expect(() => process.kill(first.pid!, 0)).toThrow(/ESRCH/); // the relay itself is gone

  const [orphan] = await db.withTenant(PROD_SHOP, (tx) =>
    tx.bitrixOutbox.findMany({ where: { productId: product.id } }),
  );
  expect(orphan).toMatchObject({ state: "PENDING", attempts: 1, deliveredAt: null });
  expect(orphan.lockedUntil!.getTime()).toBeGreaterThan(Date.now() - 100);

  await startRelayProcess();
  const [sent, resent] = await fake.waitForRequests(2, 15_000);
  expect(sent.headers["idempotency-key"]).toBe(String(orphan.id));
  expect(resent.headers["idempotency-key"]).toBe(String(orphan.id));
  expect(resent.body).toEqual(sent.body);
  expect(resent.body.price).toBe("6 500 ₸");
  const row = await eventually(async () => {
    const found = await db.withTenant(PROD_SHOP, (tx) => tx.bitrixOutbox.findUnique({ where: { id: orphan.id } }));
    return found?.state === "DELIVERED" ? found : null;
  });
  expect(row.attempts).toBe(2);
  expect(fake.requests).toHaveLength(2);
});
