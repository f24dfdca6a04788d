import type { SqlReader, Tx } from "../../core/db";
import type { StockConsumption } from "../../prisma/generated/client";
import { decodeCursor, pageSize, toConnection } from "../../core/pagination";

/**
 * Exactly-once consumption of an assembled order's stock. The claim on the order (a row in
 * stock_consumption, UNIQUE order_id), the CONSUME operations and the item quantities are
 * written in ONE transaction: a duplicated event finds the claim and does nothing, and a
 * crash anywhere before commit leaves nothing behind for the retry to trip over.
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

export interface ConsumptionHooks {
  /** called after the CONSUME operations are written and before the record is completed (tests simulate a crash here) */
  afterOperations?: (orderId: number) => Promise<void> | void;
}

/**
 * Consumes the recipes of an order's items once; null when it was already consumed (or the
 * history row is not an ASSEMBLED change of this order in this shop). Runs on the
 * raw write path (`db.write(shopId, sql => …)`): every assembled order passes through here.
 */
export async function consumeForOrder(
  sql: SqlReader,
  shopId: number,
  orderId: number,
  historyId: bigint,
  hooks: ConsumptionHooks = {},
): Promise<StockConsumption | null> {
  // the claim names a committed ASSEMBLED row of this order in this shop: an announcement is
  // checked against the table, never taken on its word
  const claimed = await sql<{ id: number }>(
    `insert into stock_consumption (shop_id, order_id, history_id)
     select h.shop_id, h.order_id, h.id from order_history h
      where h.id = $3 and h.order_id = $2 and h.shop_id = $1 and h.new_status = 'ASSEMBLED' and h.kind = 'STATUS'
        and h.id > coalesce((select w.history_id from stock_consumption_watermark w where w.shop_id = $1), 0)
     on conflict (order_id) do nothing
     returning id`,
    [shopId, orderId, historyId],
  );
  if (!claimed.length) return null;
  const needs = await sql<{ itemId: number; required: number }>(
    `select r.item_id, sum(oi.quantity::bigint * r.quantity)::int as required
       from order_item oi
       join recipe_item r on r.product_id = oi.product_id and r.shop_id = oi.shop_id
      where oi.order_id = $1 and oi.shop_id = $2
      group by r.item_id
      order by r.item_id`,
    [orderId, shopId],
  );
  // lock in id order, as every consumer does, so two orders sharing items cannot deadlock
  const items = await sql<{ id: number; name: string; unit: string; quantity: number }>(
    `select id, name, unit::text, quantity from warehouse_item
      where shop_id = $1 and id = any($2::int[])
      order by id
      for update`,
    [shopId, needs.map((need) => need.itemId)],
  );
  const byId = new Map(items.map((item) => [item.id, item]));
  const lines: ConsumptionLine[] = [];
  for (const need of needs) {
    const item = byId.get(need.itemId);
    if (!item) continue;
    const consumed = Math.min(need.required, item.quantity);
    if (consumed > 0) {
      await sql(
        `with changed as (
           update warehouse_item set quantity = quantity - $1::int, updated_at = now()
            where id = $2 and shop_id = $3
           returning id, quantity
         )
         insert into warehouse_operation (shop_id, item_id, type, delta, balance_after, reason, order_id, created_by)
         select $3, id, 'CONSUME', $4::int, quantity, $5, $6, $7
           from changed`,
        [consumed, item.id, shopId, -consumed, `order ${orderId} assembled`, orderId, STOCK_CONSUMER],
      );
    }
    lines.push({ itemId: item.id, itemName: item.name, unit: item.unit, required: need.required, consumed, shortfall: need.required - consumed });
  }
  await hooks.afterOperations?.(orderId);
  const shortfallUnits = lines.reduce((sum, line) => sum + line.shortfall, 0);
  const [record] = await sql<StockConsumption>(
    `update stock_consumption set lines = $1::jsonb, shortfall_units = $2 where id = $3 returning *`,
    [JSON.stringify(lines), shortfallUnits, claimed[0].id],
  );
  return record;
}

/** The shop's ASSEMBLED history rows after its watermark whose order is not consumed yet. */
export function pendingAssembled(sql: SqlReader, shopId: number, afterHistoryId = 0n, limit = 100) {
  return sql<{ id: bigint; orderId: number }>(
    `select h.id, h.order_id
       from order_history h
       join stock_consumption_watermark w on w.shop_id = h.shop_id
      where h.shop_id = $1 and h.new_status = 'ASSEMBLED' and h.kind = 'STATUS' and h.id > w.history_id and h.id > $2
        and not exists (select 1 from stock_consumption c where c.order_id = h.order_id)
      order by h.id
      limit $3`,
    [shopId, afterHistoryId, limit],
  );
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
export async function listConsumptions(tx: Tx, shopId: number, args: { first?: number | null; after?: string | null; shortOnly?: boolean | null }) {
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
