/** The orders on the board, newest version of each kept: the one rule that makes replays harmless. */
import type { BoardOrderFragment, OrderStatus } from "./__generated__/operations";

export type BoardOrder = BoardOrderFragment;

/** The columns a board shows, in order; DELIVERED and CANCELLED are folded under them. */
export const OPEN_STATUSES: OrderStatus[] = ["NEW", "PAID", "ACCEPTED", "ASSEMBLED", "IN_DELIVERY"];
export const FINISHED_STATUSES: OrderStatus[] = ["DELIVERED", "CANCELLED"];

/** The next status of an order's working day (CANCELLED is never a "next" tap). */
export const NEXT_STATUS: Partial<Record<OrderStatus, OrderStatus>> = {
  NEW: "PAID",
  PAID: "ACCEPTED",
  ACCEPTED: "ASSEMBLED",
  ASSEMBLED: "IN_DELIVERY",
  IN_DELIVERY: "DELIVERED",
};

/** Start of today, local time: finished orders of earlier days leave the board. */
export function startOfToday(now = new Date()): number {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
}

/**
 * Whether the board shows this order at all. `courierId`: a COURIER's board shows only their
 * deliveries (the server sends no others; an order reassigned away leaves the board too).
 */
export function isOnBoard(order: BoardOrder, courierId: string | null = null, now = new Date()): boolean {
  if (courierId !== null && order.courier?.id !== courierId) return false;
  if (!FINISHED_STATUSES.includes(order.status)) return true;
  return Date.parse(order.updatedAt) >= startOfToday(now);
}

/** Earliest delivery window first; orders without one after those with, then by number. */
export function compareByWindow(a: BoardOrder, b: BoardOrder): number {
  const left = a.deliveryFrom ? Date.parse(a.deliveryFrom) : Infinity;
  const right = b.deliveryFrom ? Date.parse(b.deliveryFrom) : Infinity;
  if (left !== right) return left < right ? -1 : 1;
  return Number(a.id) - Number(b.id);
}

export class BoardState {
  private readonly orders = new Map<string, BoardOrder>();

  get size(): number {
    return this.orders.size;
  }

  get(id: string): BoardOrder | undefined {
    return this.orders.get(id);
  }

  all(): BoardOrder[] {
    return [...this.orders.values()];
  }

  /** Replaces everything (a full load); answers the ids that left the board. */
  replaceAll(orders: BoardOrder[]): string[] {
    const gone = [...this.orders.keys()].filter((id) => !orders.some((order) => order.id === id));
    this.orders.clear();
    for (const order of orders) this.orders.set(order.id, order);
    return gone;
  }

  /**
   * Takes an order as the server sent it. An older version than the one held (a replayed event
   * behind a fresher load) changes nothing: answers false.
   */
  apply(order: BoardOrder): boolean {
    const held = this.orders.get(order.id);
    if (held && held.version > order.version) return false;
    this.orders.set(order.id, order);
    return true;
  }

  remove(id: string): void {
    this.orders.delete(id);
  }
}
