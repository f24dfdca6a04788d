import { changeInTenant, inTenant, requireViewer } from "../../core/context";
import { notFound } from "../../core/errors";
import { requirePermission } from "../../core/permissions";
import { httpUrl, normalizePhone, text } from "../../core/validation";
import type { OrderStatus } from "../../prisma/generated/client";
import { sqlIn, type Tx } from "../../core/db";
import type { OrdersContext } from "./context";
import { createOrder as placeOrder, type CreateOrderInput } from "./create-order";
import { appendAnnotation, changeOrderStatus } from "./lifecycle";
import { findClientByPhone } from "./orders";
import { assignCourier as assign, deliveriesOn, parseCourierId } from "./couriers";
import { recordPayment as record, recordRefund as refund, type RecordPaymentInput } from "./payments";
import { updateOrder as edit, type UpdateOrderInput } from "./update-order";

/** The orders subgraph's use cases, context first; resolvers are one line each. */

export function createOrder(context: OrdersContext, input: CreateOrderInput) {
  return changeInTenant(context, "order.write", (tx, viewer) => placeOrder(tx, viewer.shopId, viewer.userId, input));
}

export async function updateOrderStatus(
  context: OrdersContext,
  orderId: number,
  status: OrderStatus,
  notes: string | null | undefined,
) {
  const viewer = requireViewer(context);
  // which statuses the role may set, and from where, is the lifecycle's one check (changeOrderStatus)
  requirePermission(viewer, "order.status");
  const note = text(notes, "notes", { max: 2000 });
  const result = await context.db.write(
    viewer.shopId,
    (sql) =>
      changeOrderStatus(
        sql,
        viewer.shopId,
        { id: orderId },
        { status, notes: note },
        { kind: "user", userId: viewer.userId, role: viewer.role },
      ),
    { autocommit: true },
  );
  if (result.outcome === "not_found") throw notFound("Order", orderId);
  // committed: a fresh read sees the change (the request's loader has not cached this order)
  const order = await context.loaders.orderById.load(orderId);
  if (!order) throw notFound("Order", orderId);
  return order;
}

export function addOrderNote(context: OrdersContext, orderId: number, note: string) {
  const viewer = requireViewer(context);
  requirePermission(viewer, "order.annotate");
  const value = text(note, "text", { max: 2000, required: true });
  return annotate(context, orderId, { kind: "NOTE", text: value, author: viewer.userId });
}

export function addOrderPhoto(context: OrdersContext, orderId: number, url: string, kind: string) {
  const viewer = requireViewer(context);
  requirePermission(viewer, "order.annotate");
  return annotate(context, orderId, {
    kind: "PHOTO",
    url: httpUrl(url, "url"),
    photoKind: kind,
    author: viewer.userId,
  });
}

export function annotate(
  context: OrdersContext,
  orderId: number,
  entry: Parameters<typeof appendAnnotation>[3],
  before?: (tx: Tx) => Promise<void>,
) {
  return inTenant(context, async (tx, viewer) => {
    await before?.(tx);
    const history = await appendAnnotation(tx, viewer.shopId, orderId, entry);
    if (!history) throw notFound("Order", orderId);
    return tx.order.findUniqueOrThrow({ where: { id: orderId } });
  });
}

export function clientProfileByPhone(context: OrdersContext, phone: string) {
  const viewer = requireViewer(context);
  requirePermission(viewer, "customer.read");
  const normalized = normalizePhone(phone, "phone");
  return context.db.read(viewer.shopId, (sql) => findClientByPhone(sql, viewer.shopId, normalized));
}

/** An order of the caller's shop after a committed write: a fresh read (this request's loader has not cached it). */
async function reload(context: OrdersContext, orderId: number) {
  const order = await context.loaders.orderById.load(orderId);
  if (!order) throw notFound("Order", orderId);
  return order;
}

export async function updateOrder(context: OrdersContext, orderId: number, input: UpdateOrderInput) {
  await changeInTenant(context, "order.edit", (tx, viewer) => edit(tx, viewer, orderId, input));
  return reload(context, orderId);
}

export async function assignCourier(
  context: OrdersContext,
  orderId: number,
  courierId: string | number | null | undefined,
) {
  requirePermission(requireViewer(context), "order.dispatch");
  const courier = parseCourierId(courierId, "courierId");
  await inTenant(context, (tx, viewer) => assign(tx, viewer.shopId, orderId, courier, viewer.userId));
  return reload(context, orderId);
}

export function deliveries(context: OrdersContext, date: string, courierId: string | number | null | undefined) {
  const { shopId } = requireViewer(context);
  const courier = parseCourierId(courierId, "courierId");
  return context.db.read(shopId, (sql) => deliveriesOn(sql, shopId, date, courier));
}

export async function recordPayment(context: OrdersContext, orderId: number, input: RecordPaymentInput) {
  await changeInTenant(context, "payment.write", (tx, viewer) =>
    record(sqlIn(tx), viewer.shopId, orderId, input, { kind: "user", userId: viewer.userId, role: viewer.role }),
  );
  return reload(context, orderId);
}

export async function recordRefund(context: OrdersContext, orderId: number, input: RecordPaymentInput) {
  await changeInTenant(context, "payment.write", (tx, viewer) =>
    refund(sqlIn(tx), viewer.shopId, orderId, input, viewer.userId),
  );
  return reload(context, orderId);
}
