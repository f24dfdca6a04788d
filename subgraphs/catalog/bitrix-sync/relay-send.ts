import type { Fetcher, FetcherResponse } from "@apollo/utils.fetcher";
import { formatTenge } from "../../../core/money";
import type { ClaimedRow, Outcome } from "./outbox";

/** One PUT of a product's state to Bitrix, and what its answer means for the outbox row. */

const ERROR_BODY_LIMIT = 300;
const RETRY_AFTER_CAP_MS = 24 * 3_600_000;

export interface SendSettings {
  baseUrl: string;
  apiToken: string;
  timeoutMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** Exponential backoff with "equal jitter": half the delay fixed, half random. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 40)));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, RETRY_AFTER_CAP_MS);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, at - now), RETRY_AFTER_CAP_MS);
}

/** The JSON Bitrix's update-from-railway endpoint takes. */
export function bitrixBody(snapshot: NonNullable<ClaimedRow["payload"]>) {
  return {
    name: snapshot.name,
    price: formatTenge(snapshot.price),
    image: snapshot.image,
    description: snapshot.description,
    enabled: snapshot.enabled ? "Y" : "N",
  };
}

function describeNetworkError(error: unknown): string {
  const failure = error as { code?: string; message?: string; cause?: { code?: string; message?: string } } | undefined;
  const detail = failure?.code ?? failure?.cause?.code ?? failure?.cause?.message ?? failure?.message ?? String(error);
  return `network error: ${String(detail).slice(0, 200)}`;
}

/** Another attempt after the backoff (or Retry-After, if longer), or parked once the attempts are used up. */
function retryOrPark(
  settings: SendSettings,
  row: ClaimedRow,
  status: number | null,
  error: string,
  retryAfterMs: number | null = null,
): Outcome {
  if (row.attempts >= settings.maxAttempts) {
    return { kind: "parked", status, error: `gave up after ${row.attempts} attempts; last: ${error}` };
  }
  const delayMs = Math.max(
    backoffDelay(row.attempts, settings.backoffBaseMs, settings.backoffMaxMs),
    retryAfterMs ?? 0,
  );
  return { kind: "retry", status, error, delayMs };
}

/** 2xx delivered; 429, 408 and 5xx retried; a redirect or any other 4xx parked for a person. */
async function outcomeOfAnswer(settings: SendSettings, row: ClaimedRow, response: FetcherResponse): Promise<Outcome> {
  const text = (await response.text()).replace(/\s+/g, " ").trim().slice(0, ERROR_BODY_LIMIT);
  const status = response.status;
  if (status >= 200 && status < 300) return { kind: "delivered", status };
  const error = `HTTP ${status}${text ? `: ${text}` : ""}`;
  if (status === 429 || status === 408 || status >= 500) {
    return retryOrPark(settings, row, status, error, parseRetryAfter(response.headers.get("retry-after")));
  }
  if (status >= 300 && status < 400) {
    return { kind: "parked", status, error: `${error} (a redirect: check BITRIX_BASE_URL)` };
  }
  return { kind: "parked", status, error };
}

/**
 * Sends the row's frozen snapshot under the row's id as Idempotency-Key. `abort` is the relay
 * stopping: the row is then released, its attempt not counted.
 */
export async function sendProduct(
  http: Fetcher,
  settings: SendSettings,
  row: ClaimedRow,
  abort: AbortController,
): Promise<Outcome> {
  if (row.bitrixProductId === null || row.payload === null) {
    return { kind: "parked", status: null, error: "the product has no Bitrix id any more; nothing to send" };
  }
  // A timer of our own, not AbortSignal.timeout(): inside AbortSignal.any() Node may collect the
  // timeout signal before it fires (nodejs/node#57736), and the send then waits for Bitrix forever.
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new DOMException(`no answer within ${settings.timeoutMs} ms`, "TimeoutError")),
    settings.timeoutMs,
  );
  try {
    const response = await http(`${settings.baseUrl}/api/v2/products/update-from-railway/${row.bitrixProductId}`, {
      method: "PUT",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        authorization: `Bearer ${settings.apiToken}`,
        "idempotency-key": String(row.id),
      },
      body: JSON.stringify(bitrixBody(row.payload)),
      signal: AbortSignal.any([abort.signal, timeout.signal]) as never,
    });
    return await outcomeOfAnswer(settings, row, response);
  } catch (error) {
    if (abort.signal.aborted) return { kind: "released" };
    if ((error as Error)?.name === "TimeoutError")
      return retryOrPark(settings, row, null, `timeout: no answer within ${settings.timeoutMs} ms`);
    return retryOrPark(settings, row, null, describeNetworkError(error));
  } finally {
    clearTimeout(timer);
  }
}

/** The `reason` label of bitrix_sync_sends_total. */
export function reasonOf(outcome: Outcome): string {
  if (outcome.kind === "released") return "stopping";
  if (outcome.kind === "delivered") return "2xx";
  if (outcome.kind === "parked" && outcome.error.startsWith("gave up")) return "exhausted";
  if (outcome.status === null) {
    if (outcome.error.startsWith("timeout")) return "timeout";
    return outcome.error.startsWith("network") ? "network" : "no_bitrix_id";
  }
  if (outcome.status === 429) return "429";
  return `${Math.floor(outcome.status / 100)}xx`;
}
