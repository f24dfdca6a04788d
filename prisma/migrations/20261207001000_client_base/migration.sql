-- The client base (issue 20): notes and tags, lifetime figures kept in step with the orders by
-- a trigger (in the order's own transaction, so they are exact), and search by any part of the
-- name or phone through trigram indexes.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE client_profile
  ADD COLUMN notes text,
  ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
  ADD COLUMN order_count integer NOT NULL DEFAULT 0,
  ADD COLUMN total_spent bigint NOT NULL DEFAULT 0,
  ADD COLUMN last_order_at timestamptz(3),
  -- the phone's digits alone (+7 701 … → 7701…): what a search for any part of a number matches
  ADD COLUMN phone_digits text GENERATED ALWAYS AS (regexp_replace(phone, '[^0-9]', '', 'g')) STORED;

-- Recomputes one client's figures from their orders (a client has few; the index below finds them).
CREATE OR REPLACE FUNCTION client_profile_refresh_figures(target_client integer) RETURNS void
  LANGUAGE sql
  AS $$
    UPDATE client_profile c SET
      order_count = f.order_count, total_spent = f.total_spent, last_order_at = f.last_order_at
    FROM (
      SELECT count(*)::int AS order_count,
             coalesce(sum(o.total) FILTER (WHERE o.status <> 'CANCELLED'), 0)::bigint AS total_spent,
             max(o.created_at) AS last_order_at
      FROM "order" o WHERE o.client_id = target_client
    ) f
    WHERE c.id = target_client
  $$;

CREATE OR REPLACE FUNCTION order_refresh_client_figures() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.client_id IS NOT NULL THEN
    PERFORM client_profile_refresh_figures(OLD.client_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.client_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.client_id IS DISTINCT FROM OLD.client_id) THEN
    PERFORM client_profile_refresh_figures(NEW.client_id);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER order_client_figures_insert AFTER INSERT ON "order"
  FOR EACH ROW WHEN (NEW.client_id IS NOT NULL) EXECUTE FUNCTION order_refresh_client_figures();
-- status changes other than to or from CANCELLED leave the figures alone: the board's hot path pays nothing
CREATE TRIGGER order_client_figures_update AFTER UPDATE ON "order"
  FOR EACH ROW WHEN (
    OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.total <> NEW.total OR OLD.created_at <> NEW.created_at
    OR (OLD.status = 'CANCELLED') <> (NEW.status = 'CANCELLED'))
  EXECUTE FUNCTION order_refresh_client_figures();
CREATE TRIGGER order_client_figures_delete AFTER DELETE ON "order"
  FOR EACH ROW WHEN (OLD.client_id IS NOT NULL) EXECUTE FUNCTION order_refresh_client_figures();

-- the figures of the clients that exist now
UPDATE client_profile c SET
  order_count = f.order_count, total_spent = f.total_spent, last_order_at = f.last_order_at
FROM (
  SELECT o.client_id, count(*)::int AS order_count,
         coalesce(sum(o.total) FILTER (WHERE o.status <> 'CANCELLED'), 0)::bigint AS total_spent,
         max(o.created_at) AS last_order_at
  FROM "order" o WHERE o.client_id IS NOT NULL GROUP BY o.client_id
) f
WHERE c.id = f.client_id;

-- the two orders of the list, newest buyer first (clients without orders last) and biggest spender first
CREATE INDEX client_profile_last_order_idx ON client_profile (shop_id, (coalesce(last_order_at, '-infinity')) DESC, id DESC);
CREATE INDEX client_profile_total_spent_idx ON client_profile (shop_id, total_spent DESC, id DESC);
-- any part of the name (any case) or of the phone's digits
CREATE INDEX client_profile_name_trgm_idx ON client_profile USING gin (lower(name) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX client_profile_phone_trgm_idx ON client_profile USING gin (phone_digits gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX client_profile_tags_idx ON client_profile USING gin (tags) WITH (fastupdate = off);
