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
  /** which key the row sums by */
  groupedBy: "day" | "status" | "source" | "deliveryKind" | "payment";
  key: string;
  orderCount: number;
  revenue: bigint;
}

/**
 * The shop's daily rollup (migration 20261207030000_order_stats_rollup): rows by local day,
 * status, source, delivery kind and paid-or-not, kept in step with every order, line and payment
 * by triggers in the writer's transaction. The read sums the range's rows once per key kind
 * (grouping sets); a day is the shop's calendar day, fixed when the order changed.
 */
const GROUPS = `
  select case when grouping(day) = 0 then 'day' when grouping(status) = 0 then 'status'
              when grouping(from_bitrix) = 0 then 'source' when grouping(delivery_kind) = 0 then 'deliveryKind'
              else 'payment' end as grouped_by,
         coalesce(to_char(day, 'YYYY-MM-DD'), status::text, case from_bitrix when true then 'BITRIX' when false then 'PANEL' end,
                  delivery_kind::text, case paid when true then 'PAID' when false then 'UNPAID' end) as key,
         sum(order_count)::int as order_count, sum(revenue)::bigint as revenue
  from order_stats_rollup where shop_id = $1 and day between $2::date and $3::date
  group by grouping sets ((day), (status), (from_bitrix), (delivery_kind), (paid))
  having sum(order_count) <> 0`;

/** The rollup's rows written since the last read folded into one per key and day (a no-op when none). */
const COMPACT = "select order_stats_compact($1)";

function dayNumber(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function validRange(from: string, to: string): void {
  const days = dayNumber(to) - dayNumber(from) + 1;
  if (days < 1) throw badUserInput(`to (${to}) must not be before from (${from})`, "to");
  if (days > MAX_RANGE_DAYS) throw badUserInput(`the range may span at most ${MAX_RANGE_DAYS} days, got ${days}`, "to");
}

function groups(rows: GroupRow[], groupedBy: GroupRow["groupedBy"]): GroupStats[] {
  return rows
    .filter((row) => row.groupedBy === groupedBy)
    .map((row) => ({ key: row.key, orderCount: row.orderCount, revenue: Number(row.revenue) }))
    .sort((a, b) => b.orderCount - a.orderCount || a.key.localeCompare(b.key));
}

function everyDay(from: string, to: string, rows: GroupRow[]): DayStats[] {
  const byDate = new Map(groups(rows, "day").map((group) => [group.key, group]));
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
  await context.db.write(shopId, (sql) => sql(COMPACT, [shopId]));
  const rows = await context.db.read(shopId, (sql) => sql<GroupRow>(GROUPS, [shopId, from, to]));
  const byStatus = groups(rows, "status");
  const orderCount = byStatus.reduce((sum, group) => sum + group.orderCount, 0);
  const revenue = byStatus.reduce((sum, group) => sum + group.revenue, 0);
  return {
    shopId,
    from,
    to,
    orderCount,
    revenue,
    averageOrder: orderCount === 0 ? 0 : Math.floor(revenue / orderCount),
    byDay: everyDay(from, to, rows),
    byStatus,
    bySource: groups(rows, "source"),
    byDeliveryKind: groups(rows, "deliveryKind"),
    byPayment: groups(rows, "payment"),
  };
}

/**
 * The range's best sellers by quantity, then revenue (unit price × quantity of their lines), from
 * the per-day product rollup; the name is the one the product was last ordered under.
 */
export async function topProducts(context: OrdersContext, stats: ShopStatsRow, limit: number | null | undefined) {
  const count = limit === null || limit === undefined ? 10 : integerInRange(limit, "limit", 1, 100);
  return context.db.read(stats.shopId, (sql: SqlReader) =>
    sql<{ productId: number; productName: string; quantity: number; revenue: bigint }>(
      `select product_id, (array_agg(product_name order by name_order_id desc))[1] as product_name,
              sum(quantity)::int as quantity, sum(revenue)::bigint as revenue
       from product_sales_rollup where shop_id = $1 and day between $2::date and $3::date
       group by product_id having sum(quantity) <> 0 order by 3 desc, 4 desc, 1 limit $4`,
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
