import crypto from "node:crypto";
import bcrypt from "bcryptjs";
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
/** A token is a few hundred bytes; anything much longer is not ours and is not parsed. */
const MAX_TOKEN_LENGTH = 4096;
/** tolerated clock difference between the signing and the verifying process */
const CLOCK_TOLERANCE_SECONDS = 5;

export function signToken(
  viewer: Pick<Viewer, "userId" | "shopId" | "role">,
  secret: string,
  ttlSeconds = TOKEN_TTL_SECONDS,
): string {
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

/** When the token stops being valid (its `exp`). */
export function tokenExpiry(token: string): Date {
  const claims = jwt.decode(token) as jwt.JwtPayload | null;
  return new Date((claims?.exp ?? 0) * 1000);
}

/**
 * Tokens already verified, per list of keys: a panel or a board sends one token with every
 * request, and verifying it (decode, HMAC, claims) was a tenth of the router's work on a small
 * operation. A hit counts only while the token is unexpired; from then on the full check runs
 * (and refuses). Bounded: the oldest entries go first.
 */
const verifiedTokens = new WeakMap<readonly string[], Map<string, Viewer>>();
const MAX_VERIFIED_TOKENS = 5_000;

/**
 * Verifies an HS256 token against any of the keys (rotation) and checks its claims. Refused:
 * other algorithms (`none` included), expired tokens, tokens without `exp`/`iat` or valid for
 * longer than we ever issue, and claims of the wrong shape.
 */
export function verifyToken(token: string, secrets: readonly string[]): Viewer {
  let verified = verifiedTokens.get(secrets);
  const hit = verified?.get(token);
  if (hit && hit.expiresAt! * 1000 > Date.now()) return hit;
  // shared by every request that brings this token: nobody may change it
  const viewer = Object.freeze(verifyTokenClaims(token, secrets));
  if (!verified) verifiedTokens.set(secrets, (verified = new Map()));
  if (verified.size >= MAX_VERIFIED_TOKENS) verified.delete(verified.keys().next().value!);
  verified.set(token, viewer);
  return viewer;
}

function verifyTokenClaims(token: string, secrets: readonly string[]): Viewer {
  if (token.length > MAX_TOKEN_LENGTH) throw new AuthError("The token is invalid");
  let lastError: unknown;
  for (const secret of secrets.map(secretKey)) {
    try {
      const claims = jwt.verify(token, secret, {
        algorithms: ["HS256"],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }) as jwt.JwtPayload;
      if (typeof claims.exp !== "number" || typeof claims.iat !== "number")
        throw new AuthError("The token must carry exp and iat");
      if (claims.exp - claims.iat > TOKEN_TTL_SECONDS + CLOCK_TOLERANCE_SECONDS) {
        throw new AuthError(`The token is valid for longer than ${TOKEN_TTL_SECONDS / 3600} hours; sign in again`);
      }
      if (claims.iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS)
        throw new AuthError("The token was issued in the future");
      return viewerFromClaims(claims);
    } catch (error) {
      lastError = error;
      if (error instanceof AuthError) throw error;
      if (error instanceof jwt.TokenExpiredError) throw new AuthError("The token has expired");
    }
  }
  throw new AuthError(
    lastError instanceof Error && /signature/.test(lastError.message)
      ? "The token signature is invalid"
      : "The token is invalid",
  );
}

/** The largest id PostgreSQL's int holds: a shop id beyond it names no shop. */
const MAX_INT = 2_147_483_647;

function viewerFromClaims(claims: jwt.JwtPayload): Viewer {
  const shopId = claims.shop_id;
  if (typeof claims.sub !== "string" || claims.sub === "") throw new AuthError("The token has no subject (sub)");
  if (typeof shopId !== "number" || !Number.isInteger(shopId) || shopId <= 0 || shopId > MAX_INT)
    throw new AuthError(`The token's shop_id must be a positive integer of at most ${MAX_INT}`);
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

const dummyHashes = new Map<number, string>();
/** bcrypt cost of the hashes seen so far; the seed's default until a real one is seen */
let typicalCost = 10;

/**
 * Compares a password with a bcrypt hash; with no hash (no such user) it compares with a
 * dummy hash of the same cost as real ones, so both cases take the same time.
 */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  if (hash) {
    const cost = safeRounds(hash);
    if (cost) typicalCost = cost;
    return cost ? bcrypt.compare(password, hash) : false;
  }
  let dummy = dummyHashes.get(typicalCost);
  if (!dummy) {
    dummy = await bcrypt.hash(crypto.randomBytes(16).toString("hex"), typicalCost);
    dummyHashes.set(typicalCost, dummy);
  }
  await bcrypt.compare(password, dummy);
  return false;
}

function safeRounds(hash: string): number | null {
  try {
    return bcrypt.getRounds(hash);
  } catch {
    return null;
  }
}
