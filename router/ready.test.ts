import type { TestStack } from "../test/harness";
import { startStackBehindProxy, type TcpProxy } from "../test/tcp-proxy";

/**
 * GET /ready (CONTRACT.md): 200 only when the database is reachable, migrations are applied
 * and every subgraph answers; else 503, so a load balancer takes the replica out. The outage
 * is a TCP proxy cutting this stack off from the shared test PostgreSQL.
 */
let t: TestStack;
let proxy: TcpProxy;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ t, proxy, stop } = await startStackBehindProxy());
});
afterAll(() => stop?.());

async function ready() {
  const response = await fetch(`${t.origin}/ready`);
  return { status: response.status, body: (await response.json()) as any };
}

it("answers 503 naming the database while it is unreachable, and 200 again once it is back", async () => {
  expect((await ready()).status).toBe(200);
  proxy.pause();
  try {
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.body.status).toBe("not_ready");
    expect(down.body.checks.database).toEqual({ status: "unhealthy", error: expect.any(String) });
    expect(down.body.checks.migrations).toEqual({ status: "unhealthy", error: "database unreachable" });
    // the subgraphs still answer { __typename } without the database: only the database is named
    expect(down.body.checks.subgraph_orders).toEqual({ status: "healthy" });
  } finally {
    proxy.resume();
  }
  const back = await ready();
  expect(back.status).toBe(200);
  expect(back.body.checks.database).toEqual({ status: "healthy" });
});

it("answers 503 naming a migration that is not applied", async () => {
  const { rows } = await t.ownerQuery<{ migration_name: string }>(
    "select migration_name from _prisma_migrations order by migration_name desc limit 1",
  );
  const latest = rows[0].migration_name;
  await t.ownerQuery("update _prisma_migrations set finished_at = null where migration_name = $1", [latest]);
  try {
    const pending = await ready();
    expect(pending.status).toBe(503);
    expect(pending.body.checks.database).toEqual({ status: "healthy" });
    expect(pending.body.checks.migrations).toEqual({ status: "unhealthy", error: `pending migrations: ${latest}` });
  } finally {
    await t.ownerQuery("update _prisma_migrations set finished_at = now() where migration_name = $1", [latest]);
  }
  expect((await ready()).status).toBe(200);
});
