-- The tenant wall (docs/security.md). Row-level security on every table that belongs to a
-- shop, an application role that owns nothing and cannot bypass it, and two narrow
-- SECURITY DEFINER lookups for what has to happen before a shop is known (sign-in, "does
-- this shop exist"). Runs as the owner, like every migration.

-- Roles are cluster-wide: create them once, leave them alone when another database of the
-- same server (a test clone, the bench) already did.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cvety_app') THEN
    -- LOGIN and its password are given at start-up (app/database.ts) or by the DBA.
    CREATE ROLE cvety_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cvety_auth') THEN
    -- owns the two lookups below and nothing else; nobody logs in as it
    CREATE ROLE cvety_auth NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  -- the owner must be able to hand functions over to cvety_auth (PG16+ CREATEROLE rules)
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT cvety_auth TO %I', current_user);
  END IF;
END
$$;

-- The shop of the current transaction, as withTenant set it with set_config(…, true);
-- NULL when none is set, so every policy below matches nothing. Inlined by the planner
-- (plain SQL, STABLE), so `shop_id = app_current_shop()` still uses the shop_id indexes.
CREATE OR REPLACE FUNCTION app_current_shop() RETURNS integer
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.shop_id', true), '')::integer $$;

-- Puts one table behind the wall: ENABLE + FORCE (the owner too) and one policy for every
-- command. Later migrations that add a table with shop_id call
--   SELECT enable_tenant_wall('my_table');
-- (test/rls-coverage.test.ts fails until they do).
CREATE OR REPLACE FUNCTION enable_tenant_wall(target regclass, shop_column text DEFAULT 'shop_id') RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', target);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s AS PERMISSIVE FOR ALL TO PUBLIC USING (%I = app_current_shop()) WITH CHECK (%I = app_current_shop())',
    target, shop_column, shop_column);
END
$$;
REVOKE ALL ON FUNCTION enable_tenant_wall(regclass, text) FROM PUBLIC;

-- Every table of the public schema that has a shop_id column, whoever created it.
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN
    SELECT c.oid::regclass AS name
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'shop_id' AND NOT a.attisdropped
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
  LOOP
    PERFORM enable_tenant_wall(t.name);
  END LOOP;
END
$$;

-- The shop itself: a caller sees its own shop row only.
SELECT enable_tenant_wall('shop', 'id');

-- What the application role may do: data, not schema. RLS decides which rows.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO cvety_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO cvety_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO cvety_app;
-- tables and sequences later migrations create (as this same owner) get the same grants
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO cvety_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO cvety_app;
-- readiness reads which migrations ran; nothing else of Prisma's bookkeeping
REVOKE ALL ON _prisma_migrations FROM cvety_app;
GRANT SELECT ON _prisma_migrations TO cvety_app;
-- password hashes are read only through auth_user_by_email below, never by the application role
REVOKE SELECT ON app_user FROM cvety_app;
GRANT SELECT (id, shop_id, email, name, role, created_at) ON app_user TO cvety_app;

-- The sign-in lookup: before a shop is known, one user by e-mail, only the columns sign-in
-- needs. Runs as cvety_auth, whose only policy is a SELECT on app_user and shop.
GRANT USAGE ON SCHEMA public TO cvety_auth;
GRANT SELECT (id, shop_id, email, name, role, password_hash) ON app_user TO cvety_auth;
GRANT SELECT (id) ON shop TO cvety_auth;
CREATE POLICY auth_lookup ON app_user AS PERMISSIVE FOR SELECT TO cvety_auth USING (true);
CREATE POLICY auth_lookup ON shop AS PERMISSIVE FOR SELECT TO cvety_auth USING (true);

CREATE OR REPLACE FUNCTION auth_user_by_email(lookup_email text)
  RETURNS TABLE (id integer, shop_id integer, email text, name text, role text, password_hash text)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  AS $$
    SELECT u.id, u.shop_id, u.email, u.name, u.role::text, u.password_hash
    FROM public.app_user u
    WHERE lower(u.email) = lower(lookup_email)
    LIMIT 1
  $$;

-- Ids of the shops that exist: the router refuses tokens for any other shop, background
-- work iterates them. Ids only; a shop's row stays behind the wall.
CREATE OR REPLACE FUNCTION known_shop_ids() RETURNS SETOF integer
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  AS $$ SELECT s.id FROM public.shop s ORDER BY s.id $$;

ALTER FUNCTION auth_user_by_email(text) OWNER TO cvety_auth;
ALTER FUNCTION known_shop_ids() OWNER TO cvety_auth;
REVOKE ALL ON FUNCTION auth_user_by_email(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION known_shop_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_user_by_email(text) TO cvety_app;
GRANT EXECUTE ON FUNCTION known_shop_ids() TO cvety_app;

-- Every SECURITY DEFINER function is owned by cvety_auth, whose only rows are the two
-- lookups' policies: owned by the migrating owner (a superuser in development) it would
-- bypass the wall, and behind FORCE as a plain owner it would see nothing.
-- (test/tenant-wall.test.ts checks that this holds for functions added later too.)
DO $$
BEGIN
  IF to_regprocedure('stock_consumer_shop_ids()') IS NOT NULL THEN
    ALTER FUNCTION stock_consumer_shop_ids() OWNER TO cvety_auth;
    ALTER FUNCTION stock_consumer_shop_ids() SET search_path = pg_catalog, public;
    REVOKE ALL ON FUNCTION stock_consumer_shop_ids() FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION stock_consumer_shop_ids() TO cvety_app;
  END IF;
END
$$;
