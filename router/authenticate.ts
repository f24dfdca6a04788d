import { GraphQLError } from "graphql";
import type { Config } from "../core/config";
import type { Database } from "../core/db";
import { AuthError, bearerToken, verifyToken, type Viewer } from "../core/auth";
import { isDatabaseUnavailable } from "../core/errors";

const SHOP_CACHE_MS = 30_000;
const MAX_CACHED_SHOPS = 10_000;

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

/** Verifies the bearer token of a request (signature, algorithm, expiry, claims); null when there is none. */
export function viewerFromAuthorization(header: string | undefined, config: Config): Viewer | null {
  try {
    const token = bearerToken(header);
    return token ? verifyToken(token, config.jwtSecrets) : null;
  } catch (error) {
    if (error instanceof AuthError) throw unauthenticated(error.message);
    throw error;
  }
}

/**
 * The router's (and the subscription server's) authentication: a valid token for a shop that
 * exists. Whether a shop exists is asked through known_shop_ids() (the wall hides other
 * shops' rows) and remembered for 30 s.
 */
export function createAuthenticator(config: Config, db: Database) {
  const shops = new Map<number, { exists: boolean; until: number }>();

  async function shopExists(shopId: number): Promise<boolean> {
    const cached = shops.get(shopId);
    if (cached && cached.until > Date.now()) return cached.exists;
    let exists: boolean;
    try {
      const { rows } = await db.pool.query<{ exists: boolean }>("select exists (select 1 from known_shop_ids() id where id = $1) as exists", [shopId]);
      exists = rows[0].exists;
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        throw new GraphQLError("The database is unavailable, try again shortly", { extensions: { code: "SERVICE_UNAVAILABLE", http: { status: 503 } } });
      }
      throw error;
    }
    if (shops.size >= MAX_CACHED_SHOPS) shops.clear();
    shops.set(shopId, { exists, until: Date.now() + SHOP_CACHE_MS });
    return exists;
  }

  return async function authenticate(header: string | undefined): Promise<Viewer | null> {
    const viewer = viewerFromAuthorization(header, config);
    if (viewer && !(await shopExists(viewer.shopId))) throw unauthenticated(`The token is for shop ${viewer.shopId}, which does not exist`);
    return viewer;
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;
