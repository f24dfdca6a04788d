import type { Tx } from "../../core/db";
import { Prisma, type WarehouseOperation, type WarehouseOperationType } from "../../prisma/generated/client";
import { conflict, notFound, badUserInput } from "../../core/errors";
import { decodeCursor, pageSize, toConnection } from "../../core/pagination";

/**
 * Stock movements. Each change of a quantity and its operation row are ONE statement: the
 * guarded UPDATE (`quantity + delta >= 0`) and the INSERT of the operation share a CTE, so
 * concurrent operations queue on the item's row lock and none is lost, and the row lock is
 * held for a single round trip.
 */

export const OPERATION_COLUMNS = Prisma.sql`id, shop_id as "shopId", item_id as "itemId", type, delta, balance_after as "balanceAfter",
  cost_per_unit as "costPerUnit", reason, note, order_id as "orderId", created_by as "createdBy", created_at as "createdAt"`;

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
export function insufficientStock(item: { id: number; name: string; unit: string; quantity: number }, requested: number) {
  return conflict(
    `Not enough «${item.name}» (item ${item.id}): ${item.quantity} ${item.unit.toLowerCase()} available, ${requested} requested`,
    { reason: "INSUFFICIENT_STOCK", itemId: item.id, itemName: item.name, available: item.quantity, requested },
  );
}

/** Applies a signed change to an item and writes its operation; refuses to go below zero. */
export async function applyMovement(tx: Tx, shopId: number, movement: Movement): Promise<WarehouseOperation> {
  const cost = movement.costPerUnit ?? null;
  const rows = await tx.$queryRaw<WarehouseOperation[]>`
    with changed as (
      update warehouse_item set
        quantity = quantity + ${movement.delta}::int,
        cost_per_unit = case
          when ${cost}::int is null then cost_per_unit
          when quantity + ${movement.delta}::int > 0
            then round((quantity::numeric * cost_per_unit + ${movement.delta}::numeric * ${cost}::int) / (quantity + ${movement.delta}::int))::int
          else ${cost}::int end,
        updated_at = now()
      where id = ${movement.itemId} and shop_id = ${shopId} and quantity + ${movement.delta}::int >= 0
      returning id, quantity, cost_per_unit
    )
    insert into warehouse_operation (shop_id, item_id, type, delta, balance_after, cost_per_unit, reason, note, order_id, created_by)
    select ${shopId}, id, ${movement.type}::"WarehouseOperationType", ${movement.delta}::int, quantity,
           case when ${movement.type} = 'RECEIVE' then coalesce(${cost}::int, cost_per_unit) end,
           ${movement.reason ?? null}, ${movement.note ?? null}, ${movement.orderId ?? null}::int, ${movement.createdBy}
    from changed
    returning ${OPERATION_COLUMNS}`;
  if (rows.length) return rows[0];
  const item = await tx.warehouseItem.findFirst({ where: { id: movement.itemId, shopId } });
  if (!item) throw notFound("Warehouse item", movement.itemId);
  throw insufficientStock(item, -movement.delta);
}

/** An inventory count: sets the quantity and records the difference (possibly 0). */
export async function applyCount(
  tx: Tx,
  shopId: number,
  count: { itemId: number; countedQuantity: number; note?: string | null; createdBy: string },
): Promise<WarehouseOperation> {
  const rows = await tx.$queryRaw<WarehouseOperation[]>`
    with before as (
      select id, quantity from warehouse_item where id = ${count.itemId} and shop_id = ${shopId} for update
    ), changed as (
      update warehouse_item w set quantity = ${count.countedQuantity}::int, updated_at = now()
      from before where w.id = before.id
      returning w.id, w.quantity, before.quantity as previous
    )
    insert into warehouse_operation (shop_id, item_id, type, delta, balance_after, reason, note, created_by)
    select ${shopId}, id, 'ADJUST', quantity - previous, quantity, 'INVENTORY_COUNT', ${count.note ?? null}, ${count.createdBy}
    from changed
    returning ${OPERATION_COLUMNS}`;
  if (!rows.length) throw notFound("Warehouse item", count.itemId);
  return rows[0];
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
    ...(filter.from || filter.to ? { createdAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
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
