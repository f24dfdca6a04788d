import type { SqlReader, Tx } from "../../core/db";
import type { StockConsumption } from "../../prisma/generated/client";
import { decodeCursor, pageSize, toConnection } from "../../core/pagination";

/**
 * Exactly-once consumption of an assembled order's stock. The claim on the order (a row in
 * stock_consumption, UNIQUE order_id), the CONSUME operations and the item quantities are
 * written by ONE statement: a duplicated event finds the claim and does nothing, and a
 * failure anywhere leaves nothing behind for the retry to trip over.
 *
 * One statement also keeps the consumer's transaction id alive for a single round trip. The
 * live board hands out history rows only below the oldest running transaction id (see
 * core/status-feed.ts), so every round trip of a longer write transaction here would hold
 * back every shop's board: a five-statement version held it 330 ms under a burst.
 */

export const STOCK_CONSUMER = "system:stock-consumer";

export interface ConsumptionLine {
  itemId: number;
  itemName: string;
  unit: string;
  required: number;
  consumed: number;
  shortfall: number;
}

/**
 * Claims the order (the history row named must be a committed ASSEMBLED change of this order
 * in this shop, above the shop's watermark: an announcement is checked against the table, never
 * taken on its word), locks the recipe's items in id order (as every stock writer does, so two
 * orders sharing items cannot deadlock), takes what each item has up to what the recipes need,
 * and records the lines with their shortfall. A racing consumer waits on the item locks, then
 * finds the claim taken and changes nothing. Items are only changed when this statement's claim
 * was inserted.
 */
const CONSUME_ORDER = `
with claimable as (
  select h.shop_id, h.order_id, h.id as history_id
    from order_history h
   where h.id = $3 and h.order_id = $2 and h.shop_id = $1 and h.new_status = 'ASSEMBLED' and h.kind = 'STATUS'
     and h.id > coalesce((select w.history_id from stock_consumption_watermark w where w.shop_id = $1), 0)
     and not exists (select 1 from stock_consumption c where c.order_id = $2)
     -- cancelled before its stock was taken: nothing to take, nothing to return
     and exists (select 1 from "order" o where o.id = $2 and o.shop_id = $1 and o.status <> 'CANCELLED')
),
needs as (
  select r.item_id, sum(oi.quantity::bigint * r.quantity)::int as required
    from order_item oi
    join recipe_item r on r.product_id = oi.product_id and r.shop_id = oi.shop_id
   where oi.order_id = $2 and oi.shop_id = $1 and exists (select 1 from claimable)
   group by r.item_id
),
locked as (
  select w.id, w.name, w.unit::text as unit, w.quantity
    from warehouse_item w
   where w.shop_id = $1 and w.id in (select item_id from needs)
   order by w.id
   for update
),
lines as (
  select l.id as item_id, l.name as item_name, l.unit, n.required, least(n.required, l.quantity) as consumed
    from needs n
    join locked l on l.id = n.item_id
),
claim as (
  insert into stock_consumption (shop_id, order_id, history_id, lines, shortfall_units)
  select c.shop_id, c.order_id, c.history_id,
         coalesce((select jsonb_agg(jsonb_build_object('itemId', item_id, 'itemName', item_name, 'unit', unit, 'required', required,
                                                       'consumed', consumed, 'shortfall', required - consumed) order by item_id)
                     from lines), '[]'::jsonb),
         coalesce((select sum(required - consumed) from lines), 0)::int
    from claimable c
  on conflict (order_id) do nothing
  returning *
),
changed as (
  update warehouse_item w set quantity = w.quantity - l.consumed, updated_at = now()
    from lines l
   where w.id = l.item_id and w.shop_id = $1 and l.consumed > 0 and exists (select 1 from claim)
  returning w.id, w.quantity
),
operations as (
  insert into warehouse_operation (shop_id, item_id, type, delta, balance_after, reason, order_id, created_by)
  select $1, c.id, 'CONSUME', -l.consumed, c.quantity, $4, $2, $5
    from changed c
    join lines l on l.item_id = c.id
)
select * from claim`;

/**
 * Consumes the recipes of an order's items once; null when it was already consumed (or the
 * history row is not an ASSEMBLED change of this order in this shop). One statement on the raw
 * write path: run it with `db.write(shopId, sql => …, { autocommit: true })`.
 */
export async function consumeForOrder(
  sql: SqlReader,
  shopId: number,
  orderId: number,
  historyId: bigint,
): Promise<StockConsumption | null> {
  const [record] = await sql<StockConsumption>(CONSUME_ORDER, [
    shopId,
    orderId,
    historyId,
    `order ${orderId} assembled`,
    STOCK_CONSUMER,
  ]);
  return record ?? null;
}

/** History rows `h` of shop $1 that still wait for consumption: ASSEMBLED changes after the shop's watermark whose order is not consumed. */
const AWAITING_CONSUMPTION = `
       from order_history h
       join stock_consumption_watermark w on w.shop_id = h.shop_id
      where h.shop_id = $1 and h.new_status = 'ASSEMBLED' and h.kind = 'STATUS' and h.id > w.history_id
        and not exists (select 1 from stock_consumption c where c.order_id = h.order_id)`;

/** The shop's ASSEMBLED history rows after its watermark whose order is not consumed yet. */
export function pendingAssembled(sql: SqlReader, shopId: number, afterHistoryId = 0n, limit = 100) {
  return sql<{ id: bigint; orderId: number }>(
    `select h.id, h.order_id ${AWAITING_CONSUMPTION} and h.id > $2
      order by h.id
      limit $3`,
    [shopId, afterHistoryId, limit],
  );
}

/**
 * Of these announced history rows, the ASSEMBLED changes after the shop's watermark whose order
 * is not consumed yet: one read for a burst of announcements, most of them repeats (Bitrix
 * redeliveries, an order assembled again) that consumeForOrder would only find claimed.
 */
export async function dueForConsumption(
  sql: SqlReader,
  shopId: number,
  historyIds: readonly bigint[],
): Promise<Set<bigint>> {
  const rows = await sql<{ id: bigint }>(`select h.id ${AWAITING_CONSUMPTION} and h.id = any($2::bigint[])`, [
    shopId,
    historyIds.map(String),
  ]);
  return new Set(rows.map((row) => BigInt(row.id)));
}

/**
 * The first time the consumer meets a shop it records where it starts: orders assembled
 * before the warehouse tracked consumption are not consumed retroactively.
 */
export async function ensureWatermark(tx: Tx, shopId: number): Promise<void> {
  await tx.$executeRaw`
    insert into stock_consumption_watermark (shop_id, history_id)
    select ${shopId}, coalesce(max(id), 0) from order_history where shop_id = ${shopId}
    on conflict (shop_id) do nothing`;
}

export function consumptionsByOrderIds(tx: Tx, orderIds: readonly number[], shopId: number) {
  return tx.stockConsumption.findMany({ where: { shopId, orderId: { in: [...orderIds] } } });
}

export function linesOf(consumption: StockConsumption): ConsumptionLine[] {
  return Array.isArray(consumption.lines) ? (consumption.lines as unknown as ConsumptionLine[]) : [];
}

/** A page of the shop's consumption records, newest first. */
export async function listConsumptions(
  tx: Tx,
  shopId: number,
  args: { first?: number | null; after?: string | null; shortOnly?: boolean | null },
) {
  const size = pageSize(args.first);
  const cursor = decodeCursor(args.after, 1);
  const where = { shopId, ...(args.shortOnly ? { shortfallUnits: { gt: 0 } } : {}) };
  const [rows, totalCount] = await Promise.all([
    tx.stockConsumption.findMany({
      where: cursor ? { ...where, id: { lt: Number(cursor[0]) } } : where,
      orderBy: { id: "desc" },
      take: size + 1,
    }),
    tx.stockConsumption.count({ where }),
  ]);
  return toConnection(rows, size, totalCount, (row) => [row.id]);
}
