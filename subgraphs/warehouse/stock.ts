import type { SqlReader, Tx } from "../../core/db";
import { decodeCursor, pageSize, toConnection } from "../../core/pagination";

/**
 * How many of each bouquet the shelves can make now: for each product, the smallest
 * `floor(item quantity / recipe quantity)` over its recipe. Products without a recipe get none.
 */
export async function assemblableByProductIds(sql: SqlReader, productIds: readonly number[], shopId: number): Promise<Map<number, number>> {
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

/** A page of the shop's warehouse items by name, keyset-paginated on (name, id). */
export async function listItems(tx: Tx, shopId: number, args: { first?: number | null; after?: string | null }) {
  const size = pageSize(args.first);
  const cursor = decodeCursor(args.after, 2);
  const after = cursor
    ? { OR: [{ name: { gt: String(cursor[0]) } }, { name: String(cursor[0]), id: { gt: Number(cursor[1]) } }] }
    : {};
  const [rows, totalCount] = await Promise.all([
    tx.warehouseItem.findMany({ where: { shopId, ...after }, orderBy: [{ name: "asc" }, { id: "asc" }], take: size + 1 }),
    tx.warehouseItem.count({ where: { shopId } }),
  ]);
  return toConnection(rows, size, totalCount, (row) => [row.name, row.id]);
}

/** The warehouse's view of a product: only its id; stock is computed from it. */
export interface ProductReference {
  id: string | number;
}
