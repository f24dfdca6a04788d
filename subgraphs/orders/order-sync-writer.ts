import type { Database, SqlReader } from "../../core/db";
import { isDatabaseUnavailable } from "../../core/errors";
import { createGroupCommit, type GroupCommit } from "../../core/group-commit";
import {
  paymentElsewhere,
  settledWithoutWriting,
  writeBitrixOrder,
  type HeldOrder,
  type OrderSyncResult,
  type OrderToSync,
} from "./order-sync";

/**
 * The order webhook's writer: group commit (core/group-commit.ts) over order-sync.ts, as the
 * status webhook's writer is over the lifecycle. Deliveries that arrive while a batch is being
 * written go together in the next one:
 * - one read-only statement finds every order of the batch we hold, which settles redeliveries
 *   (unchanged) and older versions (stale) with no write at all;
 * - one statement creates every new order of the batch that is plain (Bitrix status N, every
 *   product known): its customer, order, first history row, items and payments, all or nothing
 *   (a statement is atomic), as createFromBitrix does for one order;
 * - anything else (an update, a new order in another status or with an unknown product, one a
 *   concurrent delivery created first) takes the one-order transaction, writeBitrixOrder.
 * The same Bitrix order never shares a batch, so a batch holds one version of each order.
 */
export type OrderSyncWriter = GroupCommit<OrderToSync, OrderSyncResult>;

const HELD_BATCH = `
  select bitrix_order_id, id, status::text as status, bitrix_updated_at, bitrix_content_hash
    from "order" where shop_id = $1 and bitrix_order_id = any($2::int[])`;

export function createOrderSyncWriter(db: Database, shopId: number): OrderSyncWriter {
  return createGroupCommit<OrderToSync, OrderSyncResult>({
    // measured (bench order-sync, 20 connections): batches of up to 50 gave p99 57-62 ms, of 16 52 ms,
    // of 10 40-50 ms at 808-985 orders/s; a smaller batch waits less behind a big one
    maxBatch: 10,
    maxInFlight: 2,
    key: (sync) => sync.order.bitrixOrderId,
    async write(batch) {
      const held = await db.read(shopId, (sql) =>
        sql<HeldOrder & { bitrixOrderId: number }>(HELD_BATCH, [shopId, batch.map((s) => s.order.bitrixOrderId)]),
      );
      const heldById = new Map(held.map((row) => [row.bitrixOrderId, row]));
      const results = new Map<OrderToSync, OrderSyncResult>();
      for (const sync of batch) {
        const seen = heldById.get(sync.order.bitrixOrderId);
        const settled = seen && settledWithoutWriting(seen, sync.order, sync.hash);
        if (settled) results.set(sync, settled);
      }
      const plain = batch.filter(
        (s) => !results.has(s) && !heldById.has(s.order.bitrixOrderId) && s.order.status === "NEW",
      );
      for (const [sync, result] of await createPlainOrders(db, shopId, plain)) results.set(sync, result);
      const rest = batch.filter((s) => !results.has(s));
      const written = await Promise.allSettled(
        rest.map((s) => writeBitrixOrder(db, shopId, s, heldById.has(s.order.bitrixOrderId))),
      );
      rest.forEach((sync, index) => {
        const outcome = written[index];
        if (outcome.status === "fulfilled") results.set(sync, outcome.value);
      });
      return batch.map((sync) => {
        const result = results.get(sync);
        return result ? { status: "fulfilled", value: result } : written[rest.indexOf(sync)];
      });
    },
  });
}

/**
 * Creates the plain new orders in one statement; answers those it created. An order it did not
 * create (an unknown product, or another delivery created it first) is left to the caller. A
 * failure other than an unreachable database leaves every order to the one-order path.
 */
async function createPlainOrders(
  db: Database,
  shopId: number,
  plain: OrderToSync[],
): Promise<Map<OrderToSync, OrderSyncResult>> {
  const created = new Map<OrderToSync, OrderSyncResult>();
  if (plain.length === 0) return created;
  let rows: { kind: string; bitrixOrderId: number | null; orderId: number; externalId: string | null }[];
  try {
    rows = await db.write(shopId, (sql) => insertPlainOrders(sql, shopId, plain), {
      origin: "bitrix",
      autocommit: true,
    });
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw error;
    return created;
  }
  const orderIds = new Map(rows.filter((r) => r.kind === "order").map((r) => [r.bitrixOrderId!, r.orderId]));
  const paid = new Set(rows.filter((r) => r.kind === "payment").map((r) => `${r.orderId} ${r.externalId}`));
  for (const sync of plain) {
    const orderId = orderIds.get(sync.order.bitrixOrderId);
    if (orderId === undefined) continue;
    const warnings = sync.order.payments
      .filter((p) => !paid.has(`${orderId} ${p.externalId}`))
      .map((p) => paymentElsewhere(sync.order, p.externalId));
    created.set(sync, {
      outcome: "created",
      orderId,
      warnings: [...new Map(warnings.map((w) => [w.field, w])).values()],
    });
  }
  return created;
}

/**
 * One statement for many new orders (rows locked in one order, phones then Bitrix ids, so two
 * batches at once do not deadlock), each with its customer (by phone), first history row
 * (→ NEW), items and payments; an order with an item whose Bitrix product we do not know is left
 * out whole, and one already held is skipped (on conflict). Answers the created orders
 * ("order" rows) and the payments recorded ("payment" rows).
 */
function insertPlainOrders(sql: SqlReader, shopId: number, plain: OrderToSync[]) {
  return sql<{ kind: string; bitrixOrderId: number | null; orderId: number; externalId: string | null }>(
    INSERT_PLAIN_ORDERS,
    plainOrderValues(shopId, plain),
  );
}

function plainOrderValues(shopId: number, plain: OrderToSync[]): unknown[] {
  const orders = plain.map((s) => s.order);
  const items = plain.flatMap(({ order }, n) => order.items.map((item, line) => ({ n, line, ...item })));
  const payments = plain.flatMap(({ order }, n) => order.payments.map((payment) => ({ n, ...payment })));
  return [
    shopId,
    orders.map((_, n) => n),
    orders.map((o) => o.bitrixOrderId),
    plain.map((s) => s.total),
    orders.map((o) => o.customer.phone),
    orders.map((o) => o.customer.name),
    orders.map((o) => o.recipient.name),
    orders.map((o) => o.recipient.phone),
    orders.map((o) => o.delivery.from),
    orders.map((o) => o.delivery.to),
    orders.map((o) => o.delivery.address),
    orders.map((o) => o.cardText),
    orders.map((o) => o.comment),
    orders.map((o) => o.delivery.fee),
    orders.map((o) => o.updatedAt),
    plain.map((s) => s.hash),
    orders.map((o) => o.delivery.kind),
    items.map((i) => i.n),
    items.map((i) => i.line),
    items.map((i) => i.bitrixProductId),
    items.map((i) => i.name),
    items.map((i) => i.quantity),
    items.map((i) => i.price),
    payments.map((p) => p.n),
    payments.map((p) => p.method),
    payments.map((p) => p.externalId),
    payments.map((p) => p.amount),
  ];
}

const INSERT_PLAIN_ORDERS = `with input as (
       select * from unnest($2::int[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[],
                            $10::timestamptz[], $11::text[], $12::text[], $13::text[], $14::int[], $15::timestamptz[], $16::text[],
                            $17::text[])
         as o(n, bitrix_order_id, total, phone, name, recipient_name, recipient_phone, delivery_from, delivery_to,
              delivery_address, card_text, comment, delivery_fee, bitrix_updated_at, bitrix_content_hash, delivery_kind)
     ),
     lines as (
       select l.*, p.id as product_id
         from unnest($18::int[], $19::int[], $20::int[], $21::text[], $22::int[], $23::int[])
           as l(n, line, bitrix_product_id, name, quantity, price)
         left join product p on p.shop_id = $1 and p.bitrix_product_id = l.bitrix_product_id
     ),
     ready as (select o.* from input o where not exists (select 1 from lines l where l.n = o.n and l.product_id is null)),
     clients as (
       insert into client_profile (shop_id, phone, name, updated_at)
       select distinct on (phone) $1, phone, name, now() from ready order by phone, n desc
       on conflict (shop_id, phone) do update set name = coalesce(excluded.name, client_profile.name), updated_at = now()
       returning id, phone
     ),
     created as (
       insert into "order" (shop_id, status, bitrix_order_id, total, client_id, recipient_name, recipient_phone, delivery_address,
                            delivery_from, delivery_to, card_text, comment, delivery_kind, delivery_fee, bitrix_updated_at,
                            bitrix_content_hash, updated_at)
       select $1, 'NEW', r.bitrix_order_id, r.total, c.id, r.recipient_name, r.recipient_phone, r.delivery_address,
              r.delivery_from, r.delivery_to, r.card_text, r.comment, r.delivery_kind::"DeliveryKind", r.delivery_fee,
              r.bitrix_updated_at, r.bitrix_content_hash, now()
         from ready r join clients c using (phone)
        order by r.bitrix_order_id
       on conflict (shop_id, bitrix_order_id) do nothing
       returning id, bitrix_order_id
     ),
     numbered as (select c.id, r.n from created c join ready r using (bitrix_order_id)),
     history as (
       insert into order_history (shop_id, order_id, old_status, new_status, changed_by, notes, kind)
       select $1, id, null, 'NEW', 'bitrix', 'Order created in Bitrix', 'STATUS' from numbered order by n
     ),
     items as (
       insert into order_item (shop_id, order_id, product_id, quantity, price, product_name)
       select $1, c.id, l.product_id, l.quantity, l.price, l.name from numbered c join lines l using (n) order by c.n, l.line
     ),
     paid as (
       insert into payment (shop_id, order_id, kind, method, amount, external_id, created_by)
       select $1, c.id, 'PAYMENT', p.method::"PaymentMethod", p.amount, p.external_id, 'bitrix'
         from numbered c join unnest($24::int[], $25::text[], $26::text[], $27::int[]) as p(n, method, external_id, amount) using (n)
        order by c.n
       on conflict (shop_id, external_id) do nothing
       returning order_id, external_id
     )
     select 'order' as kind, bitrix_order_id, id as order_id, null as external_id from created
     union all
     select 'payment', null, order_id, external_id from paid`;
