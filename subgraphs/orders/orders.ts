import type { SqlReader, Tx } from "../../core/db";
import type { Order, OrderHistory, OrderItem, OrderStatus, Prisma } from "../../prisma/generated/client";
import { decodeCursor, pageSize, toConnection } from "../../core/pagination";
import { badUserInput } from "../../core/errors";
import { normalizePhone, text } from "../../core/validation";

/** Data access for orders. Every query names the shop; RLS is the second wall. */

export function findByIds(sql: SqlReader, ids: readonly number[], shopId: number) {
  return sql<Order>(`select * from "order" where shop_id = $1 and id = any($2::int[])`, [shopId, ids]);
}

export function findByBitrixId(tx: Tx, shopId: number, bitrixOrderId: number) {
  return tx.order.findUnique({ where: { shopId_bitrixOrderId: { shopId, bitrixOrderId } } });
}

export function findItems(sql: SqlReader, orderIds: readonly number[], shopId: number) {
  return sql<OrderItem>(`select * from order_item where shop_id = $1 and order_id = any($2::int[]) order by id`, [shopId, orderIds]);
}

export function findHistory(sql: SqlReader, orderIds: readonly number[], shopId: number) {
  return sql<OrderHistory>(`select * from order_history where shop_id = $1 and order_id = any($2::int[]) order by id`, [shopId, orderIds]);
}

export function findNotes(tx: Tx, orderIds: readonly number[], shopId: number) {
  return tx.orderHistory.findMany({ where: { shopId, orderId: { in: [...orderIds] }, kind: "NOTE" }, orderBy: { id: "asc" } });
}

export function findPhotos(tx: Tx, orderIds: readonly number[], shopId: number) {
  return tx.orderPhoto.findMany({ where: { shopId, orderId: { in: [...orderIds] } }, orderBy: { id: "asc" } });
}

export function findPhotosByIds(tx: Tx, ids: readonly number[], shopId: number) {
  return tx.orderPhoto.findMany({ where: { shopId, id: { in: [...ids] } } });
}

export function findClientsByIds(tx: Tx, ids: readonly number[], shopId: number) {
  return tx.clientProfile.findMany({ where: { shopId, id: { in: [...ids] } } });
}

export function findClientByPhone(tx: Tx, shopId: number, phone: string) {
  return tx.clientProfile.findUnique({ where: { shopId_phone: { shopId, phone } } });
}

export interface ClientTotals {
  orderCount: number;
  totalSpent: number;
  lastOrderAt: Date | null;
}

/** Order count, spend (cancelled orders excluded) and latest order per client, one query per batch. */
export async function clientTotals(tx: Tx, clientIds: readonly number[], shopId: number): Promise<Map<number, ClientTotals>> {
  const rows = await tx.$queryRaw<{ client_id: number; order_count: bigint; total_spent: bigint | null; last_order_at: Date | null }[]>`
    select client_id, count(*) as order_count,
           sum(total) filter (where status <> 'CANCELLED') as total_spent,
           max(created_at) as last_order_at
    from "order"
    where shop_id = ${shopId} and client_id = any(${[...clientIds]}::int[])
    group by client_id`;
  return new Map(
    rows.map((row) => [
      row.client_id,
      { orderCount: Number(row.order_count), totalSpent: Number(row.total_spent ?? 0), lastOrderAt: row.last_order_at },
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

/** The instants a calendar day of the shop's time zone starts and ends. */
async function shopDayBounds(tx: Tx, shopId: number, day: string): Promise<{ start: Date; end: Date }> {
  const match = DATE_ONLY.exec(day);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!date || date.toISOString().slice(0, 10) !== day) throw badUserInput(`deliveryDate must be a date as YYYY-MM-DD, got "${day.slice(0, 20)}"`, "deliveryDate");
  const [bounds] = await tx.$queryRaw<{ start: Date; end: Date }[]>`
    select (${day}::date)::timestamp at time zone s.timezone as start,
           (${day}::date + 1)::timestamp at time zone s.timezone as "end"
    from shop s where s.id = ${shopId}`;
  if (!bounds) throw badUserInput("the shop is unknown", "deliveryDate");
  return bounds;
}

async function filterWhere(tx: Tx, shopId: number, filter: OrderFilter): Promise<Prisma.OrderWhereInput> {
  const conditions: Prisma.OrderWhereInput[] = [{ shopId }];
  if (filter.status?.length) conditions.push({ status: { in: [...filter.status] } });
  if (filter.createdFrom && filter.createdTo && filter.createdTo < filter.createdFrom) {
    throw badUserInput("createdTo must not be before createdFrom", "createdTo");
  }
  if (filter.createdFrom) conditions.push({ createdAt: { gte: filter.createdFrom } });
  if (filter.createdTo) conditions.push({ createdAt: { lt: filter.createdTo } });
  if (filter.deliveryDate) {
    const { start, end } = await shopDayBounds(tx, shopId, filter.deliveryDate);
    conditions.push({ deliveryFrom: { gte: start, lt: end } });
  }
  if (filter.customerPhone) conditions.push({ client: { phone: normalizePhone(filter.customerPhone, "customerPhone"), shopId } });
  if (filter.clientId) conditions.push({ clientId: filter.clientId });
  const search = text(filter.search, "search", { max: 100 });
  if (search) {
    const or: Prisma.OrderWhereInput[] = [
      { recipientName: { contains: search, mode: "insensitive" } },
      { recipientPhone: { contains: search.replace(/[\s\-()]/g, "") } },
    ];
    if (/^\d{1,10}$/.test(search) && Number(search) <= 2_147_483_647) or.push({ bitrixOrderId: Number(search) });
    conditions.push({ OR: or });
  }
  return { AND: conditions };
}

/** A page of the shop's orders, newest first, keyset-paginated on (createdAt, id). */
export async function listOrders(tx: Tx, shopId: number, filter: OrderFilter) {
  const size = pageSize(filter.first);
  const cursor = decodeCursor(filter.after, 2);
  const where = await filterWhere(tx, shopId, filter);
  const after: Prisma.OrderWhereInput = cursor
    ? {
        OR: [
          { createdAt: { lt: new Date(cursor[0]) } },
          { createdAt: new Date(cursor[0]), id: { lt: Number(cursor[1]) } },
        ],
      }
    : {};
  const [rows, totalCount] = await Promise.all([
    tx.order.findMany({ where: { AND: [where, after] }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: size + 1 }),
    tx.order.count({ where }),
  ]);
  return toConnection(rows, size, totalCount, (row) => [row.createdAt.toISOString(), row.id]);
}
