-- Orders that arrive whole from Bitrix (POST /api/v1/webhooks/order-sync): the Bitrix
-- `updated_at` of the version we hold (a later delivery of an older version is answered
-- "stale") and a digest of its content (a redelivery of the same content is "unchanged").
ALTER TABLE "order" ADD COLUMN "bitrix_updated_at" TIMESTAMPTZ(3);
ALTER TABLE "order" ADD COLUMN "bitrix_content_hash" TEXT;
