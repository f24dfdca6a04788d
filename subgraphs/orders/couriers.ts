import type { SqlReader, Tx } from "../../core/db";
import { badUserInput } from "../../core/errors";
import { parseId } from "../../core/pagination";
import type { Order } from "../../prisma/generated/client";
import { FINAL_STATUSES } from "./lifecycle";
import { appendEdit, lockForEdit, type FieldChange } from "./update-order";

/**
 * Couriers and the day's deliveries. Which orders a COURIER sees at all is not decided here:
 * row-level security shows a courier's transactions only the orders assigned to them
 * (migration 20261206235500, Database.forViewer), so every read below, and every other read
 * of orders, is confined for them without a condition in the code.
 */

/** A day's orders are a few hundred at most; this bounds a mistaken query, not a real day. */
const MAX_DELIVERIES = 2_000;

/**
 * The orders whose window starts on `date` (a calendar day in the shop's time zone, turned into
 * instants by PostgreSQL), cancelled ones left out: deliveries by window start, then pickups.
 * One statement, whatever the number of orders.
 */
export function deliveriesOn(sql: SqlReader, shopId: number, date: string, courierId: number | null) {
  return sql<Order>(
    `with zone as (select s.timezone from shop s where s.id = $1)
     select o.* from "order" o
      where o.shop_id = $1 and o.status <> 'CANCELLED'
        and o.delivery_from >= ($2::date)::timestamp at time zone (select timezone from zone)
        and o.delivery_from < ($2::date + 1)::timestamp at time zone (select timezone from zone)
        and ($3::int is null or o.courier_id = $3::int)
      order by o.delivery_kind = 'PICKUP', o.delivery_from, o.id
      limit ${MAX_DELIVERIES}`,
    [shopId, date, courierId],
  );
}

export function parseCourierId(value: string | number | null | undefined, field: string): number | null {
  return value === null || value === undefined ? null : parseId(value, field);
}

/**
 * An active user of this shop with role COURIER, or BAD_USER_INPUT naming the field, with a
 * `reason` a client can say in words (another shop's user reads as unknown).
 */
async function requireCourier(tx: Tx, shopId: number, courierId: number, field: string) {
  const [user] = await tx.$queryRaw<
    { id: number; role: string; active: boolean }[]
  >`select id, role::text as role, deactivated_at is null as active from app_user where shop_id = ${shopId} and id = ${courierId}`;
  if (!user) throw badUserInput(`${field}: there is no user ${courierId} in this shop`, field, { reason: "UNKNOWN" });
  if (user.role !== "COURIER")
    throw badUserInput(`${field}: user ${courierId} is a ${user.role}, not a COURIER`, field, {
      reason: "NOT_A_COURIER",
    });
  if (!user.active)
    throw badUserInput(`${field}: courier ${courierId} was deactivated and takes no orders`, field, {
      reason: "DEACTIVATED",
    });
  return user;
}

/**
 * Assigns the order to a courier (null unassigns) and records it as an EDIT (on the board).
 * Assigning the courier it already has changes nothing.
 */
export async function assignCourier(
  tx: Tx,
  shopId: number,
  orderId: number,
  courierId: number | null,
  changedBy: string,
): Promise<void> {
  if (courierId !== null) await requireCourier(tx, shopId, courierId, "courierId");
  const order = await lockForEdit(tx, shopId, orderId);
  if (FINAL_STATUSES.includes(order.status))
    throw badUserInput(`Order ${orderId} is ${order.status}: a final order is not reassigned`, "orderId", {
      currentStatus: order.status,
    });
  if (order.courierId === courierId) return;
  await tx.order.update({ where: { id: orderId }, data: { courierId } });
  const change: FieldChange = {
    field: "courier",
    old: order.courierId === null ? null : String(order.courierId),
    new: courierId === null ? null : String(courierId),
  };
  await appendEdit(tx, shopId, order, [change], changedBy);
}
