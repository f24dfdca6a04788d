/** How one order looks: its card on the board and its details in the dialog. */
import type { OrderDetailsQuery, OrderStatus, UserRole } from "./__generated__/operations";
import { NEXT_STATUS, type BoardOrder } from "./board-state";
import { h } from "./dom";
import { MOVE_TO, STATUS_NAME, TEXT, formatMoney } from "./labels";

/** Which statuses a role may set (the server decides; this only hides buttons that would fail). */
export const ROLE_MAY_SET: Record<UserRole, OrderStatus[]> = {
  ADMIN: ["NEW", "PAID", "ACCEPTED", "ASSEMBLED", "IN_DELIVERY", "DELIVERED", "CANCELLED"],
  MANAGER: ["NEW", "PAID", "ACCEPTED", "ASSEMBLED", "IN_DELIVERY", "DELIVERED", "CANCELLED"],
  FLORIST: ["ACCEPTED", "ASSEMBLED"],
  COURIER: ["IN_DELIVERY", "DELIVERED"],
};

const time = new Intl.DateTimeFormat("ru-RU", { hour: "2-digit", minute: "2-digit" });
const day = new Intl.DateTimeFormat("ru-RU", { day: "numeric", month: "short" });
const dateTime = new Intl.DateTimeFormat("ru-RU", {
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
});

export function orderNumber(order: Pick<BoardOrder, "id" | "bitrixOrderId">): string {
  return `№ ${order.bitrixOrderId ?? order.id}`;
}

/** "14:00–16:00", with the day in front when it is not today. */
export function deliveryWindow(order: BoardOrder, now = new Date()): string {
  if (!order.deliveryFrom) return TEXT.noWindow;
  const from = new Date(order.deliveryFrom);
  const span = order.deliveryTo ? `${time.format(from)}–${time.format(new Date(order.deliveryTo))}` : time.format(from);
  return from.toDateString() === now.toDateString() ? span : `${day.format(from)}, ${span}`;
}

function assembledPhoto(order: BoardOrder): BoardOrder["photos"][number] | undefined {
  return order.photos.filter((photo) => photo.kind === "ASSEMBLED_BOUQUET").at(-1);
}

/** Roles that may assign a courier (permission `order.dispatch`). */
export const MAY_DISPATCH: UserRole[] = ["ADMIN", "MANAGER"];

export interface Courier {
  id: string;
  name: string;
}

/** The courier picker of a card, for a role that may dispatch and an order not finished. */
function courierPicker(order: BoardOrder, role: UserRole, couriers: Courier[] | null): HTMLElement | null {
  if (!couriers || !MAY_DISPATCH.includes(role)) return null;
  if (order.status === "DELIVERED" || order.status === "CANCELLED") return null;
  const current = order.courier?.id ?? "";
  const options = [...couriers];
  if (order.courier && !options.some((courier) => courier.id === order.courier!.id)) options.push(order.courier);
  const selectId = `order-${order.id}-courier`;
  return h(
    "div",
    { class: "assign" },
    h("label", { for: selectId }, `${TEXT.assign} ${TEXT.courier.toLowerCase()}`),
    h(
      "select",
      { id: selectId, "data-action": "assign", "aria-label": `${orderNumber(order)}: ${TEXT.assignCourier}` },
      h("option", { value: "", selected: current === "" }, TEXT.unassign),
      options.map((courier) => h("option", { value: courier.id, selected: courier.id === current }, courier.name)),
    ),
  );
}

export function nextMove(order: BoardOrder, role: UserRole): OrderStatus | null {
  const next = NEXT_STATUS[order.status];
  return next && ROLE_MAY_SET[role].includes(next) ? next : null;
}

/** The card of an order: `notice` is an action's error, shown on the card until the next action. */
export function renderCard(
  order: BoardOrder,
  role: UserRole,
  notice?: string,
  couriers: Courier[] | null = null,
): HTMLElement {
  const titleId = `order-${order.id}-title`;
  const photo = assembledPhoto(order);
  return h(
    "li",
    { class: "card", id: `order-${order.id}`, "data-order-id": order.id, "data-status": order.status },
    h(
      "article",
      { "aria-labelledby": titleId },
      h(
        "header",
        { class: "card-head" },
        h("h3", { id: titleId }, orderNumber(order)),
        h("span", { class: "window" }, deliveryWindow(order)),
      ),
      photo ? thumbnail(photo) : null,
      order.recipientName ? h("p", { class: "recipient" }, `${TEXT.recipient}: ${order.recipientName}`) : null,
      h(
        "ul",
        { class: "items", "aria-label": "Состав" },
        order.items.map((item) => h("li", {}, `${item.productName} × ${item.quantity}`)),
      ),
      order.cardText ? h("p", { class: "card-text" }, `${TEXT.card}: «${order.cardText}»`) : null,
      order.deliveryKind === "PICKUP"
        ? h("p", { class: "courier" }, TEXT.pickup)
        : h("p", { class: "courier" }, `${TEXT.courier}: ${order.courier?.name ?? TEXT.noCourier}`),
      courierPicker(order, role, couriers),
      notice ? h("p", { class: "notice", role: "alert" }, notice) : null,
      cardActions(order, nextMove(order, role)),
    ),
  );
}

function thumbnail(photo: NonNullable<ReturnType<typeof assembledPhoto>>): HTMLElement {
  return h("img", {
    class: "thumb",
    src: photo.thumbnailUrl ?? photo.url,
    alt: TEXT.photoAlt,
    loading: "lazy",
    width: 96,
    height: 96,
  });
}

/** A card's buttons: the role's next move, if any, and opening the details. */
function cardActions(order: BoardOrder, next: OrderStatus | null): HTMLElement {
  return h(
    "div",
    { class: "actions" },
    next
      ? h(
          "button",
          {
            type: "button",
            class: "move",
            "data-action": "move",
            "data-to": next,
            "aria-label": `${orderNumber(order)}: ${MOVE_TO[next]}`,
          },
          `${MOVE_TO[next]} →`,
        )
      : null,
    h(
      "button",
      { type: "button", class: "open", "data-action": "open", "aria-label": `${TEXT.open} ${orderNumber(order)}` },
      TEXT.open,
    ),
  );
}

type OrderDetails = NonNullable<OrderDetailsQuery["order"]>;

/** The dialog's content for one order. */
export function renderDetails(order: OrderDetails): HTMLElement[] {
  const row = (label: string, value: string | null | undefined) =>
    value ? h("div", {}, h("dt", {}, label), h("dd", {}, value)) : null;
  const photo = assembledPhoto(order);
  const nodes: (HTMLElement | null)[] = [
    h("h2", { id: "details-title" }, `${orderNumber(order)} — ${STATUS_NAME[order.status]}`),
    h(
      "dl",
      {},
      row("Доставка", deliveryWindow(order)),
      row(TEXT.address, order.deliveryAddress),
      row(TEXT.recipient, order.recipientName),
      row(TEXT.courier, order.deliveryKind === "PICKUP" ? TEXT.pickup : (order.courier?.name ?? TEXT.noCourier)),
      row(TEXT.card, order.cardText),
      row(TEXT.comment, order.comment),
      row(TEXT.total, formatMoney(order.total)),
    ),
    h(
      "ul",
      { class: "items" },
      order.items.map((item) => h("li", {}, `${item.productName} × ${item.quantity}`)),
    ),
    photo ? h("img", { class: "photo", src: photo.url, alt: TEXT.photoAlt }) : null,
    h("h3", {}, TEXT.history),
    h(
      "ol",
      { class: "history" },
      order.history.map((entry) =>
        h(
          "li",
          {},
          `${dateTime.format(new Date(entry.createdAt))}: ${STATUS_NAME[entry.newStatus]}${entry.notes ? ` (${entry.notes})` : ""}`,
        ),
      ),
    ),
  ];
  return nodes.filter((node): node is HTMLElement => node !== null);
}
