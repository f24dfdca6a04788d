import DataLoader from "dataloader";
import type { Database, Tx } from "./db";
import type { Viewer } from "./auth";
import { requireViewer } from "./context";

type LoaderContext = { viewer: Viewer | null; db: Database };

/**
 * A per-request loader of one row per key: one tenant-scoped query per batch, answers in key
 * order, null for keys the shop does not have (another shop's ids look exactly like missing ones).
 */
export function rowLoader<K extends string | number, V>(
  context: LoaderContext,
  fetch: (tx: Tx, keys: readonly K[], shopId: number) => Promise<V[]>,
  keyOf: (row: V) => K,
): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const viewer = requireViewer(context);
    const rows = await context.db.withTenant(viewer.shopId, (tx) => fetch(tx, keys, viewer.shopId));
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** A per-request loader of the children of each key (items of an order, images of a product). */
export function childrenLoader<K extends string | number, V>(
  context: LoaderContext,
  fetch: (tx: Tx, keys: readonly K[], shopId: number) => Promise<V[]>,
  parentOf: (row: V) => K,
): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => {
    const viewer = requireViewer(context);
    const rows = await context.db.withTenant(viewer.shopId, (tx) => fetch(tx, keys, viewer.shopId));
    const byParent = new Map<K, V[]>(keys.map((key) => [key, []]));
    for (const row of rows) byParent.get(parentOf(row))?.push(row);
    return keys.map((key) => byParent.get(key) ?? []);
  });
}

/** A per-request loader of one computed value per key, with a default for keys without one. */
export function valueLoader<K extends string | number, V>(
  context: LoaderContext,
  fetch: (tx: Tx, keys: readonly K[], shopId: number) => Promise<Map<K, V>>,
  fallback: V,
): DataLoader<K, V> {
  return new DataLoader<K, V>(async (keys) => {
    const viewer = requireViewer(context);
    const values = await context.db.withTenant(viewer.shopId, (tx) => fetch(tx, keys, viewer.shopId));
    return keys.map((key) => values.get(key) ?? fallback);
  });
}
