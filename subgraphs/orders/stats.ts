import { GraphQLError } from "graphql";
import { requireViewer } from "../../core/context";
import { badUserInput, ErrorCode } from "../../core/errors";
import { integerInRange } from "../../core/validation";
import type { SqlReader } from "../../core/db";
import type { OrdersContext } from "./context";

const MAX_RANGE_DAYS = 366;
const GRAPHQL_INT_MAX = 2_147_483_647;
const DAY_MS = 86_400_000;

export interface GroupStats {
  key: string;
  orderCount: number;
  revenue: number;
}
export interface DayStats {
  date: string;
  orderCount: number;
  revenue: number;
}
export interface ProductSales {
  product: { __typename: "Product"; id: string };
  productName: string;
  quantity: number;
  revenue: number;
}
/** What shopStats answers; topProducts is read only when asked, with the range it carries. */
export interface ShopStatsRow {
  shopId: number;
  from: string;
  to: string;
  orderCount: number;
  revenue: number;
  averageOrder: number;
  byDay: DayStats[];
  byStatus: GroupStats[];
  bySource: GroupStats[];
  byDeliveryKind: GroupStats[];
  byPayment: GroupStats[];
}

interface GroupRow {
  day: string;
  status: string;
  source: string;
  deliveryKind: string;
  payment: string;
  orderCount: number;
  revenue: bigint;
}

/**
 * The orders placed in [from, to] as calendar days of the shop's time zone: from local midnight
 * of `from` to local midnight after `to`, so an order placed at 23:30 in Almaty counts on that
 * Almaty day whatever UTC says. One pass groups them by day, status, source, delivery kind and
 * paid-or-not (net payments covering the total); the rest is folding those few groups.
 */
const RANGE = `
  "order" o where o.shop_id = $1 and o.status <> 'CANCELLED'
    and o.created_at >= ($2::date)::timestamp at time zone (select timezone from shop where id = $1)
    and o.created_at < ($3::date + 1)::timestamp at time zone (select timezone from shop where id = $1)`;

const GROUPS = `
  with ranged as materialized (
    select o.id, o.status::text as status, o.total, o.bitrix_order_id is not null as from_bitrix, o.delivery_kind::text as delivery_kind,
           to_char((o.created_at at time zone (select timezone from shop where id = $1))::date, 'YYYY-MM-DD') as day
    from ${RANGE}
  ), paid as (
    select p.order_id, sum(case when p.kind = 'PAYMENT' then p.amount else -p.amount end) as net
    from payment p join ranged r on r.id = p.order_id where p.shop_id = $1 group by p.order_id
  )
  select r.day, r.status, case when r.from_bitrix then 'BITRIX' else 'PANEL' end as source, r.delivery_kind,
         case when coalesce(paid.net, 0) >= r.total then 'PAID' else 'UNPAID' end as payment,
         count(*)::int as order_count, sum(r.total)::bigint as revenue
  from ranged r left join paid on paid.order_id = r.id
  group by 1, 2, 3, 4, 5`;

function dayNumber(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function validRange(from: string, to: string): void {
  const days = dayNumber(to) - dayNumber(from) + 1;
  if (days < 1) throw badUserInput(`to (${to}) must not be before from (${from})`, "to");
  if (days > MAX_RANGE_DAYS) throw badUserInput(`the range may span at most ${MAX_RANGE_DAYS} days, got ${days}`, "to");
}

function fold(rows: GroupRow[], keyOf: (row: GroupRow) => string): GroupStats[] {
  const groups = new Map<string, GroupStats>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key) ?? { key, orderCount: 0, revenue: 0 };
    group.orderCount += row.orderCount;
    group.revenue += Number(row.revenue);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.orderCount - a.orderCount || a.key.localeCompare(b.key));
}

function everyDay(from: string, to: string, rows: GroupRow[]): DayStats[] {
  const byDate = new Map(fold(rows, (row) => row.day).map((group) => [group.key, group]));
  const days: DayStats[] = [];
  for (let day = dayNumber(from); day <= dayNumber(to); day += 1) {
    const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    const found = byDate.get(date);
    days.push({ date, orderCount: found?.orderCount ?? 0, revenue: found?.revenue ?? 0 });
  }
  return days;
}

/** Sales figures of the caller's shop over [from, to]; ADMIN and MANAGER (the role matrix's stats.read). */
export async function shopStats(context: OrdersContext, from: string, to: string): Promise<ShopStatsRow> {
  const { shopId } = requireViewer(context);
  validRange(from, to);
  const rows = await context.db.read(shopId, (sql) => sql<GroupRow>(GROUPS, [shopId, from, to]));
  const orderCount = rows.reduce((sum, row) => sum + row.orderCount, 0);
  const revenue = rows.reduce((sum, row) => sum + Number(row.revenue), 0);
  return {
    shopId,
    from,
    to,
    orderCount,
    revenue,
    averageOrder: orderCount === 0 ? 0 : Math.floor(revenue / orderCount),
    byDay: everyDay(from, to, rows),
    byStatus: fold(rows, (row) => row.status),
    bySource: fold(rows, (row) => row.source),
    byDeliveryKind: fold(rows, (row) => row.deliveryKind),
    byPayment: fold(rows, (row) => row.payment),
  };
}

/** The range's best sellers by quantity, then revenue (unit price × quantity of their lines). */
export async function topProducts(context: OrdersContext, stats: ShopStatsRow, limit: number | null | undefined) {
  const count = limit === null || limit === undefined ? 10 : integerInRange(limit, "limit", 1, 100);
  return context.db.read(stats.shopId, (sql: SqlReader) =>
    sql<{ productId: number; productName: string; quantity: number; revenue: bigint }>(
      `select i.product_id, (array_agg(i.product_name order by i.order_id desc))[1] as product_name,
              sum(i.quantity)::int as quantity, sum(i.quantity::bigint * i.price)::bigint as revenue
       from order_item i join (select o.id from ${RANGE}) o on o.id = i.order_id
       where i.shop_id = $1
       group by i.product_id order by 3 desc, 4 desc, 1 limit $4`,
      [stats.shopId, stats.from, stats.to, count],
    ),
  );
}

/**
 * A revenue as the contract's `revenue: Int!`. GraphQL's Int is 32-bit, which a busy shop's
 * month passes in tiyn; past it the field answers a coded error naming `revenueBigInt`
 * (the same sum, exact) rather than a wrong number.
 */
export function revenueAsInt(revenue: number, type: string): number {
  if (revenue <= GRAPHQL_INT_MAX) return revenue;
  throw new GraphQLError(
    `${type}.revenue is ${revenue} tiyn, past GraphQL's Int (2147483647): read ${type}.revenueBigInt, the same sum as a BigInt`,
    { extensions: { code: ErrorCode.VALUE_TOO_LARGE, field: "revenue" } },
  );
}

/** The two revenue fields of ShopStats, DayStats, GroupStats and ProductSales. */
export function revenueFields(type: string) {
  return {
    revenue: (parent: { revenue: number }) => revenueAsInt(parent.revenue, type),
    revenueBigInt: (parent: { revenue: number }) => parent.revenue,
  };
}
