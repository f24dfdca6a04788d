import DataLoader from "dataloader";
import type { Database, SqlReader, Tx } from "./db";
import type { Viewer } from "./auth";
import { requireViewer } from "./context";

type LoaderContext = { viewer: Viewer | null; db: Database };
type Fetch<K, V, S> = (session: S, keys: readonly K[], shopId: number) => Promise<V>;

/** Runs a batch in the caller's shop: through Prisma (`tx`) or the raw read path (`sql`). */
function inShop<K, V>(context: LoaderContext, fetch: Fetch<K, V, Tx>): (keys: readonly K[]) => Promise<V>;
function inShop<K, V>(
  context: LoaderContext,
  fetch: Fetch<K, V, SqlReader>,
  via: "sql",
): (keys: readonly K[]) => Promise<V>;
function inShop<K, V>(context: LoaderContext, fetch: Fetch<K, V, any>, via?: "sql") {
  return (keys: readonly K[]) => {
    const { shopId } = requireViewer(context);
    return via === "sql"
      ? context.db.read(shopId, (sql) => fetch(sql, keys, shopId))
      : context.db.withTenant(shopId, (tx) => fetch(tx, keys, shopId));
  };
}

function oneEach<K extends string | number, V>(run: (keys: readonly K[]) => Promise<V[]>, keyOf: (row: V) => K) {
  return new DataLoader<K, V | null>(async (keys) => {
    const byKey = new Map((await run(keys)).map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

function childrenOf<K extends string | number, V>(run: (keys: readonly K[]) => Promise<V[]>, parentOf: (row: V) => K) {
  return new DataLoader<K, V[]>(async (keys) => {
    const byParent = new Map<K, V[]>(keys.map((key) => [key, []]));
    for (const row of await run(keys)) byParent.get(parentOf(row))?.push(row);
    return keys.map((key) => byParent.get(key) ?? []);
  });
}

function valueOf<K extends string | number, V>(run: (keys: readonly K[]) => Promise<Map<K, V>>, fallback: V) {
  return new DataLoader<K, V>(async (keys) => {
    const values = await run(keys);
    return keys.map((key) => values.get(key) ?? fallback);
  });
}

/**
 * A per-request loader of one row per key: one tenant-scoped query per batch, answers in key
 * order, null for keys the shop does not have (another shop's ids look exactly like missing ones).
 */
export function rowLoader<K extends string | number, V>(
  context: LoaderContext,
  fetch: Fetch<K, V[], Tx>,
  keyOf: (row: V) => K,
) {
  return oneEach(inShop(context, fetch), keyOf);
}

/** A per-request loader of the children of each key (items of an order, images of a product). */
export function childrenLoader<K extends string | number, V>(
  context: LoaderContext,
  fetch: Fetch<K, V[], Tx>,
  parentOf: (row: V) => K,
) {
  return childrenOf(inShop(context, fetch), parentOf);
}

/** A per-request loader of one computed value per key, with a default for keys without one. */
export function valueLoader<K extends string | number, V>(
  context: LoaderContext,
  fetch: Fetch<K, Map<K, V>, Tx>,
  fallback: V,
) {
  return valueOf(inShop(context, fetch), fallback);
}

/** The same loaders over the raw read path (`db.read`), for the hottest reads. */
export const sqlLoaders = {
  row: <K extends string | number, V>(context: LoaderContext, fetch: Fetch<K, V[], SqlReader>, keyOf: (row: V) => K) =>
    oneEach(inShop(context, fetch, "sql"), keyOf),
  children: <K extends string | number, V>(
    context: LoaderContext,
    fetch: Fetch<K, V[], SqlReader>,
    parentOf: (row: V) => K,
  ) => childrenOf(inShop(context, fetch, "sql"), parentOf),
  value: <K extends string | number, V>(context: LoaderContext, fetch: Fetch<K, Map<K, V>, SqlReader>, fallback: V) =>
    valueOf(inShop(context, fetch, "sql"), fallback),
};
