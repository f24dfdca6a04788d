import type { Tx } from "../../core/db";
import type { Prisma } from "../../prisma/generated/client";
import { decodeCursor, pageSize, toConnection } from "../../core/pagination";

/** Data access for products. Every query names the shop; RLS is the second wall. */

export function findByIds(tx: Tx, ids: readonly number[], shopId: number) {
  return tx.product.findMany({ where: { shopId, id: { in: [...ids] } } });
}

export function findImages(tx: Tx, productIds: readonly number[], shopId: number) {
  return tx.productImage.findMany({
    where: { shopId, productId: { in: [...productIds] } },
    orderBy: [{ isMain: "desc" }, { position: "asc" }, { id: "asc" }],
  });
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
