import type { SqlReader } from "../../core/db";
import { badUserInput, conflict, notFound } from "../../core/errors";
import { formatTenge } from "../../core/money";
import { text } from "../../core/validation";
import type { Order, Payment, PaymentMethod } from "../../prisma/generated/client";
import { changeOrderStatus, type Actor } from "./lifecycle";

/**
 * Payments and refunds of orders. A payment is a row of `payment` (kind PAYMENT or REFUND,
 * positive amount); what an order has paid, refunded and still owes is computed from them.
 * Recording runs in one withTenant transaction (`sqlIn(tx)`) with the order locked, so two
 * payments of one order cannot both pass the "at most what is due" check. A payment system's
 * id (externalId) is unique per shop: the same id again answers with the order as it is.
 */

export type PaymentStatus = "UNPAID" | "PARTIALLY_PAID" | "PAID" | "REFUNDED";

export interface PaymentTotals {
  paid: number;
  refunded: number;
}

export const NO_PAYMENTS: PaymentTotals = { paid: 0, refunded: 0 };

export function findPayments(sql: SqlReader, orderIds: readonly number[], shopId: number) {
  return sql<Payment>(`select * from payment where shop_id = $1 and order_id = any($2::int[]) order by id`, [
    shopId,
    orderIds,
  ]);
}

export async function paymentTotals(
  sql: SqlReader,
  orderIds: readonly number[],
  shopId: number,
): Promise<Map<number, PaymentTotals>> {
  const rows = await sql<{ orderId: number; paid: number; refunded: number }>(
    `select order_id, (sum(amount) filter (where kind = 'PAYMENT'))::int as paid, (sum(amount) filter (where kind = 'REFUND'))::int as refunded
       from payment where shop_id = $1 and order_id = any($2::int[]) group by order_id`,
    [shopId, orderIds],
  );
  return new Map(rows.map((row) => [row.orderId, { paid: row.paid ?? 0, refunded: row.refunded ?? 0 }]));
}

/** What the shop owes back: for a cancelled order, what was paid and not refunded yet. */
export function refundDue(order: Pick<Order, "status">, totals: PaymentTotals): number {
  return order.status === "CANCELLED" ? Math.max(0, totals.paid - totals.refunded) : 0;
}

export function paymentStatus(order: Pick<Order, "status" | "total">, totals: PaymentTotals): PaymentStatus {
  if (order.status === "CANCELLED" && totals.paid > 0 && totals.refunded >= totals.paid) return "REFUNDED";
  const net = totals.paid - totals.refunded;
  if (net <= 0) return "UNPAID";
  return net >= order.total ? "PAID" : "PARTIALLY_PAID";
}

export interface RecordPaymentInput {
  method: PaymentMethod;
  amount: number;
  externalId?: string | null;
}

/** Largest amount one payment may carry: the largest total an order may have. */
const MAX_AMOUNT = 2_147_483_647;

function validate(input: RecordPaymentInput) {
  if (!Number.isInteger(input.amount) || input.amount <= 0)
    throw badUserInput(`input.amount must be above 0 (tiyn), got ${input.amount}`, "input.amount");
  if (input.amount > MAX_AMOUNT) throw badUserInput(`input.amount is too large`, "input.amount");
  return {
    method: input.method,
    amount: input.amount,
    externalId: text(input.externalId, "input.externalId", { max: 200 }),
  };
}

type LockedOrder = Pick<Order, "id" | "status" | "total">;

async function lockOrder(sql: SqlReader, shopId: number, orderId: number): Promise<LockedOrder> {
  const [order] = await sql<LockedOrder>(
    `select id, status::text as status, total from "order" where shop_id = $1 and id = $2 for update`,
    [shopId, orderId],
  );
  if (!order) throw notFound("Order", orderId);
  return order;
}

/**
 * An externalId already recorded: for this order (a redelivery) the answer is the order as it
 * is; for another order it is a CONFLICT naming the field. Null when the id is new.
 */
async function recordedBefore(
  sql: SqlReader,
  shopId: number,
  orderId: number,
  externalId: string | null,
): Promise<"again" | null> {
  if (externalId === null) return null;
  const [existing] = await sql<{ orderId: number }>(
    `select order_id from payment where shop_id = $1 and external_id = $2`,
    [shopId, externalId],
  );
  if (!existing) return null;
  if (existing.orderId !== orderId)
    throw conflict(`A payment with externalId ${externalId} is already recorded for another order`, {
      field: "input.externalId",
    });
  return "again";
}

/** Inserts the row; a racing twin with the same externalId makes this a no-op (false). */
async function insertPayment(
  sql: SqlReader,
  shopId: number,
  orderId: number,
  kind: "PAYMENT" | "REFUND",
  input: ReturnType<typeof validate>,
  createdBy: string,
) {
  const rows = await sql<{ id: number }>(
    `insert into payment (shop_id, order_id, kind, method, amount, external_id, created_by)
     values ($1, $2, $3::"PaymentKind", $4::"PaymentMethod", $5, $6, $7)
     on conflict (shop_id, external_id) do nothing returning id`,
    [shopId, orderId, kind, input.method, input.amount, input.externalId, createdBy],
  );
  return rows.length > 0;
}

/**
 * Records a payment: at most what is still due (total − paid + refunded), not on a cancelled
 * order. Paying the whole total of a NEW order moves it to PAID through the lifecycle (one
 * STATUS history entry, on the board). Run inside `withTenant` (one transaction, `sqlIn(tx)`).
 */
export async function recordPayment(
  sql: SqlReader,
  shopId: number,
  orderId: number,
  raw: RecordPaymentInput,
  actor: Actor & { kind: "user" },
) {
  const input = validate(raw);
  const order = await lockOrder(sql, shopId, orderId);
  if ((await recordedBefore(sql, shopId, orderId, input.externalId)) === "again") return;
  if (order.status === "CANCELLED")
    throw badUserInput(`Order ${orderId} is cancelled: it takes no payments (record a refund instead)`, "orderId");
  const totals = (await paymentTotals(sql, [orderId], shopId)).get(orderId) ?? NO_PAYMENTS;
  const due = order.total - totals.paid + totals.refunded;
  if (input.amount > due) {
    throw badUserInput(
      `input.amount ${formatTenge(input.amount)} is more than the ${formatTenge(Math.max(due, 0))} still due on order ${orderId}`,
      "input.amount",
      { due: Math.max(due, 0) },
    );
  }
  if (!(await insertPayment(sql, shopId, orderId, "PAYMENT", input, actor.userId))) return;
  if (order.status === "NEW" && input.amount === due) {
    await changeOrderStatus(
      sql,
      shopId,
      { id: orderId },
      { status: "PAID", notes: `paid in full: ${formatTenge(order.total)} (${input.method})` },
      actor,
    );
  }
}

/** Records money given back for a cancelled order, at most its refundDue. Run inside `withTenant` (`sqlIn(tx)`). */
export async function recordRefund(
  sql: SqlReader,
  shopId: number,
  orderId: number,
  raw: RecordPaymentInput,
  createdBy: string,
) {
  const input = validate(raw);
  const order = await lockOrder(sql, shopId, orderId);
  if ((await recordedBefore(sql, shopId, orderId, input.externalId)) === "again") return;
  if (order.status !== "CANCELLED")
    throw badUserInput(`Order ${orderId} is ${order.status}: only a cancelled order is refunded`, "orderId");
  const due = refundDue(order, (await paymentTotals(sql, [orderId], shopId)).get(orderId) ?? NO_PAYMENTS);
  if (input.amount > due)
    throw badUserInput(
      `input.amount ${formatTenge(input.amount)} is more than the ${formatTenge(due)} refund due`,
      "input.amount",
      { due },
    );
  await insertPayment(sql, shopId, orderId, "REFUND", input, createdBy);
}
