import type { Role } from "../../core/auth";
import type { SqlReader, Tx } from "../../core/db";
import { badUserInput, forbidden } from "../../core/errors";
import type { OrderHistory, OrderStatus } from "../../prisma/generated/client";

/**
 * The order lifecycle: the one service that changes an order's status, used by the
 * `updateOrderStatus` mutation and by the Bitrix webhook alike, and the only writer of the
 * order's history chain (status changes, notes, photos).
 *
 * A status change runs in a tenant transaction of `db.write` and costs three round trips:
 *  1. BEGIN, the tenant scope and `SELECT … FOR UPDATE` of the order row, sent together:
 *     concurrent changes to one order queue here;
 *  2. one statement that updates the order and appends the history row;
 *  3. COMMIT.
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

/** Which statuses each role may set (the lifecycle decides which moves are allowed at all). */
export const STATUSES_BY_ROLE: Record<Role, readonly OrderStatus[]> = {
  ADMIN: ALL_STATUSES,
  MANAGER: ALL_STATUSES,
  FLORIST: ["ACCEPTED", "ASSEMBLED"],
  COURIER: ["IN_DELIVERY", "DELIVERED"],
};

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
  | { outcome: "changed"; orderId: number; oldStatus: OrderStatus; newStatus: OrderStatus; historyId: bigint; outOfOrder: boolean }
  | { outcome: "unchanged"; orderId: number; status: OrderStatus }
  | { outcome: "not_found" };

export const BITRIX_ACTOR = "bitrix";

/** FORBIDDEN unless the role may set this status at all. Needs no database, so it runs first. */
export function assertRoleMaySet(role: Role, status: OrderStatus): void {
  const allowed = STATUSES_BY_ROLE[role];
  if (!allowed.includes(status)) {
    throw forbidden(`Role ${role} may not set status ${status}; ${role} may set ${allowed.join(", ")}`);
  }
}

type LockedOrder = { id: number; status: OrderStatus };

/** An integer as SQL text; only ever given validated ids. */
function integerLiteral(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
  return String(value);
}

/**
 * Locks the order row. The ids are validated integers written into the text, so the statement
 * has no parameters and db.write sends it together with BEGIN and the tenant scope.
 */
function lockOrder(sql: SqlReader, shopId: number, locator: OrderLocator): Promise<LockedOrder[]> {
  const match = "id" in locator ? `id = ${integerLiteral(locator.id)}` : `bitrix_order_id = ${integerLiteral(locator.bitrixOrderId)}`;
  return sql<LockedOrder>(`select id, status::text as status from "order" where shop_id = ${integerLiteral(shopId)} and ${match} for update`);
}

/** The Prisma flavour of the same lock, for writers that run in a Prisma transaction. */
async function lockOrderTx(tx: Tx, shopId: number, orderId: number): Promise<LockedOrder | null> {
  const rows = await tx.$queryRaw<LockedOrder[]>`select id, status::text as status from "order" where shop_id = ${shopId} and id = ${orderId} for update`;
  return rows[0] ?? null;
}

const APPEND_STATUS_CHANGE = `
  with updated as (
    update "order" set status = $3::"OrderStatus", updated_at = now()
    where id = $2 and shop_id = $1
    returning id, shop_id
  )
  insert into order_history (shop_id, order_id, old_status, new_status, changed_by, changed_by_id, notes, kind)
  select shop_id, id, $4::"OrderStatus", $3::"OrderStatus", $5::text, $6::text, $7::text, 'STATUS'
  from updated
  returning id`;

/**
 * Changes an order's status and appends its history row, in the caller's tenant transaction.
 * Same status again: "unchanged", nothing written. A user's refused move: BAD_USER_INPUT naming
 * the statuses allowed next; a role that may not set the status: FORBIDDEN.
 */
export async function changeOrderStatus(
  sql: SqlReader,
  shopId: number,
  locator: OrderLocator,
  change: { status: OrderStatus; notes?: string | null },
  actor: Actor,
): Promise<StatusChangeResult> {
  if (actor.kind === "user") assertRoleMaySet(actor.role, change.status);
  const [order] = await lockOrder(sql, shopId, locator);
  if (!order) return { outcome: "not_found" };
  if (order.status === change.status) return { outcome: "unchanged", orderId: order.id, status: order.status };

  const inOrder = isAllowedMove(order.status, change.status);
  let notes = change.notes ?? null;
  if (!inOrder) {
    if (actor.kind === "user") {
      const next = allowedNext(order.status);
      throw badUserInput(
        `Order ${order.id} cannot move from ${order.status} to ${change.status}: ` +
          (next.length ? `allowed next: ${next.join(", ")}` : `${order.status} is final, nothing may follow it`),
        "status",
        { currentStatus: order.status, allowedNext: next },
      );
    }
    const remark = `out of order from Bitrix: ${order.status} → ${change.status}`;
    notes = notes ? `${remark}; ${notes}` : remark;
  }
  const changedBy = actor.kind === "user" ? actor.userId : BITRIX_ACTOR;
  const changedById = actor.kind === "bitrix" ? (actor.changedById ?? null) : null;
  const [row] = await sql<{ id: bigint }>(APPEND_STATUS_CHANGE, [shopId, order.id, change.status, order.status, changedBy, changedById, notes]);
  return { outcome: "changed", orderId: order.id, oldStatus: order.status, newStatus: change.status, historyId: row.id, outOfOrder: !inOrder };
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
  entry: { kind: "NOTE"; text: string; author: string } | { kind: "PHOTO"; url: string; photoKind: string; author: string },
): Promise<OrderHistory | null> {
  const order = await lockOrderTx(tx, shopId, orderId);
  if (!order) return null;
  const photo =
    entry.kind === "PHOTO"
      ? await tx.orderPhoto.create({ data: { shopId, orderId, url: entry.url, kind: entry.photoKind, createdBy: entry.author } })
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
