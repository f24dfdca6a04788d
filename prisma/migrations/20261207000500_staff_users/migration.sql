-- Staff (issue 20): deactivation, one-time set-password tokens, e-mails unique whatever their
-- case, a notification on every change a token's validity depends on, and sign-in throttling.

ALTER TABLE app_user
  ADD COLUMN deactivated_at timestamptz(3),
  ADD COLUMN password_token_hash text,
  ADD COLUMN password_token_expires_at timestamptz(3),
  ADD COLUMN updated_at timestamptz(3) NOT NULL DEFAULT now();

-- sign-in compares lower(email): two addresses differing only in case would be one account
CREATE UNIQUE INDEX app_user_email_lower_key ON app_user (lower(email));
CREATE UNIQUE INDEX app_user_password_token_hash_key ON app_user (password_token_hash) WHERE password_token_hash IS NOT NULL;
CREATE INDEX app_user_shop_role_idx ON app_user (shop_id, role, id);

-- the application role reads the new columns, never the password hash; the set-password token's
-- hash it must compare to spend the token in one statement (a sha256 of 256 random bits says nothing)
GRANT SELECT (deactivated_at, password_token_hash, password_token_expires_at, updated_at) ON app_user TO cvety_app;
-- a courier's transactions run as cvety_courier (migration 20261206235500_orders_working_day):
-- the router's access check and the courier's own password change read these as that role
GRANT SELECT (deactivated_at, password_token_expires_at, updated_at) ON app_user TO cvety_courier;

-- A token is valid only for an existing, active user of its shop with the user's role
-- (CONTRACT.md). The router caches that answer and drops it on this notification, sent at
-- commit by every change of a user's role or activity (payload: "<shop_id>:<user id>").
CREATE OR REPLACE FUNCTION app_user_notify_access() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  changed app_user := coalesce(NEW, OLD);
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.role IS NOT DISTINCT FROM OLD.role AND NEW.deactivated_at IS NOT DISTINCT FROM OLD.deactivated_at
     AND NEW.shop_id = OLD.shop_id THEN
    RETURN NULL;
  END IF;
  PERFORM pg_notify('cvety_user_access', changed.shop_id || ':' || changed.id);
  RETURN NULL;
END
$$;
CREATE TRIGGER app_user_notify_access AFTER UPDATE OR DELETE ON app_user
  FOR EACH ROW EXECUTE FUNCTION app_user_notify_access();

-- Sign-in now refuses deactivated users: the lookup says whether the user is active.
DROP FUNCTION auth_user_by_email(text);
CREATE FUNCTION auth_user_by_email(lookup_email text)
  RETURNS TABLE (id integer, shop_id integer, email text, name text, role text, password_hash text, active boolean, created_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  AS $$
    SELECT u.id, u.shop_id, u.email, u.name, u.role::text, u.password_hash, u.deactivated_at IS NULL, u.created_at
    FROM public.app_user u
    WHERE lower(u.email) = lower(lookup_email)
    LIMIT 1
  $$;

-- A one-time set-password token names its user before any shop is known: only its hash is
-- stored, and only an unexpired one of an active user is found.
CREATE FUNCTION auth_user_by_password_token(token_hash text)
  RETURNS TABLE (id integer, shop_id integer)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  AS $$
    SELECT u.id, u.shop_id
    FROM public.app_user u
    WHERE u.password_token_hash = token_hash AND u.password_token_expires_at > now() AND u.deactivated_at IS NULL
    LIMIT 1
  $$;

GRANT SELECT (deactivated_at, password_token_hash, password_token_expires_at, created_at) ON app_user TO cvety_auth;
ALTER FUNCTION auth_user_by_email(text) OWNER TO cvety_auth;
ALTER FUNCTION auth_user_by_password_token(text) OWNER TO cvety_auth;
REVOKE ALL ON FUNCTION auth_user_by_email(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION auth_user_by_password_token(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_user_by_email(text) TO cvety_app;
GRANT EXECUTE ON FUNCTION auth_user_by_password_token(text) TO cvety_app;

-- Failed sign-ins per e-mail and per client address, before any shop is known (no tenant
-- data: a key is "email:<lower-case address>" or "ip:<address>"). Rows older than the window
-- count as nothing and are overwritten.
CREATE TABLE sign_in_failure (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  last_failed_at timestamptz(3) NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE, DELETE ON sign_in_failure TO cvety_app;
