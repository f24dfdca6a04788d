import type { SqlReader, Tx } from "../../core/db";
import type { Prisma, WarehouseOperation, WarehouseOperationType } from "../../prisma/generated/client";
import { conflict, notFound, badUserInput } from "../../core/errors";
import { decodeCursor, pageSize, toConnection } from "../../core/pagination";

/**
 * Stock movements. Each change of a quantity and its operation row are ONE statement: the
 * guarded UPDATE (`quantity + delta >= 0`) and the INSERT of the operation share a CTE, so
 * concurrent operations queue on the item's row lock and none is lost, and the row lock is
 * held for a single round trip.
 */

export interface Movement {
  itemId: number;
  type: WarehouseOperationType;
  /** signed change of the quantity */
  delta: number;
  /** RECEIVE: cost of one unit of this delivery; the item's cost becomes the weighted average */
  costPerUnit?: number | null;
  reason?: string | null;
  note?: string | null;
  orderId?: number | null;
  createdBy: string;
}

/** Refusal for an operation that would take the quantity below zero. */
export function insufficientStock(
  item: { id: number; name: string; unit: string; quantity: number },
  requested: number,
) {
  return conflict(
    `Not enough «${item.name}» (item ${item.id}): ${item.quantity} ${item.unit.toLowerCase()} available, ${requested} requested`,
    { reason: "INSUFFICIENT_STOCK", itemId: item.id, itemName: item.name, available: item.quantity, requested },
  );
}

/**
 * Applies a signed change to an item and writes its operation; refuses to go below zero.
 * Runs on the raw write path (`db.write`): it is plain SQL, and the hottest write there is.
 */
export async function applyMovement(sql: SqlReader, shopId: number, movement: Movement): Promise<WarehouseOperation> {
  const rows = await sql<WarehouseOperation>(
    `with changed as (
       update warehouse_item set
         quantity = quantity + $3::int,
         cost_per_unit = case
           when $4::int is null then cost_per_unit
           when quantity + $3::int > 0 then round((quantity::numeric * cost_per_unit + $3::numeric * $4::int) / (quantity + $3::int))::int
           else $4::int end,
         updated_at = now()
       where id = $2 and shop_id = $1 and quantity + $3::int >= 0
       returning id, quantity, cost_per_unit
     )
     insert into warehouse_operation (shop_id, item_id, type, delta, balance_after, cost_per_unit, reason, note, order_id, created_by)
     select $1, id, $5::"WarehouseOperationType", $3::int, quantity,
            case when $5 = 'RECEIVE' then coalesce($4::int, cost_per_unit) end,
            $6, $7, $8::int, $9
     from changed
     returning *`,
    [
      shopId,
      movement.itemId,
      movement.delta,
      movement.costPerUnit ?? null,
      movement.type,
      movement.reason ?? null,
      movement.note ?? null,
      movement.orderId ?? null,
      movement.createdBy,
    ],
  );
  if (rows.length) return rows[0];
  const [item] = await sql<{ id: number; name: string; unit: string; quantity: number }>(
    `select id, name, unit::text, quantity from warehouse_item where id = $1 and shop_id = $2`,
    [movement.itemId, shopId],
  );
  if (!item) throw notFound("Warehouse item", movement.itemId);
  throw insufficientStock(item, -movement.delta);
}

/** An inventory count: sets the quantity and records the difference (possibly 0). */
export async function applyCount(
  sql: SqlReader,
  shopId: number,
  count: { itemId: number; countedQuantity: number; note?: string | null; createdBy: string },
): Promise<WarehouseOperation> {
  const rows = await sql<WarehouseOperation>(
    `with before as (
       select id, quantity from warehouse_item where id = $2 and shop_id = $1 for update
     ), changed as (
       update warehouse_item w set quantity = $3::int, updated_at = now()
       from before where w.id = before.id
       returning w.id, w.quantity, before.quantity as previous
     )
     insert into warehouse_operation (shop_id, item_id, type, delta, balance_after, reason, note, created_by)
     select $1, id, 'ADJUST', quantity - previous, quantity, 'INVENTORY_COUNT', $4, $5
     from changed
     returning *`,
    [shopId, count.itemId, count.countedQuantity, count.note ?? null, count.createdBy],
  );
  if (!rows.length) throw notFound("Warehouse item", count.itemId);
  return rows[0];
}

/** Checks that an order named by a hand movement is one of the shop's. */
export async function checkOrder(sql: SqlReader, shopId: number, orderId: number | null): Promise<number | null> {
  if (orderId === null) return null;
  const rows = await sql(`select 1 from "order" where id = $1 and shop_id = $2`, [orderId, shopId]);
  if (!rows.length) throw notFound("Order", orderId);
  return orderId;
}

export interface OperationFilter {
  first?: number | null;
  after?: string | null;
  itemId?: number | null;
  types?: readonly WarehouseOperationType[] | null;
  orderId?: number | null;
  from?: Date | null;
  to?: Date | null;
}

/** A page of the shop's operations, newest first, keyset-paginated on id. */
export async function listOperations(tx: Tx, shopId: number, filter: OperationFilter) {
  const size = pageSize(filter.first);
  const cursor = decodeCursor(filter.after, 1);
  if (filter.from && filter.to && filter.from >= filter.to) throw badUserInput("from must be before to", "from");
  const where: Prisma.WarehouseOperationWhereInput = {
    shopId,
    ...(filter.itemId ? { itemId: filter.itemId } : {}),
    ...(filter.types?.length ? { type: { in: [...filter.types] } } : {}),
    ...(filter.orderId ? { orderId: filter.orderId } : {}),
    ...(filter.from || filter.to
      ? { createdAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } }
      : {}),
  };
  const [rows, totalCount] = await Promise.all([
    tx.warehouseOperation.findMany({
      where: cursor ? { AND: [where, { id: { lt: Number(cursor[0]) } }] } : where,
      orderBy: { id: "desc" },
      take: size + 1,
    }),
    tx.warehouseOperation.count({ where }),
  ]);
  return toConnection(rows, size, totalCount, (row) => [row.id]);
}
