import { GraphQLError } from "graphql";
import { normalizePhone } from "../../core/validation";
import {
  integerField,
  parseBitrixPrice,
  stringField,
  WebhookError,
  type WebhookAnswer,
  type WebhookBody,
} from "../../core/webhooks";
import type { Logger } from "../../core/logger";
import { OrderSyncRefusal, toSync, type BitrixOrder } from "./order-sync";
import type { OrderSyncWriter } from "./order-sync-writer";
import { BITRIX_STATUS } from "./bitrix-status-webhook";

/** The internal operation the router forwards `POST /api/v1/webhooks/order-sync` to. */
export const ORDER_SYNC_OPERATION = "bitrix-order-sync";

/**
 * Bitrix's whole-order webhook (CONTRACT.md "Bitrix order webhook"): reads and checks the body
 * field by field, then hands the order to the orders subgraph's service (subgraphs/orders/order-sync.ts).
 * Missing fields and wrong types: 400; values that cannot be (an unknown status, a quantity
 * below 1, a price or phone that cannot be read, an updated_at in the future): 422. Every
 * refusal names the field.
 */

export const MAX_SYNC_ITEMS = 100;
export const MAX_SYNC_PAYMENTS = 20;
const MAX_QUANTITY = 999;
/** how far ahead of our clock Bitrix's may be */
const CLOCK_SKEW_MS = 5 * 60_000;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:?\d\d)$/;
const PAYMENT_METHODS = ["KASPI", "CASH", "CARD", "TRANSFER"] as const;

const unprocessable = (field: string, message: string) => new WebhookError(422, message, field);
const malformed = (field: string, message: string) => new WebhookError(400, message, field);

function objectField(body: WebhookBody, name: string, path: string, required: boolean): WebhookBody | null {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw malformed(path, `Field "${path}" is required`);
    return null;
  }
  if (typeof value !== "object" || Array.isArray(value)) throw malformed(path, `Field "${path}" must be an object`);
  return value as WebhookBody;
}

function arrayField(body: WebhookBody, name: string, required: boolean): unknown[] {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw malformed(name, `Field "${name}" is required`);
    return [];
  }
  if (!Array.isArray(value)) throw malformed(name, `Field "${name}" must be an array`);
  return value;
}

/** The field helpers of core/webhooks.ts, with the field's full path in the message. */
function nested<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof WebhookError && error.field) {
      const field = `${path}.${error.field}`;
      throw new WebhookError(error.status, error.message.replace(`"${error.field}"`, `"${field}"`), field);
    }
    throw error;
  }
}

function timeField(body: WebhookBody, name: string, path: string, required: boolean): Date | null {
  const value = body[name];
  if (value === undefined || value === null || value === "") {
    if (required) throw malformed(path, `Field "${path}" is required`);
    return null;
  }
  if (typeof value !== "string" || !ISO_TIME.test(value.trim()) || Number.isNaN(Date.parse(value))) {
    throw malformed(path, `Field "${path}" must be an ISO 8601 time with its offset, like "2026-12-01T10:00:00+05:00"`);
  }
  return new Date(value);
}

function phoneField(value: string | undefined, path: string, required: boolean): string | null {
  if (value === undefined || value.trim() === "") {
    if (required) throw malformed(path, `Field "${path}" is required`);
    return null;
  }
  try {
    return normalizePhone(value, path);
  } catch (error) {
    if (error instanceof GraphQLError)
      throw unprocessable(path, `Field "${path}" is not a phone number: ${error.message}`);
    throw error;
  }
}

function priceField(value: unknown, path: string, required: boolean): number {
  if (value === undefined || value === null || value === "") {
    if (required) throw malformed(path, `Field "${path}" is required`);
    return 0;
  }
  return parseBitrixPrice(value, path) ?? 0;
}

function person(body: WebhookBody, name: "customer" | "recipient") {
  const value = objectField(body, name, name, name === "customer");
  if (!value) return { name: null, phone: null };
  return {
    name: nested(name, () => stringField(value, "name", { maxLength: 200 }))?.trim() || null,
    phone: phoneField(
      nested(name, () => stringField(value, "phone", { maxLength: 40 })),
      `${name}.phone`,
      name === "customer",
    ),
  };
}

function delivery(body: WebhookBody): BitrixOrder["delivery"] {
  const value = objectField(body, "delivery", "delivery", false) ?? {};
  const kind =
    nested("delivery", () => stringField(value, "kind", { maxLength: 20 }))
      ?.trim()
      .toUpperCase() || "DELIVERY";
  if (kind !== "DELIVERY" && kind !== "PICKUP")
    throw unprocessable(
      "delivery.kind",
      `Field "delivery.kind" must be DELIVERY or PICKUP, got "${kind.slice(0, 20)}"`,
    );
  const from = timeField(value, "from", "delivery.from", false);
  const to = timeField(value, "to", "delivery.to", false);
  if (from && to && to < from)
    throw unprocessable(
      "delivery.to",
      `Field "delivery.to" is before "delivery.from": the window ends before it starts`,
    );
  return {
    kind,
    address: nested("delivery", () => stringField(value, "address", { maxLength: 500 }))?.trim() || null,
    from,
    to,
    fee: priceField(value.fee, "delivery.fee", false),
  };
}

function item(value: unknown, index: number): BitrixOrder["items"][number] {
  const path = `items[${index}]`;
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw malformed(path, `Field "${path}" must be an object`);
  const line = value as WebhookBody;
  const bitrixProductId = nested(path, () => integerField(line, "product_id", { required: true }));
  if (bitrixProductId === 0)
    throw unprocessable(`${path}.product_id`, `Field "${path}.product_id" must be a positive integer`);
  const quantity = line.quantity;
  if (typeof quantity !== "number" || !Number.isInteger(quantity))
    throw malformed(`${path}.quantity`, `Field "${path}.quantity" must be an integer`);
  if (quantity < 1 || quantity > MAX_QUANTITY) {
    throw unprocessable(
      `${path}.quantity`,
      `Field "${path}.quantity" must be from 1 to ${MAX_QUANTITY}, got ${quantity}`,
    );
  }
  return {
    bitrixProductId,
    name: nested(path, () => stringField(line, "name", { required: true, maxLength: 500 })).trim(),
    quantity,
    price: priceField(line.price, `${path}.price`, true),
  };
}

function payment(value: unknown, index: number): BitrixOrder["payments"][number] {
  const path = `payments[${index}]`;
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw malformed(path, `Field "${path}" must be an object`);
  const line = value as WebhookBody;
  const method = nested(path, () => stringField(line, "method", { required: true, maxLength: 20 }))
    .trim()
    .toUpperCase();
  if (!(PAYMENT_METHODS as readonly string[]).includes(method)) {
    throw unprocessable(`${path}.method`, `Field "${path}.method" must be one of ${PAYMENT_METHODS.join(", ")}`);
  }
  const amount = priceField(line.amount, `${path}.amount`, true);
  if (amount === 0) throw unprocessable(`${path}.amount`, `Field "${path}.amount" must be more than 0`);
  return {
    method,
    amount,
    externalId: nested(path, () => stringField(line, "external_id", { required: true, maxLength: 200 })).trim(),
  };
}

/** The body as a BitrixOrder, or a WebhookError naming the first field at fault. */
export function readBitrixOrder(body: WebhookBody, now = Date.now()): BitrixOrder {
  const bitrixOrderId = integerField(body, "order_id", { required: true });
  if (bitrixOrderId === 0) throw unprocessable("order_id", `Field "order_id" must be a positive integer`);
  const code = stringField(body, "status", { required: true, maxLength: 16 });
  const status = BITRIX_STATUS[code.trim().toUpperCase()];
  if (!status)
    throw unprocessable(
      "status",
      `Unknown status code "${code}"; known codes: ${Object.keys(BITRIX_STATUS).join(", ")}`,
    );
  const updatedAt = timeField(body, "updated_at", "updated_at", true)!;
  if (updatedAt.getTime() > now + CLOCK_SKEW_MS) {
    throw unprocessable(
      "updated_at",
      `Field "updated_at" (${updatedAt.toISOString()}) is in the future; check the Bitrix server's clock`,
    );
  }
  const items = arrayField(body, "items", true);
  if (items.length === 0) throw unprocessable("items", `Field "items" must list at least one item`);
  if (items.length > MAX_SYNC_ITEMS)
    throw unprocessable("items", `Field "items" lists ${items.length} items; an order has at most ${MAX_SYNC_ITEMS}`);
  const payments = arrayField(body, "payments", false);
  if (payments.length > MAX_SYNC_PAYMENTS)
    throw unprocessable("payments", `Field "payments" lists ${payments.length} payments; at most ${MAX_SYNC_PAYMENTS}`);
  return {
    bitrixOrderId,
    status,
    updatedAt,
    customer: person(body, "customer") as BitrixOrder["customer"],
    recipient: person(body, "recipient"),
    delivery: delivery(body),
    cardText: stringField(body, "card_text", { maxLength: 1000 })?.trim() || null,
    comment: stringField(body, "comment", { maxLength: 2000 })?.trim() || null,
    items: items.map(item),
    payments: payments.map(payment),
  };
}

/** The webhook: the body read, then the order handed to the writer (shop BITRIX_SHOP_ID, group-committed). */
export async function orderSyncWebhook(
  body: WebhookBody,
  deps: { orderSync: OrderSyncWriter; logger: Logger },
): Promise<WebhookAnswer> {
  const order = readBitrixOrder(body);
  let result;
  try {
    result = await deps.orderSync.submit(toSync(order));
  } catch (error) {
    if (error instanceof OrderSyncRefusal) throw unprocessable(error.field, error.message);
    throw error;
  }
  const answer: Record<string, unknown> = { status: result.outcome, order_id: result.orderId };
  if ("warnings" in result && result.warnings.length > 0) {
    answer.warnings = result.warnings.map((w) => ({
      field: w.field,
      ...(w.bitrixProductId ? { product_id: w.bitrixProductId } : { external_id: w.externalId }),
      message: w.message,
    }));
  }
  if (result.outcome === "created" || result.outcome === "updated") {
    deps.logger.info(
      {
        orderId: result.orderId,
        bitrixOrderId: order.bitrixOrderId,
        outcome: result.outcome,
        warnings: result.warnings.length,
      },
      "bitrix order synced",
    );
  }
  return { status: 200, body: answer };
}
