import { GraphQLError } from "graphql";
import {
  integerField,
  parseBitrixPrice,
  stringField,
  WebhookError,
  type WebhookBody,
  type WebhookHandler,
} from "../../../core/webhooks";
import { upsertFromBitrix, type BitrixProductFields } from "../product-rules";

/**
 * Bitrix's product change webhook: upserts the product of shop BITRIX_SHOP_ID with the given
 * Bitrix id through the catalog's own service (same rules as the admin mutations). Writes run
 * with origin "bitrix", so the outbound sync does not echo Bitrix's own change back to it.
 *
 *   { "product_id": 668826, "name": "…", "price": "5 000 ₸", "image": "https://…",
 *     "description": "…", "enabled": "Y" }
 */

/** Bitrix flags are "Y"/"N"; booleans and 1/0 are accepted too. */
function flagField(body: WebhookBody, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (value === true || value === 1 || (typeof value === "string" && /^(y|yes|true|1)$/i.test(value.trim())))
    return true;
  if (value === false || value === 0 || (typeof value === "string" && /^(n|no|false|0)$/i.test(value.trim())))
    return false;
  throw new WebhookError(400, `Field "${name}" must be "Y" or "N"`, name);
}

/** The internal operation the router forwards `POST /api/v1/webhooks/product-sync` to. */
export const PRODUCT_SYNC_OPERATION = "bitrix-product-sync";

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
    const { product, created } = await deps.db.withTenant(
      deps.config.bitrixShopId,
      (tx) => upsertFromBitrix(tx, deps.config.bitrixShopId, fields),
      {
        origin: "bitrix",
      },
    );
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
