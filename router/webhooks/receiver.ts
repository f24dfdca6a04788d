import type http from "node:http";
import type { Config } from "../../core/config";
import type { Logger } from "../../core/logger";
import { matchesAnySecret } from "../../core/auth";
import { BodyError, headerValue, readBody, sendJson } from "../../core/http-server";
import { SubgraphUnavailableError, type InternalAnswer, type InternalClient } from "../../core/internal-operations";
import { clientIp, type RateLimiter } from "../rate-limit";
import type { DeliveryGate } from "./delivery-gate";
import type { WebhookRoute } from "./index";

/** Bitrix posts small bodies; anything larger is refused before it is read whole. */
export const WEBHOOK_BODY_LIMIT = 64 * 1024;
export const SECRET_HEADER = "x-webhook-secret";

export type WebhookBody = Record<string, unknown>;

/** A body the shim cannot read: 400 with a message a person can act on. */
class UnreadableBody extends Error {}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Turns the raw bytes into fields: JSON, or form-encoded as PHP's http_build_query sends. */
export function parseWebhookBody(raw: Buffer, contentType: string | undefined): WebhookBody {
  let text: string;
  try {
    text = STRICT_UTF8.decode(raw);
  } catch {
    throw new UnreadableBody("The body is not valid UTF-8");
  }
  if (/application\/x-www-form-urlencoded/i.test(contentType ?? "")) {
    const body: WebhookBody = {};
    for (const [key, value] of new URLSearchParams(text)) body[key] = value;
    return body;
  }
  if (text.trim() === "") throw new UnreadableBody("The body is empty; send a JSON object");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UnreadableBody("The body is not valid JSON (send application/json or application/x-www-form-urlencoded)");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new UnreadableBody("The body must be a JSON object");
  if (depthOf(parsed) > MAX_DEPTH) throw new UnreadableBody(`The body is nested more than ${MAX_DEPTH} levels deep`);
  return parsed as WebhookBody;
}

/** Bitrix's bodies are a few levels deep (an order's items, its payments); deeper is not Bitrix. */
const MAX_DEPTH = 8;

/** How deep a parsed JSON value nests, counted without recursion (a hostile body may nest 30,000 deep). */
export function depthOf(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== "object") continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_DEPTH) return deepest;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return deepest;
}

export function headersWithoutSecrets(headers: http.IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name === SECRET_HEADER || name === "authorization" || name === "cookie") continue;
    kept[name] = Array.isArray(value) ? value.join(", ") : String(value ?? "");
  }
  return kept;
}

export interface ForwardDeps {
  internal: InternalClient;
  logger: Logger;
}

/**
 * Parses a delivery and forwards its fields to the route's internal operation, which applies
 * them and stores the delivery. A body that cannot be read is refused here (400) and forwarded
 * only to be stored; a subgraph that cannot be reached is a 503, so the sender retries.
 */
export async function forwardDelivery(
  deps: ForwardDeps,
  endpoint: string,
  route: WebhookRoute,
  delivery: { raw: Buffer; headers: Record<string, string>; replayOf?: number },
): Promise<InternalAnswer> {
  const stored = { headers: delivery.headers, rawBody: delivery.raw.toString("utf8"), replayOf: delivery.replayOf };
  let fields: WebhookBody | undefined;
  let unreadable: InternalAnswer | undefined;
  try {
    fields = parseWebhookBody(delivery.raw, delivery.headers["content-type"]);
  } catch (error) {
    if (!(error instanceof UnreadableBody)) throw error;
    unreadable = { status: 400, body: { error: error.message } };
  }
  try {
    const answer = await deps.internal.call(route.subgraph, route.operation, {
      endpoint,
      fields,
      refused: unreadable?.body,
      delivery: stored,
    });
    return unreadable ? { ...unreadable, deliveryId: answer.deliveryId } : answer;
  } catch (error) {
    if (!(error instanceof SubgraphUnavailableError)) throw error;
    if (unreadable) return unreadable;
    deps.logger.warn({ endpoint, err: error.message }, "webhook refused: subgraph unavailable");
    return { status: 503, body: { error: `The ${route.subgraph} service is unavailable; retry later` } };
  }
}

export interface WebhookEndpointDeps extends ForwardDeps {
  config: Config;
  /** failed secret checks per address */
  limiter: RateLimiter;
  /** where signed deliveries wait for a slot */
  gate: DeliveryGate;
  trustedProxies: number;
  headers: Readonly<Record<string, string>>;
  /** called once per delivery with its outcome, for metrics */
  observe?: (endpoint: string, outcome: string, seconds: number) => void;
}

function outcomeOf(answer: InternalAnswer): string {
  return typeof answer.body.status === "string" ? answer.body.status : String(answer.status);
}

/**
 * A missing or wrong secret: 401, and once the address has failed RATE_LIMIT_WEBHOOK_PER_MINUTE
 * checks within a minute, 429 until its budget refills. Only failures count: this bounds what
 * unsigned traffic (scanners, a misconfigured sender, someone guessing) costs us.
 */
function refuseUnsigned(req: http.IncomingMessage, res: http.ServerResponse, deps: WebhookEndpointDeps): string {
  req.resume();
  const limited = deps.limiter.take(clientIp(req, deps.trustedProxies));
  if (limited.allowed) {
    sendJson(res, 401, { error: "Missing or wrong X-Webhook-Secret header" });
    return "401";
  }
  res.setHeader("Retry-After", String(limited.retryAfterSeconds));
  sendJson(res, 429, {
    error: `Too many failed secret checks from this address; retry in ${limited.retryAfterSeconds} s with the right X-Webhook-Secret`,
    retryAfter: limited.retryAfterSeconds,
  });
  return "rate_limited";
}

/** Sheds a signed delivery under real overload: 503 with Retry-After, which the sender retries. */
function shed(req: http.IncomingMessage, res: http.ServerResponse, retryAfterSeconds: number): string {
  req.resume();
  res.setHeader("Retry-After", String(retryAfterSeconds));
  sendJson(res, 503, {
    error: `Too many deliveries at once; retry in ${retryAfterSeconds} s`,
    retryAfter: retryAfterSeconds,
  });
  return "shed";
}

/**
 * One Bitrix webhook endpoint, on the bare request: secret check (constant time, any of the
 * rotated secrets; failures limited per address), then signed deliveries wait their turn at the
 * delivery gate — never refused for their rate — and go, size-limited, to the subgraph that owns
 * their data (forwardDelivery).
 */
export function webhookEndpoint(endpoint: string, route: WebhookRoute, deps: WebhookEndpointDeps) {
  async function answer(req: http.IncomingMessage, res: http.ServerResponse) {
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    if (!matchesAnySecret(headerValue(req, SECRET_HEADER), deps.config.webhookSecrets)) {
      return deps.observe?.(endpoint, refuseUnsigned(req, res, deps), elapsed());
    }
    const release = await deps.gate.enter();
    if (!release) return deps.observe?.(endpoint, shed(req, res, deps.gate.retryAfterSeconds), elapsed());
    try {
      const raw = await readBody(req, WEBHOOK_BODY_LIMIT);
      const answer = await forwardDelivery(deps, endpoint, route, { raw, headers: headersWithoutSecrets(req.headers) });
      if (answer.status === 503) res.setHeader("Retry-After", "5");
      sendJson(res, answer.status, answer.body);
      deps.observe?.(endpoint, outcomeOf(answer), elapsed());
    } finally {
      release();
    }
  }

  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    for (const name in deps.headers) res.setHeader(name, deps.headers[name]);
    answer(req, res).catch((error: unknown) => {
      if (error instanceof BodyError) return sendJson(res, error.status, { error: error.message });
      deps.logger.error({ err: error, endpoint }, "webhook failed");
      if (!res.headersSent) sendJson(res, 500, { error: "Internal error" });
    });
  };
}
