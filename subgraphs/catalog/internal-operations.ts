import type { InternalOperationsFactory } from "../../core/internal-operations";
import { createDeliveryLog } from "../../core/delivery-log";
import { webhookOperation } from "../../core/webhooks";
import { productSyncWebhook, PRODUCT_SYNC_OPERATION } from "./bitrix-sync/product-webhook";

/** What the catalog subgraph does for the router outside GraphQL: Bitrix's product webhook. */
export const catalogInternalOperations: InternalOperationsFactory = ({ config, db, logger }) => {
  const deliveryLog = createDeliveryLog(db, config.bitrixShopId, logger);
  return {
    handlers: { [PRODUCT_SYNC_OPERATION]: webhookOperation(productSyncWebhook, deliveryLog) },
    stop: () => deliveryLog.flush(),
  };
};
