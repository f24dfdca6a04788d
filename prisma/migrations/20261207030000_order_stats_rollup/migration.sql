-- shopStats from a daily rollup (docs/shop-stats.md), kept exactly in step with every change of
-- an order, its items or its payments by statement-level triggers, in the writer's transaction.
--
-- Contention: the rollup tables are append-only for writers (a change adds delta rows, never
-- updates a shared row), so today's busy orders never wait on each other's rollup row and cannot
-- deadlock there. order_stats_state holds each counted order's current contribution (one row per
-- order, locked only with that order). A read first compacts the shop's new delta rows
-- (order_stats_compact, one compactor per shop under an advisory lock), then sums its range.

-- What each counted order (not CANCELLED) adds to the rollup: the shop's local day of created_at,
-- computed once per change of the order, not per read.
CREATE TABLE order_stats_state (
  order_id integer PRIMARY KEY,
  shop_id integer NOT NULL,
  day date NOT NULL,
  status "OrderStatus" NOT NULL,
  from_bitrix boolean NOT NULL,
  delivery_kind "DeliveryKind" NOT NULL,
  paid boolean NOT NULL,
  total integer NOT NULL
);

-- Orders by local day and key. Writers append deltas (compacted = false); compaction folds a day's
-- rows into one per key (compacted = true). Sums over any set of rows are the figures.
CREATE TABLE order_stats_rollup (
  shop_id integer NOT NULL,
  day date NOT NULL,
  status "OrderStatus" NOT NULL,
  from_bitrix boolean NOT NULL,
  delivery_kind "DeliveryKind" NOT NULL,
  paid boolean NOT NULL,
  order_count integer NOT NULL,
  revenue bigint NOT NULL,
  compacted boolean NOT NULL DEFAULT false
);
CREATE INDEX order_stats_rollup_day_idx ON order_stats_rollup (shop_id, day);
CREATE INDEX order_stats_rollup_pending_idx ON order_stats_rollup (shop_id) WHERE NOT compacted;

-- Lines of counted orders by local day and product; product_name is the name of the line of the
-- highest order id (name_order_id), the product's name when last ordered.
CREATE TABLE product_sales_rollup (
  shop_id integer NOT NULL,
  day date NOT NULL,
  product_id integer NOT NULL,
  quantity integer NOT NULL,
  revenue bigint NOT NULL,
  product_name text NOT NULL,
  name_order_id integer NOT NULL,
  compacted boolean NOT NULL DEFAULT false
);
CREATE INDEX product_sales_rollup_day_idx ON product_sales_rollup (shop_id, day);
CREATE INDEX product_sales_rollup_pending_idx ON product_sales_rollup (shop_id) WHERE NOT compacted;

-- What each counted order's lines add, by product (several lines of one product fold into one).
CREATE TABLE product_sales_state (
  order_id integer NOT NULL,
  product_id integer NOT NULL,
  shop_id integer NOT NULL,
  day date NOT NULL,
  quantity integer NOT NULL,
  revenue bigint NOT NULL,
  product_name text NOT NULL,
  PRIMARY KEY (order_id, product_id)
);

SELECT enable_tenant_wall('order_stats_state');
SELECT enable_tenant_wall('product_sales_state');
SELECT enable_tenant_wall('order_stats_rollup');
SELECT enable_tenant_wall('product_sales_rollup');

-- Brings the given orders' contributions up to date: their fresh state against the stored one;
-- what differs leaves the rollup (old key, minus) and enters it (new key, plus). Answers the ids
-- whose day or counted-ness changed (their lines move with them). State rows are written in
-- order id order, so two statements over the same orders lock them in the same order. PL/pgSQL,
-- whose plans are kept (see order_stats_refresh for which).
CREATE FUNCTION order_stats_refresh_orders(ids integer[]) RETURNS integer[]
  LANGUAGE plpgsql
  AS $$
DECLARE
  moved integer[];
BEGIN
  WITH nets AS (
    SELECT p.order_id, sum(CASE WHEN p.kind = 'PAYMENT' THEN p.amount ELSE -p.amount END) AS net
    FROM payment p WHERE p.order_id = ANY (ids) GROUP BY p.order_id
  ),
  fresh AS (
    SELECT o.id AS order_id, o.shop_id, (o.created_at AT TIME ZONE s.timezone)::date AS day, o.status,
           o.bitrix_order_id IS NOT NULL AS from_bitrix, o.delivery_kind, coalesce(n.net, 0) >= o.total AS paid, o.total
    FROM "order" o JOIN shop s ON s.id = o.shop_id LEFT JOIN nets n ON n.order_id = o.id
    WHERE o.id = ANY (ids) AND o.status <> 'CANCELLED'
  ),
  stored AS (SELECT * FROM order_stats_state WHERE order_id = ANY (ids)),
  -- a full join (hash or merge, whatever the estimates) of before and after, for orders that differ
  pairs AS (
    SELECT st.order_id AS old_id, st.shop_id AS old_shop, st.day AS old_day, st.status AS old_status,
           st.from_bitrix AS old_bitrix, st.delivery_kind AS old_kind, st.paid AS old_paid, st.total AS old_total,
           f.order_id AS new_id, f.shop_id AS new_shop, f.day AS new_day, f.status AS new_status,
           f.from_bitrix AS new_bitrix, f.delivery_kind AS new_kind, f.paid AS new_paid, f.total AS new_total
    FROM stored st FULL JOIN fresh f ON f.order_id = st.order_id
    WHERE (st.shop_id, st.day, st.status, st.from_bitrix, st.delivery_kind, st.paid, st.total)
          IS DISTINCT FROM (f.shop_id, f.day, f.status, f.from_bitrix, f.delivery_kind, f.paid, f.total)
  ),
  changes AS (
    SELECT old_id AS order_id, old_shop AS shop_id, old_day AS day, old_status AS status, old_bitrix AS from_bitrix,
           old_kind AS delivery_kind, old_paid AS paid, old_total AS total, -1 AS sign
    FROM pairs WHERE old_id IS NOT NULL
    UNION ALL
    SELECT new_id, new_shop, new_day, new_status, new_bitrix, new_kind, new_paid, new_total, 1
    FROM pairs WHERE new_id IS NOT NULL
  ),
  delta AS (
    INSERT INTO order_stats_rollup (shop_id, day, status, from_bitrix, delivery_kind, paid, order_count, revenue)
    SELECT shop_id, day, status, from_bitrix, delivery_kind, paid, sum(sign), sum(sign * total::bigint)
    FROM changes GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(sign) <> 0 OR sum(sign * total::bigint) <> 0
  ),
  dropped AS (
    DELETE FROM order_stats_state st USING pairs p WHERE st.order_id = p.old_id AND p.new_id IS NULL
  ),
  kept AS (
    INSERT INTO order_stats_state (order_id, shop_id, day, status, from_bitrix, delivery_kind, paid, total)
    SELECT order_id, shop_id, day, status, from_bitrix, delivery_kind, paid, total FROM changes WHERE sign = 1
    ORDER BY order_id
    ON CONFLICT (order_id) DO UPDATE SET
      shop_id = excluded.shop_id, day = excluded.day, status = excluded.status, from_bitrix = excluded.from_bitrix,
      delivery_kind = excluded.delivery_kind, paid = excluded.paid, total = excluded.total
  )
  SELECT array_agg(coalesce(new_id, old_id)) INTO moved FROM pairs
  WHERE (old_shop, old_day) IS DISTINCT FROM (new_shop, new_day);
  RETURN moved;
END
$$;

-- The same for the given orders' lines, by product: a counted order's lines on its day (from
-- order_stats_state, so call this after order_stats_refresh_orders). Whatever order a cascade
-- runs the triggers in, the stored lines are what left the rollup or still count.
CREATE FUNCTION order_stats_refresh_lines(ids integer[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  WITH fresh AS (
    SELECT i.order_id, i.product_id, st.shop_id, st.day, sum(i.quantity)::integer AS quantity,
           sum(i.quantity * i.price::bigint)::bigint AS revenue, (array_agg(i.product_name ORDER BY i.id DESC))[1] AS product_name
    FROM order_item i JOIN order_stats_state st ON st.order_id = i.order_id
    WHERE i.order_id = ANY (ids)
    GROUP BY i.order_id, i.product_id, st.shop_id, st.day
  ),
  stored AS (SELECT * FROM product_sales_state WHERE order_id = ANY (ids)),
  pairs AS (
    SELECT st.order_id AS old_id, st.product_id AS old_product, st.shop_id AS old_shop, st.day AS old_day,
           st.quantity AS old_quantity, st.revenue AS old_revenue, st.product_name AS old_name,
           f.order_id AS new_id, f.product_id AS new_product, f.shop_id AS new_shop, f.day AS new_day,
           f.quantity AS new_quantity, f.revenue AS new_revenue, f.product_name AS new_name
    FROM stored st FULL JOIN fresh f ON f.order_id = st.order_id AND f.product_id = st.product_id
    WHERE (st.shop_id, st.day, st.quantity, st.revenue, st.product_name)
          IS DISTINCT FROM (f.shop_id, f.day, f.quantity, f.revenue, f.product_name)
  ),
  changes AS (
    SELECT old_id AS order_id, old_product AS product_id, old_shop AS shop_id, old_day AS day, old_quantity AS quantity,
           old_revenue AS revenue, old_name AS product_name, -1 AS sign
    FROM pairs WHERE old_id IS NOT NULL
    UNION ALL
    SELECT new_id, new_product, new_shop, new_day, new_quantity, new_revenue, new_name, 1
    FROM pairs WHERE new_id IS NOT NULL
  ),
  delta AS (
    INSERT INTO product_sales_rollup (shop_id, day, product_id, quantity, revenue, product_name, name_order_id)
    SELECT shop_id, day, product_id, sum(sign * quantity), sum(sign * revenue),
           (array_agg(product_name ORDER BY sign DESC, order_id DESC))[1], max(order_id)
    FROM changes GROUP BY 1, 2, 3
  ),
  dropped AS (
    DELETE FROM product_sales_state st USING pairs p
    WHERE st.order_id = p.old_id AND st.product_id = p.old_product AND p.new_id IS NULL
  )
  INSERT INTO product_sales_state (order_id, product_id, shop_id, day, quantity, revenue, product_name)
  SELECT order_id, product_id, shop_id, day, quantity, revenue, product_name FROM changes WHERE sign = 1
  ORDER BY order_id, product_id
  ON CONFLICT (order_id, product_id) DO UPDATE SET
    shop_id = excluded.shop_id, day = excluded.day, quantity = excluded.quantity, revenue = excluded.revenue,
    product_name = excluded.product_name;
END
$$;

-- Orders, their payments (paid-or-not) and their lines: the changed orders, refreshed.
CREATE FUNCTION order_stats_refresh(ids integer[], lines_changed boolean) RETURNS void
  LANGUAGE plpgsql
  AS $$
DECLARE
  moved integer[];
  plan_mode text := current_setting('plan_cache_mode');
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  -- A few orders (a status change): one generic plan per connection, no planning per call. Many (a
  -- bulk write, the backfill): a plan for this call, sized by the real array and tables.
  PERFORM set_config('plan_cache_mode', CASE WHEN cardinality(ids) <= 64 THEN 'force_generic_plan' ELSE 'force_custom_plan' END, true);
  moved := order_stats_refresh_orders(ids);
  IF lines_changed THEN
    PERFORM order_stats_refresh_lines(ids);
  ELSIF moved IS NOT NULL THEN
    PERFORM order_stats_refresh_lines(moved);
  END IF;
  PERFORM set_config('plan_cache_mode', plan_mode, true);
END
$$;

-- An order's update counts when a column the figures read changed (status among them).
CREATE FUNCTION order_stats_on_order() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM order_stats_refresh(array(SELECT id FROM new_rows ORDER BY id), false);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM order_stats_refresh(array(SELECT id FROM old_rows ORDER BY id), false);
  ELSE
    PERFORM order_stats_refresh((
      SELECT array_agg(n.id ORDER BY n.id) FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE (n.shop_id, n.status, n.total, n.created_at, n.bitrix_order_id IS NULL, n.delivery_kind)
            IS DISTINCT FROM (o.shop_id, o.status, o.total, o.created_at, o.bitrix_order_id IS NULL, o.delivery_kind)), false);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER order_stats_insert AFTER INSERT ON "order" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_stats_on_order();
CREATE TRIGGER order_stats_update AFTER UPDATE ON "order" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_stats_on_order();
CREATE TRIGGER order_stats_delete AFTER DELETE ON "order" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_stats_on_order();

-- Payments (paid-or-not of their orders) and lines: the orders they belong to.
CREATE FUNCTION order_stats_on_child() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM order_stats_refresh(array(SELECT DISTINCT order_id FROM new_rows ORDER BY 1), TG_TABLE_NAME = 'order_item');
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM order_stats_refresh(array(SELECT DISTINCT order_id FROM old_rows ORDER BY 1), TG_TABLE_NAME = 'order_item');
  ELSE
    PERFORM order_stats_refresh(
      array(SELECT order_id FROM new_rows UNION SELECT order_id FROM old_rows ORDER BY 1), TG_TABLE_NAME = 'order_item');
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER order_stats_insert AFTER INSERT ON payment REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_stats_on_child();
CREATE TRIGGER order_stats_update AFTER UPDATE ON payment REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_stats_on_child();
CREATE TRIGGER order_stats_delete AFTER DELETE ON payment REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_stats_on_child();
CREATE TRIGGER order_stats_insert AFTER INSERT ON order_item REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_stats_on_child();
CREATE TRIGGER order_stats_update AFTER UPDATE ON order_item REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_stats_on_child();
CREATE TRIGGER order_stats_delete AFTER DELETE ON order_item REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_stats_on_child();

-- A shop that moves to another time zone: its orders' days move with it.
CREATE FUNCTION order_stats_on_shop_timezone() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM order_stats_refresh(array(SELECT id FROM "order" WHERE shop_id = NEW.id ORDER BY id), false);
  RETURN NULL;
END
$$;
CREATE TRIGGER order_stats_shop_timezone AFTER UPDATE OF timezone ON shop
  FOR EACH ROW WHEN (OLD.timezone IS DISTINCT FROM NEW.timezone) EXECUTE FUNCTION order_stats_on_shop_timezone();

-- Folds the shop's new delta rows into one row per key and day. One compactor per shop at a time
-- (an advisory lock; a second one skips, its reader sums the deltas too); writers are never
-- blocked: rows they have not committed yet are not seen here and wait for the next compaction.
CREATE FUNCTION order_stats_compact(target_shop integer) RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM order_stats_rollup WHERE shop_id = target_shop AND NOT compacted)
     AND NOT EXISTS (SELECT 1 FROM product_sales_rollup WHERE shop_id = target_shop AND NOT compacted) THEN
    RETURN;
  END IF;
  IF NOT pg_try_advisory_xact_lock(hashtext('order_stats_compact'), target_shop) THEN
    RETURN;
  END IF;
  WITH days AS (SELECT DISTINCT day FROM order_stats_rollup WHERE shop_id = target_shop AND NOT compacted),
  gone AS (
    DELETE FROM order_stats_rollup r USING days d WHERE r.shop_id = target_shop AND r.day = d.day RETURNING r.*
  )
  INSERT INTO order_stats_rollup (shop_id, day, status, from_bitrix, delivery_kind, paid, order_count, revenue, compacted)
  SELECT shop_id, day, status, from_bitrix, delivery_kind, paid, sum(order_count), sum(revenue), true
  FROM gone GROUP BY 1, 2, 3, 4, 5, 6
  HAVING sum(order_count) <> 0 OR sum(revenue) <> 0;

  WITH days AS (SELECT DISTINCT day FROM product_sales_rollup WHERE shop_id = target_shop AND NOT compacted),
  gone AS (
    DELETE FROM product_sales_rollup r USING days d WHERE r.shop_id = target_shop AND r.day = d.day RETURNING r.*
  )
  INSERT INTO product_sales_rollup (shop_id, day, product_id, quantity, revenue, product_name, name_order_id, compacted)
  SELECT shop_id, day, product_id, sum(quantity), sum(revenue),
         (array_agg(product_name ORDER BY name_order_id DESC))[1], max(name_order_id), true
  FROM gone GROUP BY 1, 2, 3
  HAVING sum(quantity) <> 0 OR sum(revenue) <> 0;
END
$$;

-- The orders that exist now.
SELECT order_stats_refresh(array(SELECT id FROM "order" ORDER BY id), true);
SELECT order_stats_compact(id) FROM shop;

-- shopStats no longer scans orders; the covering index only cost the writers.
DROP INDEX IF EXISTS order_stats_idx;
