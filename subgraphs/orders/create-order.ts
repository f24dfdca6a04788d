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
  deliveryKind?: "DELIVERY" | "PICKUP" | null;
  deliveryFee?: number | null;
  deliveryAddress?: string | null;
  deliveryFrom?: Date | null;
  deliveryTo?: Date | null;
  cardText?: string | null;
  comment?: string | null;
  bitrixOrderId?: number | null;
}

export const MAX_ORDER_LINES = 100;
export const MAX_QUANTITY = 999;
export const MAX_TOTAL = 2_147_483_647;

export interface OrderLine {
  productId: number;
  quantity: number;
  /** the input field it came from, for errors: input.items[2] */
  field: string;
}

/** An order's lines as the client sent them: 1 to 100, quantities 1 to 999, ids well formed. */
export function validateLines(items: CreateOrderInput["items"]): OrderLine[] {
  if (!items.length) throw badUserInput("An order needs at least one item", "input.items");
  if (items.length > MAX_ORDER_LINES)
    throw badUserInput(`An order has at most ${MAX_ORDER_LINES} lines`, "input.items");
  return items.map((item, index) => {
    const field = `input.items[${index}]`;
    const productId = parseId(item.productId, `${field}.productId`);
    if (!Number.isInteger(item.quantity) || item.quantity < 1)
      throw badUserInput(`${field}.quantity must be at least 1, got ${item.quantity}`, `${field}.quantity`);
    if (item.quantity > MAX_QUANTITY)
      throw badUserInput(
        `${field}.quantity must be at most ${MAX_QUANTITY}, got ${item.quantity}`,
        `${field}.quantity`,
      );
    return { productId, quantity: item.quantity, field };
  });
}

/**
 * Prices lines from the product table now (price and name snapshot per line). FOR SHARE: a
 * price edit waits until this order has taken its snapshot. Another shop's product reads as
 * one that does not exist.
 */
export async function priceLines(tx: Tx, shopId: number, lines: readonly OrderLine[]) {
  const productIds = [...new Set(lines.map((line) => line.productId))];
  const products = await tx.$queryRaw<
    { id: number; name: string; price: number; enabled: boolean; archived: boolean }[]
  >`
    select id, name, price, enabled, archived_at is not null as archived
    from product where shop_id = ${shopId} and id = any(${productIds}::int[])
    for share`;
  const byId = new Map(products.map((product) => [product.id, product]));
  let total = 0;
  const items = lines.map((line) => {
    const product = byId.get(line.productId);
    if (!product)
      throw badUserInput(
        `${line.field}.productId: product ${line.productId} does not exist`,
        `${line.field}.productId`,
      );
    if (!product.enabled || product.archived) {
      throw badUserInput(
        `${line.field}.productId: product ${line.productId} (${product.name}) is not available for sale`,
        `${line.field}.productId`,
      );
    }
    total += product.price * line.quantity;
    return { shopId, productId: product.id, quantity: line.quantity, price: product.price, productName: product.name };
  });
  if (total > MAX_TOTAL)
    throw badUserInput("The order's total is too large; split it into several orders", "input.items");
  return { items, total };
}

/** At most 1,000,000 ₸: a fee beyond that is a typo. */
export const MAX_DELIVERY_FEE = 100_000_000;

export function validateDeliveryFee(fee: number, field: string): number {
  if (!Number.isInteger(fee) || fee < 0) throw badUserInput(`${field} must be 0 or more (tiyn), got ${fee}`, field);
  if (fee > MAX_DELIVERY_FEE)
    throw badUserInput(`${field} must be at most ${MAX_DELIVERY_FEE} tiyn, got ${fee}`, field);
  return fee;
}

/** Checks everything that needs no database; every refusal names the input field at fault. */
function validate(input: CreateOrderInput) {
  const lines = validateLines(input.items);
  const { deliveryFrom, deliveryTo } = input;
  if (deliveryFrom && deliveryTo && deliveryTo.getTime() < deliveryFrom.getTime()) {
    throw badUserInput(
      "input.deliveryTo must not be before input.deliveryFrom: the delivery window ends before it starts",
      "input.deliveryTo",
    );
  }
  if (input.bitrixOrderId !== null && input.bitrixOrderId !== undefined && input.bitrixOrderId <= 0) {
    throw badUserInput("input.bitrixOrderId must be a positive integer", "input.bitrixOrderId");
  }
  const deliveryFee = validateDeliveryFee(input.deliveryFee ?? 0, "input.deliveryFee");
  const recipientPhone = input.recipient?.phone ? normalizePhone(input.recipient.phone, "input.recipient.phone") : null;
  return {
    lines,
    deliveryFee,
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
  const priced = await priceLines(tx, shopId, valid.lines);
  const { items } = priced;
  const total = priced.total + valid.deliveryFee;
  if (total > MAX_TOTAL)
    throw badUserInput("The order's total is too large; split it into several orders", "input.deliveryFee");

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
        deliveryKind: input.deliveryKind ?? "DELIVERY",
        deliveryFee: valid.deliveryFee,
        deliveryAddress: valid.deliveryAddress,
        deliveryFrom: input.deliveryFrom ?? null,
        deliveryTo: input.deliveryTo ?? null,
        cardText: valid.cardText,
        comment: valid.comment,
      },
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      throw conflict(`An order with bitrixOrderId ${input.bitrixOrderId} already exists in this shop`, {
        field: "input.bitrixOrderId",
      });
    }
    throw error;
  }
  await tx.orderItem.createMany({ data: items.map((item) => ({ ...item, orderId: order.id })) });
  await recordCreation(tx, shopId, order.id, createdBy);
  return order;
}
