import type { Viewer } from "./auth";
import type { Config } from "./config";
import type { Database, Tx, TenantTxOptions } from "./db";
import type { Logger } from "./logger";
import { unauthenticated } from "./errors";
import { requirePermission, type Permission } from "./permissions";

/** What every subgraph resolver receives. `L` is the subgraph's per-request DataLoaders. */
export interface SubgraphContext<L = unknown> {
  /** the verified caller, forwarded and signed by the router; null for anonymous calls */
  viewer: Viewer | null;
  requestId: string;
  /** the caller's address as the router saw it; undefined when the router did not say */
  clientIp?: string;
  config: Config;
  logger: Logger;
  db: Database;
  loaders: L;
}

/** The caller, or UNAUTHENTICATED. Resolvers that touch shop data start here. */
export function requireViewer(context: { viewer: Viewer | null }): Viewer {
  if (!context.viewer) throw unauthenticated();
  return context.viewer;
}

/** Runs `work` in a transaction scoped to the caller's shop. */
export function inTenant<T>(
  context: { viewer: Viewer | null; db: Database },
  work: (tx: Tx, viewer: Viewer) => Promise<T>,
  options?: TenantTxOptions,
): Promise<T> {
  const viewer = requireViewer(context);
  return context.db.withTenant(viewer.shopId, (tx) => work(tx, viewer), options);
}

/** A change in the caller's shop by a role that holds `permission`: the role first, then `work` as in inTenant. */
export function changeInTenant<T>(
  context: { viewer: Viewer | null; db: Database },
  permission: Permission,
  work: (tx: Tx, viewer: Viewer) => Promise<T>,
): Promise<T> {
  requirePermission(requireViewer(context), permission);
  return inTenant(context, work);
}
