-- Photo uploads (docs/uploads.md): one row per upload from createUpload until its image or photo
-- is deleted, or the sweep removes it a day after it was created without being attached.
CREATE TYPE "UploadPurpose" AS ENUM ('PRODUCT_IMAGE', 'ORDER_PHOTO');
CREATE TYPE "UploadStatus" AS ENUM ('PENDING', 'RECEIVING', 'READY', 'REJECTED');

CREATE TABLE "upload" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "shop_id" INTEGER NOT NULL,
    "created_by" TEXT NOT NULL,
    "purpose" "UploadPurpose" NOT NULL,
    "content_type" TEXT NOT NULL,
    "byte_size" INTEGER NOT NULL,
    "status" "UploadStatus" NOT NULL DEFAULT 'PENDING',
    "format" TEXT,
    "rejection" TEXT,
    "variants" JSONB NOT NULL DEFAULT '[]',
    "stored_bytes" INTEGER NOT NULL DEFAULT 0,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3),
    "attached_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "upload_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "upload_byte_size_check" CHECK ("byte_size" > 0)
);

CREATE INDEX "upload_shop_id_attached_at_created_at_idx" ON "upload"("shop_id", "attached_at", "created_at");
ALTER TABLE "upload" ADD CONSTRAINT "upload_shop_id_fkey" FOREIGN KEY ("shop_id") REFERENCES "shop"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- an upload is attached at most once: the database refuses a second image or photo of it
ALTER TABLE "product_image" ADD COLUMN "upload_id" UUID;
CREATE UNIQUE INDEX "product_image_upload_id_key" ON "product_image"("upload_id");
ALTER TABLE "product_image" ADD CONSTRAINT "product_image_upload_id_fkey" FOREIGN KEY ("upload_id") REFERENCES "upload"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "order_photo" ADD COLUMN "upload_id" UUID;
CREATE UNIQUE INDEX "order_photo_upload_id_key" ON "order_photo"("upload_id");
ALTER TABLE "order_photo" ADD CONSTRAINT "order_photo_upload_id_fkey" FOREIGN KEY ("upload_id") REFERENCES "upload"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

SELECT enable_tenant_wall('upload');

-- Bytes stored per purpose over all shops, for /metrics: totals only, no shop's rows.
CREATE OR REPLACE FUNCTION upload_stored_bytes() RETURNS TABLE (purpose text, bytes bigint)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  AS $$ SELECT u.purpose::text, coalesce(sum(u.stored_bytes), 0)::bigint FROM public.upload u WHERE u.status = 'READY' GROUP BY u.purpose $$;

GRANT SELECT (purpose, stored_bytes, status) ON upload TO cvety_auth;
CREATE POLICY upload_totals ON upload AS PERMISSIVE FOR SELECT TO cvety_auth USING (true);
ALTER FUNCTION upload_stored_bytes() OWNER TO cvety_auth;
REVOKE ALL ON FUNCTION upload_stored_bytes() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION upload_stored_bytes() TO cvety_app;
