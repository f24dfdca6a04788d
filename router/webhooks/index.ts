import type { WebhookHandler } from "./receiver";

/**
 * The Bitrix webhooks the REST shim serves, by path. Each handler gets the parsed body
 * after the shared receiver has checked size and secret; see receiver.ts.
 */
export const WEBHOOKS: Record<string, WebhookHandler> = {};
