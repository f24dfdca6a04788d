-- Catalog search in Russian: a stemmed full-text vector («роза» and «Розы» share the stem
-- «роз») plus trigrams on the lower-cased name for partial words while typing.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE "product"
  ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('russian', coalesce("name", '')), 'A') ||
    setweight(to_tsvector('russian', coalesce("description", '')), 'B')
  ) STORED;

CREATE INDEX "product_search_vector_idx" ON "product" USING gin ("search_vector");
CREATE INDEX "product_name_trgm_idx" ON "product" USING gin (lower("name") gin_trgm_ops);
CREATE INDEX "product_shop_id_name_id_idx" ON "product" ("shop_id", "name", "id");
CREATE INDEX "product_shop_id_price_id_idx" ON "product" ("shop_id", "price", "id");

-- A free-text note beside a write-off reason or an inventory count.
ALTER TABLE "warehouse_operation" ADD COLUMN "note" TEXT;
CREATE INDEX "warehouse_operation_shop_id_type_created_at_idx" ON "warehouse_operation" ("shop_id", "type", "created_at");
CREATE INDEX "warehouse_item_shop_id_name_id_idx" ON "warehouse_item" ("shop_id", "name", "id");

-- Quantities never go below zero, whatever path writes them.
ALTER TABLE "warehouse_item" ADD CONSTRAINT "warehouse_item_quantity_non_negative" CHECK ("quantity" >= 0);
ALTER TABLE "warehouse_item" ADD CONSTRAINT "warehouse_item_min_quantity_non_negative" CHECK ("min_quantity" >= 0);
ALTER TABLE "warehouse_item" ADD CONSTRAINT "warehouse_item_cost_non_negative" CHECK ("cost_per_unit" >= 0);
ALTER TABLE "recipe_item" ADD CONSTRAINT "recipe_item_quantity_positive" CHECK ("quantity" > 0);

-- One row per order whose stock was consumed when it reached ASSEMBLED. The UNIQUE order id,
-- written in the same transaction as the CONSUME operations, is what makes consumption
-- happen exactly once however often the event is seen.
CREATE TABLE "stock_consumption" (
    "id" SERIAL NOT NULL,
    "shop_id" INTEGER NOT NULL,
    "order_id" INTEGER NOT NULL,
    "history_id" BIGINT NOT NULL,
    "lines" JSONB NOT NULL DEFAULT '[]',
    "shortfall_units" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "stock_consumption_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "stock_consumption_order_id_key" ON "stock_consumption"("order_id");
CREATE INDEX "stock_consumption_shop_id_id_idx" ON "stock_consumption"("shop_id", "id");
ALTER TABLE "stock_consumption" ADD CONSTRAINT "stock_consumption_order_id_fkey"
  FOREIGN KEY ("order_id") REFERENCES "order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Where each shop's consumer started: ASSEMBLED history rows at or before this id predate the
-- warehouse tracking stock for orders and are never consumed retroactively.
CREATE TABLE "stock_consumption_watermark" (
    "shop_id" INTEGER NOT NULL,
    "history_id" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "stock_consumption_watermark_pkey" PRIMARY KEY ("shop_id")
);

CREATE INDEX "order_history_shop_id_new_status_id_idx" ON "order_history" ("shop_id", "new_status", "id");

-- The consumer's only cross-shop read: which shops exist, so it can open one tenant-scoped
-- transaction per shop. It returns ids only, never a shop's data.
CREATE OR REPLACE FUNCTION stock_consumer_shop_ids() RETURNS SETOF integer
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT id FROM shop ORDER BY id
$$;
