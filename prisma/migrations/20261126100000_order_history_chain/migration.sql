-- The order history is a chain, enforced by the database rather than by read-then-write:
--  * every row points at the order's previous row (previous_history_id, filled by the
--    BEFORE INSERT trigger below), and (order_id, previous_history_id) is UNIQUE with
--    NULLS NOT DISTINCT: two writers can never both append after the same entry, and an
--    order has exactly one first entry;
--  * a row's old_status must be the previous row's new_status (or null for the first row).
-- The lifecycle service also locks the order row (SELECT … FOR UPDATE) before it appends,
-- so in practice writers queue; the constraint is the wall if anything ever skips the lock.

CREATE TYPE "OrderHistoryKind" AS ENUM ('STATUS', 'NOTE', 'PHOTO');

ALTER TABLE "order_history"
  ADD COLUMN "previous_history_id" BIGINT,
  ADD COLUMN "kind" "OrderHistoryKind" NOT NULL DEFAULT 'STATUS',
  ADD COLUMN "photo_id" INTEGER;

-- rows written before this migration (none in a fresh database): link them in id order
UPDATE "order_history" h
SET "previous_history_id" = p.prev
FROM (
  SELECT "id", lag("id") OVER (PARTITION BY "order_id" ORDER BY "id") AS prev FROM "order_history"
) p
WHERE p."id" = h."id" AND p.prev IS NOT NULL;

CREATE UNIQUE INDEX "order_history_order_id_previous_history_id_key"
  ON "order_history" ("order_id", "previous_history_id") NULLS NOT DISTINCT;

ALTER TABLE "order_history"
  ADD CONSTRAINT "order_history_previous_history_id_fkey"
  FOREIGN KEY ("previous_history_id") REFERENCES "order_history"("id") ON DELETE CASCADE;

ALTER TABLE "order_history"
  ADD CONSTRAINT "order_history_photo_id_fkey"
  FOREIGN KEY ("photo_id") REFERENCES "order_photo"("id") ON DELETE SET NULL;

ALTER TABLE "order_history"
  ADD CONSTRAINT "order_history_status_kind_check"
  CHECK ("kind" = 'STATUS' OR "old_status" = "new_status");

CREATE OR REPLACE FUNCTION link_order_history() RETURNS trigger AS $$
DECLARE
  previous_id BIGINT;
  previous_status "OrderStatus";
BEGIN
  SELECT "id", "new_status" INTO previous_id, previous_status
  FROM "order_history"
  WHERE "order_id" = NEW."order_id"
  ORDER BY "id" DESC
  LIMIT 1;
  IF NOT FOUND THEN
    IF NEW."old_status" IS NOT NULL THEN
      RAISE EXCEPTION 'order % has no history yet, so its first entry must have old_status null', NEW."order_id"
        USING ERRCODE = 'check_violation';
    END IF;
    NEW."previous_history_id" := NULL;
  ELSE
    IF NEW."old_status" IS DISTINCT FROM previous_status THEN
      RAISE EXCEPTION 'order % history: old_status % does not follow the previous entry''s new_status %',
        NEW."order_id", NEW."old_status", previous_status
        USING ERRCODE = 'check_violation';
    END IF;
    NEW."previous_history_id" := previous_id;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql VOLATILE;

CREATE TRIGGER order_history_link
  BEFORE INSERT ON "order_history"
  FOR EACH ROW EXECUTE FUNCTION link_order_history();

-- the admin panel's "orders of this customer", newest first
CREATE INDEX "order_shop_id_client_id_created_at_idx" ON "order" ("shop_id", "client_id", "created_at" DESC);
CREATE INDEX "order_history_photo_id_idx" ON "order_history" ("photo_id");

ALTER TABLE "webhook_delivery" ADD COLUMN "replay_of" INTEGER;
CREATE INDEX "webhook_delivery_shop_id_id_idx" ON "webhook_delivery" ("shop_id", "id" DESC);
