-- A shop's working day (issue 19): delivery kind and fee, couriers, payments, edits with an
-- optimistic version, stock returned on cancel, and orders search that stays fast at 100,000 orders.

CREATE TYPE "DeliveryKind" AS ENUM ('DELIVERY', 'PICKUP');
CREATE TYPE "PaymentMethod" AS ENUM ('KASPI', 'CASH', 'CARD', 'TRANSFER');
-- a payment takes money in, a refund gives it back; both are positive amounts
CREATE TYPE "PaymentKind" AS ENUM ('PAYMENT', 'REFUND');
-- an edit of the order's details (history.changes says what changed, old and new)
ALTER TYPE "OrderHistoryKind" ADD VALUE IF NOT EXISTS 'EDIT';

ALTER TABLE "order"
  ADD COLUMN "delivery_kind" "DeliveryKind" NOT NULL DEFAULT 'DELIVERY',
  ADD COLUMN "delivery_fee" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "courier_id" INTEGER,
  ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1,
  ADD CONSTRAINT "order_delivery_fee_not_negative" CHECK ("delivery_fee" >= 0),
  ADD CONSTRAINT "order_courier_id_fkey" FOREIGN KEY ("courier_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Every change of an order row bumps its version, whoever writes it (status changes, edits,
-- Bitrix): a client's edit names the version it saw and is refused once it is stale.
CREATE OR REPLACE FUNCTION order_bump_version() RETURNS trigger AS $$
BEGIN
  NEW.version := OLD.version + 1;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER order_bump_version BEFORE UPDATE ON "order" FOR EACH ROW EXECUTE FUNCTION order_bump_version();

CREATE INDEX "order_shop_id_courier_id_delivery_from_idx" ON "order"("shop_id", "courier_id", "delivery_from");

ALTER TABLE "order_history" ADD COLUMN "changes" JSONB;

CREATE TABLE "payment" (
  "id" SERIAL NOT NULL,
  "shop_id" INTEGER NOT NULL,
  "order_id" INTEGER NOT NULL,
  "kind" "PaymentKind" NOT NULL DEFAULT 'PAYMENT',
  "method" "PaymentMethod" NOT NULL,
  "amount" INTEGER NOT NULL,
  "external_id" TEXT,
  "created_by" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "payment_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "payment_amount_positive" CHECK ("amount" > 0),
  CONSTRAINT "payment_shop_id_fkey" FOREIGN KEY ("shop_id") REFERENCES "shop"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT "payment_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "order"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- a payment system's id is recorded once per shop (a redelivery is answered, not recorded twice)
CREATE UNIQUE INDEX "payment_shop_id_external_id_key" ON "payment"("shop_id", "external_id");
CREATE INDEX "payment_order_id_idx" ON "payment"("order_id");
SELECT enable_tenant_wall('payment');
GRANT SELECT, INSERT, UPDATE, DELETE ON "payment" TO cvety_app;
GRANT USAGE, SELECT ON SEQUENCE "payment_id_seq" TO cvety_app;

-- The stock an order consumed at ASSEMBLED goes back once when it is cancelled: the claim is
-- returned_at, set by the one statement that writes the RETURN operations.
ALTER TABLE "stock_consumption"
  ADD COLUMN "returned_at" TIMESTAMPTZ(3),
  ADD COLUMN "return_history_id" BIGINT;
CREATE INDEX "stock_consumption_awaiting_return_idx" ON "stock_consumption"("shop_id", "order_id") WHERE "returned_at" IS NULL;

-- Orders search: the recipient's name (any case, any part), phone digits, Bitrix id. Trigram
-- indexes serve LIKE on any part of a string; lower() and textlike are LEAKPROOF where the
-- migration runs as a superuser (20261127200000), so row-level security keeps the indexes usable.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "order_recipient_name_trgm_idx" ON "order" USING gin (lower("recipient_name") gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX "order_recipient_phone_trgm_idx" ON "order" USING gin ("recipient_phone" gin_trgm_ops) WITH (fastupdate = off);

-- ---------------------------------------------------------------------------------------------
-- The courier wall. A COURIER sees and touches only the orders assigned to them, enforced here
-- beside the tenant wall. A courier's transaction runs as role cvety_courier (set_config('role',
-- …, true) next to app.shop_id, core/db.ts), with app.user_id its user id; the policies below
-- apply to that role only, so nobody else's plans pay for them (the PostgREST pattern: one
-- database role per kind of caller, switched per transaction).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cvety_courier') THEN
    CREATE ROLE cvety_courier NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END
$$;
GRANT cvety_courier TO cvety_app;
GRANT USAGE ON SCHEMA public TO cvety_courier;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO cvety_courier;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO cvety_courier;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO cvety_courier;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO cvety_courier;
REVOKE ALL ON _prisma_migrations FROM cvety_courier;
REVOKE SELECT ON app_user FROM cvety_courier;
GRANT SELECT (id, shop_id, email, name, role, created_at) ON app_user TO cvety_courier;
GRANT EXECUTE ON FUNCTION known_shop_ids() TO cvety_courier;
GRANT EXECUTE ON FUNCTION auth_user_by_email(text) TO cvety_courier;

-- The courier of the current transaction: app.user_id as an integer; 0 (nobody) when it is not one.
CREATE OR REPLACE FUNCTION app_current_courier() RETURNS integer
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN current_setting('app.user_id', true) ~ '^[0-9]{1,9}$' THEN current_setting('app.user_id', true)::integer ELSE 0 END $$;

-- the courier's own orders, and the rows that belong to them
CREATE POLICY courier_own_orders ON "order" AS RESTRICTIVE FOR ALL TO cvety_courier
  USING ("courier_id" = app_current_courier()) WITH CHECK ("courier_id" = app_current_courier());
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['order_item', 'order_history', 'order_photo', 'payment', 'stock_consumption'] LOOP
    EXECUTE format(
      'CREATE POLICY courier_own_orders ON %I AS RESTRICTIVE FOR ALL TO cvety_courier
         USING (order_id IN (SELECT o.id FROM "order" o WHERE o.courier_id = app_current_courier()))
         WITH CHECK (order_id IN (SELECT o.id FROM "order" o WHERE o.courier_id = app_current_courier()))', t);
  END LOOP;
END
$$;
-- customers: only those whose orders the courier carries
CREATE POLICY courier_own_orders ON "client_profile" AS RESTRICTIVE FOR ALL TO cvety_courier
  USING ("id" IN (SELECT o.client_id FROM "order" o WHERE o.courier_id = app_current_courier()));

-- Cancelling an order that was paid says so on its history entry, whoever cancels it (the panel,
-- Bitrix RF/UN): "refund due: 5 000 ₸". Order.refundDue and paymentStatus show it until refunded.
CREATE OR REPLACE FUNCTION order_history_note_refund_due() RETURNS trigger AS $$
DECLARE
  due bigint;
BEGIN
  IF NEW.kind = 'STATUS' AND NEW.new_status = 'CANCELLED' AND NEW.old_status IS DISTINCT FROM 'CANCELLED' THEN
    SELECT coalesce(sum(CASE WHEN p.kind = 'PAYMENT' THEN p.amount ELSE -p.amount END), 0) INTO due
      FROM payment p WHERE p.order_id = NEW.order_id;
    IF due > 0 THEN
      NEW.notes := concat_ws('; ', NEW.notes,
        'refund due: ' || regexp_replace((due / 100)::text, '(\d)(?=(\d{3})+$)', '\1 ', 'g') || ' ₸');
    END IF;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER order_history_note_refund_due BEFORE INSERT ON order_history
  FOR EACH ROW EXECUTE FUNCTION order_history_note_refund_due();
