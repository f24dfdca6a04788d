import { DATABASE_REFUSING_WRITES, errorSummary, isDatabaseRefusingWrites, isDatabaseUnavailable } from "./errors";
import type { DeliveryLog } from "./delivery-log";
import type { InternalAnswer, InternalContext, InternalOperation } from "./internal-operations";

/**
 * The subgraph's side of a Bitrix webhook. The router's REST shim checks the secret, parses the
 * body into fields and forwards them (router/webhooks/receiver.ts); the owning subgraph reads
 * the fields, applies them and stores the delivery for operators. See README "How to add a
 * webhook".
 */

export type WebhookBody = Record<string, unknown>;

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** A refusal with an HTTP status and a message a person can act on. */
export class WebhookError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** What the router forwards for one delivery (or an operator's replay of one). */
export interface WebhookInput {
  endpoint: string;
  fields: WebhookBody;
  /** set when the router could not read the body: it answered 400 with this; only store it */
  refused?: Record<string, unknown>;
  delivery: {
    /** request headers without any secret */
    headers: Record<string, string>;
    rawBody: string;
    /** set on an operator's replay: the stored delivery it runs again */
    replayOf?: number;
  };
}

export type WebhookHandler = (fields: WebhookBody, context: InternalContext) => Promise<WebhookAnswer>;

export const DATABASE_UNAVAILABLE = "The database is unavailable; retry later";

/**
 * Runs the handler, turning every failure into an answer: a WebhookError into its status, an
 * unreachable database into 503 (so the sender retries), anything else into a logged 500.
 */
export async function runWebhookHandler(
  endpoint: string,
  handler: WebhookHandler,
  fields: WebhookBody,
  context: InternalContext,
): Promise<WebhookAnswer> {
  try {
    return await handler(fields, context);
  } catch (error) {
    if (error instanceof WebhookError) {
      return { status: error.status, body: { error: error.message, ...(error.field ? { field: error.field } : {}) } };
    }
    if (isDatabaseRefusingWrites(error)) {
      context.logger.error({ endpoint, err: errorSummary(error) }, "webhook refused: database refusing writes");
      return { status: 503, body: { error: DATABASE_REFUSING_WRITES } };
    }
    if (isDatabaseUnavailable(error)) {
      context.logger.warn({ endpoint }, "webhook refused: database unavailable");
      return { status: 503, body: { error: DATABASE_UNAVAILABLE } };
    }
    context.logger.error({ err: error, endpoint }, "webhook failed");
    return { status: 500, body: { error: "Internal error; the delivery was recorded and can be replayed" } };
  }
}

/**
 * A webhook as an internal operation of the subgraph that owns its data: runs the handler and
 * stores the delivery. A live delivery's answer never waits for its record (its change is
 * committed first); a replay's does, so the operator gets the new record's id.
 */
export function webhookOperation(handler: WebhookHandler, deliveryLog: DeliveryLog): InternalOperation {
  return async (input, context): Promise<InternalAnswer> => {
    const { endpoint, fields, refused, delivery } = input as WebhookInput;
    const started = process.hrtime.bigint();
    const answer = refused
      ? { status: 400, body: refused }
      : await runWebhookHandler(endpoint, handler, fields, context);
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    const record = deliveryLog.record({
      endpoint,
      ...delivery,
      statusCode: answer.status,
      response: answer.body,
      durationMs,
    });
    if (delivery.replayOf === undefined) return answer;
    return { ...answer, deliveryId: await record };
  };
}

/** Reads a required integer field; form bodies carry numbers as strings. */
export function integerField(body: WebhookBody, name: string, options: { required: true }): number;
export function integerField(body: WebhookBody, name: string, options?: { required?: boolean }): number | undefined;
export function integerField(
  body: WebhookBody,
  name: string,
  options: { required?: boolean } = {},
): number | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === "") {
    if (options.required) throw new WebhookError(400, `Field "${name}" is required`, name);
    return undefined;
  }
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^-?\d{1,10}$/.test(value.trim())
        ? Number(value)
        : NaN;
  if (!Number.isSafeInteger(number) || number < 0 || number > 2_147_483_647) {
    throw new WebhookError(400, `Field "${name}" must be a non-negative integer`, name);
  }
  return number;
}

/** Reads a string field of at most `maxLength` characters. */
export function stringField(body: WebhookBody, name: string, options: { required: true; maxLength?: number }): string;
export function stringField(
  body: WebhookBody,
  name: string,
  options?: { required?: boolean; maxLength?: number },
): string | undefined;
export function stringField(
  body: WebhookBody,
  name: string,
  options: { required?: boolean; maxLength?: number } = {},
): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (options.required) throw new WebhookError(400, `Field "${name}" is required`, name);
    return undefined;
  }
  if (typeof value !== "string") throw new WebhookError(400, `Field "${name}" must be a string`, name);
  const maxLength = options.maxLength ?? 2000;
  if (value.length > maxLength)
    throw new WebhookError(400, `Field "${name}" is longer than ${maxLength} characters`, name);
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(value))
    throw new WebhookError(400, `Field "${name}" contains control characters`, name);
  if (options.required && value.trim() === "") throw new WebhookError(400, `Field "${name}" must not be empty`, name);
  return value;
}

const CURRENCY = /\s*(₸|тг\.?|тенге|kzt)\s*$/i;
const SPACES = /[\s\u00A0\u2007\u2009\u202F']/g;

/**
 * A price as Bitrix sends it: an integer in tiyn (500000), or tenge as text ("5 000 ₸",
 * "5000", "4 950,50 ₸", "4950.5 тг"). Anything else cannot be read: 422 naming the field.
 */
export function parseBitrixPrice(value: unknown, field = "price"): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const unreadable = () =>
    new WebhookError(
      422,
      `Field "${field}" cannot be read as a price: ${JSON.stringify(value).slice(0, 60)} (send tiyn as an integer or tenge as text like "5 000 ₸")`,
      field,
    );
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0 || value > 1_000_000_000) throw unreadable();
    return value;
  }
  if (typeof value !== "string" || value.length > 40) throw unreadable();
  const text = value.trim().replace(CURRENCY, "").replace(SPACES, "");
  const match = /^(\d{1,8})(?:[.,](\d{1,2}))?$/.exec(text);
  if (!match) throw unreadable();
  const tiyn = Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
  if (tiyn > 1_000_000_000) throw unreadable();
  return tiyn;
}
