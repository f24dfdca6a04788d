-- A courier's live board must drop an order the moment it is taken from them (issue 23). The
-- courier wall hides the order's history from them as soon as the order is no longer theirs,
-- the reassignment's own EDIT row included, so their board would keep a stale card. This lookup
-- answers, for a courier's transaction, which of the given history rows took an order from
-- that courier: the row's id and the order's id, nothing else (not the new courier, not the
-- order's data). Runs as cvety_auth (see 20261126900000_tenant_wall): the tenant wall still
-- confines it to the transaction's shop; only cvety_courier may call it.
GRANT SELECT (id, shop_id, order_id, kind, changes) ON order_history TO cvety_auth;

CREATE FUNCTION courier_unassigned_events(history_ids bigint[])
  RETURNS TABLE (id bigint, order_id integer)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  AS $$
    SELECT h.id, h.order_id
    FROM public.order_history h
    WHERE h.id = ANY (history_ids)
      AND h.shop_id = public.app_current_shop()
      AND h.kind = 'EDIT'
      AND public.app_current_courier() <> 0
      AND EXISTS (
        SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(h.changes) = 'array' THEN h.changes ELSE '[]'::jsonb END) c
        WHERE c->>'field' = 'courier'
          AND c->>'old' = public.app_current_courier()::text
          AND (c->>'new') IS DISTINCT FROM (c->>'old'))
  $$;

ALTER FUNCTION courier_unassigned_events(bigint[]) OWNER TO cvety_auth;
REVOKE ALL ON FUNCTION courier_unassigned_events(bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION courier_unassigned_events(bigint[]) TO cvety_courier;
