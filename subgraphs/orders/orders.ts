import type { SqlReader } from "../../core/db";
import type {
  ClientProfile,
  Order,
  OrderHistory,
  OrderItem,
  OrderPhoto,
  OrderStatus,
} from "../../prisma/generated/client";
import { decodeCursor, pageSize, toConnection } from "../../core/pagination";
import { badUserInput } from "../../core/errors";
import { normalizePhone, text } from "../../core/validation";
import { Conditions, likePattern } from "../../core/sql";
import { mayMatch } from "../../core/argument-permissions";
import type { Viewer } from "../../core/auth";

/**
 * Reads of orders and what hangs on them, all on the raw read path (`db.read`, core/db.ts's rule).
 * Every query names the shop; RLS is the second wall.
 */

export function findByIds(sql: SqlReader, ids: readonly number[], shopId: number) {
  return sql<Order>(`select * from "order" where shop_id = $1 and id = any($2::int[])`, [shopId, ids]);
}

export async function findByBitrixId(sql: SqlReader, shopId: number, bitrixOrderId: number) {
  const [order] = await sql<Order>(`select * from "order" where shop_id = $1 and bitrix_order_id = $2`, [
    shopId,
    bitrixOrderId,
  ]);
  return order ?? null;
}

export function findItems(sql: SqlReader, orderIds: readonly number[], shopId: number) {
  return sql<OrderItem>(`select * from order_item where shop_id = $1 and order_id = any($2::int[]) order by id`, [
    shopId,
    orderIds,
  ]);
}

export function findHistory(sql: SqlReader, orderIds: readonly number[], shopId: number) {
  return sql<OrderHistory>(`select * from order_history where shop_id = $1 and order_id = any($2::int[]) order by id`, [
    shopId,
    orderIds,
  ]);
}

export function findNotes(sql: SqlReader, orderIds: readonly number[], shopId: number) {
  return sql<OrderHistory>(
    `select * from order_history where shop_id = $1 and order_id = any($2::int[]) and kind = 'NOTE' order by id`,
    [shopId, orderIds],
  );
}

export function findPhotos(sql: SqlReader, orderIds: readonly number[], shopId: number) {
  return sql<OrderPhoto>(`select * from order_photo where shop_id = $1 and order_id = any($2::int[]) order by id`, [
    shopId,
    orderIds,
  ]);
}

export function findPhotosByIds(sql: SqlReader, ids: readonly number[], shopId: number) {
  return sql<OrderPhoto>(`select * from order_photo where shop_id = $1 and id = any($2::int[])`, [shopId, ids]);
}

export function findClientsByIds(sql: SqlReader, ids: readonly number[], shopId: number) {
  return sql<ClientProfile>(`select * from client_profile where shop_id = $1 and id = any($2::int[])`, [shopId, ids]);
}

export async function findClientByPhone(sql: SqlReader, shopId: number, phone: string) {
  const [client] = await sql<ClientProfile>(`select * from client_profile where shop_id = $1 and phone = $2`, [
    shopId,
    phone,
  ]);
  return client ?? null;
}

export interface ClientTotals {
  orderCount: number;
  totalSpent: number;
  lastOrderAt: Date | null;
}

/** Order count, spend (cancelled orders excluded) and latest order per client, one query per batch. */
export async function clientTotals(
  sql: SqlReader,
  clientIds: readonly number[],
  shopId: number,
): Promise<Map<number, ClientTotals>> {
  const rows = await sql<{ clientId: number; orderCount: bigint; totalSpent: bigint | null; lastOrderAt: Date | null }>(
    `select client_id, count(*) as order_count,
            sum(total) filter (where status <> 'CANCELLED') as total_spent,
            max(created_at) as last_order_at
     from "order"
     where shop_id = $1 and client_id = any($2::int[])
     group by client_id`,
    [shopId, clientIds],
  );
  return new Map(
    rows.map((row) => [
      row.clientId,
      { orderCount: Number(row.orderCount), totalSpent: Number(row.totalSpent ?? 0), lastOrderAt: row.lastOrderAt },
    ]),
  );
}

export interface OrderFilter {
  first?: number | null;
  after?: string | null;
  status?: readonly OrderStatus[] | null;
  createdFrom?: Date | null;
  createdTo?: Date | null;
  /** YYYY-MM-DD in the shop's time zone */
  deliveryDate?: string | null;
  customerPhone?: string | null;
  search?: string | null;
  /** set by clientProfile.orders */
  clientId?: number | null;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The conditions shared by the page and its count. A delivery date is a calendar day of the
 * shop's time zone, turned into instants by PostgreSQL; search matches the recipient's name
 * (case-insensitive), phone digits (for roles that may read them), or a Bitrix order number.
 */
function filterConditions({ shopId, role }: Pick<Viewer, "shopId" | "role">, filter: OrderFilter): Conditions {
  const conditions = new Conditions().add((shop) => `o.shop_id = ${shop}`, shopId);
  if (filter.status?.length)
    conditions.add((statuses) => `o.status = any(${statuses}::"OrderStatus"[])`, [...filter.status]);
  if (filter.createdFrom && filter.createdTo && filter.createdTo < filter.createdFrom) {
    throw badUserInput("createdTo must not be before createdFrom", "createdTo");
  }
  if (filter.createdFrom) conditions.add((from) => `o.created_at >= ${from}::timestamptz`, filter.createdFrom);
  if (filter.createdTo) conditions.add((to) => `o.created_at < ${to}::timestamptz`, filter.createdTo);
  if (filter.deliveryDate) {
    const day = filter.deliveryDate;
    const match = DATE_ONLY.exec(day);
    const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
    if (!date || date.toISOString().slice(0, 10) !== day)
      throw badUserInput(`deliveryDate must be a date as YYYY-MM-DD, got "${day.slice(0, 20)}"`, "deliveryDate");
    // the shop's time zone is looked up once per statement (uncorrelated), not once per row
    conditions.add(
      (d, shop) =>
        `o.delivery_from >= (${d}::date)::timestamp at time zone (select s.timezone from shop s where s.id = ${shop})
         and o.delivery_from < (${d}::date + 1)::timestamp at time zone (select s.timezone from shop s where s.id = ${shop})`,
      day,
      shopId,
    );
  }
  if (filter.customerPhone) {
    conditions.add(
      (phone, shop) =>
        `o.client_id in (select c.id from client_profile c where c.shop_id = ${shop} and c.phone = ${phone})`,
      normalizePhone(filter.customerPhone, "customerPhone"),
      shopId,
    );
  }
  if (filter.clientId) conditions.add((client) => `o.client_id = ${client}`, filter.clientId);
  const search = text(filter.search, "search", { max: 100 });
  if (search) conditions.add(...searchCondition(role, search));
  return conditions;
}

/** The search's condition: the phone is matched only for a role that may read it (core/argument-permissions.ts). */
function searchCondition(role: Viewer["role"], search: string): Parameters<Conditions["add"]> {
  const number = /^\d{1,10}$/.test(search) && Number(search) <= 2_147_483_647 ? Number(search) : null;
  // a null pattern matches nothing: `like null` is null
  const phone = mayMatch(role, "Query.orders.search", "Order.recipientPhone")
    ? likePattern(search.replace(/[\s\-()]/g, ""))
    : null;
  return [
    // lower(…) like and like: LEAKPROOF, so under row-level security the trigram indexes on
    // lower(recipient_name) and recipient_phone serve them (migration 20261206235500); ilike would not
    (name: string, phonePattern: string, bitrix: string) =>
      `(lower(o.recipient_name) like lower(${name}) or o.recipient_phone like ${phonePattern}::text or o.bitrix_order_id = ${bitrix}::int)`,
    likePattern(search),
    phone,
    number,
  ];
}

/**
 * A page of the shop's orders, newest first, keyset-paginated on (createdAt, id), on the raw
 * read path. The count runs only when the client selects `totalCount` (the live board does not).
 */
export async function listOrders(
  sql: SqlReader,
  viewer: Pick<Viewer, "shopId" | "role">,
  filter: OrderFilter,
  withCount: boolean,
) {
  const size = pageSize(filter.first);
  const cursor = decodeCursor(filter.after, ["instant", "id"]);
  const where = filterConditions(viewer, filter);
  const page = where.clone();
  if (cursor) {
    const [createdAt, id] = cursor;
    page.add((at, i) => `(o.created_at, o.id) < (${at}::timestamptz, ${i}::int)`, createdAt, id);
  }
  const rows = await sql<Order>(
    `select o.* from "order" o where ${page.where} order by o.created_at desc, o.id desc limit ${size + 1}`,
    page.values,
  );
  let totalCount = 0;
  if (withCount) {
    const [row] = await sql<{ count: number }>(
      `select count(*)::int as count from "order" o where ${where.where}`,
      where.values,
    );
    totalCount = row.count;
  }
  return toConnection(rows, size, totalCount, (row) => [row.createdAt.toISOString(), row.id]);
}
