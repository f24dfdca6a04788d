import { GraphQLError } from "graphql";
import { integerField, stringField, WebhookError, type WebhookBody, type WebhookHandler } from "./receiver";
import { upsertFromBitrix, type BitrixProductFields } from "../../subgraphs/catalog/product-service";

/**
 * Bitrix's product change webhook: upserts the product of shop BITRIX_SHOP_ID with the given
 * Bitrix id through the catalog's own service (same rules as the admin mutations). Writes run
 * with origin "bitrix", so the outbound sync does not echo Bitrix's own change back to it.
 *
 *   { "product_id": 668826, "name": "…", "price": "5 000 ₸", "image": "https://…",
 *     "description": "…", "enabled": "Y" }
 */

const CURRENCY = /\s*(₸|тг\.?|тенге|kzt)\s*$/i;
const SPACES = /[\s\u00A0\u2007\u2009\u202F']/g;

/**
 * A price as Bitrix sends it: an integer in tiyn (500000), or tenge as text ("5 000 ₸",
 * "5000", "4 950,50 ₸", "4950.5 тг"). Anything else cannot be read: 422 naming the field.
 */
export function parseBitrixPrice(value: unknown, field = "price"): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const unreadable = () => new WebhookError(422, `Field "${field}" cannot be read as a price: ${JSON.stringify(value).slice(0, 60)} (send tiyn as an integer or tenge as text like "5 000 ₸")`, field);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0 || value > 1_000_000_000) throw unreadable();
    return value;
  }
  if (typeof value !== "string" || value.length > 40) throw unreadable();
  const text = value.trim().replace(CURRENCY, "").replace(SPACES, "");
  const match = /^(\d{1,8})(?:[.,](\d{1,2}))?$/.exec(text);
  if (!match) throw unreadable();
  const tiyn = Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
  if (tiyn > 1_000_000_000) throw unreadable();
  return tiyn;
}

/** Bitrix flags are "Y"/"N"; booleans and 1/0 are accepted too. */
function flagField(body: WebhookBody, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (value === true || value === 1 || (typeof value === "string" && /^(y|yes|true|1)$/i.test(value.trim()))) return true;
  if (value === false || value === 0 || (typeof value === "string" && /^(n|no|false|0)$/i.test(value.trim()))) return false;
  throw new WebhookError(400, `Field "${name}" must be "Y" or "N"`, name);
}

export const PRODUCT_SYNC_WEBHOOK_PATH = "/api/v1/webhooks/product-sync";

export const productSyncWebhook: WebhookHandler = async (body, deps) => {
  const bitrixProductId = integerField(body, "product_id", { required: true });
  if (bitrixProductId === 0) throw new WebhookError(400, `Field "product_id" must be a positive integer`, "product_id");
  const fields: BitrixProductFields = {
    bitrixProductId,
    name: stringField(body, "name", { maxLength: 500 }),
    price: parseBitrixPrice(body.price),
    description: stringField(body, "description", { maxLength: 20_000 }),
    enabled: flagField(body, "enabled"),
    image: stringField(body, "image", { maxLength: 2000 }) || undefined,
  };
  try {
    const { product, created } = await deps.db.withTenant(deps.config.bitrixShopId, (tx) => upsertFromBitrix(tx, deps.config.bitrixShopId, fields), {
      origin: "bitrix",
    });
    deps.logger.info({ productId: product.id, bitrixProductId, created }, "bitrix product synced");
    return { status: 200, body: { status: "success", product_id: product.id, created } };
  } catch (error) {
    // the catalog's rules speak GraphQL; here a value that breaks them is an unprocessable field
    if (error instanceof GraphQLError && error.extensions.code === "BAD_USER_INPUT") {
      const field = typeof error.extensions.field === "string" ? error.extensions.field : undefined;
      throw new WebhookError(422, error.message, field);
    }
    throw error;
  }
};
