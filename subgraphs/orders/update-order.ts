import type { Role } from "../../core/auth";
import { sqlIn, type Tx } from "../../core/db";
import { badUserInput, conflict, forbidden, notFound } from "../../core/errors";
import { formatTenge } from "../../core/money";
import { integerInRange, normalizePhone, text } from "../../core/validation";
import type { DeliveryKind, Order, OrderStatus } from "../../prisma/generated/client";
import {
  MAX_TOTAL,
  priceLines,
  validateDeliveryFee,
  validateLines,
  type CreateOrderInput,
  type OrderLine,
} from "./create-order";
import { FINAL_STATUSES, LIFECYCLE } from "./lifecycle";

/**
 * Editing an order after it was placed (`updateOrder`). What may change depends on the status
 * (nothing once DELIVERED or CANCELLED; items only before ASSEMBLED, when the flowers are not
 * used yet) and on the role (FIELDS_BY_ROLE). Items are re-priced from the catalog; the total is
 * items + delivery fee. Every edit that changes something is ONE history entry of kind EDIT
 * whose `changes` say what changed, old and new; the live board carries it.
 *
 * Concurrency: the client sends the `version` it saw; the order row is locked and an edit whose
 * version is not the current one is refused (CONFLICT, reason STALE_ORDER), never applied over a
 * newer change. The version is bumped by a trigger on every change of the row (status changes
 * and Bitrix's writes included), migration 20261206235500.
 */

export interface UpdateOrderInput {
  expectedVersion: number;
  recipient?: { name?: string | null; phone?: string | null } | null;
  deliveryKind?: DeliveryKind | null;
  deliveryAddress?: string | null;
  deliveryFrom?: Date | null;
  deliveryTo?: Date | null;
  deliveryFee?: number | null;
  cardText?: string | null;
  comment?: string | null;
  items?: CreateOrderInput["items"] | null;
}

/** One field an edit changed, as the history entry keeps it. */
export interface FieldChange {
  field: string;
  old: string | null;
  new: string | null;
}

type EditableField =
  | "recipientName"
  | "recipientPhone"
  | "deliveryKind"
  | "deliveryAddress"
  | "deliveryFrom"
  | "deliveryTo"
  | "deliveryFee"
  | "cardText"
  | "comment"
  | "items";

/** Which fields each role may edit. A florist writes the card and notes the customer's wishes; a courier edits nothing. */
export const FIELDS_BY_ROLE: Record<Role, readonly EditableField[] | "all"> = {
  ADMIN: "all",
  MANAGER: "all",
  FLORIST: ["cardText", "comment"],
  COURIER: [],
};

/** The first status at which items may no longer change: the flowers are used. */
const ITEMS_FROZEN_FROM: OrderStatus = "ASSEMBLED";

interface ValidEdit {
  fields: Partial<Record<Exclude<EditableField, "items">, string | number | Date | null>>;
  lines: OrderLine[] | null;
}

/** A text field of the input: absent stays, an empty string clears (null). */
function optional(value: string | null | undefined, field: string, max: number): string | null | undefined {
  return value === null || value === undefined ? undefined : text(value, field, { max });
}

/** Checks everything that needs no database; every refusal names the input field at fault. */
function validate(input: UpdateOrderInput): ValidEdit {
  integerInRange(input.expectedVersion, "input.expectedVersion", 1);
  const fields: ValidEdit["fields"] = {};
  const set = (field: Exclude<EditableField, "items">, value: string | number | Date | null | undefined) => {
    if (value !== undefined) fields[field] = value;
  };
  set("recipientName", optional(input.recipient?.name, "input.recipient.name", 200));
  const phone = input.recipient?.phone;
  set(
    "recipientPhone",
    phone === null || phone === undefined
      ? undefined
      : phone.trim() === ""
        ? null
        : normalizePhone(phone, "input.recipient.phone"),
  );
  set("deliveryKind", input.deliveryKind ?? undefined);
  set("deliveryAddress", optional(input.deliveryAddress, "input.deliveryAddress", 500));
  set("deliveryFrom", input.deliveryFrom ?? undefined);
  set("deliveryTo", input.deliveryTo ?? undefined);
  if (input.deliveryFee !== null && input.deliveryFee !== undefined)
    set("deliveryFee", validateDeliveryFee(input.deliveryFee, "input.deliveryFee"));
  set("cardText", optional(input.cardText, "input.cardText", 1000));
  set("comment", optional(input.comment, "input.comment", 2000));
  const lines = input.items ? validateLines(input.items) : null;
  return { fields, lines };
}

function assertRoleMayEdit(role: Role, edit: ValidEdit) {
  const allowed = FIELDS_BY_ROLE[role];
  if (allowed === "all") return;
  const asked = [...(Object.keys(edit.fields) as EditableField[]), ...(edit.lines ? (["items"] as const) : [])];
  const refused = asked.filter((field) => !allowed.includes(field));
  if (refused.length || (asked.length === 0 && allowed.length === 0)) {
    throw forbidden(
      `Role ${role} may not edit ${refused.join(", ") || "orders"}; ${role} may edit ${allowed.length ? allowed.join(", ") : "nothing"}`,
    );
  }
}

export type LockedOrder = Order;

/** The order, locked until the transaction ends: edits, assignments and status changes of one order queue here. */
export async function lockForEdit(tx: Tx, shopId: number, orderId: number): Promise<LockedOrder> {
  const [order] = await sqlIn(tx)<LockedOrder>(`select * from "order" where shop_id = $1 and id = $2 for update`, [
    shopId,
    orderId,
  ]);
  if (!order) throw notFound("Order", orderId);
  return order;
}

function assertEditable(order: LockedOrder, input: UpdateOrderInput, edit: ValidEdit) {
  if (FINAL_STATUSES.includes(order.status)) {
    throw badUserInput(`Order ${order.id} is ${order.status}: a final order cannot be edited`, "id", {
      currentStatus: order.status,
    });
  }
  if (order.version !== input.expectedVersion) {
    throw conflict(
      `Order ${order.id} changed since version ${input.expectedVersion} (it is at version ${order.version}); reload it and edit again`,
      {
        reason: "STALE_ORDER",
        field: "input.expectedVersion",
        currentVersion: order.version,
      },
    );
  }
  if (edit.lines && LIFECYCLE.indexOf(order.status) >= LIFECYCLE.indexOf(ITEMS_FROZEN_FROM)) {
    throw badUserInput(
      `Order ${order.id} is ${order.status}: items change only before ${ITEMS_FROZEN_FROM}`,
      "input.items",
      { currentStatus: order.status },
    );
  }
  const from = (edit.fields.deliveryFrom as Date | undefined) ?? order.deliveryFrom;
  const to = (edit.fields.deliveryTo as Date | undefined) ?? order.deliveryTo;
  if (from && to && to.getTime() < from.getTime()) {
    const field = edit.fields.deliveryTo !== undefined ? "input.deliveryTo" : "input.deliveryFrom";
    throw badUserInput(
      `${field}: the delivery window would end (${to.toISOString()}) before it starts (${from.toISOString()})`,
      field,
    );
  }
}

function shown(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : String(value);
}

function describeLines(lines: readonly { productName: string; quantity: number; price: number }[]): string {
  return lines.map((line) => `${line.quantity} × ${line.productName} (${formatTenge(line.price)})`).join("; ");
}

/** The new lines priced from the catalog, when they differ from the order's; null when the items stay. */
async function newItems(tx: Tx, order: LockedOrder, lines: OrderLine[] | null) {
  const current = await sqlIn(tx)<{ productId: number; quantity: number; price: number; productName: string }>(
    `select product_id, quantity, price, product_name from order_item where order_id = $1 order by id`,
    [order.id],
  );
  const currentTotal = current.reduce((sum, item) => sum + item.price * item.quantity, 0);
  if (!lines) return { change: null, itemsTotal: currentTotal, items: null };
  const priced = await priceLines(tx, order.shopId, lines);
  const key = (items: readonly { productId: number; quantity: number; price: number }[]) =>
    items.map((i) => `${i.productId}:${i.quantity}:${i.price}`).join(",");
  if (key(priced.items) === key(current)) return { change: null, itemsTotal: currentTotal, items: null };
  const change: FieldChange = { field: "items", old: describeLines(current), new: describeLines(priced.items) };
  return { change, itemsTotal: priced.total, items: priced.items };
}

/**
 * Applies an edit in the caller's tenant transaction. Answers the changes made (empty when the
 * input matched the order: nothing written, no history entry).
 */
export async function updateOrder(
  tx: Tx,
  viewer: { shopId: number; userId: string; role: Role },
  orderId: number,
  input: UpdateOrderInput,
): Promise<FieldChange[]> {
  const edit = validate(input);
  assertRoleMayEdit(viewer.role, edit);
  const order = await lockForEdit(tx, viewer.shopId, orderId);
  assertEditable(order, input, edit);
  const data: ColumnValues = {};
  const changes: FieldChange[] = [];
  for (const [field, value] of Object.entries(edit.fields) as [
    keyof ValidEdit["fields"],
    string | number | Date | null,
  ][]) {
    if (shown(order[field]) === shown(value)) continue;
    changes.push({ field, old: shown(order[field]), new: shown(value) });
    Object.assign(data, { [field]: value });
  }
  const items = await newItems(tx, order, edit.lines);
  if (items.change) changes.push(items.change);
  const total = items.itemsTotal + ((edit.fields.deliveryFee as number | undefined) ?? order.deliveryFee);
  if (total > MAX_TOTAL)
    throw badUserInput("The order's total is too large; split it into several orders", "input.items");
  if (total !== order.total) {
    changes.push({ field: "total", old: String(order.total), new: String(total) });
    data.total = total;
  }
  if (changes.length === 0) return changes;
  if (items.items) {
    await tx.orderItem.deleteMany({ where: { orderId } });
    await tx.orderItem.createMany({ data: items.items.map((item) => ({ ...item, orderId })) });
  }
  await updateColumns(tx, orderId, data);
  await appendEdit(tx, viewer.shopId, order, changes, viewer.userId);
  return changes;
}

/** The order's columns an edit may write, with their SQL types. */
const COLUMNS = {
  recipientName: ["recipient_name", "text"],
  recipientPhone: ["recipient_phone", "text"],
  deliveryKind: ["delivery_kind", '"DeliveryKind"'],
  deliveryAddress: ["delivery_address", "text"],
  deliveryFrom: ["delivery_from", "timestamptz"],
  deliveryTo: ["delivery_to", "timestamptz"],
  deliveryFee: ["delivery_fee", "int"],
  cardText: ["card_text", "text"],
  comment: ["comment", "text"],
  total: ["total", "int"],
} as const;

/** New values of an order's columns, by field. */
type ColumnValues = Partial<Record<keyof typeof COLUMNS, string | number | Date | null>>;

/**
 * One UPDATE of the changed columns, in SQL through the transaction: Prisma's model queries cost
 * about 1.3 ms each in its query compiler, and an address change is a measured path (updateOrder
 * within 1.5× of updateOrderStatus). The version is bumped by the row's trigger.
 */
function updateColumns(tx: Tx, orderId: number, data: ColumnValues) {
  const fields = Object.keys(data) as (keyof typeof COLUMNS)[];
  const sets = fields.map((field, index) => `${COLUMNS[field][0]} = $${index + 2}::${COLUMNS[field][1]}`);
  return sqlIn(tx)(`update "order" set ${sets.join(", ")}, updated_at = now() where id = $1`, [
    orderId,
    ...fields.map((field) => data[field]),
  ]);
}

/** The EDIT history entry of a change (at the current status); the board announces it on commit. */
export function appendEdit(
  tx: Tx,
  shopId: number,
  order: Pick<Order, "id" | "status">,
  changes: FieldChange[],
  changedBy: string,
) {
  return sqlIn(tx)(
    `insert into order_history (shop_id, order_id, old_status, new_status, changed_by, kind, notes, changes)
     values ($1, $2, $3::"OrderStatus", $3::"OrderStatus", $4, 'EDIT', $5, $6::jsonb)`,
    [
      shopId,
      order.id,
      order.status,
      changedBy,
      `Edited: ${changes.map((change) => change.field).join(", ")}`,
      JSON.stringify(changes),
    ],
  );
}
