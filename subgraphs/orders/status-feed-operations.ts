import type { InternalAnswer, InternalContext, InternalOperation } from "../../core/internal-operations";
import {
  parseHistoryId,
  positionFromWire as fromWire,
  positionToWire as toWire,
  type StatusChangeRow,
  type WirePosition,
} from "../../core/status-feed";
import { findPosition, latestStablePosition, readFeed } from "./status-feed";

/**
 * The live order board's feed, as internal operations of the orders subgraph: the router's board
 * asks where a shop's feed stands and for the next page of it, and resolves each page's
 * payloads through the gateway (`orderStatusChangesByIds`, with each subscriber's selection and
 * viewer). The shop is the signed viewer's; positions travel as `{ xactId, id }` strings and are
 * opaque to the router beyond their order (core/status-feed.ts).
 */
export const FEED_PAGE_OPERATION = "status-feed.page";
export const FEED_POSITION_OPERATION = "status-feed.position";
export const FEED_HEAD_OPERATION = "status-feed.head";
export const FEED_HOLDER_OPERATION = "status-feed.holder";
/** the most rows a page may ask for */
const MAX_PAGE = 500;

/** A row of a page on the wire: its place in the feed and when it was written. */
export interface WireFeedRow extends WirePosition {
  createdAt: string;
}

const refuse = (status: number, error: string, field?: string): InternalAnswer => ({
  status,
  body: { error, ...(field ? { field } : {}) },
});

function shopOf(context: InternalContext): number | InternalAnswer {
  return context.viewer ? context.viewer.shopId : refuse(401, "The board's feed is read for a signed viewer only");
}

const pageRow = (row: StatusChangeRow): WireFeedRow => ({
  ...toWire(row),
  createdAt: row.createdAt.toISOString(),
});

/** `{ after, limit, until? }` → `{ rows, pending, more }` (core/status-feed.ts readFeed). */
const feedPage: InternalOperation = async (input, context) => {
  const shopId = shopOf(context);
  if (typeof shopId !== "number") return shopId;
  const { after, limit, until } = input as { after?: unknown; limit?: unknown; until?: unknown };
  const from = fromWire(after);
  if (!from) return refuse(400, "after must be a feed position { xactId, id }", "after");
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > MAX_PAGE)
    return refuse(400, `limit must be between 1 and ${MAX_PAGE}`, "limit");
  const to = until === undefined ? undefined : fromWire(until);
  if (to === null) return refuse(400, "until must be a feed position { xactId, id }", "until");
  const page = await context.db.read(shopId, (sql) => readFeed(sql, shopId, from, limit as number, to));
  return { status: 200, body: { rows: page.rows.map(pageRow), pending: page.pending, more: page.more } };
};

/** `{ historyId }` → `{ position }`: where that entry of the shop stands, null when the shop has none. */
const feedPosition: InternalOperation = async (input, context) => {
  const shopId = shopOf(context);
  if (typeof shopId !== "number") return shopId;
  const historyId = parseHistoryId((input as { historyId?: unknown }).historyId);
  if (historyId === null) return refuse(400, "historyId must be a history id", "historyId");
  const position = await context.db.read(shopId, (sql) => findPosition(sql, shopId, historyId));
  return { status: 200, body: { position: position ? toWire(position) : null } };
};

/** `{}` → `{ position }`: the shop's last settled change, where a new subscriber joins. */
const feedHead: InternalOperation = async (_input, context) => {
  const shopId = shopOf(context);
  if (typeof shopId !== "number") return shopId;
  const position = await context.db.read(shopId, (sql) => latestStablePosition(sql, shopId));
  return { status: 200, body: { position: toWire(position) } };
};

/**
 * `{}` → `{ holder }`: the session holding the cluster's horizon that the feed waits behind
 * (PostgreSQL shows every role a session's transaction id, application and database; its state
 * and age only for the role's own), `{}` when a prepared transaction holds it, null when no
 * transaction is running any more.
 */
const feedHolder: InternalOperation = async (_input, context) => {
  const shopId = shopOf(context);
  if (typeof shopId !== "number") return shopId;
  const holder = await context.db.read(shopId, async (sql) => {
    const [horizon] = await sql<{ running: boolean }>(
      `select pg_snapshot_xmin(s) < pg_snapshot_xmax(s) as running from pg_current_snapshot() s`,
    );
    if (!horizon?.running) return null;
    // backend_xid is a 32-bit xid, the horizon an xid8: compare the low 32 bits
    const [transaction] = await sql<Record<string, unknown>>(
      `select a.pid, a.application_name as "applicationName", a.datname as database, a.state,
              round(extract(epoch from clock_timestamp() - a.xact_start)::numeric, 1)::float8 as "openSeconds"
         from pg_stat_activity a
        where a.backend_xid::text = (pg_snapshot_xmin(pg_current_snapshot())::text::numeric % 4294967296)::text`,
    );
    return transaction ? { transaction } : {};
  });
  return { status: 200, body: { holder } };
};

export const STATUS_FEED_OPERATIONS: Readonly<Record<string, InternalOperation>> = {
  [FEED_PAGE_OPERATION]: feedPage,
  [FEED_POSITION_OPERATION]: feedPosition,
  [FEED_HEAD_OPERATION]: feedHead,
  [FEED_HOLDER_OPERATION]: feedHolder,
};
