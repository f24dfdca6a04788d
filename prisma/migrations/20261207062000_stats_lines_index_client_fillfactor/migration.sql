-- The lines' refresh on an index path whatever plan it keeps, and room for HOT updates of clients:
-- - the lines' refresh finds the orders' stored contributions by their ids too (order_stats_state's
--   primary key), not only through the join: with the generic plan it keeps for a few orders, the
--   join alone hashed a scan of the whole table (every counted order of every shop) on every change
--   of lines, 0.5 ms on a small database and growing with it; by ids it is two index scans.
CREATE OR REPLACE FUNCTION order_stats_refresh_lines(ids integer[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  WITH fresh AS (
    SELECT i.order_id, i.product_id, st.shop_id, st.day, sum(i.quantity)::integer AS quantity,
           sum(i.quantity * i.price::bigint)::bigint AS revenue, (array_agg(i.product_name ORDER BY i.id DESC))[1] AS product_name
    FROM order_item i JOIN order_stats_state st ON st.order_id = i.order_id
    WHERE i.order_id = ANY (ids) AND st.order_id = ANY (ids)
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

-- A client's row is updated with every new order (figures) and every order webhook's upsert: room
-- on its page lets those updates be HOT, so they skip the trigram indexes of name and phone (almost
-- none were). Applies to pages written from now on.
ALTER TABLE client_profile SET (fillfactor = 70);
