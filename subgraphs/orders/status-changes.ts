import type { SqlReader } from "../../core/db";
import { badUserInput } from "../../core/errors";
import { pageSize, MAX_PAGE_SIZE, type Connection } from "../../core/pagination";
import {
  countAfter,
  findByIds,
  findPosition,
  FEED_START,
  latestStablePosition,
  parseHistoryId,
  readFeed,
  type StatusChangeRow,
} from "../../core/status-feed";

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

/** The changes with these history ids, in the order asked, null for ids the shop does not have. */
export async function statusChangesByIds(
  sql: SqlReader,
  shopId: number,
  historyIds: readonly string[],
): Promise<(StatusChangeRow | null)[]> {
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
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** The historyId of the shop's last settled change (where a new subscriber would join), or null when it has none. */
export async function statusFeedHead(sql: SqlReader, shopId: number): Promise<string | null> {
  const position = await latestStablePosition(sql, shopId);
  return position.id === FEED_START.id ? null : position.id.toString();
}
