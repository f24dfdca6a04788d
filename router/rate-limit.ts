import type http from "node:http";
import proxyaddr from "proxy-addr";

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Token buckets per key (an IP, a signed-in user): `perMinute` requests in a burst, refilled
 * evenly over a minute. In memory, per process: behind N replicas the budget is N times as
 * large. `perMinute` 0 turns the limiter off.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly perMinute: number,
    private readonly maxKeys = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): RateDecision {
    if (this.perMinute <= 0) return { allowed: true };
    const now = this.now();
    const refillPerMs = this.perMinute / 60_000;
    const previous = this.buckets.get(key);
    const tokens = previous
      ? Math.min(this.perMinute, previous.tokens + (now - previous.at) * refillPerMs)
      : this.perMinute;
    // re-insert so the Map's order is least recently used first
    this.buckets.delete(key);
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / refillPerMs / 1000)) };
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return { allowed: true };
  }
}

/** The client's address: with TRUST_PROXY = n, the address n proxies in along X-Forwarded-For. */
export function clientIp(req: http.IncomingMessage, trustedProxies: number): string {
  return proxyaddr(req, (_address, hop) => hop < trustedProxies);
}
