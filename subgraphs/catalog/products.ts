import type { SqlReader } from "../../core/db";
import type { Product, ProductImage } from "../../prisma/generated/client";
import { decodeCursor, pageSize, toConnection, type CursorPart } from "../../core/pagination";
import { badUserInput } from "../../core/errors";
import { integerInRange, text } from "../../core/validation";
import { Conditions, likePattern } from "../../core/sql";

/** Data access for products. Every query names the shop; RLS is the second wall. */

/** Product columns without the generated search vector (large, and no client's business). */
const PRODUCT_COLUMNS = `id, shop_id, name, description, price, enabled, bitrix_product_id, archived_at, created_at, updated_at`;

export function findByIds(sql: SqlReader, ids: readonly number[], shopId: number) {
  return sql<Product>(`select ${PRODUCT_COLUMNS} from product where shop_id = $1 and id = any($2::int[])`, [
    shopId,
    ids,
  ]);
}

export function findImages(sql: SqlReader, productIds: readonly number[], shopId: number) {
  return sql<ProductImage>(
    `select * from product_image where shop_id = $1 and product_id = any($2::int[]) order by is_main desc, position, id`,
    [shopId, productIds],
  );
}

export type ProductSort = "NEWEST" | "NAME" | "PRICE_ASC" | "PRICE_DESC";

export interface ProductFilter {
  first?: number | null;
  after?: string | null;
  search?: string | null;
  enabled?: boolean | null;
  minPrice?: number | null;
  maxPrice?: number | null;
  sort?: ProductSort | null;
}

/**
 * Each sort is a keyset over (key, id): the cursor holds the last row's key and id, and the
 * next page starts strictly after it in the same order.
 */
const SORTS: Record<
  ProductSort,
  { column: string; descending: boolean; cursor: CursorPart; key: (row: Product) => string | number }
> = {
  NEWEST: { column: "created_at", descending: true, cursor: "instant", key: (row) => row.createdAt.toISOString() },
  NAME: { column: "name", descending: false, cursor: "text", key: (row) => row.name },
  PRICE_ASC: { column: "price", descending: false, cursor: "int", key: (row) => row.price },
  PRICE_DESC: { column: "price", descending: true, cursor: "int", key: (row) => row.price },
};

export const MAX_SEARCH_LENGTH = 200;

/**
 * The conditions shared by the page and its count. Search matches the stemmed Russian
 * vector (word forms: «роза» finds «Розы») or a substring of the lower-cased name
 * (trigram-indexed: «эвкал» finds «Эвкалипт»).
 */
function filterConditions(shopId: number, filter: ProductFilter): Conditions {
  const conditions = new Conditions().add((shop) => `shop_id = ${shop}`, shopId).add(() => `archived_at is null`);
  if (filter.enabled !== null && filter.enabled !== undefined) conditions.add((v) => `enabled = ${v}`, filter.enabled);
  const minPrice = filter.minPrice ?? null;
  const maxPrice = filter.maxPrice ?? null;
  if (minPrice !== null) conditions.add((v) => `price >= ${v}`, integerInRange(minPrice, "minPrice", 0));
  if (maxPrice !== null) conditions.add((v) => `price <= ${v}`, integerInRange(maxPrice, "maxPrice", 0));
  if (minPrice !== null && maxPrice !== null && minPrice > maxPrice) {
    throw badUserInput(`minPrice (${minPrice}) must not exceed maxPrice (${maxPrice})`, "minPrice");
  }
  // text() refuses control characters (a NUL would reach PostgreSQL, which refuses it in text)
  const search = text(filter.search, "search", { max: MAX_SEARCH_LENGTH })?.normalize("NFC").replace(/\s+/g, " ");
  if (search) {
    conditions.add(
      (words, pattern) => `(search_vector @@ websearch_to_tsquery('russian', ${words}) or lower(name) like ${pattern})`,
      search,
      likePattern(search.toLowerCase()),
    );
  }
  return conditions;
}

/**
 * A page of the shop's products that are not archived, keyset-paginated in the chosen order.
 * The count of all matches is the costly part of a search; it runs only when the client asks
 * for `totalCount` (a search-as-you-type box does not), in the same read transaction.
 */
export async function listProducts(sql: SqlReader, shopId: number, filter: ProductFilter, withCount: boolean) {
  const size = pageSize(filter.first);
  const sort = SORTS[filter.sort ?? "NEWEST"];
  // a cursor of another sort order has a key of another kind, and is refused
  const cursor = decodeCursor(filter.after, [sort.cursor, "id"]);
  const where = filterConditions(shopId, filter);
  const page = where.clone();
  if (cursor) {
    const [key, id] = cursor;
    const cast = sort === SORTS.NEWEST ? "::timestamptz" : "";
    page.add((k, i) => `(${sort.column}, id) ${sort.descending ? "<" : ">"} (${k}${cast}, ${i})`, key, id);
  }
  const direction = sort.descending ? "desc" : "asc";
  const rows = await sql<Product>(
    `select ${PRODUCT_COLUMNS} from product where ${page.where} order by ${sort.column} ${direction}, id ${direction} limit ${size + 1}`,
    page.values,
  );
  let totalCount = 0;
  if (withCount) {
    const [row] = await sql<{ count: number }>(
      `select count(*)::int as count from product where ${where.where}`,
      where.values,
    );
    totalCount = row.count;
  }
  return toConnection(rows, size, totalCount, (row) => [sort.key(row), row.id]);
}
