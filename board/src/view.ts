/** The board on the page: a column per open status, finished orders folded, each card placed by window. */
import type { OrderStatus, UserRole } from "./__generated__/operations";
import { FINISHED_STATUSES, OPEN_STATUSES, compareByWindow, isOnBoard, type BoardOrder } from "./board-state";
import { renderCard, type Courier } from "./cards";
import { h } from "./dom";
import { STATUS_TITLE, TEXT } from "./labels";

interface Column {
  list: HTMLOListElement;
  count: HTMLElement;
}

export class BoardView {
  private readonly columns = new Map<OrderStatus, Column>();
  private readonly cards = new Map<string, { element: HTMLElement; order: BoardOrder }>();
  private readonly notices = new Map<string, string>();
  /** the shop's couriers for the assign picker (null: not loaded, or the role may not dispatch) */
  private couriers: Courier[] | null = null;

  /** a COURIER's own id: their board shows only their deliveries */
  private readonly courierId: string | null;

  constructor(
    private readonly root: HTMLElement,
    private readonly role: UserRole,
    userId: string,
  ) {
    this.courierId = role === "COURIER" ? userId : null;
    root.replaceChildren(
      h(
        "div",
        { class: "columns" },
        OPEN_STATUSES.map((status) => this.column(status, "section")),
      ),
      h(
        "div",
        { class: "finished", role: "group", "aria-label": TEXT.finished },
        FINISHED_STATUSES.map((status) => this.column(status, "details")),
      ),
    );
  }

  private column(status: OrderStatus, kind: "section" | "details"): HTMLElement {
    const headingId = `column-${status}`;
    const count = h("span", { class: "count" }, "0");
    const list = h("ol", { class: "cards", "aria-labelledby": headingId });
    this.columns.set(status, { list, count });
    const title = h("span", { id: headingId }, STATUS_TITLE[status]);
    if (kind === "details")
      return h("details", { class: "column", "data-status": status }, h("summary", {}, title, " ", count), list);
    return h(
      "section",
      { class: "column", "data-status": status, "aria-labelledby": headingId },
      h("h2", {}, title, " ", count),
      list,
    );
  }

  /** Draws every order afresh (a full load). */
  showAll(orders: BoardOrder[]): void {
    for (const { element } of this.cards.values()) element.remove();
    this.cards.clear();
    const sorted = orders.filter((order) => isOnBoard(order, this.courierId)).sort(compareByWindow);
    for (const status of this.columns.keys()) {
      const column = this.columns.get(status)!;
      const cards = sorted.filter((order) => order.status === status).map((order) => this.card(order));
      column.list.replaceChildren(...cards);
    }
    this.updateCounts();
  }

  /** Puts one order where it belongs now (moved, edited, new or gone). */
  show(order: BoardOrder): void {
    const held = this.cards.get(order.id);
    const hadFocus = !!held && held.element.contains(document.activeElement);
    held?.element.remove();
    this.cards.delete(order.id);
    if (isOnBoard(order, this.courierId)) {
      const column = this.columns.get(order.status)!;
      const element = this.card(order);
      const before = [...this.cards.values()]
        .filter(
          (card) =>
            card.order.status === order.status &&
            card.element.parentElement === column.list &&
            compareByWindow(card.order, order) > 0,
        )
        .sort((a, b) => compareByWindow(a.order, b.order))[0];
      column.list.insertBefore(element, before?.element ?? null);
      if (hadFocus) element.querySelector<HTMLElement>("button.open")?.focus();
    }
    this.updateCounts();
  }

  remove(id: string): void {
    this.cards.get(id)?.element.remove();
    this.cards.delete(id);
    this.updateCounts();
  }

  /** The shop's couriers for the cards' picker; redraws the cards. */
  setCouriers(couriers: Courier[] | null): void {
    this.couriers = couriers;
    for (const { order } of [...this.cards.values()]) this.show(order);
  }

  /** An action's error on the card (null clears it). */
  setNotice(id: string, notice: string | null): void {
    if (notice) this.notices.set(id, notice);
    else this.notices.delete(id);
    const held = this.cards.get(id);
    if (held) this.show(held.order);
  }

  private card(order: BoardOrder): HTMLElement {
    const element = renderCard(order, this.role, this.notices.get(order.id), this.couriers);
    this.cards.set(order.id, { element, order });
    return element;
  }

  private updateCounts(): void {
    for (const column of this.columns.values()) {
      const count = column.list.childElementCount;
      column.count.textContent = String(count);
      column.list.setAttribute("data-empty", count === 0 ? TEXT.empty : "");
    }
  }
}
