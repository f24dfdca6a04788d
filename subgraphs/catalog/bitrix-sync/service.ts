import type { SubgraphContext } from "../../../core/context";
import { inTenant, requireViewer } from "../../../core/context";
import { requirePermission } from "../../../core/permissions";
import { parseId } from "../../../core/pagination";
import type { BitrixSyncState } from "../../../prisma/generated/client";
import * as outbox from "./outbox";

/** What people may do with the Bitrix outbox: see the queue and retry entries (permission "bitrix.sync"). */

export function syncQueue(
  context: SubgraphContext,
  filter: { state?: BitrixSyncState | null; first?: number | null; after?: string | null },
) {
  requirePermission(requireViewer(context), "bitrix.sync");
  return inTenant(context, (tx, viewer) => outbox.listQueue(tx, viewer.shopId, filter));
}

export function retrySync(context: SubgraphContext, id: string) {
  requirePermission(requireViewer(context), "bitrix.sync");
  const entryId = parseId(id);
  return inTenant(context, (tx, viewer) => outbox.retry(tx, viewer.shopId, entryId));
}
