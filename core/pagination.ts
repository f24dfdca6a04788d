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

export function decodeCursor(cursor: string | null | undefined, arity: number): (string | number)[] | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    const values = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every((v) => typeof v === "string" || typeof v === "number")
    ) {
      return values;
    }
  } catch {
    // fall through to the error below
  }
  throw badUserInput("after is not a cursor this API returned", "after");
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
