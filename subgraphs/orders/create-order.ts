import type { Tx } from "../../core/db";
import { badUserInput, conflict } from "../../core/errors";
import { parseId } from "../../core/pagination";
import { normalizePhone, text } from "../../core/validation";
import type { Order } from "../../prisma/generated/client";
import { recordCreation } from "./lifecycle";

export interface CreateOrderInput {
  items: readonly { productId: string | number; quantity: number }[];
  customer: { name?: string | null; phone: string };
  recipient?: { name?: string | null; phone?: string | null } | null;
  deliveryAddress?: string | null;
  deliveryFrom?: Date | null;
  deliveryTo?: Date | null;
  cardText?: string | null;
  comment?: string | null;
  bitrixOrderId?: number | null;
}

export const MAX_ORDER_LINES = 100;
export const MAX_QUANTITY = 999;
const MAX_TOTAL = 2_147_483_647;

/** Checks everything that needs no database; every refusal names the input field at fault. */
function validate(input: CreateOrderInput) {
  if (!input.items.length) throw badUserInput("An order needs at least one item", "input.items");
  if (input.items.length > MAX_ORDER_LINES) throw badUserInput(`An order has at most ${MAX_ORDER_LINES} lines`, "input.items");
  const lines = input.items.map((item, index) => {
    const field = `input.items[${index}]`;
    const productId = parseId(item.productId, `${field}.productId`);
    if (!Number.isInteger(item.quantity) || item.quantity < 1) throw badUserInput(`${field}.quantity must be at least 1, got ${item.quantity}`, `${field}.quantity`);
    if (item.quantity > MAX_QUANTITY) throw badUserInput(`${field}.quantity must be at most ${MAX_QUANTITY}, got ${item.quantity}`, `${field}.quantity`);
    return { productId, quantity: item.quantity, field };
  });
  const { deliveryFrom, deliveryTo } = input;
  if (deliveryFrom && deliveryTo && deliveryTo.getTime() < deliveryFrom.getTime()) {
    throw badUserInput("input.deliveryTo must not be before input.deliveryFrom: the delivery window ends before it starts", "input.deliveryTo");
  }
  if (input.bitrixOrderId !== null && input.bitrixOrderId !== undefined && input.bitrixOrderId <= 0) {
    throw badUserInput("input.bitrixOrderId must be a positive integer", "input.bitrixOrderId");
  }
  const recipientPhone = input.recipient?.phone ? normalizePhone(input.recipient.phone, "input.recipient.phone") : null;
  return {
    lines,
    customerPhone: normalizePhone(input.customer.phone, "input.customer.phone"),
    customerName: text(input.customer.name, "input.customer.name", { max: 200 }),
    recipientName: text(input.recipient?.name, "input.recipient.name", { max: 200 }),
    recipientPhone,
    deliveryAddress: text(input.deliveryAddress, "input.deliveryAddress", { max: 500 }),
    cardText: text(input.cardText, "input.cardText", { max: 1000 }),
    comment: text(input.comment, "input.comment", { max: 2000 }),
  };
}

/**
 * Places an order in the caller's tenant transaction: prices every line from the product
 * table now (price and name snapshot per item), finds or creates the customer's profile by
 * phone, and writes the first history row (null → NEW), which also announces the order.
 */
export async function createOrder(tx: Tx, shopId: number, createdBy: string, input: CreateOrderInput): Promise<Order> {
  const valid = validate(input);
  const productIds = [...new Set(valid.lines.map((line) => line.productId))];
  // FOR SHARE: a price edit waits until this order has taken its snapshot
  const products = await tx.$queryRaw<{ id: number; name: string; price: number; enabled: boolean; archived: boolean }[]>`
    select id, name, price, enabled, archived_at is not null as archived
    from product where shop_id = ${shopId} and id = any(${productIds}::int[])
    for share`;
  const byId = new Map(products.map((product) => [product.id, product]));
  let total = 0;
  const items = valid.lines.map((line) => {
    const product = byId.get(line.productId);
    if (!product) throw badUserInput(`${line.field}.productId: product ${line.productId} does not exist`, `${line.field}.productId`);
    if (!product.enabled || product.archived) {
      throw badUserInput(`${line.field}.productId: product ${line.productId} (${product.name}) is not available for sale`, `${line.field}.productId`);
    }
    total += product.price * line.quantity;
    return { shopId, productId: product.id, quantity: line.quantity, price: product.price, productName: product.name };
  });
  if (total > MAX_TOTAL) throw badUserInput("The order's total is too large; split it into several orders", "input.items");

  // one statement, no read-then-write race between two orders of a new customer
  const [client] = await tx.$queryRaw<{ id: number }[]>`
    insert into client_profile (shop_id, phone, name, updated_at)
    values (${shopId}, ${valid.customerPhone}, ${valid.customerName}, now())
    on conflict (shop_id, phone) do update
      set name = coalesce(excluded.name, client_profile.name), updated_at = now()
    returning id`;

  let order: Order;
  try {
    order = await tx.order.create({
      data: {
        shopId,
        status: "NEW",
        total,
        bitrixOrderId: input.bitrixOrderId ?? null,
        clientId: client.id,
        recipientName: valid.recipientName,
        recipientPhone: valid.recipientPhone,
        deliveryAddress: valid.deliveryAddress,
        deliveryFrom: input.deliveryFrom ?? null,
        deliveryTo: input.deliveryTo ?? null,
        cardText: valid.cardText,
        comment: valid.comment,
      },
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      throw conflict(`An order with bitrixOrderId ${input.bitrixOrderId} already exists in this shop`, { field: "input.bitrixOrderId" });
    }
    throw error;
  }
  await tx.orderItem.createMany({ data: items.map((item) => ({ ...item, orderId: order.id })) });
  await recordCreation(tx, shopId, order.id, createdBy);
  return order;
}
