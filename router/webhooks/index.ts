import type { WebhookHandler } from "./receiver";
import { ORDER_STATUS_WEBHOOK_PATH, orderStatusWebhook } from "./order-status";
import { PRODUCT_SYNC_WEBHOOK_PATH, productSyncWebhook } from "./product-sync";
import { ORDER_SYNC_WEBHOOK_PATH, orderSyncWebhook } from "./order-sync";

/**
 * The Bitrix webhooks the REST shim serves, by path. Each handler gets the parsed body
 * after the shared receiver has checked size and secret; see receiver.ts.
 */
export const WEBHOOKS: Record<string, WebhookHandler> = {
  [ORDER_STATUS_WEBHOOK_PATH]: orderStatusWebhook,
  [PRODUCT_SYNC_WEBHOOK_PATH]: productSyncWebhook,
  [ORDER_SYNC_WEBHOOK_PATH]: orderSyncWebhook,
};
