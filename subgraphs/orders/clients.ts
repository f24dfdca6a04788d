import type { ClientProfile } from "../../prisma/generated/client";
import { sqlIn } from "../../core/db";
import { requireViewer } from "../../core/context";
import { badUserInput, notFound } from "../../core/errors";
import { decodeCursor, pageSize, parseId, toConnection, type Connection, type CursorPart } from "../../core/pagination";
import { requiredName, text } from "../../core/validation";
import type { OrdersContext } from "./context";
import { mayMatch } from "../../core/argument-permissions";
import type { Role } from "../../core/auth";

export type ClientSort = "LAST_ORDER" | "TOTAL_SPENT";

export interface ClientFilter {
  first?: number | null;
  after?: string | null;
  search?: string | null;
  tag?: string | null;
  sort?: ClientSort | null;
}

/** PostgreSQL's text of a timestamptz (DateStyle ISO), or -infinity, years 1900–9999 */
const PG_INSTANT = /^(-infinity|(19|[2-9]\d)\d{2}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2})$/;
const isPgInstant = (value: unknown) =>
  typeof value === "string" &&
  PG_INSTANT.test(value) &&
  (value === "-infinity" || !Number.isNaN(Date.parse(value.replace(" ", "T").replace(/([+-]\d{2})$/, "$1:00"))));
const isBigintText = (value: unknown) => typeof value === "string" && /^-?\d{1,18}$/.test(value);

/**
 * The sort key of each order of the list, as SQL, with its type and the check of its text in a
 * cursor (the key travels as text); both descending, ties by id.
 */
const SORT_KEYS: Record<ClientSort, { expression: string; type: string; cursor: CursorPart }> = {
  // matches the expression index client_profile_last_order_idx: clients without orders come last
  LAST_ORDER: { expression: "coalesce(last_order_at, '-infinity')", type: "timestamptz", cursor: isPgInstant },
  TOTAL_SPENT: { expression: "total_spent", type: "bigint", cursor: isBigintText },
};

const CLIENT_COLUMNS =
  "id, shop_id, phone, name, notes, tags, order_count, total_spent, last_order_at, created_at, updated_at";
const MAX_TAGS = 20;
const MAX_TAG_LENGTH = 40;
const MAX_NOTES_LENGTH = 2000;

const likeEscape = (value: string) => value.replace(/[\\%_]/g, "\\$&");

/**
 * What a search matches, as a condition on parameter $2 (and $3): text with letters is a part of
 * the name, any case; text of digits and phone punctuation is a part of the phone's digits, and a
 * leading 8 (the national trunk prefix, `8 701 …`) is also read as the +7 it stands for. The phone
 * is searched only for a role that may read it (core/argument-permissions.ts).
 */
function searchCondition(role: Role, search: string | null | undefined): { sql: string; values: unknown[] } {
  const query = text(search, "search", { max: 100 });
  // every branch names $2 and $3, so PostgreSQL knows their types
  if (query === null) return { sql: "($2::text is null and $3::text is null)", values: [null, null] };
  const digits = query.replace(/\D/g, "");
  const phones = mayMatch(role, "Query.clients.search", "ClientProfile.phone");
  if (phones && !/\p{L}/u.test(query) && digits.length > 0) {
    const national = digits.startsWith("8") && digits.length > 1 ? `7${digits.slice(1)}%` : null;
    return { sql: "(phone_digits like $2::text or phone_digits like $3::text)", values: [`%${digits}%`, national] };
  }
  return {
    sql: "(lower(name) like $2::text and $3::text is null)",
    values: [`%${likeEscape(query.toLowerCase())}%`, null],
  };
}

/** A page of the shop's clients, searched, filtered by tag and sorted; the total only when asked. */
export async function listClients(
  context: OrdersContext,
  args: ClientFilter,
  withCount: boolean,
): Promise<Connection<ClientProfile>> {
  const { shopId, role } = requireViewer(context);
  const size = pageSize(args.first);
  const sort = SORT_KEYS[args.sort ?? "LAST_ORDER"];
  const cursor = decodeCursor(args.after, [sort.cursor, "id"]);
  const search = searchCondition(role, args.search);
  const tag = text(args.tag, "tag", { max: MAX_TAG_LENGTH });
  const where = `shop_id = $1 and ${search.sql} and ($4::text is null or tags @> array[$4::text])`;
  return context.db.read(shopId, async (sql) => {
    const rows = await sql<ClientProfile & { sortKey: string }>(
      `select ${CLIENT_COLUMNS}, ${sort.expression}::text as sort_key from client_profile
       where ${where} and ($5::text is null or (${sort.expression}, id) < ($5::${sort.type}, $6::int))
       order by ${sort.expression} desc, id desc limit $7`,
      [shopId, ...search.values, tag, cursor?.[0] ?? null, cursor?.[1] ?? null, size + 1],
    );
    const count = withCount
      ? (
          await sql<{ count: number }>(`select count(*)::int as count from client_profile where ${where}`, [
            shopId,
            ...search.values,
            tag,
          ])
        )[0].count
      : 0;
    return toConnection(rows, size, count, (row) => [row.sortKey, row.id]);
  });
}

function validTags(tags: readonly string[]): string[] {
  const cleaned = [
    ...new Set(tags.map((tag, index) => text(tag, `input.tags[${index}]`, { max: MAX_TAG_LENGTH, required: true }))),
  ];
  if (cleaned.length > MAX_TAGS)
    throw badUserInput(`input.tags may hold at most ${MAX_TAGS} tags, got ${cleaned.length}`, "input.tags");
  return cleaned;
}

/** Changes a client's name, notes or tags (only those given). */
export async function updateClientProfile(
  context: OrdersContext,
  id: string,
  input: { name?: string | null; notes?: string | null; tags?: readonly string[] | null },
): Promise<ClientProfile> {
  const { shopId } = requireViewer(context);
  const clientId = parseId(id);
  if (input.name === null) throw badUserInput("input.name cannot be cleared", "input.name");
  const name = input.name === undefined ? null : requiredName(input.name, "input.name");
  const notes =
    input.notes === undefined || input.notes === null
      ? undefined
      : text(input.notes, "input.notes", { max: MAX_NOTES_LENGTH });
  const tags = input.tags === undefined || input.tags === null ? null : validTags(input.tags);
  const [row] = await context.db.withTenant(shopId, (tx) =>
    sqlIn(tx)<ClientProfile>(
      `update client_profile set name = coalesce($3, name), notes = case when $4 then $5 else notes end,
         tags = coalesce($6::text[], tags), updated_at = now()
       where shop_id = $1 and id = $2 returning ${CLIENT_COLUMNS}`,
      [shopId, clientId, name, notes !== undefined, notes ?? null, tags],
    ),
  );
  if (!row) throw notFound("Client", clientId);
  return row;
}
