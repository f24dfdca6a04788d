import type { SqlReader } from "../../core/db";
import { FEED_START, type FeedPosition, type StatusChangeRow } from "../../core/status-feed";

/**
 * The shop's status feed in SQL: history rows of kind STATUS and EDIT in commit-safe order
 * (why and how: core/status-feed.ts). The `orderStatusChanges` page and the live board's feed
 * (status-feed-operations.ts, which the router calls) read history through here, on a
 * read-only tenant transaction (`db.read(shopId, sql => …)`).
 */

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
