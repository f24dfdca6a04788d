import type { SqlReader } from "./db";
import type { OrderStatus } from "../prisma/generated/client";

/**
 * The shop's order status changes and edits (history rows of kind STATUS and EDIT; notes and
 * photos stay off the board) in commit-safe order: the live
 * order board (router) and the `orderStatusChanges` page (orders subgraph) both read history
 * through here, on a read-only tenant transaction (`db.read(shopId, sql => …)`).
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

/** History kinds the board carries (as in the feed's SQL). */
export const FEED_KINDS: readonly string[] = ["STATUS", "EDIT"];

/** A place in the feed: after the row with this (xact_id, id). */
export interface FeedPosition {
  xactId: string;
  id: bigint;
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

const COLUMNS = `h.id, h.shop_id as "shopId", h.order_id as "orderId", h.old_status::text as "oldStatus",
  h.new_status::text as "newStatus", h.changed_by as "changedBy", h.created_at as "createdAt", h.xact_id::text as "xactId",
  h.kind::text as kind, h.changes`;

export interface FeedPage {
  /** rows handed out, in feed order */
  rows: StatusChangeRow[];
  /** true when more rows are committed but wait for an older transaction to finish */
  pending: boolean;
  /** true when `limit` stable rows were returned and more may follow */
  more: boolean;
}

/**
 * Up to `limit` stable rows after `after`, in feed order. `until` (inclusive) bounds the page,
 * for a subscriber catching up to where the live stream stands.
 */
export async function readFeed(
  sql: SqlReader,
  shopId: number,
  after: FeedPosition,
  limit: number,
  until?: FeedPosition,
): Promise<FeedPage> {
  const rows = await sql<StatusChangeRow & { stable: boolean }>(
    `select ${COLUMNS}, h.xact_id < pg_snapshot_xmin(pg_current_snapshot()) as stable
       from order_history h
      where h.shop_id = $1 and h.kind in ('STATUS', 'EDIT')
        and (h.xact_id, h.id) > ($2::text::xid8, $3::bigint)
        ${until ? "and (h.xact_id, h.id) <= ($5::text::xid8, $6::bigint)" : ""}
      order by h.xact_id, h.id
      limit $4`,
    [shopId, after.xactId, String(after.id), limit + 1, ...(until ? [until.xactId, String(until.id)] : [])],
  );
  const stable: StatusChangeRow[] = [];
  let pending = false;
  for (const { stable: isStable, ...row } of rows) {
    // rows are in xact_id order and stability is xact_id < xmin: the stable ones come first
    if (!isStable) {
      pending = true;
      break;
    }
    stable.push(row);
  }
  const more = stable.length > limit;
  return { rows: stable.slice(0, limit), pending: pending && !more, more };
}

/**
 * Where the row with this history id stands in the shop's feed; null when the shop has no such
 * row. Any history entry (a note or photo too) names a position: the feed itself carries only
 * status changes.
 */
export async function findPosition(sql: SqlReader, shopId: number, historyId: bigint): Promise<FeedPosition | null> {
  const rows = await sql<{ xactId: string; id: bigint }>(
    `select h.xact_id::text as "xactId", h.id from order_history h where h.shop_id = $1 and h.id = $2::bigint`,
    [shopId, String(historyId)],
  );
  return rows[0] ? { xactId: rows[0].xactId, id: rows[0].id } : null;
}

/** The position of the shop's last stable row (FEED_START when there is none): "now" for a new subscriber. */
export async function latestStablePosition(sql: SqlReader, shopId: number): Promise<FeedPosition> {
  const rows = await sql<{ xactId: string; id: bigint }>(
    `select h.xact_id::text as "xactId", h.id
       from order_history h
      where h.shop_id = $1 and h.kind in ('STATUS', 'EDIT') and h.xact_id < pg_snapshot_xmin(pg_current_snapshot())
      order by h.xact_id desc, h.id desc
      limit 1`,
    [shopId],
  );
  return rows[0] ? { xactId: rows[0].xactId, id: rows[0].id } : FEED_START;
}

/** How many stable rows follow `after` (for a page's totalCount). */
export async function countAfter(sql: SqlReader, shopId: number, after: FeedPosition): Promise<number> {
  const rows = await sql<{ count: bigint }>(
    `select count(*) as count from order_history h
      where h.shop_id = $1 and h.kind in ('STATUS', 'EDIT') and (h.xact_id, h.id) > ($2::text::xid8, $3::bigint)
        and h.xact_id < pg_snapshot_xmin(pg_current_snapshot())`,
    [shopId, after.xactId, String(after.id)],
  );
  return Number(rows[0]?.count ?? 0);
}

/** The rows with these history ids in the shop (any order; missing ids are left out). */
export function findByIds(sql: SqlReader, shopId: number, ids: readonly bigint[]): Promise<StatusChangeRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return sql<StatusChangeRow>(
    `select ${COLUMNS} from order_history h where h.shop_id = $1 and h.kind in ('STATUS', 'EDIT') and h.id = any($2::bigint[])`,
    [shopId, ids.map(String)],
  );
}

/** Parses a history id argument (`after`, `historyId`); null when it is not a positive integer. */
export function parseHistoryId(value: unknown): bigint | null {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value : "";
  if (!/^\d{1,19}$/.test(text)) return null;
  const id = BigInt(text);
  return id > 0n && id <= 9_223_372_036_854_775_807n ? id : null;
}
