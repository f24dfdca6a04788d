import type { SqlReader } from "../../core/db";
import { GraphQLError } from "graphql";
import { badUserInput, ErrorCode } from "../../core/errors";
import { pageSize, MAX_PAGE_SIZE, type Connection } from "../../core/pagination";
import { FEED_START, parseHistoryId, type StatusChangeRow } from "../../core/status-feed";
import { countAfter, findByIds, findPosition, latestStablePosition, readFeed } from "./status-feed";

/** The `after` history id of the caller's shop, as a feed position; BAD_USER_INPUT when it is not one. */
async function afterPosition(sql: SqlReader, shopId: number, after: string | null | undefined) {
  if (after === null || after === undefined) return FEED_START;
  const id = parseHistoryId(after);
  if (id === null)
    throw badUserInput(`after must be a history id (a positive integer), got "${String(after).slice(0, 40)}"`, "after");
  const position = await findPosition(sql, shopId, id);
  // another shop's id answers exactly like an unknown one
  if (!position)
    throw badUserInput(`after: history entry ${id} is not in this shop's history; nothing to continue from`, "after");
  return position;
}

/** A page of the shop's status changes behind `after`, in the order the live board delivers them. */
export async function listStatusChanges(
  sql: SqlReader,
  shopId: number,
  args: { after?: string | null; first?: number | null },
): Promise<Connection<StatusChangeRow>> {
  const size = pageSize(args.first);
  const after = await afterPosition(sql, shopId, args.after);
  const [page, totalCount] = [await readFeed(sql, shopId, after, size), await countAfter(sql, shopId, after)];
  const edges = page.rows.map((row) => ({ cursor: row.id.toString(), node: row }));
  return {
    edges,
    pageInfo: { hasNextPage: page.more, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    totalCount,
  };
}

/**
 * What a COURIER's board gets for a change that took an order from them (assigned to another
 * courier or to nobody): the order's id and the change's, so the board drops the card and
 * resumes behind it, and nothing else (the courier wall hides the order from them now).
 */
export function unassignedNotice(historyId: bigint, orderId: number): GraphQLError {
  return new GraphQLError(`Order ${orderId} is no longer assigned to you`, {
    extensions: {
      code: ErrorCode.NOT_FOUND,
      reason: "UNASSIGNED",
      orderId: String(orderId),
      historyId: historyId.toString(),
    },
  });
}

/**
 * The changes with these history ids, in the order asked, null for ids the shop does not have
 * (or, for a COURIER, does not show them). For a COURIER, a change that took an order from them
 * is an unassignedNotice in its place: in a list, graphql-js reports an Error item as that
 * item's error (path `orderStatusChangesByIds.<i>`) and the item as null.
 */
export async function statusChangesByIds(
  sql: SqlReader,
  viewer: { shopId: number; role: string },
  historyIds: readonly string[],
): Promise<(StatusChangeRow | GraphQLError | null)[]> {
  const { shopId } = viewer;
  if (historyIds.length > MAX_PAGE_SIZE)
    throw badUserInput(`historyIds takes at most ${MAX_PAGE_SIZE} ids, got ${historyIds.length}`, "historyIds");
  const ids = historyIds.map((value) => {
    const id = parseHistoryId(value);
    if (id === null)
      throw badUserInput(
        `historyIds must be history ids (positive integers), got "${String(value).slice(0, 40)}"`,
        "historyIds",
      );
    return id;
  });
  const rows = await findByIds(sql, shopId, ids);
  const byId = new Map<bigint, StatusChangeRow | GraphQLError>(rows.map((row) => [row.id, row]));
  const hidden = ids.filter((id) => !byId.has(id));
  if (viewer.role === "COURIER" && hidden.length) {
    // migration 20261207003000: the only thing a courier learns of an order no longer theirs
    const taken = await sql<{ id: bigint; orderId: number }>(`select * from courier_unassigned_events($1::bigint[])`, [
      hidden.map(String),
    ]);
    for (const { id, orderId } of taken) byId.set(id, unassignedNotice(id, orderId));
  }
  return ids.map((id) => byId.get(id) ?? null);
}

/** The historyId of the shop's last settled change (where a new subscriber would join), or null when it has none. */
export async function statusFeedHead(sql: SqlReader, shopId: number): Promise<string | null> {
  const position = await latestStablePosition(sql, shopId);
  return position.id === FEED_START.id ? null : position.id.toString();
}
