import pg from "pg";
import pino from "pino";
import type { Client } from "graphql-ws";
import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../../test/harness";
import type { Logger } from "../../core/logger";
import {
  attached,
  boardClient,
  collect,
  feedSettled,
  recordStatusChange,
  routerMetric,
  someOrders,
  type Collected,
} from "../../test/board-client";
import { LISTENER_APPLICATION_NAME } from "./listener";

const BOARD = `subscription Board($after: ID) { orderStatusChanged(after: $after) { historyId newStatus order { id } } }`;
const STATUSES = ["PAID", "ACCEPTED", "ASSEMBLED", "IN_DELIVERY", "DELIVERED", "NEW"] as const;

let t: TestStack;
let orders: number[];
const clients: Client[] = [];
function client(token = t.token(DEV_SHOP)) {
  const c = boardClient(t, token);
  clients.push(c);
  return c;
}

// no periodic sweep here: what is delivered comes from NOTIFY, the seam and the reconnect alone
beforeAll(async () => {
  t = await startTestStack({ env: { BOARD_SWEEP_MS: "0" } });
  orders = await someOrders(t.stack.db, DEV_SHOP, 10);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  await Promise.all(secondRouters.splice(0).map((router) => router.stop()));
  // a failed test must not leave its slow transaction open: it would hold every board in the cluster back
  await Promise.all([...openTransactions].map((connection) => connection.end()));
  openTransactions.clear();
  // the next test's boards start behind everything this one wrote
  await feedSettled(t.stack.db, DEV_SHOP);
  await feedSettled(t.stack.db, PROD_SHOP);
});
afterAll(() => t?.stop());

const ids = (board: Collected) => board.data.map((d: any) => d.orderStatusChanged.historyId as string);

let n = 0;
const change = (orderIndex = n % orders.length) =>
  recordStatusChange(t.stack.db, DEV_SHOP, orders[orderIndex], STATUSES[n++ % STATUSES.length]);

const openTransactions = new Set<pg.Client>();

/** Routers a test starts beside `t` (on its database, with settings of their own); stopped after each test. */
const secondRouters: TestStack[] = [];

/** A session that took a transaction id and forgot to commit, with its pid and database; ended after each test. */
async function forgottenTransaction(connectionString: string, applicationName: string) {
  const session = new pg.Client({ connectionString, application_name: applicationName });
  openTransactions.add(session);
  await session.connect();
  await session.query("begin");
  await session.query("select pg_current_xact_id()");
  const { rows } = await session.query<{ pid: number; database: string }>(
    "select pg_backend_pid() as pid, current_database() as database",
  );
  return { session, ...rows[0] };
}

/** A logger that keeps the warnings it is given, and a wait for the board warning naming a session. */
function heldWarnings() {
  const warnings: Record<string, any>[] = [];
  const logger = pino({ level: "warn" }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  const naming = async (pid: number) => {
    const named = () => warnings.find((w) => w.transaction?.pid === pid);
    for (const deadline = Date.now() + 10_000; !named() && Date.now() < deadline;)
      await new Promise((r) => setTimeout(r, 50));
    return named();
  };
  return { logger, naming };
}

/** A second router on this database with its own settings, and a shop 8 board attached to it. */
async function boardOnSecondRouter(env: Record<string, string>, logger?: Logger) {
  const router = await startTestStack({ databaseUrl: t.databaseUrl, logger, env: { BOARD_SWEEP_MS: "0", ...env } });
  secondRouters.push(router);
  const c = boardClient(router, router.token(DEV_SHOP));
  clients.push(c);
  await feedSettled(t.stack.db, DEV_SHOP);
  const board = collect(c, BOARD);
  await attached(router, DEV_SHOP, 1);
  return { router, board };
}

/** A transaction on its own connection that inserts a history row now and commits when told. */
async function openTransaction(orderId: number, shopId = DEV_SHOP) {
  const connection = new pg.Client({ connectionString: t.databaseUrl });
  await connection.connect();
  openTransactions.add(connection);
  await connection.query("begin");
  await connection.query("select set_config('app.shop_id', $1, true)", [String(shopId)]);
  const { rows } = await connection.query(
    `insert into order_history (shop_id, order_id, old_status, new_status, changed_by)
     select shop_id, id, status, case when status = 'ACCEPTED' then 'ASSEMBLED'::"OrderStatus" else 'ACCEPTED'::"OrderStatus" end, 'slow-tx'
       from "order" where shop_id = $1 and id = $2
     returning id::text, new_status::text`,
    [shopId, orderId],
  );
  await connection.query(`update "order" set status = $3::"OrderStatus" where shop_id = $1 and id = $2`, [
    shopId,
    orderId,
    rows[0].new_status,
  ]);
  return {
    historyId: rows[0].id as string,
    async commit() {
      await connection.query("commit");
      openTransactions.delete(connection);
      await connection.end();
    },
  };
}

describe("the seam between replay and live", () => {
  it("a change that takes its id first and commits last is delivered to live and replaying boards, once, in order", async () => {
    const h0 = await change();
    await feedSettled(t.stack.db, DEV_SHOP);
    const live = collect(client(), BOARD);
    await attached(t, DEV_SHOP, 1);

    const slow = await openTransaction(orders[1]); // takes the smaller id, stays open
    const fast = await change(2); // a larger id, committed first
    expect(BigInt(slow.historyId)).toBeLessThan(BigInt(fast));
    const replaying = collect(client(), BOARD, { after: h0 });
    await attached(t, DEV_SHOP, 2);
    await new Promise((r) => setTimeout(r, 300));
    // nothing is handed out while an older transaction could still commit in front of it
    expect(ids(live)).toEqual([]);
    expect(ids(replaying)).toEqual([]);

    await slow.commit();
    await live.atLeast(2);
    await replaying.atLeast(2);
    expect(ids(live)).toEqual([slow.historyId, fast]);
    expect(ids(replaying)).toEqual([slow.historyId, fast]);

    // resuming behind either one picks up exactly what follows it
    const behindSlow = collect(client(), BOARD, { after: slow.historyId });
    const behindFast = collect(client(), BOARD, { after: fast });
    await attached(t, DEV_SHOP, 4);
    const next = await change();
    await behindSlow.atLeast(2);
    await behindFast.atLeast(1);
    await live.atLeast(3);
    await new Promise((r) => setTimeout(r, 200));
    expect(ids(behindSlow)).toEqual([fast, next]);
    expect(ids(behindFast)).toEqual([next]);
    expect(ids(live)).toEqual([slow.historyId, fast, next]);

    // the polling page gives the same sequence
    const page = await t.graphql(
      `query($after: ID) { orderStatusChanges(after: $after, first: 10) { edges { cursor node { historyId } } pageInfo { hasNextPage endCursor } totalCount } }`,
      { after: h0 },
      { token: t.token(DEV_SHOP) },
    );
    expect(page.errors).toBeUndefined();
    expect(page.data.orderStatusChanges.edges.map((e: any) => e.node.historyId)).toEqual([slow.historyId, fast, next]);
    expect(page.data.orderStatusChanges.totalCount).toBe(3);
    expect(page.data.orderStatusChanges.pageInfo).toEqual({ hasNextPage: false, endCursor: next });
  });

  it("replays behind `after` while changes keep committing: every change exactly once, in order", async () => {
    const before: string[] = [];
    for (let i = 0; i < 30; i += 1) before.push(await change());
    await feedSettled(t.stack.db, DEV_SHOP);
    const live = collect(client(), BOARD);
    await attached(t, DEV_SHOP, 1);
    const resumeAfter = before[4];
    const board = collect(client(), BOARD, { after: resumeAfter });
    const during: string[] = [];
    // concurrent writers while the replay runs
    await Promise.all(
      [0, 1, 2].map(async (w) => {
        for (let i = 0; i < 8; i += 1)
          during.push(await recordStatusChange(t.stack.db, DEV_SHOP, orders[3 + w], STATUSES[i % STATUSES.length]));
      }),
    );
    const expected = [...before.slice(5), ...during];
    await board.atLeast(expected.length, 15_000);
    await live.atLeast(during.length, 15_000);
    await new Promise((r) => setTimeout(r, 300));
    const got = ids(board);
    expect(new Set(got).size).toBe(got.length);
    expect([...got].sort()).toEqual([...expected].sort());
    // the replaying board and the live board agree on the order of what they both saw
    const liveIds = ids(live);
    expect(got.slice(got.length - liveIds.length)).toEqual(liveIds);
  });

  it("an unknown `after`, or another shop's, replays nothing, says so, and continues live", async () => {
    const otherShopsId = await recordStatusChange(
      t.stack.db,
      PROD_SHOP,
      (await someOrders(t.stack.db, PROD_SHOP, 1))[0],
      "PAID",
    );
    const unknown = collect(client(), BOARD, { after: "999999999" });
    const foreign = collect(client(), BOARD, { after: otherShopsId });
    await unknown.atLeast(1);
    await foreign.atLeast(1);
    for (const board of [unknown, foreign]) {
      expect(board.results[0].data ?? null).toBeNull();
      expect(board.results[0].errors?.[0].extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        field: "after",
        replayed: 0,
      });
    }
    // the two answers are the same: an id of another shop looks exactly like a missing one
    expect(foreign.results[0].errors?.[0].message.replace(otherShopsId, "X")).toBe(
      unknown.results[0].errors?.[0].message.replace("999999999", "X"),
    );
    await attached(t, DEV_SHOP, 2);
    const next = await change();
    await unknown.atLeast(2);
    await foreign.atLeast(2);
    expect(ids(unknown)).toEqual([next]);
    expect(ids(foreign)).toEqual([next]);
  });

  it("a malformed `after` is BAD_USER_INPUT naming the field", async () => {
    const board = collect(client(), BOARD, { after: "abc" });
    await board.ended();
    expect((board.error as any[])[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
  });

  it("orderStatusChanges refuses another shop's `after` like an unknown one", async () => {
    const otherShopsId = await recordStatusChange(
      t.stack.db,
      PROD_SHOP,
      (await someOrders(t.stack.db, PROD_SHOP, 1))[0],
      "ACCEPTED",
    );
    const query = `query($after: ID) { orderStatusChanges(after: $after) { totalCount } }`;
    const foreign = await t.graphql(query, { after: otherShopsId }, { token: t.token(DEV_SHOP) });
    const unknown = await t.graphql(query, { after: "999999999" }, { token: t.token(DEV_SHOP) });
    const bad = await t.graphql(query, { after: "-1" }, { token: t.token(DEV_SHOP) });
    for (const result of [foreign, unknown, bad]) {
      expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    }
    const own = await t.graphql(query, { after: otherShopsId }, { token: t.token(PROD_SHOP) });
    expect(own.errors).toBeUndefined();
  });

  it("orderStatusChangesByIds answers null for another shop's ids", async () => {
    const own = await change();
    const otherShopsId = await recordStatusChange(
      t.stack.db,
      PROD_SHOP,
      (await someOrders(t.stack.db, PROD_SHOP, 1))[0],
      "ASSEMBLED",
    );
    const result = await t.graphql(
      `query($ids: [ID!]!) { orderStatusChangesByIds(historyIds: $ids) { historyId order { id } } }`,
      { ids: [own, otherShopsId] },
      { token: t.token(DEV_SHOP) },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.orderStatusChangesByIds).toEqual([{ historyId: own, order: { id: expect.any(String) } }, null]);
  });
});

describe("rows waiting behind another shop's transaction", () => {
  it("are delivered as soon as that shop's commit is announced, not when the retry timer fires", async () => {
    // this router's timer alone would look again only after 20 s
    const { board } = await boardOnSecondRouter({
      BOARD_PENDING_RETRY_MIN_MS: "20000",
      BOARD_PENDING_RETRY_MAX_MS: "20000",
    });
    const [prodOrder] = await someOrders(t.stack.db, PROD_SHOP, 1);
    const slow = await openTransaction(prodOrder, PROD_SHOP); // shop 17008's, older, still open
    const fast = await change();
    await new Promise((r) => setTimeout(r, 500));
    expect(ids(board)).toEqual([]);

    await slow.commit();
    await board.atLeast(1, 10_000);
    expect(ids(board)).toEqual([fast]);
  });
});

describe("a transaction left open anywhere in the cluster", () => {
  it("holds the boards back; the router shows for how long and names it, and the boards move on when it ends", async () => {
    const { logger, naming } = heldWarnings();
    const { router, board } = await boardOnSecondRouter(
      { BOARD_HELD_WARN_MS: "300", BOARD_PENDING_RETRY_MAX_MS: "100" },
      logger,
    );
    // a session of the application's role
    const forgotten = await forgottenTransaction(t.appDatabaseUrl, "forgotten-report");

    const held = await change();
    const warning = await naming(forgotten.pid);
    expect(ids(board)).toEqual([]);
    expect(warning).toMatchObject({
      transaction: { pid: forgotten.pid, applicationName: "forgotten-report", state: "idle in transaction" },
      heldShops: 1,
    });
    expect(warning!.heldMs).toBeGreaterThanOrEqual(300);
    const heldSeconds = () => routerMetric(router, "board_feed_held_seconds");
    expect(await heldSeconds()).toBeGreaterThanOrEqual(0.3);

    await forgotten.session.query("commit");
    await board.atLeast(1, 10_000);
    expect(ids(board)).toEqual([held]);
    expect(await heldSeconds()).toBe(0);
  });
});

describe("a transaction of another role left open", () => {
  it("holds the boards back too; the warning names its session, though not its state", async () => {
    const { logger, naming } = heldWarnings();
    const { board } = await boardOnSecondRouter(
      { BOARD_HELD_WARN_MS: "300", BOARD_PENDING_RETRY_MAX_MS: "100" },
      logger,
    );
    // the owner's (a superuser's) session: PostgreSQL shows every role its transaction id, not its state
    const forgotten = await forgottenTransaction(t.databaseUrl, "forgotten-admin");

    const held = await change();
    const warning = await naming(forgotten.pid);
    expect(ids(board)).toEqual([]);
    expect(warning).toMatchObject({
      transaction: {
        pid: forgotten.pid,
        applicationName: "forgotten-admin",
        database: forgotten.database,
        state: null,
        openSeconds: null,
      },
    });

    await forgotten.session.query("commit");
    await board.atLeast(1, 10_000);
    expect(ids(board)).toEqual([held]);
  });
});

describe("when the listening connection drops", () => {
  it("reconnects and delivers the changes committed while it was down", async () => {
    const board = collect(client(), BOARD);
    await attached(t, DEV_SHOP, 1);
    const admin = new pg.Client({ connectionString: process.env.TEST_MAINTENANCE_URL });
    await admin.connect();
    const database = new URL(t.databaseUrl).pathname.slice(1);
    const listenerPid = async () =>
      (
        await admin.query("select pid from pg_stat_activity where application_name = $1 and datname = $2", [
          LISTENER_APPLICATION_NAME,
          database,
        ])
      ).rows.map((r) => r.pid);
    try {
      const [before] = await listenerPid();
      expect(before).toEqual(expect.any(Number));
      const { rows } = await admin.query("select pg_terminate_backend($1) as killed", [before]);
      expect(rows[0].killed).toBe(true);
      // committed while nobody listens: these NOTIFYs are lost
      const lost = [await change(), await change(), await change()];
      await board.atLeast(3, 15_000);
      expect(ids(board)).toEqual(lost);
      const [after] = await listenerPid();
      expect(after).toEqual(expect.any(Number));
      expect(after).not.toBe(before);
      // and it listens again
      const next = await change();
      await board.atLeast(4);
      expect(ids(board)).toEqual([...lost, next]);
    } finally {
      await admin.end();
    }
  });
});

describe("a second router instance on the same database", () => {
  it("a mutation on one router reaches the boards of both, each once", async () => {
    const second = await startTestStack({ databaseUrl: t.databaseUrl, env: { BOARD_SWEEP_MS: "0" } });
    try {
      const onSecond = boardClient(second, second.token(DEV_SHOP));
      clients.push(onSecond);
      const boardTwo = collect(onSecond, BOARD);
      const boardOne = collect(client(), BOARD);
      await attached(t, DEV_SHOP, 1);
      await attached(second, DEV_SHOP, 1);
      // the mutation goes through the second router: the board on the first hears of it too
      const fresh = await t.stack.db.withTenant(DEV_SHOP, (tx) =>
        tx.order.findFirstOrThrow({ where: { shopId: DEV_SHOP, status: "NEW" }, orderBy: { id: "desc" } }),
      );
      const updated = await second.graphql(
        `mutation($id: ID!) { updateOrderStatus(id: $id, status: CANCELLED) { status history { id } } }`,
        { id: String(fresh.id) },
        { token: second.token(DEV_SHOP) },
      );
      expect(updated.errors).toBeUndefined();
      const historyId = updated.data.updateOrderStatus.history.at(-1).id;
      await boardOne.atLeast(1);
      await boardTwo.atLeast(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(ids(boardOne)).toEqual([historyId]);
      expect(ids(boardTwo)).toEqual([historyId]);
    } finally {
      await Promise.all(clients.splice(0).map((c) => c.dispose()));
      await second.stop();
    }
  });
});
