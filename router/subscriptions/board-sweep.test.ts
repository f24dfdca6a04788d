import type { Client } from "graphql-ws";
import { startTestStack, DEV_SHOP, type TestStack } from "../../test/harness";
import { attached, boardClient, collect } from "../../test/board-client";

/**
 * A lost NOTIFY (a dropped LISTEN connection, a notification queue overflow) must not lose a
 * change: the board's periodic sweep (BOARD_SWEEP_MS) re-reads the history and delivers it.
 * Seen only through the public socket: a history row committed with its NOTIFY trigger
 * disabled reaches a live board though nothing announced it.
 */
const SWEEP_MS = 300;
/** a test timeout, not a speed claim: many sweeps' worth on a busy 2-core machine */
const ARRIVAL_TIMEOUT_MS = 20_000;

const BOARD = `subscription Board { orderStatusChanged { historyId newStatus changedBy order { id status } } }`;

let t: TestStack;
let client: Client;
beforeAll(async () => {
  t = await startTestStack({ env: { BOARD_SWEEP_MS: String(SWEEP_MS) } });
  client = boardClient(t, t.token(DEV_SHOP, "ADMIN"));
});
afterAll(async () => {
  await client?.dispose();
  await t?.stop();
});

/**
 * The order's status and a STATUS history row, in one transaction whose insert announces
 * nothing. One multi-statement query: one connection, so the DDL is transactional (other
 * writers keep their NOTIFY, and the trigger is back at commit).
 */
async function changeStatusSilently(orderId: number, newStatus: string, changedBy: string): Promise<string> {
  await t.ownerQuery(
    `begin;
     alter table order_history disable trigger order_history_notify;
     with old as (select status from "order" where id = ${orderId} for update),
          changed as (update "order" set status = '${newStatus}' where id = ${orderId})
     insert into order_history (shop_id, order_id, old_status, new_status, changed_by)
     select ${DEV_SHOP}, ${orderId}, old.status, '${newStatus}', '${changedBy}' from old;
     alter table order_history enable trigger order_history_notify;
     commit`,
  );
  const { rows } = await t.ownerQuery(`select id::text from order_history where order_id = $1 and changed_by = $2`, [
    orderId,
    changedBy,
  ]);
  expect(rows).toHaveLength(1);
  return rows[0].id;
}

it("delivers a change whose NOTIFY was lost within the sweep interval", async () => {
  const { rows } = await t.ownerQuery(
    `select id from "order" where shop_id = $1 and status = 'NEW' order by id limit 2`,
    [DEV_SHOP],
  );
  const [announced, silent] = rows.map((row) => Number(row.id));
  const board = collect(client, BOARD);
  // a subscriber without `after` starts where the feed stands when it attaches: a change committed
  // before that is not its to receive
  await attached(t, DEV_SHOP, 1);

  // a positive signal that the board is live: an ordinary change arrives
  const moved = await t.graphql(
    `mutation($id: ID!) { updateOrderStatus(id: $id, status: PAID) { id status } }`,
    { id: String(announced) },
    { token: t.token(DEV_SHOP, "ADMIN") },
  );
  expect(moved.errors).toBeUndefined();
  await board.until(
    (b) => b.data.some((d: any) => d.orderStatusChanged.order.id === String(announced)),
    ARRIVAL_TIMEOUT_MS,
    "the announced change",
  );

  const historyId = await changeStatusSilently(silent, "PAID", "lost-notify");
  await board.until(
    (b) => b.data.some((d: any) => d.orderStatusChanged.historyId === historyId),
    ARRIVAL_TIMEOUT_MS,
    "the change whose NOTIFY was lost",
  );
  const change = board.data.find((d: any) => d.orderStatusChanged.historyId === historyId)!.orderStatusChanged;
  expect(change).toEqual({
    historyId,
    newStatus: "PAID",
    changedBy: "lost-notify",
    order: { id: String(silent), status: "PAID" },
  });
  expect(board.error).toBeUndefined();
});
