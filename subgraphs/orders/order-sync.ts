import crypto from "node:crypto";
import type { Database, SqlReader } from "../../core/db";
import type { OrderStatus } from "../../prisma/generated/client";
import { changeOrderStatus } from "./lifecycle";

/**
 * Orders born in Bitrix: the whole order as Bitrix has it (POST /api/v1/webhooks/order-sync),
 * created or brought up to date in shop BITRIX_SHOP_ID, in one transaction (an order and its
 * items land together or not at all), idempotently by its Bitrix id:
 * - a version older than the one held (Bitrix's `updated_at`) changes nothing: "stale";
 * - the same content again (a digest of everything but `updated_at`): "unchanged";
 * - otherwise the order's fields, items and payments are replaced by Bitrix's, and a different
 *   status goes through the lifecycle (changeOrderStatus, Bitrix actor: history row, the live
 *   board, stock consumption at ASSEMBLED), out-of-order moves applied and noted.
 * Customers are matched by normalised phone, products by Bitrix product id. A product we do not
 * know never loses the order: a disabled product carrying the Bitrix id, name and price stands
 * in for it (Bitrix's product webhook fills it in later) and the answer lists it in `warnings`.
 */

/** An order as Bitrix sends it, already read and checked field by field (router/webhooks/order-sync.ts). */
export interface BitrixOrder {
  bitrixOrderId: number;
  status: OrderStatus;
  updatedAt: Date;
  customer: { name: string | null; phone: string };
  recipient: { name: string | null; phone: string | null };
  delivery: { kind: "DELIVERY" | "PICKUP"; address: string | null; from: Date | null; to: Date | null; fee: number };
  cardText: string | null;
  comment: string | null;
  items: readonly { bitrixProductId: number; name: string; quantity: number; price: number }[];
  payments: readonly { method: string; amount: number; externalId: string }[];
}

export interface OrderSyncWarning {
  field: string;
  bitrixProductId?: number;
  externalId?: string;
  message: string;
}

export type OrderSyncResult =
  | { outcome: "created" | "updated"; orderId: number; warnings: OrderSyncWarning[] }
  | { outcome: "unchanged" | "stale"; orderId: number };

/** Thrown for content that parses but breaks a rule (the webhook answers 422 naming the field). */
export class OrderSyncRefusal extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

const MAX_TOTAL = 2_147_483_647;

/** Everything that makes two deliveries "the same content": all but `updatedAt`. */
export function contentHash(order: BitrixOrder): string {
  const { updatedAt: _ignored, ...content } = order;
  return crypto.createHash("sha256").update(JSON.stringify(content)).digest("base64url");
}

export function orderTotal(order: BitrixOrder): number {
  const total = order.items.reduce((sum, item) => sum + item.price * item.quantity, 0) + order.delivery.fee;
  if (total > MAX_TOTAL) throw new OrderSyncRefusal("The order's total is too large to hold; split it", "items");
  return total;
}

export type HeldOrder = {
  id: number;
  status: OrderStatus;
  bitrixUpdatedAt: Date | null;
  bitrixContentHash: string | null;
};

const HELD = `
  select id, status::text as status, bitrix_updated_at, bitrix_content_hash
    from "order" where shop_id = $1 and bitrix_order_id = $2`;
const LOCK_HELD = `${HELD} for update`;

/** An order read and checked, with what every path needs of it: its digest and total. */
export interface OrderToSync {
  order: BitrixOrder;
  hash: string;
  total: number;
}

/** Digest and total; an order whose total cannot be held is refused here (OrderSyncRefusal). */
export function toSync(order: BitrixOrder): OrderToSync {
  return { order, hash: contentHash(order), total: orderTotal(order) };
}

/**
 * Creates or updates the Bitrix order in `shopId` (BITRIX_SHOP_ID), one order at a time (the
 * webhook batches through order-sync-writer.ts). A read first settles a redelivery (unchanged)
 * or an older version (stale) without a write transaction; anything else is writeBitrixOrder.
 */
export async function syncBitrixOrder(db: Database, shopId: number, order: BitrixOrder): Promise<OrderSyncResult> {
  const sync = toSync(order);
  const [seen] = await db.read(shopId, (sql) => sql<HeldOrder>(HELD, [shopId, order.bitrixOrderId]));
  return (seen && settledWithoutWriting(seen, order, sync.hash)) || writeBitrixOrder(db, shopId, sync, Boolean(seen));
}

/**
 * One transaction with origin "bitrix" that checks again under the row lock (`seen`: whether a
 * read found the order, so creating it is not tried first). Two deliveries of one new order race
 * on the unique (shop, Bitrix id): the loser takes the update path.
 */
export function writeBitrixOrder(
  db: Database,
  shopId: number,
  { order, hash, total }: OrderToSync,
  seen: boolean,
): Promise<OrderSyncResult> {
  return db.write(
    shopId,
    async (sql) => {
      const created = seen ? null : await createFromBitrix(sql, shopId, order, hash, total);
      if (created) return created;
      for (;;) {
        const [held] = await sql<HeldOrder>(LOCK_HELD, [shopId, order.bitrixOrderId]);
        if (held) return updateHeld(sql, shopId, held, order, hash, total);
        const createdNow = await createFromBitrix(sql, shopId, order, hash, total);
        if (createdNow) return createdNow;
      }
    },
    { origin: "bitrix" },
  );
}

/** An older version (stale) or the same content, not newer (unchanged): nothing to write. */
export function settledWithoutWriting(held: HeldOrder, order: BitrixOrder, hash: string): OrderSyncResult | null {
  const heldAt = held.bitrixUpdatedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (order.updatedAt.getTime() < heldAt) return { outcome: "stale", orderId: held.id };
  if (held.bitrixContentHash === hash && order.updatedAt.getTime() <= heldAt)
    return { outcome: "unchanged", orderId: held.id };
  return null;
}

async function updateHeld(
  sql: SqlReader,
  shopId: number,
  held: HeldOrder,
  order: BitrixOrder,
  hash: string,
  total: number,
): Promise<OrderSyncResult> {
  const heldAt = held.bitrixUpdatedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (order.updatedAt.getTime() < heldAt) return { outcome: "stale", orderId: held.id };
  if (held.bitrixContentHash === hash) {
    if (order.updatedAt.getTime() > heldAt) {
      await sql(`update "order" set bitrix_updated_at = $2 where id = $1`, [held.id, order.updatedAt]);
    }
    return { outcome: "unchanged", orderId: held.id };
  }
  const clientId = await upsertClient(sql, shopId, order.customer);
  await sql(
    `update "order" set total = $2, client_id = $3, recipient_name = $4, recipient_phone = $5, delivery_address = $6,
            delivery_from = $7, delivery_to = $8, card_text = $9, comment = $10, delivery_kind = $11::"DeliveryKind",
            delivery_fee = $12, bitrix_updated_at = $13, bitrix_content_hash = $14, updated_at = now()
      where id = $1`,
    [held.id, total, clientId, ...orderColumns(order), order.updatedAt, hash],
  );
  // the board shows the edit as the panel's edits are shown: an EDIT entry at the current status
  await sql(
    `insert into order_history (shop_id, order_id, old_status, new_status, changed_by, notes, kind)
     values ($1, $2, $3::"OrderStatus", $3::"OrderStatus", 'bitrix', 'Updated in Bitrix', 'EDIT')`,
    [shopId, held.id, held.status],
  );
  await sql(`delete from order_item where order_id = $1`, [held.id]);
  const warnings = await writeItems(sql, shopId, held.id, order);
  warnings.push(...(await recordPayments(sql, shopId, held.id, order)));
  if (held.status !== order.status) await moveToStatus(sql, shopId, order);
  return { outcome: "updated", orderId: held.id, warnings };
}

/**
 * The new order with its customer and first history row (→ NEW) in one statement, then its
 * items and status; null when another delivery created it first.
 */
async function createFromBitrix(
  sql: SqlReader,
  shopId: number,
  order: BitrixOrder,
  hash: string,
  total: number,
): Promise<OrderSyncResult | null> {
  const [created] = await sql<{ id: number }>(
    `with client as (
       insert into client_profile (shop_id, phone, name, updated_at) values ($1, $16, $17, now())
       on conflict (shop_id, phone) do update set name = coalesce(excluded.name, client_profile.name), updated_at = now()
       returning id
     ),
     created as (
       insert into "order" (shop_id, status, bitrix_order_id, total, client_id, recipient_name, recipient_phone, delivery_address,
                            delivery_from, delivery_to, card_text, comment, delivery_kind, delivery_fee, bitrix_updated_at,
                            bitrix_content_hash, updated_at)
       select $1, 'NEW', $2, $3, client.id, $4, $5, $6, $7, $8, $9, $10, $11::"DeliveryKind", $12, $13, $14, now() from client
       on conflict (shop_id, bitrix_order_id) do nothing
       returning id
     ),
     history as (
       insert into order_history (shop_id, order_id, old_status, new_status, changed_by, notes, kind)
       select $1, id, null, 'NEW', 'bitrix', $15, 'STATUS' from created
     )
     select id from created`,
    [
      shopId,
      order.bitrixOrderId,
      total,
      ...orderColumns(order),
      order.updatedAt,
      hash,
      "Order created in Bitrix",
      order.customer.phone,
      order.customer.name,
    ],
  );
  if (!created) return null;
  const warnings = await writeItems(sql, shopId, created.id, order);
  warnings.push(...(await recordPayments(sql, shopId, created.id, order)));
  if (order.status !== "NEW") await moveToStatus(sql, shopId, order);
  return { outcome: "created", orderId: created.id, warnings };
}

function orderColumns(order: BitrixOrder) {
  return [
    order.recipient.name,
    order.recipient.phone,
    order.delivery.address,
    order.delivery.from,
    order.delivery.to,
    order.cardText,
    order.comment,
    order.delivery.kind,
    order.delivery.fee,
  ];
}

/**
 * Bitrix's payments, each recorded once by its external id (unique per shop, created by
 * "bitrix"); one already recorded for another order is left there and warned about.
 */
async function recordPayments(
  sql: SqlReader,
  shopId: number,
  orderId: number,
  order: BitrixOrder,
): Promise<OrderSyncWarning[]> {
  if (order.payments.length === 0) return [];
  const elsewhere = await sql<{ externalId: string }>(
    `with input as (select * from unnest($3::text[], $4::text[], $5::int[]) as p(method, external_id, amount)),
     recorded as (
       insert into payment (shop_id, order_id, kind, method, amount, external_id, created_by)
       select $1, $2, 'PAYMENT', method::"PaymentMethod", amount, external_id, 'bitrix' from input
       on conflict (shop_id, external_id) do nothing
     )
     select p.external_id from payment p join input i using (external_id) where p.shop_id = $1 and p.order_id <> $2`,
    [
      shopId,
      orderId,
      order.payments.map((p) => p.method),
      order.payments.map((p) => p.externalId),
      order.payments.map((p) => p.amount),
    ],
  );
  return elsewhere.map((row) => paymentElsewhere(order, row.externalId));
}

export function paymentElsewhere(order: BitrixOrder, externalId: string): OrderSyncWarning {
  const index = order.payments.findIndex((p) => p.externalId === externalId);
  return {
    field: `payments[${index}].external_id`,
    externalId,
    message: `Payment ${externalId} is already recorded for another order; it was not recorded again`,
  };
}

/** The customer's profile by normalised phone, created on first sight (one statement, no race). */
async function upsertClient(sql: SqlReader, shopId: number, customer: BitrixOrder["customer"]): Promise<number> {
  const [client] = await sql<{ id: number }>(
    `insert into client_profile (shop_id, phone, name, updated_at) values ($1, $2, $3, now())
     on conflict (shop_id, phone) do update set name = coalesce(excluded.name, client_profile.name), updated_at = now()
     returning id`,
    [shopId, customer.phone, customer.name],
  );
  return client.id;
}

/** Only the status differs from ours: through the lifecycle, as Bitrix (applied even out of order, noted). */
async function moveToStatus(sql: SqlReader, shopId: number, order: BitrixOrder): Promise<void> {
  await changeOrderStatus(
    sql,
    shopId,
    { bitrixOrderId: order.bitrixOrderId },
    { status: order.status, notes: "from Bitrix order sync" },
    { kind: "bitrix" },
  );
}

/**
 * The items with their Bitrix price and name snapshots, products found by Bitrix id. For an
 * unknown one a disabled stand-in product is created (catalog rows are written here only for
 * that: an item must point at a product, and the order must not wait for the catalog), then its
 * items are written, and the answer warns about it. When every product is known (the usual
 * case) that is one statement.
 */
async function writeItems(
  sql: SqlReader,
  shopId: number,
  orderId: number,
  order: BitrixOrder,
): Promise<OrderSyncWarning[]> {
  const all = order.items.map((_, index) => index + 1);
  const written = await insertItems(sql, shopId, orderId, order, all);
  if (written.size === order.items.length) return [];
  const missing = all.filter((n) => !written.has(n));
  const lines = missing.map((n) => order.items[n - 1]);
  const standIns = await sql<{ bitrixProductId: number }>(
    `insert into product (shop_id, name, price, enabled, bitrix_product_id, description, updated_at)
     select distinct on (w.bitrix_product_id) $1, w.name, w.price, false, w.bitrix_product_id,
            'Created from a Bitrix order: this Bitrix product was not in the catalog', now()
       from unnest($2::int[], $3::text[], $4::int[]) as w(bitrix_product_id, name, price)
      order by w.bitrix_product_id
     on conflict (shop_id, bitrix_product_id) do nothing
     returning bitrix_product_id`,
    [
      shopId,
      lines.map((item) => item.bitrixProductId),
      lines.map((item) => item.name),
      lines.map((item) => item.price),
    ],
  );
  const late = await insertItems(sql, shopId, orderId, order, missing);
  if (late.size !== missing.length) throw new Error(`order sync: ${missing.length - late.size} items found no product`);
  const created = new Set(standIns.map((row) => row.bitrixProductId));
  const warned = new Set<number>();
  return missing.flatMap((n) => {
    const item = order.items[n - 1];
    if (!created.has(item.bitrixProductId) || warned.has(item.bitrixProductId)) return [];
    warned.add(item.bitrixProductId);
    return [
      {
        field: `items[${n - 1}].product_id`,
        bitrixProductId: item.bitrixProductId,
        message: `Bitrix product ${item.bitrixProductId} is not in the catalog; the item is kept with its name and price (a disabled product stands in for it)`,
      },
    ];
  });
}

/** Inserts the items numbered `lines` (1-based) whose product exists; answers the numbers written. */
async function insertItems(
  sql: SqlReader,
  shopId: number,
  orderId: number,
  order: BitrixOrder,
  lines: number[],
): Promise<Set<number>> {
  const items = lines.map((n) => order.items[n - 1]);
  const rows = await sql<{ n: number }>(
    `with input as (
       select * from unnest($3::int[], $4::int[], $5::text[], $6::int[], $7::int[]) as i(n, bitrix_product_id, name, quantity, price)
     ),
     inserted as (
       insert into order_item (shop_id, order_id, product_id, quantity, price, product_name)
       select $1, $2, p.id, i.quantity, i.price, i.name
         from input i join product p on p.shop_id = $1 and p.bitrix_product_id = i.bitrix_product_id
        order by i.n
       returning product_id
     )
     select i.n from input i join product p on p.shop_id = $1 and p.bitrix_product_id = i.bitrix_product_id`,
    [
      shopId,
      orderId,
      lines,
      items.map((item) => item.bitrixProductId),
      items.map((item) => item.name),
      items.map((item) => item.quantity),
      items.map((item) => item.price),
    ],
  );
  return new Set(rows.map((row) => Number(row.n)));
}
