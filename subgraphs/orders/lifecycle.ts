import { ROLES, type Role } from "../../core/auth";
import { describeMoves, mayMove, statusesRoleMaySet } from "../../core/permissions";
import type { SqlReader, Tx } from "../../core/db";
import { badUserInput, forbidden } from "../../core/errors";
import type { OrderHistory, OrderStatus } from "../../prisma/generated/client";

/**
 * The order lifecycle: the one service that changes an order's status, used by the
 * `updateOrderStatus` mutation and by the Bitrix webhook alike, and the only writer of the
 * order's history chain (status changes, notes, photos).
 *
 * A status change is ONE statement (CHANGE_STATUS): it locks the order row (`FOR UPDATE`:
 * concurrent changes to one order queue there), and when the move is to be applied updates the
 * order and appends the history row. Run with `db.write(…, { autocommit: true })` it is sent
 * with the tenant scope in one round trip and commits on its own. The rules stay here in
 * TypeScript: the statement is told which current statuses the move may come from.
 * The database enforces the chain on top of that (migration 20261126100000_order_history_chain):
 * a trigger links each row to the order's previous row and refuses an `old_status` that is not
 * the previous `new_status`, and (order_id, previous_history_id) is unique.
 *
 * Publishing: the AFTER INSERT trigger on order_history (migration 20261126000100) sends
 * `pg_notify('order_status_changed', {id, shopId, orderId, kind, newStatus})`, which PostgreSQL delivers when
 * the transaction commits — so listeners in every process hear each committed change once and
 * never a rolled-back one. That notification is this service's publish step.
 */

/** The forward path. Moves may skip steps forward; CANCELLED is reachable from any status that is not final. */
export const LIFECYCLE: readonly OrderStatus[] = ["NEW", "PAID", "ACCEPTED", "ASSEMBLED", "IN_DELIVERY", "DELIVERED"];
export const FINAL_STATUSES: readonly OrderStatus[] = ["DELIVERED", "CANCELLED"];
const ALL_STATUSES: readonly OrderStatus[] = [...LIFECYCLE, "CANCELLED"];

/** Which statuses each role may set at all; the from–to pairs are core/permissions.ts STATUS_MOVES. */
export const STATUSES_BY_ROLE: Record<Role, readonly OrderStatus[]> = Object.fromEntries(
  ROLES.map((role) => [role, statusesRoleMaySet(role) ?? ALL_STATUSES]),
) as Record<Role, readonly OrderStatus[]>;

/** The statuses an order in `from` may move to under the panel's rules. */
export function allowedNext(from: OrderStatus): OrderStatus[] {
  if (FINAL_STATUSES.includes(from)) return [];
  return [...LIFECYCLE.slice(LIFECYCLE.indexOf(from) + 1), "CANCELLED"];
}

export function isAllowedMove(from: OrderStatus, to: OrderStatus): boolean {
  return allowedNext(from).includes(to);
}

export type OrderLocator = { id: number } | { bitrixOrderId: number };

/**
 * Who asks for the change. A user is held to the lifecycle and their role's statuses;
 * Bitrix is the authority on status, so its moves are applied even out of order (and noted).
 */
export type Actor = { kind: "user"; userId: string; role: Role } | { kind: "bitrix"; changedById?: string | null };

export type StatusChangeResult =
  | {
      outcome: "changed";
      orderId: number;
      oldStatus: OrderStatus;
      newStatus: OrderStatus;
      historyId: bigint;
      outOfOrder: boolean;
    }
  | { outcome: "unchanged"; orderId: number; status: OrderStatus }
  | { outcome: "not_found" };

export const BITRIX_ACTOR = "bitrix";

/** FORBIDDEN unless the role may set this status at all. Needs no database, so changeOrderStatus runs it first. */
function assertRoleMaySet(role: Role, status: OrderStatus): void {
  const allowed = STATUSES_BY_ROLE[role];
  if (!allowed.includes(status)) {
    throw forbidden(`Role ${role} may not set status ${status}; ${role} may set ${allowed.join(", ")}`);
  }
}

type LockedOrder = { id: number; status: OrderStatus };

/** The statuses from which a move to `to` follows the panel's rules. */
export function allowedFrom(to: OrderStatus): OrderStatus[] {
  return ALL_STATUSES.filter((from) => isAllowedMove(from, to));
}

/** The Prisma flavour of the order lock, for writers that run in a Prisma transaction. */
async function lockOrderTx(tx: Tx, shopId: number, orderId: number): Promise<LockedOrder | null> {
  const rows = await tx.$queryRaw<
    LockedOrder[]
  >`select id, status::text as status from "order" where shop_id = ${shopId} and id = ${orderId} for update`;
  return rows[0] ?? null;
}

/**
 * Locks the order, and unless it already has the status or the move is refused, updates it and
 * appends the history row. $3: apply a move that breaks the rules (Bitrix), noting it; $4: the
 * statuses the move may come from under the rules. Answers the order's status before the
 * statement and the new history row's id (null when nothing was written).
 */
const CHANGE_STATUS = (match: "id" | "bitrix_order_id") => `
  with current as (
    select id, status from "order" where shop_id = $1 and ${match} = $8 for update
  ),
  updated as (
    update "order" o set status = $2::"OrderStatus", updated_at = now()
      from current c
     where o.id = c.id and c.status <> $2::"OrderStatus" and ($3::boolean or c.status = any($4::"OrderStatus"[]))
    returning o.id, o.shop_id, c.status as old_status
  ),
  appended as (
    insert into order_history (shop_id, order_id, old_status, new_status, changed_by, changed_by_id, notes, kind)
    select u.shop_id, u.id, u.old_status, $2::"OrderStatus", $5::text, $6::text,
           case when u.old_status = any($4::"OrderStatus"[]) then $7::text
                else concat_ws('; ', 'out of order from Bitrix: ' || u.old_status::text || ' → ' || $2::text, $7::text) end,
           'STATUS'
      from updated u
    returning id
  )
  select c.id, c.status::text as status, (select a.id from appended a) as history_id from current c`;
const CHANGE_STATUS_BY_ID = CHANGE_STATUS("id");
const CHANGE_STATUS_BY_BITRIX_ID = CHANGE_STATUS("bitrix_order_id");

/**
 * Changes an order's status and appends its history row (see CHANGE_STATUS). Same status again:
 * "unchanged", nothing written. A user's refused move: BAD_USER_INPUT naming the statuses allowed
 * next; a role that may not set the status: FORBIDDEN. Bitrix's moves are applied even out of
 * order, with a note on the history row.
 */
export async function changeOrderStatus(
  sql: SqlReader,
  shopId: number,
  locator: OrderLocator,
  change: { status: OrderStatus; notes?: string | null },
  actor: Actor,
): Promise<StatusChangeResult> {
  if (actor.kind === "user") assertRoleMaySet(actor.role, change.status);
  const changedBy = actor.kind === "user" ? actor.userId : BITRIX_ACTOR;
  const changedById = actor.kind === "bitrix" ? (actor.changedById ?? null) : null;
  const inOrderFrom = allowedFrom(change.status);
  // a user moves only from the statuses their role may move from (Bitrix: any, noted when out of order)
  const movableFrom =
    actor.kind === "user" ? inOrderFrom.filter((from) => mayMove(actor.role, from, change.status)) : inOrderFrom;
  const [order] = await sql<{ id: number; status: OrderStatus; historyId: bigint | null }>(
    "id" in locator ? CHANGE_STATUS_BY_ID : CHANGE_STATUS_BY_BITRIX_ID,
    [
      shopId,
      change.status,
      actor.kind === "bitrix",
      movableFrom,
      changedBy,
      changedById,
      change.notes ?? null,
      "id" in locator ? locator.id : locator.bitrixOrderId,
    ],
  );
  if (!order) return { outcome: "not_found" };
  if (order.status === change.status) return { outcome: "unchanged", orderId: order.id, status: order.status };
  const inOrder = inOrderFrom.includes(order.status);
  if (order.historyId === null && actor.kind === "user" && inOrder) {
    throw forbidden(
      `Role ${actor.role} may not move an order from ${order.status} to ${change.status}; ${actor.role} may move ${describeMoves(actor.role)}`,
    );
  }
  if (order.historyId === null) {
    const next = allowedNext(order.status);
    throw badUserInput(
      `Order ${order.id} cannot move from ${order.status} to ${change.status}: ` +
        (next.length ? `allowed next: ${next.join(", ")}` : `${order.status} is final, nothing may follow it`),
      "status",
      { currentStatus: order.status, allowedNext: next },
    );
  }
  return {
    outcome: "changed",
    orderId: order.id,
    oldStatus: order.status,
    newStatus: change.status,
    historyId: BigInt(order.historyId),
    outOfOrder: !inOrder,
  };
}

/** A status Bitrix reports for one of its orders. */
export interface BitrixStatusChange {
  bitrixOrderId: number;
  status: OrderStatus;
  changedById: string | null;
  notes: string | null;
}

/**
 * CHANGE_STATUS for many Bitrix orders at once (Bitrix moves only: always applied, noted when
 * out of order). The orders are locked in id order, as two batches touching the same orders
 * must not deadlock. $2…$6: one array element per change, $7: who changed it. Answers one row
 * per change, in input order (`n`), with the order's status before the statement and the new
 * history row's id.
 */
const CHANGE_BITRIX_STATUSES = `
  with input as (
    select * from unnest($2::int[], $3::"OrderStatus"[], $4::text[], $5::text[], $6::text[])
      with ordinality as i(bitrix_order_id, status, changed_by_id, notes, in_order_from, n)
  ),
  current as (
    select o.id, o.status, i.n
      from "order" o
      join input i on o.bitrix_order_id = i.bitrix_order_id
     where o.shop_id = $1
     order by o.id
       for update of o
  ),
  updated as (
    update "order" o set status = i.status, updated_at = now()
      from current c
      join input i on i.n = c.n
     where o.id = c.id and c.status <> i.status
    returning o.id, o.shop_id, c.status as old_status, c.n
  ),
  appended as (
    insert into order_history (shop_id, order_id, old_status, new_status, changed_by, changed_by_id, notes, kind)
    select u.shop_id, u.id, u.old_status, i.status, $7::text, i.changed_by_id,
           case when u.old_status::text = any(string_to_array(i.in_order_from, ',')) then i.notes
                else concat_ws('; ', 'out of order from Bitrix: ' || u.old_status::text || ' → ' || i.status::text, i.notes) end,
           'STATUS'
      from updated u
      join input i on i.n = u.n
    returning id, order_id
  )
  select i.n, c.id, c.status::text as status, a.id as history_id
    from input i
    left join current c on c.n = i.n
    left join appended a on a.order_id = c.id
   order by i.n`;

/**
 * Applies many Bitrix status changes in one statement (run it with `db.write(…, { autocommit:
 * true })`): what changeOrderStatus does for each, with the same results, in order. Each order
 * may appear once: a statement cannot change one row twice.
 */
export async function changeBitrixStatuses(
  sql: SqlReader,
  shopId: number,
  changes: readonly BitrixStatusChange[],
): Promise<StatusChangeResult[]> {
  if (new Set(changes.map((change) => change.bitrixOrderId)).size !== changes.length) {
    throw new Error("changeBitrixStatuses: each Bitrix order may appear once per statement");
  }
  const inOrderFrom = changes.map((change) => allowedFrom(change.status));
  const rows = await sql<{
    n: bigint | number;
    id: number | null;
    status: OrderStatus | null;
    historyId: bigint | string | null;
  }>(CHANGE_BITRIX_STATUSES, [
    shopId,
    changes.map((change) => change.bitrixOrderId),
    changes.map((change) => change.status),
    changes.map((change) => change.changedById),
    changes.map((change) => change.notes),
    inOrderFrom.map((statuses) => statuses.join(",")),
    BITRIX_ACTOR,
  ]);
  return changes.map((change, index): StatusChangeResult => {
    const row = rows[index];
    if (!row || Number(row.n) !== index + 1) throw new Error(`changeBitrixStatuses: no answer for change ${index + 1}`);
    if (row.id === null || row.status === null) return { outcome: "not_found" };
    if (row.status === change.status) return { outcome: "unchanged", orderId: row.id, status: row.status };
    if (row.historyId === null) throw new Error(`changeBitrixStatuses: order ${row.id} was not changed`);
    return {
      outcome: "changed",
      orderId: row.id,
      oldStatus: row.status,
      newStatus: change.status,
      historyId: BigInt(row.historyId),
      outOfOrder: !inOrderFrom[index].includes(row.status),
    };
  });
}

/** Writes the first history row of a new order (oldStatus null → NEW). */
export function recordCreation(tx: Tx, shopId: number, orderId: number, changedBy: string): Promise<OrderHistory> {
  return tx.orderHistory.create({
    data: { shopId, orderId, oldStatus: null, newStatus: "NEW", changedBy, notes: "Order created", kind: "STATUS" },
  });
}

/**
 * Appends a note or photo entry at the order's current status (oldStatus = newStatus), after
 * locking the order so it lands in the chain between status changes, never beside one.
 * Null when the shop has no such order.
 */
export async function appendAnnotation(
  tx: Tx,
  shopId: number,
  orderId: number,
  entry:
    | { kind: "NOTE"; text: string; author: string }
    | { kind: "PHOTO"; url: string; photoKind: string; author: string; uploadId?: string },
): Promise<OrderHistory | null> {
  const order = await lockOrderTx(tx, shopId, orderId);
  if (!order) return null;
  const photo =
    entry.kind === "PHOTO"
      ? await tx.orderPhoto.create({
          data: {
            shopId,
            orderId,
            url: entry.url,
            kind: entry.photoKind,
            createdBy: entry.author,
            uploadId: entry.uploadId ?? null,
          },
        })
      : null;
  const history = await tx.orderHistory.create({
    data: {
      shopId,
      orderId,
      oldStatus: order.status,
      newStatus: order.status,
      changedBy: entry.author,
      kind: entry.kind,
      notes: entry.kind === "NOTE" ? entry.text : `Photo added: ${entry.photoKind}`,
      photoId: photo?.id ?? null,
    },
  });
  await tx.order.update({ where: { id: orderId }, data: { updatedAt: new Date() } });
  return history;
}
