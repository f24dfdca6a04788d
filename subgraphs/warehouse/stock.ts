import type { SqlReader, Tx } from "../../core/db";
import type { WarehouseItem, WarehouseUnit } from "../../prisma/generated/client";
import { decodeCursor, pageSize, toConnection } from "../../core/pagination";
import { conflict, notFound } from "../../core/errors";
import { integerInRange, requiredName } from "../../core/validation";

/**
 * How many of each bouquet the shelves can make now: for each product, the smallest
 * `floor(item quantity / recipe quantity)` over its recipe. Products without a recipe get none.
 */
export async function assemblableByProductIds(
  sql: SqlReader,
  productIds: readonly number[],
  shopId: number,
): Promise<Map<number, number>> {
  const rows = await sql<{ productId: number; stock: number }>(
    `select r.product_id, min(w.quantity / r.quantity)::int as stock
     from recipe_item r
     join warehouse_item w on w.id = r.item_id and w.shop_id = r.shop_id
     where r.shop_id = $1 and r.product_id = any($2::int[])
     group by r.product_id`,
    [shopId, productIds],
  );
  return new Map(rows.map((row) => [row.productId, Math.max(0, row.stock)]));
}

export function findItemsByIds(tx: Tx, ids: readonly number[], shopId: number) {
  return tx.warehouseItem.findMany({ where: { shopId, id: { in: [...ids] } } });
}

/** A page of the shop's warehouse items by name, keyset-paginated on (name, id). */
export async function listItems(tx: Tx, shopId: number, args: { first?: number | null; after?: string | null }) {
  const size = pageSize(args.first);
  const cursor = decodeCursor(args.after, ["text", "id"]);
  const after = cursor
    ? { OR: [{ name: { gt: String(cursor[0]) } }, { name: String(cursor[0]), id: { gt: Number(cursor[1]) } }] }
    : {};
  const [rows, totalCount] = await Promise.all([
    tx.warehouseItem.findMany({
      where: { shopId, ...after },
      orderBy: [{ name: "asc" }, { id: "asc" }],
      take: size + 1,
    }),
    tx.warehouseItem.count({ where: { shopId } }),
  ]);
  return toConnection(rows, size, totalCount, (row) => [row.name, row.id]);
}

/** Items below their minimum level, emptiest relative to the minimum first. */
export function lowStockItems(tx: Tx, shopId: number): Promise<WarehouseItem[]> {
  return tx.$queryRaw<WarehouseItem[]>`
    select id, shop_id as "shopId", name, unit, quantity, min_quantity as "minQuantity", cost_per_unit as "costPerUnit",
           created_at as "createdAt", updated_at as "updatedAt"
    from warehouse_item
    where shop_id = ${shopId} and quantity < min_quantity
    order by quantity::numeric / nullif(min_quantity, 0), name, id
    limit 500`;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}

export async function createItem(
  tx: Tx,
  shopId: number,
  input: { name: string; unit: WarehouseUnit; minQuantity?: number | null; costPerUnit?: number | null },
): Promise<WarehouseItem> {
  const name = requiredName(input.name, "name");
  const minQuantity = integerInRange(input.minQuantity ?? 0, "minQuantity", 0);
  const costPerUnit = integerInRange(input.costPerUnit ?? 0, "costPerUnit", 0, 1_000_000_000);
  const clash = await tx.warehouseItem.findFirst({ where: { shopId, name } });
  if (clash) throw conflict(`A warehouse item named «${name}» already exists (id ${clash.id})`, { itemId: clash.id });
  try {
    return await tx.warehouseItem.create({
      data: { shopId, name, unit: input.unit, minQuantity, costPerUnit, quantity: 0 },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`A warehouse item named «${name}» already exists`);
    throw error;
  }
}

export async function updateItem(
  tx: Tx,
  shopId: number,
  id: number,
  input: { name?: string | null; minQuantity?: number | null; costPerUnit?: number | null },
): Promise<WarehouseItem> {
  const item = await tx.warehouseItem.findFirst({ where: { id, shopId } });
  if (!item) throw notFound("Warehouse item", id);
  const data: Partial<Pick<WarehouseItem, "name" | "minQuantity" | "costPerUnit">> = {};
  if (input.name !== null && input.name !== undefined) data.name = requiredName(input.name, "name");
  if (input.minQuantity !== null && input.minQuantity !== undefined)
    data.minQuantity = integerInRange(input.minQuantity, "minQuantity", 0);
  if (input.costPerUnit !== null && input.costPerUnit !== undefined) {
    data.costPerUnit = integerInRange(input.costPerUnit, "costPerUnit", 0, 1_000_000_000);
  }
  if (data.name && data.name !== item.name) {
    const clash = await tx.warehouseItem.findFirst({ where: { shopId, name: data.name } });
    if (clash)
      throw conflict(`A warehouse item named «${data.name}» already exists (id ${clash.id})`, { itemId: clash.id });
  }
  if (Object.keys(data).length === 0) return item;
  try {
    return await tx.warehouseItem.update({ where: { id }, data });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`A warehouse item named «${data.name}» already exists`);
    throw error;
  }
}

/** The warehouse's view of a product: only its id; stock and composition are computed from it. */
export interface ProductReference {
  id: string | number;
}

/** The warehouse's view of an order: only its id. */
export interface OrderReference {
  id: string | number;
}
