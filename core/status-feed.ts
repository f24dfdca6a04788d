import type { OrderStatus } from "../prisma/generated/client";

/**
 * The shop's order status changes and edits (history rows of kind STATUS and EDIT; notes and
 * photos stay off the board) in commit-safe order: the live order board (router, through the
 * orders subgraph's internal operations) and the `orderStatusChanges` page (orders subgraph)
 * both read the same feed. Its SQL is the orders subgraph's (subgraphs/orders/status-feed.ts);
 * here are the positions and announcements both sides share.
 *
 * History ids come from a sequence taken before commit, so a smaller id can commit after a
 * larger one. Ordering by id alone would let such a row slip behind a cursor. Instead every
 * row carries the id of its writing transaction (`xact_id`, migration 20261126200000) and
 * the feed is ordered by (xact_id, id), handing out only rows whose transaction id is below
 * the xmin of a fresh snapshot: every transaction below it has finished, so no row can ever
 * appear before a position once handed out. A history id names its row's position, so
 * `after: <historyId>` resumes exactly behind it: no gap, no duplicate.
 */

/** The channel the order_history trigger announces every committed row on (migrations 20261126000100, 20261127000000). */
export const HISTORY_CHANNEL = "order_status_changed";

/** What an announcement says; `kind` and `newStatus` are missing from triggers older than 20261127000000. */
export interface HistoryAnnouncement {
  /** null when the payload names no shop (a listener then re-reads every shop) */
  shopId: number | null;
  /** the history row and its order, when the payload names them */
  historyId?: bigint;
  orderId?: number;
  kind?: string;
  newStatus?: string;
}

/** Parses a NOTIFY payload of HISTORY_CHANNEL; null when it is not JSON. */
export function parseHistoryAnnouncement(payload: string | undefined): HistoryAnnouncement | null {
  let value: { id?: unknown; orderId?: unknown; shopId?: unknown; kind?: unknown; newStatus?: unknown };
  try {
    value = JSON.parse(payload ?? "{}");
  } catch {
    return null;
  }
  // the trigger sends the id as text (a bigint); the same rule as any history id argument
  const historyId = typeof value.id === "string" ? parseHistoryId(value.id) : null;
  return {
    shopId: typeof value.shopId === "number" && Number.isInteger(value.shopId) ? value.shopId : null,
    ...(historyId !== null ? { historyId } : {}),
    ...(typeof value.orderId === "number" && Number.isSafeInteger(value.orderId) && value.orderId > 0
      ? { orderId: value.orderId }
      : {}),
    ...(typeof value.kind === "string" ? { kind: value.kind } : {}),
    ...(typeof value.newStatus === "string" ? { newStatus: value.newStatus } : {}),
  };
}

/** One history row as the feed hands it out. */
export interface StatusChangeRow {
  id: bigint;
  shopId: number;
  orderId: number;
  oldStatus: OrderStatus | null;
  newStatus: OrderStatus;
  changedBy: string;
  createdAt: Date;
  /** the writing transaction's id (xid8 as decimal text) */
  xactId: string;
  /** STATUS (a status change, or creation) or EDIT (the order's details changed) */
  kind: "STATUS" | "EDIT";
  /** for EDIT: what changed */
  changes: unknown;
}

/** A place in the feed: after the row with this (xact_id, id). */
export interface FeedPosition {
  xactId: string;
  id: bigint;
}

/** A feed position as JSON (ids as text), between the orders subgraph and the router's board. */
export interface WirePosition {
  xactId: string;
  id: string;
}

export function positionToWire(position: FeedPosition): WirePosition {
  return { xactId: position.xactId, id: position.id.toString() };
}

/** A position from JSON; null when it is not one. */
export function positionFromWire(value: unknown): FeedPosition | null {
  const { xactId, id } = (value ?? {}) as Partial<WirePosition>;
  if (typeof xactId !== "string" || !/^\d{1,20}$/.test(xactId) || typeof id !== "string") return null;
  if (xactId === "0" && id === "0") return { xactId, id: 0n };
  const historyId = parseHistoryId(id);
  return historyId === null ? null : { xactId, id: historyId };
}

/** Before the first row of any shop. */
export const FEED_START: FeedPosition = { xactId: "0", id: 0n };

export function positionOf(row: Pick<StatusChangeRow, "xactId" | "id">): FeedPosition {
  return { xactId: row.xactId, id: row.id };
}

/** Orders feed positions: negative when `a` comes before `b`. */
export function comparePositions(a: FeedPosition, b: FeedPosition): number {
  const x = BigInt(a.xactId) - BigInt(b.xactId);
  if (x !== 0n) return x < 0n ? -1 : 1;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

/** Parses a history id argument (`after`, `historyId`); null when it is not a positive integer. */
export function parseHistoryId(value: unknown): bigint | null {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value : "";
  if (!/^\d{1,19}$/.test(text)) return null;
  const id = BigInt(text);
  return id > 0n && id <= 9_223_372_036_854_775_807n ? id : null;
}
