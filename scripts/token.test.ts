import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { verifyToken } from "../core/auth";
import { ROLE_PASSWORDS, SHOPS, seededUserId } from "../prisma/seed-data";
import { createTestDatabase } from "../test/harness";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");
const tsx = require.resolve("tsx/cli");

it("npm run token prints a token the router accepts, with the contract's claims", async () => {
  const { stdout } = await run(process.execPath, [tsx, "scripts/token.ts", "--shop", "17008", "--role", "FLORIST"], {
    cwd: ROOT,
    env: { ...process.env, JWT_SECRET: "token-test-secret" },
  });
  const viewer = verifyToken(stdout.trim(), ["token-test-secret"]);
  expect(viewer).toMatchObject({ shopId: 17008, role: "FLORIST", userId: expect.any(String) });
  expect(viewer.expiresAt! - Date.now() / 1000).toBeGreaterThan(11 * 3600);
});

it("refuses an unknown role with a message", async () => {
  await expect(
    run(process.execPath, [tsx, "scripts/token.ts", "--shop", "8", "--role", "OWNER"], { cwd: ROOT }),
  ).rejects.toMatchObject({
    code: 2,
    stderr: expect.stringMatching(/--role must be one of ADMIN, MANAGER, FLORIST, COURIER/),
  });
});

it("names the seeded user of every shop and role, as a freshly seeded database has them", async () => {
  const database = await createTestDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    for (const shop of SHOPS) {
      for (const role of Object.keys(ROLE_PASSWORDS) as (keyof typeof ROLE_PASSWORDS)[]) {
        const { rows } = await client.query("select id from app_user where email = $1", [
          `${role.toLowerCase()}@${shop.emailDomain}`,
        ]);
        expect({ shop: shop.id, role, id: seededUserId(shop.id, role) }).toEqual({
          shop: shop.id,
          role,
          id: rows[0].id,
        });
      }
    }
  } finally {
    await client.end();
    await database.drop();
  }
});
