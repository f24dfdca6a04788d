import { Writable } from "node:stream";
import pg from "pg";
import pino from "pino";
import { createTestDatabase, startTestStack, PROD_SHOP, type TestStack } from "../harness";
import { historyOf, orderPicker, postWebhook } from "../order-fixtures";

/**
 * The database refuses writes (a full disk, a read-only switch): here `ALTER DATABASE … SET
 * default_transaction_read_only = on` on this file's own database, its sessions ended so every
 * new one starts read-only. Webhooks answer 503 with a sentence (Bitrix retries), mutations a
 * SERVICE_UNAVAILABLE error, nothing is half-written, /ready says why and the log names it for
 * the operator; switched back, writes work again without a restart.
 */
let t: TestStack;
let database: { url: string; drop(): Promise<void> };
let admin: pg.Client;
const logged: { level: number; msg: string; endpoint?: string }[] = [];
const pick = orderPicker(() => t);

beforeAll(async () => {
  database = await createTestDatabase();
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) logged.push(JSON.parse(line));
      done();
    },
  });
  t = await startTestStack({ databaseUrl: database.url, logger: pino({ level: "warn" }, sink) });
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await t?.stop();
  await database?.drop();
});

/** Sets the database's read-only default and ends its other sessions: the pools reconnect under it. */
async function setReadOnly(on: boolean) {
  const name = new URL(database.url).pathname.slice(1);
  await admin.query(`alter database "${name}" set default_transaction_read_only = ${on ? "on" : "off"}`);
  await admin.query(
    `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
    [name],
  );
}

/** Polls /ready until its answer has `status` (the pools reconnect on their own), at most 30 s on a busy machine. */
async function readyUntil(status: number) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(`${t.origin}/ready`);
    const body = (await response.json()) as any;
    if (response.status === status || Date.now() > deadline) return { status: response.status, body };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const NOTE = `mutation($id: ID!, $text: String!) { addOrderNote(id: $id, text: $text) { id } }`;

it("answers 503 while the database refuses writes, writes nothing, and recovers when it takes them again", async () => {
  const order = await pick(PROD_SHOP, "NEW");
  const historyBefore = (await historyOf(t, PROD_SHOP, order.id)).length;
  const newBitrixId = 1_900_000_000 + Math.floor(Math.random() * 1_000_000);
  const orderSync = {
    order_id: newBitrixId,
    status: "N",
    updated_at: new Date().toISOString(),
    customer: { name: "Read Only", phone: "+77010000009" },
    delivery: { kind: "PICKUP" },
    items: [{ product_id: 1, name: "Bouquet", quantity: 1, price: 500_000 }],
  };
  await setReadOnly(true);
  try {
    const notReady = await readyUntil(503);
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks.database_writable.error).toMatch(/read-only/);
    expect(notReady.body.checks.database).toEqual({ status: "healthy" });

    const status = await postWebhook(t, { order_id: order.bitrixOrderId, status: "PD", notes: "read-only" });
    expect(status.status).toBe(503);
    expect(status.body.error).toMatch(/refusing writes .*read-only or out of disk space.*retry later/);
    const sync = await postWebhook(t, orderSync, { path: "/api/v1/webhooks/order-sync" });
    expect(sync.status).toBe(503);
    expect(sync.body.error).toMatch(/refusing writes/);

    const note = await t.graphql(NOTE, { id: String(order.id), text: "while read-only" });
    expect(note.errors?.[0].extensions?.code).toBe("SERVICE_UNAVAILABLE");
    expect(note.errors?.[0].message).toMatch(/refusing writes/);
    // reads still work
    expect((await t.graphql(`{ order(id: "${order.id}") { id status } }`)).data.order.status).toBe("NEW");
  } finally {
    await setReadOnly(false);
  }
  // the pools lost their sessions to pg_terminate_backend: let them reconnect before using them
  expect((await readyUntil(200)).status).toBe(200);
  // nothing half-written: no history row, no order, no note
  expect((await historyOf(t, PROD_SHOP, order.id)).length).toBe(historyBefore);
  expect((await t.ownerQuery(`select 1 from "order" where bitrix_order_id = $1`, [newBitrixId])).rowCount).toBe(0);
  // the operator reads why in the log, by name
  expect(logged.map((entry) => entry.msg)).toEqual(
    expect.arrayContaining(["webhook refused: database refusing writes", "database refusing writes"]),
  );

  const applied = await postWebhook(t, { order_id: order.bitrixOrderId, status: "PD", notes: "after" });
  expect(applied.body).toEqual({ status: "success", order_id: order.id });
  expect((await postWebhook(t, orderSync, { path: "/api/v1/webhooks/order-sync" })).body.status).toBe("created");
  expect((await t.graphql(NOTE, { id: String(order.id), text: "after" })).data.addOrderNote.id).toBe(String(order.id));
});
