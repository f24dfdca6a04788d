-- Transactional outbox for product changes on their way to Bitrix (docs/bitrix-product-sync.md).
-- Triggers on product and product_image write the outbox row in the same transaction as the
-- change, so whichever path changes a product (GraphQL mutation, SQL, a future importer) the
-- change is queued, and a rolled-back change never is.

CREATE TYPE "BitrixSyncState" AS ENUM ('PENDING', 'DELIVERED', 'PARKED', 'REPLACED');

CREATE TABLE "bitrix_outbox" (
    "id" SERIAL NOT NULL,
    "shop_id" INTEGER NOT NULL,
    "product_id" INTEGER NOT NULL,
    "bitrix_product_id" INTEGER,
    "state" "BitrixSyncState" NOT NULL DEFAULT 'PENDING',
    "changes" INTEGER NOT NULL DEFAULT 1,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "payload" JSONB,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_until" TIMESTAMPTZ(3),
    "last_attempt_at" TIMESTAMPTZ(3),
    "last_status" INTEGER,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bitrix_outbox_pkey" PRIMARY KEY ("id")
);

ALTER TABLE "bitrix_outbox" ADD CONSTRAINT "bitrix_outbox_shop_id_fkey" FOREIGN KEY ("shop_id") REFERENCES "shop"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "bitrix_outbox" ADD CONSTRAINT "bitrix_outbox_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- the relay's claim: due pending rows of the shop
CREATE INDEX "bitrix_outbox_shop_id_state_next_attempt_at_idx" ON "bitrix_outbox"("shop_id", "state", "next_attempt_at");
-- Product.bitrixSync (latest row of a product) and the per-product ordering check
CREATE INDEX "bitrix_outbox_product_id_id_idx" ON "bitrix_outbox"("product_id", "id");
-- Collapse: at most one not-yet-attempted row per product. Edits before the first send update
-- it (the payload is read when it is first sent); once a row has been attempted, its payload is
-- frozen under its idempotency key and a later edit opens a new row.
CREATE UNIQUE INDEX "bitrix_outbox_one_fresh_per_product" ON "bitrix_outbox"("product_id") WHERE "state" = 'PENDING' AND "attempts" = 0;

-- The one shop whose products are synchronised (BITRIX_SHOP_ID), written by the process at
-- start-up so the triggers need no configuration of their own. Not tenant data: one row.
CREATE TABLE "bitrix_sync_target" (
    "id" BOOLEAN NOT NULL DEFAULT true,
    "bitrix_shop_id" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "bitrix_sync_target_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "bitrix_sync_target_single_row" CHECK ("id")
);
INSERT INTO "bitrix_sync_target" ("id", "bitrix_shop_id") VALUES (true, 17008);

-- Behind the tenant wall like every table with a shop: ENABLE + FORCE here (nothing is visible
-- until a policy says so); the policy on shop_id comes from the tenant wall migration
-- (20261126900000_tenant_wall), which walls every table with a shop_id column.
ALTER TABLE "bitrix_outbox" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "bitrix_outbox" FORCE ROW LEVEL SECURITY;

-- Queues (or collapses into the fresh row of) a send of the product's current state.
-- Skipped for changes Bitrix itself made (app.origin = 'bitrix': no echo) and for the demo
-- seed (app.origin = 'seed'), for products of other shops and for products without a Bitrix id.
CREATE OR REPLACE FUNCTION bitrix_outbox_enqueue(p_product_id INTEGER) RETURNS void AS $$
BEGIN
  IF coalesce(current_setting('app.origin', true), '') IN ('bitrix', 'seed') THEN
    RETURN;
  END IF;
  INSERT INTO bitrix_outbox (shop_id, product_id, bitrix_product_id)
  SELECT p.shop_id, p.id, p.bitrix_product_id
    FROM product p
    JOIN bitrix_sync_target t ON t.bitrix_shop_id = p.shop_id
   WHERE p.id = p_product_id AND p.bitrix_product_id IS NOT NULL
  ON CONFLICT (product_id) WHERE state = 'PENDING' AND attempts = 0
  DO UPDATE SET changes = bitrix_outbox.changes + 1,
                bitrix_product_id = EXCLUDED.bitrix_product_id,
                updated_at = CURRENT_TIMESTAMP;
  IF FOUND THEN
    PERFORM pg_notify('bitrix_outbox', '');
  END IF;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION bitrix_outbox_product_changed() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT'
     OR (OLD.name, OLD.price, OLD.description, OLD.enabled, OLD.archived_at IS NULL, OLD.bitrix_product_id)
        IS DISTINCT FROM (NEW.name, NEW.price, NEW.description, NEW.enabled, NEW.archived_at IS NULL, NEW.bitrix_product_id) THEN
    PERFORM bitrix_outbox_enqueue(NEW.id);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER product_bitrix_outbox
  AFTER INSERT OR UPDATE ON product
  FOR EACH ROW WHEN (NEW.bitrix_product_id IS NOT NULL)
  EXECUTE FUNCTION bitrix_outbox_product_changed();

-- The image Bitrix gets is the main one (or the first when none is main): a change that can
-- alter it queues a send; adding or moving other images does not.
CREATE OR REPLACE FUNCTION bitrix_outbox_image_changed() RETURNS trigger AS $$
DECLARE
  v_product_id INTEGER;
  v_touches_main BOOLEAN;
BEGIN
  IF TG_OP = 'INSERT' THEN
    v_product_id := NEW.product_id;
    v_touches_main := NEW.is_main;
  ELSIF TG_OP = 'DELETE' THEN
    v_product_id := OLD.product_id;
    v_touches_main := OLD.is_main;
  ELSE
    IF (OLD.url, OLD.is_main, OLD.position, OLD.product_id) IS NOT DISTINCT FROM (NEW.url, NEW.is_main, NEW.position, NEW.product_id) THEN
      RETURN NULL;
    END IF;
    v_product_id := NEW.product_id;
    v_touches_main := OLD.is_main OR NEW.is_main;
    IF OLD.product_id <> NEW.product_id THEN
      PERFORM bitrix_outbox_enqueue(OLD.product_id);
    END IF;
  END IF;
  IF v_touches_main OR NOT EXISTS (SELECT 1 FROM product_image i WHERE i.product_id = v_product_id AND i.is_main) THEN
    PERFORM bitrix_outbox_enqueue(v_product_id);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER product_image_bitrix_outbox
  AFTER INSERT OR UPDATE OR DELETE ON product_image
  FOR EACH ROW EXECUTE FUNCTION bitrix_outbox_image_changed();
