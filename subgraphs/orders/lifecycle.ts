import type { Role } from "../../core/auth";
import type { Tx } from "../../core/db";
import { badUserInput, forbidden } from "../../core/errors";
import type { OrderHistory, OrderStatus } from "../../prisma/generated/client";

/**
 * The order lifecycle: the one service that changes an order's status, used by the
 * `updateOrderStatus` mutation and by the Bitrix webhook alike, and the only writer of the
 * order's history chain (status changes, notes, photos).
 *
 * Every change runs inside the caller's `withTenant` transaction:
 *  1. `SELECT … FOR UPDATE` on the order row: concurrent changes to one order queue here;
 *  2. one statement updates the order and appends the history row.
 * The database enforces the chain on top of that (migration 20261126100000_order_history_chain):
 * a trigger links each row to the order's previous row and refuses an `old_status` that is not
 * the previous `new_status`, and (order_id, previous_history_id) is unique.
 *
 * Publishing: the AFTER INSERT trigger on order_history (migration 20261126000100) sends
 * `pg_notify('order_status_changed', {id, shopId, orderId})`, which PostgreSQL delivers when
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

async function lockOrder(tx: Tx, shopId: number, locator: OrderLocator): Promise<{ id: number; status: OrderStatus } | null> {
  const rows =
    "id" in locator
      ? await tx.$queryRaw<{ id: number; status: OrderStatus }[]>`
          select id, status::text as status from "order" where shop_id = ${shopId} and id = ${locator.id} for update`
      : await tx.$queryRaw<{ id: number; status: OrderStatus }[]>`
          select id, status::text as status from "order" where shop_id = ${shopId} and bitrix_order_id = ${locator.bitrixOrderId} for update`;
  return rows[0] ?? null;
}

/**
 * Changes an order's status and appends its history row, in the caller's tenant transaction.
 * Same status again: "unchanged", nothing written. A user's refused move: BAD_USER_INPUT naming
 * the statuses allowed next; a role that may not set the status: FORBIDDEN.
 */
export async function changeOrderStatus(
  tx: Tx,
  shopId: number,
  locator: OrderLocator,
  change: { status: OrderStatus; notes?: string | null },
  actor: Actor,
): Promise<StatusChangeResult> {
  if (actor.kind === "user") assertRoleMaySet(actor.role, change.status);
  const order = await lockOrder(tx, shopId, locator);
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
  const [row] = await tx.$queryRaw<{ id: bigint }[]>`
    with updated as (
      update "order" set status = ${change.status}::"OrderStatus", updated_at = now()
      where id = ${order.id} and shop_id = ${shopId}
      returning id, shop_id
    )
    insert into order_history (shop_id, order_id, old_status, new_status, changed_by, changed_by_id, notes, kind)
    select shop_id, id, ${order.status}::"OrderStatus", ${change.status}::"OrderStatus", ${changedBy}::text, ${changedById}::text, ${notes}::text, 'STATUS'
    from updated
    returning id`;
  return { outcome: "changed", orderId: order.id, oldStatus: order.status, newStatus: change.status, historyId: BigInt(row.id), outOfOrder: !inOrder };
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
  const order = await lockOrder(tx, shopId, { id: orderId });
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
