import type { SqlReader, Tx } from "../../core/db";
import type { Prisma, Product, ProductImage } from "../../prisma/generated/client";
import { decodeCursor, pageSize, toConnection } from "../../core/pagination";

/** Data access for products. Every query names the shop; RLS is the second wall. */

export function findByIds(sql: SqlReader, ids: readonly number[], shopId: number) {
  return sql<Product>(`select * from product where shop_id = $1 and id = any($2::int[])`, [shopId, ids]);
}

export function findImages(sql: SqlReader, productIds: readonly number[], shopId: number) {
  return sql<ProductImage>(
    `select * from product_image where shop_id = $1 and product_id = any($2::int[]) order by is_main desc, position, id`,
    [shopId, productIds],
  );
}

export interface ProductFilter {
  first?: number | null;
  after?: string | null;
  search?: string | null;
  enabled?: boolean | null;
}

/** A page of the shop's products, newest first, keyset-paginated on (createdAt, id). */
export async function listProducts(tx: Tx, shopId: number, filter: ProductFilter) {
  const size = pageSize(filter.first);
  const cursor = decodeCursor(filter.after, 2);
  const search = filter.search?.trim();
  const where: Prisma.ProductWhereInput = {
    shopId,
    archivedAt: null,
    ...(filter.enabled === null || filter.enabled === undefined ? {} : { enabled: filter.enabled }),
    ...(search
      ? { OR: [{ name: { contains: search, mode: "insensitive" } }, { description: { contains: search, mode: "insensitive" } }] }
      : {}),
  };
  const after: Prisma.ProductWhereInput = cursor
    ? {
        OR: [
          { createdAt: { lt: new Date(cursor[0]) } },
          { createdAt: new Date(cursor[0]), id: { lt: Number(cursor[1]) } },
        ],
      }
    : {};
  const [rows, totalCount] = await Promise.all([
    tx.product.findMany({ where: { AND: [where, after] }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: size + 1 }),
    tx.product.count({ where }),
  ]);
  return toConnection(rows, size, totalCount, (row) => [row.createdAt.toISOString(), row.id]);
}
