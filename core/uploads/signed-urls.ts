import crypto from "node:crypto";

/**
 * Capability URLs on our own origin, HMAC-signed: the upload URL (PUT, names its shop and
 * upload) and the expiring read URL of a private file (an order photo). Whoever holds one may
 * do exactly that one thing until it expires; nothing else needs a token.
 */
function sign(secret: string, parts: (string | number)[]): string {
  return crypto.createHmac("sha256", secret).update(parts.join("\n")).digest("base64url");
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}

export function uploadUrl(origin: string, secret: string, shopId: number, uploadId: string, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `${origin}/uploads/${uploadId}?shop=${shopId}&expires=${expires}&signature=${sign(secret, ["put", shopId, uploadId, expires])}`;
}

export type UploadUrlCheck = { ok: true; shopId: number; expired: boolean } | { ok: false };

/** Checks an upload URL's query; `expired` is judged by the signed expiry, before any lookup. */
export function checkUploadUrl(
  secret: string,
  uploadId: string,
  query: URLSearchParams,
  now = Date.now(),
): UploadUrlCheck {
  const shopId = Number(query.get("shop"));
  const expires = Number(query.get("expires"));
  const signature = query.get("signature") ?? "";
  if (
    !Number.isInteger(shopId) ||
    !Number.isInteger(expires) ||
    !same(signature, sign(secret, ["put", shopId, uploadId, expires]))
  )
    return { ok: false };
  return { ok: true, shopId, expired: expires * 1000 <= now };
}

export function signedFileUrl(
  origin: string,
  secret: string,
  key: string,
  expiresInSeconds: number,
  now = Date.now(),
): { url: string; expiresAt: Date } {
  // rounded up to the minute: every read within a minute gets the same URL (cacheable), valid at least expiresInSeconds
  const expires = Math.ceil((now / 1000 + expiresInSeconds) / 60) * 60;
  return {
    url: `${origin}/files/${key}?expires=${expires}&signature=${sign(secret, ["get", key, expires])}`,
    expiresAt: new Date(expires * 1000),
  };
}

/** Seconds the signed read URL stays valid, or null when it is forged or expired. */
export function checkFileUrl(secret: string, key: string, query: URLSearchParams, now = Date.now()): number | null {
  const expires = Number(query.get("expires"));
  const signature = query.get("signature") ?? "";
  if (!Number.isInteger(expires) || !same(signature, sign(secret, ["get", key, expires]))) return null;
  const left = expires - Math.floor(now / 1000);
  return left > 0 ? left : null;
}
