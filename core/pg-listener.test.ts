import pg from "pg";
import { createTestDatabase } from "../test/harness";
import { createLogger } from "./logger";
import { PgListener } from "./pg-listener";

/** A real PostgreSQL: NOTIFYs arrive, a lost connection comes back and says so, stop ends it. */
let database: { url: string; drop(): Promise<void> };
let admin: pg.Client;
beforeAll(async () => {
  database = await createTestDatabase();
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await database?.drop();
});

/** Resolves when `predicate` holds, checked every 20 ms; fails after 10 s saying what it waited for. */
async function until(predicate: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 10_000; !predicate();) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it("delivers NOTIFYs of its channels, reconnects after its connection is killed, and stops", async () => {
  const heard: string[] = [];
  const listening: boolean[] = [];
  let lost = 0;
  const listener = new PgListener({
    connectionString: database.url,
    applicationName: "cvety-pg-listener-test",
    channels: ["test_one", "test_two"],
    logger: createLogger("silent"),
    lostMessage: "lost",
    onNotification: (channel, payload) => heard.push(`${channel}:${payload}`),
    onListening: (reconnected) => listening.push(reconnected),
    onLost: () => (lost += 1),
  });
  listener.start();
  await until(() => listening.length === 1, "the first LISTEN");
  expect(listening).toEqual([false]);
  await admin.query("select pg_notify('test_one', 'a'), pg_notify('test_two', 'b'), pg_notify('test_other', 'c')");
  await until(() => heard.length === 2, "two notifications");

  await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1", [
    "cvety-pg-listener-test",
  ]);
  await until(() => listening.length === 2, "the LISTEN after the connection was killed");
  expect({ lost, listening }).toEqual({ lost: 1, listening: [false, true] });
  await admin.query("select pg_notify('test_one', 'again')");
  await until(() => heard.length === 3, "a notification after the reconnect");
  expect(heard).toEqual(["test_one:a", "test_two:b", "test_one:again"]);

  await listener.stop();
  let sessions = -1;
  for (const deadline = Date.now() + 10_000; sessions !== 0 && Date.now() < deadline;) {
    const { rows } = await admin.query("select count(*)::int as n from pg_stat_activity where application_name = $1", [
      "cvety-pg-listener-test",
    ]);
    sessions = rows[0].n;
    if (sessions) await new Promise((r) => setTimeout(r, 20));
  }
  expect(sessions).toBe(0);
});

it("refuses a channel name it would have to quote", () => {
  const options = { connectionString: "postgres://x", applicationName: "x", logger: createLogger("silent") };
  expect(
    () =>
      new PgListener({ ...options, channels: ["ok; drop table x"], lostMessage: "", onNotification: () => undefined }),
  ).toThrow(/not a channel name/);
});
