import type http from "node:http";
import type { Config } from "../../core/config";
import type { Database } from "../../core/db";
import type { Logger } from "../../core/logger";
import { matchesAnySecret } from "../../core/auth";
import { isDatabaseUnavailable } from "../../core/errors";
import { BodyError, headerValue, readBody, sendJson } from "../../core/http-server";
import { clientIp, type RateLimiter } from "../rate-limit";
import { createDeliveryLog, type DeliveryLog } from "./delivery-log";
import type { BitrixStatusWriter } from "./order-status";

/** Bitrix posts small bodies; anything larger is refused before it is read whole. */
export const WEBHOOK_BODY_LIMIT = 64 * 1024;
export const SECRET_HEADER = "x-webhook-secret";

export type WebhookBody = Record<string, unknown>;

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** A refusal with an HTTP status and a message a person can act on. */
export class WebhookError extends Error {
  constructor(readonly status: number, message: string, readonly field?: string) {
    super(message);
  }
}

export interface WebhookDeps {
  config: Config;
  db: Database;
  logger: Logger;
  /** called once per delivery with its outcome, for metrics */
  observe?: (endpoint: string, outcome: string, seconds: number) => void;
  /** where deliveries are stored (batched); without one each delivery is written on its own */
  deliveryLog?: DeliveryLog;
  /** Bitrix status changes, many to a statement under load (router/webhooks/order-status.ts) */
  bitrixStatuses: BitrixStatusWriter;
}

export type WebhookHandler = (body: WebhookBody, deps: WebhookDeps) => Promise<WebhookAnswer>;

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Turns the raw bytes into fields: JSON, or form-encoded as PHP's http_build_query sends. */
export function parseWebhookBody(raw: Buffer, contentType: string | undefined): WebhookBody {
  let text: string;
  try {
    text = STRICT_UTF8.decode(raw);
  } catch {
    throw new WebhookError(400, "The body is not valid UTF-8");
  }
  if (/application\/x-www-form-urlencoded/i.test(contentType ?? "")) {
    const body: WebhookBody = {};
    for (const [key, value] of new URLSearchParams(text)) body[key] = value;
    return body;
  }
  if (text.trim() === "") throw new WebhookError(400, "The body is empty; send a JSON object");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WebhookError(400, "The body is not valid JSON (send application/json or application/x-www-form-urlencoded)");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new WebhookError(400, "The body must be a JSON object");
  }
  return parsed as WebhookBody;
}

function headersWithoutSecrets(req: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === SECRET_HEADER || name === "authorization" || name === "cookie") continue;
    headers[name] = Array.isArray(value) ? value.join(", ") : String(value ?? "");
  }
  return headers;
}

function outcomeOf(answer: WebhookAnswer): string {
  return typeof answer.body.status === "string" ? answer.body.status : String(answer.status);
}

/**
 * Parses the raw body and runs the handler, turning every failure into an answer: a
 * WebhookError into its status, an unreachable database into 503 (so the sender retries),
 * anything else into a logged 500. Used for live deliveries and operator replays alike.
 */
export async function runWebhookHandler(
  endpoint: string,
  handler: WebhookHandler,
  deps: WebhookDeps,
  raw: Buffer,
  contentType: string | undefined,
): Promise<WebhookAnswer> {
  try {
    return await handler(parseWebhookBody(raw, contentType), deps);
  } catch (error) {
    if (error instanceof WebhookError) {
      return { status: error.status, body: { error: error.message, ...(error.field ? { field: error.field } : {}) } };
    }
    if (isDatabaseUnavailable(error)) {
      deps.logger.warn({ endpoint }, "webhook refused: database unavailable");
      return { status: 503, body: { error: "The database is unavailable; retry later" } };
    }
    deps.logger.error({ err: error, endpoint }, "webhook failed");
    return { status: 500, body: { error: "Internal error; the delivery was recorded and can be replayed" } };
  }
}

/**
 * One Bitrix webhook endpoint, on the bare request: rate limit per IP (before the secret is
 * looked at), size limit, secret check (constant time, any of the rotated secrets), body
 * parsing, the handler, and a stored record of the delivery for operators.
 */
export function webhookEndpoint(
  endpoint: string,
  handler: WebhookHandler,
  deps: WebhookDeps & { limiter: RateLimiter; trustedProxies: number; headers: Readonly<Record<string, string>> },
) {
  async function answer(req: http.IncomingMessage, res: http.ServerResponse) {
    const limited = deps.limiter.take(clientIp(req, deps.trustedProxies));
    if (!limited.allowed) {
      req.resume();
      res.setHeader("Retry-After", String(limited.retryAfterSeconds));
      return sendJson(res, 429, {
        error: `Too many webhook requests from this address; retry in ${limited.retryAfterSeconds} s`,
        retryAfter: limited.retryAfterSeconds,
      });
    }
    const raw = await readBody(req, WEBHOOK_BODY_LIMIT);
    const started = process.hrtime.bigint();
    const contentType = req.headers["content-type"];
    const answer: WebhookAnswer = matchesAnySecret(headerValue(req, SECRET_HEADER), deps.config.webhookSecrets)
      ? await runWebhookHandler(endpoint, handler, deps, raw, contentType)
      : { status: 401, body: { error: "Missing or wrong X-Webhook-Secret header" } };
    if (answer.status === 503) res.setHeader("Retry-After", "5");
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    sendJson(res, answer.status, answer.body);
    deps.observe?.(endpoint, outcomeOf(answer), seconds);
    if (answer.status !== 401) await recordDelivery(deps, endpoint, headersWithoutSecrets(req), raw, answer, seconds * 1000);
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

/** Stores a delivery (or an operator's replay of one) for operators to see and replay. */
export async function recordDelivery(
  deps: WebhookDeps,
  endpoint: string,
  headers: Record<string, string>,
  raw: Buffer,
  answer: WebhookAnswer,
  durationMs: number,
  replayOf?: number,
): Promise<number | null> {
  const entry = { endpoint, headers, rawBody: raw.toString("utf8"), statusCode: answer.status, response: answer.body, durationMs, replayOf };
  if (deps.deliveryLog) return deps.deliveryLog.record(entry);
  const log = createDeliveryLog(deps.db, deps.config.bitrixShopId, deps.logger);
  return log.record(entry);
}

/** Reads a required integer field; form bodies carry numbers as strings. */
export function integerField(body: WebhookBody, name: string, options: { required: true }): number;
export function integerField(body: WebhookBody, name: string, options?: { required?: boolean }): number | undefined;
export function integerField(body: WebhookBody, name: string, options: { required?: boolean } = {}): number | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === "") {
    if (options.required) throw new WebhookError(400, `Field "${name}" is required`, name);
    return undefined;
  }
  const number = typeof value === "number" ? value : typeof value === "string" && /^-?\d{1,10}$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < 0 || number > 2_147_483_647) {
    throw new WebhookError(400, `Field "${name}" must be a non-negative integer`, name);
  }
  return number;
}

/** Reads a string field of at most `maxLength` characters. */
export function stringField(body: WebhookBody, name: string, options: { required: true; maxLength?: number }): string;
export function stringField(body: WebhookBody, name: string, options?: { required?: boolean; maxLength?: number }): string | undefined;
export function stringField(body: WebhookBody, name: string, options: { required?: boolean; maxLength?: number } = {}): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (options.required) throw new WebhookError(400, `Field "${name}" is required`, name);
    return undefined;
  }
  if (typeof value !== "string") throw new WebhookError(400, `Field "${name}" must be a string`, name);
  const maxLength = options.maxLength ?? 2000;
  if (value.length > maxLength) throw new WebhookError(400, `Field "${name}" is longer than ${maxLength} characters`, name);
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(value)) throw new WebhookError(400, `Field "${name}" contains control characters`, name);
  if (options.required && value.trim() === "") throw new WebhookError(400, `Field "${name}" must not be empty`, name);
  return value;
}
