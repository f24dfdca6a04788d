import crypto from "node:crypto";
import jwt from "jsonwebtoken";

export const ROLES = ["ADMIN", "MANAGER", "FLORIST", "COURIER"] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as proven by a verified token. The shop never comes from anywhere else. */
export interface Viewer {
  userId: string;
  shopId: number;
  role: Role;
  /** seconds since epoch when the token stops being valid */
  expiresAt?: number;
}

export class AuthError extends Error {}

export const TOKEN_TTL_SECONDS = 12 * 60 * 60;

export function signToken(viewer: Pick<Viewer, "userId" | "shopId" | "role">, secret: string, ttlSeconds = TOKEN_TTL_SECONDS): string {
  return jwt.sign({ shop_id: viewer.shopId, role: viewer.role }, secret, {
    algorithm: "HS256",
    subject: String(viewer.userId),
    expiresIn: ttlSeconds,
  });
}

// jsonwebtoken first tries a string secret as a PEM public key (and throws internally) on
// every call; a ready KeyObject skips that, which is most of verify's cost.
const secretKeys = new Map<string, crypto.KeyObject>();
function secretKey(secret: string): crypto.KeyObject {
  let key = secretKeys.get(secret);
  if (!key) {
    key = crypto.createSecretKey(Buffer.from(secret, "utf8"));
    secretKeys.set(secret, key);
  }
  return key;
}

/** Verifies an HS256 token against any of the keys (rotation) and checks its claims. */
export function verifyToken(token: string, secrets: string[]): Viewer {
  let lastError: unknown;
  for (const secret of secrets.map(secretKey)) {
    try {
      const claims = jwt.verify(token, secret, { algorithms: ["HS256"] }) as jwt.JwtPayload;
      return viewerFromClaims(claims);
    } catch (error) {
      lastError = error;
      if (error instanceof AuthError) throw error;
      if (error instanceof jwt.TokenExpiredError) throw new AuthError("The token has expired");
    }
  }
  throw new AuthError(lastError instanceof Error && /signature/.test(lastError.message) ? "The token signature is invalid" : "The token is invalid");
}

function viewerFromClaims(claims: jwt.JwtPayload): Viewer {
  const shopId = claims.shop_id;
  if (typeof claims.sub !== "string" || claims.sub === "") throw new AuthError("The token has no subject (sub)");
  if (typeof shopId !== "number" || !Number.isInteger(shopId) || shopId <= 0) throw new AuthError("The token's shop_id must be a positive integer");
  if (!ROLES.includes(claims.role)) throw new AuthError(`The token's role must be one of ${ROLES.join(", ")}`);
  return { userId: claims.sub, shopId, role: claims.role, expiresAt: claims.exp };
}

/** Extracts the token of an `Authorization: Bearer …` header; undefined when there is none. */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AuthError("The Authorization header must be 'Bearer <token>'");
  return match[1];
}

/** Constant-time comparison of a presented secret against any of the accepted ones. */
export function matchesAnySecret(presented: string | undefined, secrets: string[]): boolean {
  if (!presented) return false;
  const given = Buffer.from(presented);
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(secret);
    // compare every secret, so the time taken does not say which one (or whether any) matched
    if (given.length === expected.length && crypto.timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}
