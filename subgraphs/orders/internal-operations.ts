import type { InternalOperationsFactory } from "../../core/internal-operations";
import { createDeliveryLog } from "../../core/delivery-log";
import { webhookOperation } from "../../core/webhooks";
import { WEBHOOK_DELIVERIES_OPERATIONS } from "../../core/webhook-deliveries";
import { createBitrixStatusWriter, orderStatusWebhook, ORDER_STATUS_OPERATION } from "./bitrix-status-webhook";
import { orderSyncWebhook, ORDER_SYNC_OPERATION } from "./bitrix-order-sync-webhook";
import { createOrderSyncWriter } from "./order-sync-writer";
import { STATUS_FEED_OPERATIONS } from "./status-feed-operations";

/**
 * What the orders subgraph does for the router outside GraphQL: Bitrix's order status and
 * whole-order webhooks (each group-committed in this process), the stored-deliveries admin's
 * reads and the live board's feed (status-feed-operations.ts).
 */
export const ordersInternalOperations: InternalOperationsFactory = ({ config, db, logger }) => {
  const bitrixStatuses = createBitrixStatusWriter(db, config.bitrixShopId);
  const orderSync = createOrderSyncWriter(db, config.bitrixShopId);
  const deliveryLog = createDeliveryLog(db, config.bitrixShopId, logger);
  return {
    handlers: {
      [ORDER_STATUS_OPERATION]: webhookOperation(
        (fields, context) => orderStatusWebhook(fields, { bitrixStatuses, logger: context.logger }),
        deliveryLog,
      ),
      [ORDER_SYNC_OPERATION]: webhookOperation(
        (fields, context) => orderSyncWebhook(fields, { orderSync, logger: context.logger }),
        deliveryLog,
      ),
      ...WEBHOOK_DELIVERIES_OPERATIONS,
      ...STATUS_FEED_OPERATIONS,
    },
    async stop() {
      await bitrixStatuses.idle();
      await orderSync.idle();
      await deliveryLog.flush();
    },
  };
};
