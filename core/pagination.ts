import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";
import { badUserInput } from "./errors";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}, got ${first}`, "first");
  }
  return first;
}

/** Opaque cursors: base64url of the sort key values of the last row seen. */
export function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

/** The largest id PostgreSQL's int holds. */
export const MAX_ID = 2_147_483_647;

/**
 * What one value of a cursor must be: an `id` (1 … 2³¹−1), an `instant` (ISO-8601 UTC as
 * toISOString writes it, years 1900–9999), `int` (fits PostgreSQL's int), `text` (at most 1,000
 * characters, no NUL), or a check of the list's own.
 */
export type CursorPart = "id" | "instant" | "int" | "text" | ((value: unknown) => boolean);

const ISO_INSTANT = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

const CURSOR_PARTS: Record<Exclude<CursorPart, (value: unknown) => boolean>, (value: unknown) => boolean> = {
  id: (value) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_ID,
  int: (value) => Number.isInteger(value) && Math.abs(value as number) <= MAX_ID,
  text: (value) => typeof value === "string" && value.length <= 1000 && !value.includes("\u0000"),
  instant: (value) => {
    const match = typeof value === "string" ? ISO_INSTANT.exec(value) : null;
    const year = match ? Number(match[1]) : 0;
    return year >= 1900 && year <= 9999 && !Number.isNaN(new Date(value as string).getTime());
  },
};

/**
 * Reads a cursor this API returned, checking each value against `shape` (a number n: n − 1
 * strings or numbers, then an id), so a tampered cursor is BAD_USER_INPUT naming `after`
 * rather than a database error.
 */
export function decodeCursor(
  cursor: string | null | undefined,
  shape: number | readonly CursorPart[],
): (string | number)[] | null {
  if (cursor === null || cursor === undefined) return null;
  const parts: readonly CursorPart[] =
    typeof shape === "number"
      ? [...Array.from({ length: shape - 1 }, () => (v: unknown) => CURSOR_PARTS.text(v) || CURSOR_PARTS.int(v)), "id"]
      : shape;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    values = null;
  }
  const fits = (value: unknown, part: CursorPart) => (typeof part === "function" ? part : CURSOR_PARTS[part])(value);
  if (Array.isArray(values) && values.length === parts.length && values.every((v, i) => fits(v, parts[i]))) {
    return values as (string | number)[];
  }
  throw badUserInput("after is not a cursor this API returned (for this list and order)", "after");
}

/**
 * Builds a connection from `size + 1` fetched rows: the extra row only says there is a next page.
 */
export function toConnection<T>(
  rows: T[],
  size: number,
  totalCount: number,
  cursorOf: (row: T) => (string | number)[],
): Connection<T> {
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ cursor: encodeCursor(cursorOf(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > size, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    totalCount,
  };
}

/** Parses a GraphQL ID that must be a positive integer id; `field` names the argument. */
export function parseId(id: string | number, field = "id"): number {
  const value = typeof id === "number" ? id : /^\d{1,10}$/.test(id) ? Number(id) : NaN;
  if (!Number.isInteger(value) || value <= 0 || value > 2_147_483_647) {
    throw badUserInput(`${field} must be a positive integer id, got "${String(id).slice(0, 40)}"`, field);
  }
  return value;
}

/**
 * Whether the query selects `field` on the value this resolver returns (fragments included),
 * so a connection can skip an expensive count nobody asked for.
 */
export function selectsField(info: Pick<GraphQLResolveInfo, "fieldNodes" | "fragments">, field: string): boolean {
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode | undefined): boolean =>
    !!set?.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === field;
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet);
      const name = selection.name.value;
      if (seen.has(name)) return false;
      seen.add(name);
      return visit(info.fragments[name]?.selectionSet);
    });
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}
