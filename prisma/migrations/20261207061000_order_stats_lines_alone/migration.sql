-- A change of lines refreshes the lines alone. No figure of an order's own contribution
-- (order_stats_state: day, status, source, delivery kind, paid, total) is read from its lines, and
-- whatever changes an order fires the order's own trigger, which moves its lines with it. The
-- order webhook writes orders, lines and payments in one statement: its lines' trigger no longer
-- repeats the orders' refresh that the orders' trigger has just done.
CREATE OR REPLACE FUNCTION order_stats_refresh(ids integer[], lines_changed boolean) RETURNS void
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
  IF lines_changed THEN
    PERFORM order_stats_refresh_lines(ids);
  ELSE
    moved := order_stats_refresh_orders(ids);
    IF moved IS NOT NULL THEN
      PERFORM order_stats_refresh_lines(moved);
    END IF;
  END IF;
  PERFORM set_config('plan_cache_mode', plan_mode, true);
END
$$;
