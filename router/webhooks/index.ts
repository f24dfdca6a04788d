import type { SubgraphName } from "../../core/internal-operations";

/** Where a webhook's deliveries go: the subgraph that owns its data and the internal operation there. */
export interface WebhookRoute {
  subgraph: SubgraphName;
  operation: string;
}

/**
 * The Bitrix webhooks the REST shim serves, by path. The shim checks the secret, parses the
 * body and forwards its fields to the route's internal operation (receiver.ts); the subgraph
 * validates them, applies them and stores the delivery. To add one, see README "How to add a
 * webhook".
 */
export const WEBHOOKS: Readonly<Record<string, WebhookRoute>> = {
  "/api/v1/webhooks/order-status-sync": { subgraph: "orders", operation: "bitrix-order-status" },
  "/api/v1/webhooks/product-sync": { subgraph: "catalog", operation: "bitrix-product-sync" },
  "/api/v1/webhooks/order-sync": { subgraph: "orders", operation: "bitrix-order-sync" },
};
