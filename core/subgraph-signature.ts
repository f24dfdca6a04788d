import crypto from "node:crypto";
import type { Viewer } from "./auth";

/**
 * The router forwards the verified viewer to subgraphs in `x-cvety-viewer`, signed with an
 * HMAC in `x-cvety-signature`. Subgraphs trust only signed context, so a forged shop header
 * sent straight to a subgraph port gets nowhere.
 */
export const VIEWER_HEADER = "x-cvety-viewer";
export const SIGNATURE_HEADER = "x-cvety-signature";
const MAX_AGE_MS = 5 * 60 * 1000;

export interface SignedContext {
  viewer: Viewer | null;
  requestId: string;
  issuedAt: number;
  /** the caller's address as the router saw it (sign-in throttling counts failures per address) */
  clientIp?: string;
}

export function signViewer(
  viewer: Viewer | null,
  requestId: string,
  secret: string,
  clientIp?: string,
): Record<string, string> {
  const payload = Buffer.from(
    JSON.stringify({ viewer, requestId, issuedAt: Date.now(), clientIp } satisfies SignedContext),
  ).toString("base64url");
  const signature = crypto.createHmac("sha256", secret).update(payload).digest("base64url");
  return { [VIEWER_HEADER]: payload, [SIGNATURE_HEADER]: signature };
}

/** Returns the signed context, or null when the signature is missing, wrong or stale. */
export function verifySignedViewer(
  payload: string | undefined,
  signature: string | undefined,
  secret: string,
): SignedContext | null {
  if (!payload || !signature) return null;
  const expected = Buffer.from(crypto.createHmac("sha256", secret).update(payload).digest("base64url"));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return null;
  try {
    const context = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as SignedContext;
    if (Math.abs(Date.now() - context.issuedAt) > MAX_AGE_MS) return null;
    return context;
  } catch {
    return null;
  }
}
