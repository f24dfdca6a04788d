import type { SqlReader } from "../../core/db";
import type { StockConsumption } from "../../prisma/generated/client";

/**
 * Stock consumed at ASSEMBLED goes back when the order is cancelled, exactly once: ONE
 * statement claims the consumption (`returned_at`, set only where it is still null, on a
 * cancelled order), adds back what each line consumed and writes the RETURN operations. A
 * concurrent or repeated return (two cancels racing, Bitrix redelivering RF/UN, the NOTIFY
 * path and the sweep overlapping) waits on the claim's row lock, then finds it taken and
 * changes nothing; a crash leaves either everything or nothing, and the sweep finds what is
 * left (pendingReturns). Items are locked in id order, as every stock writer does.
 */

export const STOCK_RETURNER = "system:stock-consumer";

const RETURN_ORDER = `
with claim as (
  update stock_consumption c
     set returned_at = now(),
         return_history_id = (select max(h.id) from order_history h
                               where h.order_id = $2 and h.shop_id = $1 and h.kind = 'STATUS' and h.new_status = 'CANCELLED')
   where c.shop_id = $1 and c.order_id = $2 and c.returned_at is null
     and exists (select 1 from "order" o where o.id = $2 and o.shop_id = $1 and o.status = 'CANCELLED')
  returning c.*
),
lines as (
  select (l->>'itemId')::int as item_id, (l->>'consumed')::int as consumed
    from claim, jsonb_array_elements(claim.lines) l
   where (l->>'consumed')::int > 0
),
locked as (
  select w.id from warehouse_item w
   where w.shop_id = $1 and w.id in (select item_id from lines)
   order by w.id
   for update
),
changed as (
  update warehouse_item w set quantity = w.quantity + l.consumed, updated_at = now()
    from lines l
   where w.id = l.item_id and w.shop_id = $1 and w.id in (select id from locked)
  returning w.id, w.quantity
),
operations as (
  insert into warehouse_operation (shop_id, item_id, type, delta, balance_after, reason, order_id, created_by)
  select $1, c.id, 'RETURN', l.consumed, c.quantity, $3, $2, $4
    from changed c
    join lines l on l.item_id = c.id
)
select * from claim`;

/**
 * Returns a cancelled order's consumed stock once; null when there is nothing to return (not
 * consumed, not cancelled, or returned before). One statement on the raw write path: run it
 * with `db.write(shopId, sql => …, { autocommit: true })`.
 */
export async function returnForOrder(
  sql: SqlReader,
  shopId: number,
  orderId: number,
): Promise<StockConsumption | null> {
  const [record] = await sql<StockConsumption>(RETURN_ORDER, [
    shopId,
    orderId,
    `order ${orderId} cancelled`,
    STOCK_RETURNER,
  ]);
  return record ?? null;
}

/** Cancelled orders of the shop whose consumed stock is not returned yet (a missed or crashed return). */
export function pendingReturns(sql: SqlReader, shopId: number, limit = 100) {
  return sql<{ orderId: number }>(
    `select c.order_id from stock_consumption c join "order" o on o.id = c.order_id
      where c.shop_id = $1 and c.returned_at is null and o.status = 'CANCELLED'
      order by c.order_id limit $2`,
    [shopId, limit],
  );
}
