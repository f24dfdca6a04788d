import client from "prom-client";
import type pg from "pg";
import type { Config } from "../../../core/config";
import type { Database } from "../../../core/db";
import type { Logger } from "../../../core/logger";
import { cpuPressure, type CpuPressure } from "../../../core/cpu-pressure";
import { createHttpClient } from "../../../core/http-client";
import { formatTenge } from "../../../core/money";
import {
  claimDue,
  complete,
  queueStats,
  setSyncTarget,
  type ClaimedRow,
  type Outcome,
  type QueueStats,
} from "./outbox";

/**
 * The Bitrix relay: claims due outbox rows of shop BITRIX_SHOP_ID and PUTs each product's
 * state to Bitrix, up to `concurrency` requests at once. Any number of processes may run it
 * (rows are claimed with FOR UPDATE SKIP LOCKED under a lease); a process that dies mid-send
 * leaves its rows to be claimed again once the lease runs out, and they are resent under the
 * same Idempotency-Key. See docs/bitrix-product-sync.md.
 */
export interface BitrixRelay {
  /** writes BITRIX_SHOP_ID for the triggers and starts sending (when Bitrix is configured) */
  start(): Promise<void>;
  /** stops claiming, lets sends in flight finish for a moment, then hands the rest back */
  stop(): Promise<void>;
  /** puts the relay's instruments on a Prometheus registry (the router's /metrics) */
  registerMetrics(registry: client.Registry): void;
}

export interface RelayDeps {
  config: Config;
  db: Database;
  logger: Logger;
  /** how long stop() waits for sends in flight before aborting them */
  stopGraceMs?: number;
  /** the host's CPU pressure (default: Linux PSI) and how often the relay looks at it */
  cpuPressure?: () => CpuPressure;
  pressureSampleMs?: number;
}

const ERROR_BODY_LIMIT = 300;
const RETRY_AFTER_CAP_MS = 24 * 3_600_000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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

/**
 * A token bucket: `perSecond` sends a second on average, with bursts of a quarter second's worth
 * (at most `maxBurst`) after a quiet spell. A rate of 0 does not limit. The rate can change as
 * the host gets busy or quiet.
 */
export class SendPace {
  private tokens: number;
  private at: number;

  constructor(
    private rate: number,
    private readonly maxBurst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.at = now();
    this.tokens = this.burst();
  }

  get perSecond(): number {
    return this.rate;
  }

  setRate(perSecond: number): void {
    this.available();
    this.rate = perSecond;
    this.tokens = Math.min(this.tokens, this.burst());
  }

  /** the most sends that may start at once */
  burst(): number {
    return this.rate === 0 ? this.maxBurst : Math.max(1, Math.min(this.maxBurst, Math.ceil(this.rate / 4)));
  }

  /** how many sends may start now */
  available(): number {
    const now = this.now();
    if (this.rate === 0) {
      this.at = now;
      return Number.POSITIVE_INFINITY;
    }
    this.tokens = Math.min(this.burst(), this.tokens + ((now - this.at) * this.rate) / 1000);
    this.at = now;
    return Math.floor(this.tokens);
  }

  take(count: number): void {
    if (this.rate !== 0) this.tokens -= count;
  }

  /** milliseconds until `count` sends (at most a burst) may start */
  msUntil(count: number): number {
    const missing = Math.min(count, this.burst()) - this.available();
    return missing <= 0 ? 0 : Math.ceil((missing * 1000) / this.rate);
  }
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

export function createBitrixRelay(deps: RelayDeps): BitrixRelay {
  const { config, db } = deps;
  const settings = config.bitrixSync;
  const shopId = config.bitrixShopId;
  const logger = deps.logger.child({ component: "bitrix-relay" });
  const baseUrl = config.bitrixBaseUrl?.replace(/\/+$/, "");
  const apiToken = config.bitrixApiToken;
  // the send's own timer bounds the whole exchange; the socket's idle timeout is only a backstop
  const http = createHttpClient({ timeoutMs: settings.timeoutMs * 2, maxSockets: settings.concurrency });

  const sends = new client.Counter({
    name: "bitrix_sync_sends_total",
    help: "Product sends to Bitrix by outcome (delivered, retry, parked) and reason",
    labelNames: ["outcome", "reason"] as const,
    registers: [],
  });
  const sendDuration = new client.Histogram({
    name: "bitrix_sync_send_duration_seconds",
    help: "Duration of product sends to Bitrix",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [],
  });
  let statsCache: { at: number; value: Promise<QueueStats> } | null = null;
  const stats = () => {
    if (!statsCache || Date.now() - statsCache.at > 1_000) {
      const value = db.read(shopId, (sql) => queueStats(sql, shopId));
      value.catch(() => (statsCache = null));
      statsCache = { at: Date.now(), value };
    }
    return statsCache.value;
  };
  const queueDepth = new client.Gauge({
    name: "bitrix_sync_queue_depth",
    help: "Outbox rows for Bitrix waiting to be sent (PENDING) or given up on (PARKED)",
    labelNames: ["state"] as const,
    registers: [],
    async collect() {
      const current = await stats().catch(() => null);
      if (!current) return;
      this.set({ state: "PENDING" }, current.pending);
      this.set({ state: "PARKED" }, current.parked);
    },
  });
  const oldestAge = new client.Gauge({
    name: "bitrix_sync_oldest_pending_age_seconds",
    help: "Age of the oldest outbox row still waiting to reach Bitrix (0 when none)",
    registers: [],
    async collect() {
      const current = await stats().catch(() => null);
      if (current) this.set(current.oldestPendingSeconds);
    },
  });

  const sendRateLimit = new client.Gauge({
    name: "bitrix_sync_send_rate_limit",
    help: "Sends per second the relay allows itself now (0 = no limit); lower while the host is busy",
    registers: [],
    collect() {
      this.set(pace.perSecond);
    },
  });

  let running = false;
  let stopping = false;
  let loopDone: Promise<void> = Promise.resolve();
  const inflight = new Set<Promise<void>>();
  const claimBatch = Math.max(1, Math.floor(settings.concurrency / 4));
  const pace = new SendPace(settings.maxPerSecond, Math.max(claimBatch, settings.concurrency));
  const busyRate =
    settings.maxPerSecond === 0 ? settings.busyPerSecond : Math.min(settings.busyPerSecond, settings.maxPerSecond);
  let pressureTimer: NodeJS.Timeout | null = null;
  const aborts = new Set<AbortController>();
  let kicked = false;
  let wake: () => void = () => undefined;
  let listener: pg.PoolClient | null = null;
  let listening = false;

  function kick() {
    kicked = true;
    wake();
  }

  let gathering: NodeJS.Timeout | null = null;
  /** A NOTIFY: claim after gatherMs, together with whatever else commits meanwhile. */
  function gatherThenKick() {
    if (settings.gatherMs === 0) return kick();
    if (gathering) return;
    gathering = setTimeout(() => {
      gathering = null;
      kick();
    }, settings.gatherMs);
    gathering.unref();
  }

  function sleep(ms: number): Promise<void> {
    if (kicked || stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      wake = done;
      function done() {
        clearTimeout(timer);
        wake = () => undefined;
        resolve();
      }
    });
  }

  async function send(row: ClaimedRow, abort: AbortController): Promise<Outcome> {
    if (row.bitrixProductId === null || row.payload === null) {
      return { kind: "parked", status: null, error: "the product has no Bitrix id any more; nothing to send" };
    }
    const url = `${baseUrl}/api/v2/products/update-from-railway/${row.bitrixProductId}`;
    // A timer of our own, not AbortSignal.timeout(): inside AbortSignal.any() Node may collect the
    // timeout signal before it fires (nodejs/node#57736), and the send then waits for Bitrix forever.
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException(`no answer within ${settings.timeoutMs} ms`, "TimeoutError")),
      settings.timeoutMs,
    );
    const signal = AbortSignal.any([abort.signal, timeout.signal]);
    const retryOrPark = (status: number | null, error: string, retryAfterMs: number | null = null): Outcome => {
      if (row.attempts >= settings.maxAttempts) {
        return { kind: "parked", status, error: `gave up after ${row.attempts} attempts; last: ${error}` };
      }
      const delayMs = Math.max(
        backoffDelay(row.attempts, settings.backoffBaseMs, settings.backoffMaxMs),
        retryAfterMs ?? 0,
      );
      return { kind: "retry", status, error, delayMs };
    };
    try {
      const response = await http(url, {
        method: "PUT",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          authorization: `Bearer ${apiToken}`,
          "idempotency-key": String(row.id),
        },
        body: JSON.stringify(bitrixBody(row.payload)),
        signal: signal as never,
      });
      const text = (await response.text()).replace(/\s+/g, " ").trim().slice(0, ERROR_BODY_LIMIT);
      const status = response.status;
      if (status >= 200 && status < 300) return { kind: "delivered", status };
      const error = `HTTP ${status}${text ? `: ${text}` : ""}`;
      if (status === 429 || status === 408 || status >= 500) {
        return retryOrPark(status, error, parseRetryAfter(response.headers.get("retry-after")));
      }
      if (status >= 300 && status < 400) {
        return { kind: "parked", status, error: `${error} (a redirect: check BITRIX_BASE_URL)` };
      }
      return { kind: "parked", status, error };
    } catch (error) {
      if (abort.signal.aborted) return { kind: "released" };
      if ((error as Error)?.name === "TimeoutError")
        return retryOrPark(null, `timeout: no answer within ${settings.timeoutMs} ms`);
      return retryOrPark(null, describeNetworkError(error));
    } finally {
      clearTimeout(timer);
    }
  }

  function reasonOf(outcome: Outcome): string {
    if (outcome.kind === "released") return "stopping";
    if (outcome.kind === "delivered") return "2xx";
    if (outcome.kind === "parked" && outcome.error.startsWith("gave up")) return "exhausted";
    if (outcome.status === null)
      return outcome.error.startsWith("timeout")
        ? "timeout"
        : outcome.error.startsWith("network")
          ? "network"
          : "no_bitrix_id";
    if (outcome.status === 429) return "429";
    return `${Math.floor(outcome.status / 100)}xx`;
  }

  async function deliver(row: ClaimedRow): Promise<void> {
    const abort = new AbortController();
    aborts.add(abort);
    const started = process.hrtime.bigint();
    const outcome = await send(row, abort);
    aborts.delete(abort);
    if (outcome.kind !== "released") {
      sendDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
      sends.inc({ outcome: outcome.kind, reason: reasonOf(outcome) });
    }
    const log = {
      outboxId: row.id,
      productId: row.productId,
      bitrixProductId: row.bitrixProductId,
      attempt: row.attempts,
    };
    if (outcome.kind === "retry")
      logger.warn({ ...log, error: outcome.error, retryInMs: outcome.delayMs }, "Bitrix send failed; will retry");
    if (outcome.kind === "parked")
      logger.error({ ...log, error: outcome.error }, "Bitrix send parked; a person must retry it");
    if (outcome.kind === "delivered") logger.debug(log, "Bitrix send delivered");
    // the slot frees as the answer arrives; the outcome joins the next batch (stop() waits for it)
    void record(row, outcome);
  }

  /**
   * Outcomes are written in batches: the answers that arrive within gatherMs of each other, and
   * whatever finished while the previous batch was being written, go in one statement, so a
   * busy relay costs the database one commit per batch rather than one per send.
   */
  const unrecorded: { row: ClaimedRow; outcome: Outcome; done: () => void }[] = [];
  let recording: Promise<void> | null = null;

  function record(row: ClaimedRow, outcome: Outcome): Promise<void> {
    return new Promise((done) => {
      unrecorded.push({ row, outcome, done });
      recording ??= (settings.gatherMs > 0 && !stopping ? delay(settings.gatherMs) : Promise.resolve()).then(
        writeOutcomes,
      );
    });
  }

  async function writeOutcomes(): Promise<void> {
    while (unrecorded.length > 0) {
      const batch = unrecorded.splice(0, 500);
      try {
        await db.write(shopId, (sql) => complete(sql, shopId, batch), { origin: "system", autocommit: true });
      } catch (error) {
        // the rows keep their lease and are claimed again when it runs out (same idempotency key)
        logger.error({ err: error, outboxIds: batch.map((b) => b.row.id) }, "could not record Bitrix send outcomes");
      }
      for (const item of batch) item.done();
    }
    recording = null;
  }

  function dropListener(destroy: boolean) {
    const current = listener;
    listener = null;
    listening = false;
    if (!current) return;
    current.removeListener("notification", gatherThenKick);
    current.removeListener("error", onListenerError);
    current.release(destroy);
  }

  function onListenerError() {
    dropListener(true);
  }

  /**
   * Sending is background work: while the host is busy (CPU pressure at or above the setting) the
   * relay slows to busyPerSecond, and goes back to full pace after two calm samples in a row.
   * Niceness yields Node's CPU; this also spares PostgreSQL's, which serves the requests too.
   */
  function watchPressure() {
    if (settings.busyCpuPressure === 0) return;
    const pressure = (deps.cpuPressure ?? cpuPressure)();
    let calm = 0;
    pressureTimer = setInterval(() => {
      const share = pressure.sample();
      if (share === null) return;
      if (share >= settings.busyCpuPressure) {
        calm = 0;
        if (pace.perSecond !== busyRate) {
          pace.setRate(busyRate);
          logger.debug({ cpuPressure: share, perSecond: busyRate }, "host busy: Bitrix relay slows down");
        }
      } else if (++calm >= 2 && pace.perSecond !== settings.maxPerSecond) {
        pace.setRate(settings.maxPerSecond);
        logger.debug(
          { cpuPressure: share, perSecond: settings.maxPerSecond },
          "host calm: Bitrix relay back to full pace",
        );
        kick();
      }
    }, deps.pressureSampleMs ?? 500);
    pressureTimer.unref();
  }

  /** A NOTIFY from the triggers wakes the relay (after gatherMs); polling covers retries and a lost connection. */
  async function listen() {
    if (listening || stopping) return;
    listening = true;
    try {
      listener = await db.pool.connect();
      listener.on("notification", gatherThenKick);
      listener.on("error", onListenerError);
      await listener.query("LISTEN bitrix_outbox");
    } catch (error) {
      logger.warn({ err: error }, "cannot LISTEN for new outbox rows; polling only");
      dropListener(true);
    }
  }

  async function loop() {
    let failing = false;
    while (!stopping) {
      kicked = false;
      const slots = settings.concurrency - inflight.size;
      const free = Math.min(slots, pace.available());
      let claimed: ClaimedRow[] = [];
      // claim in batches: with sends in flight, wait until a quarter of the slots are free
      const claiming = free > 0 && (inflight.size === 0 || free >= claimBatch);
      if (claiming) {
        try {
          claimed = await db.write(shopId, (sql) => claimDue(sql, shopId, free, settings.leaseMs), {
            origin: "system",
            autocommit: true,
          });
          pace.take(claimed.length);
          if (failing) logger.info("Bitrix relay can reach the database again");
          failing = false;
        } catch (error) {
          if (!failing) logger.error({ err: error }, "Bitrix relay cannot claim outbox rows; retrying");
          failing = true;
          await sleep(settings.pollMs);
          continue;
        }
        for (const row of claimed) {
          const task = deliver(row).finally(() => {
            inflight.delete(task);
            kick();
          });
          inflight.add(task);
        }
        if (!listener && !stopping && claimed.length === 0) void listen();
      }
      const more = claimed.length > 0 && claimed.length === free;
      // held back by the pace (not by busy slots or an empty queue): look again once a batch may go
      const paced = free < slots && (more || !claiming);
      if (more && !paced) continue;
      await sleep(paced ? Math.max(1, pace.msUntil(Math.min(slots, claimBatch))) : settings.pollMs);
    }
  }

  return {
    registerMetrics(registry) {
      for (const metric of [sends, sendDuration, queueDepth, oldestAge, sendRateLimit] as client.Metric[])
        registry.registerMetric(metric);
    },
    async start() {
      if (running) return;
      try {
        await setSyncTarget(db, shopId);
      } catch (error) {
        logger.error({ err: error, bitrixShopId: shopId }, "cannot record BITRIX_SHOP_ID for the outbox triggers");
      }
      if (!baseUrl || !apiToken) {
        logger.warn(
          {
            bitrixShopId: shopId,
            missing: [!baseUrl && "BITRIX_BASE_URL", !apiToken && "BITRIX_API_TOKEN"].filter(Boolean),
          },
          "Bitrix sync is not configured: product changes are queued in the outbox but not sent until it is",
        );
        return;
      }
      running = true;
      stopping = false;
      logger.info({ bitrixShopId: shopId, concurrency: settings.concurrency }, "Bitrix relay started");
      await listen();
      watchPressure();
      loopDone = loop();
    },
    async stop() {
      if (!running) return;
      stopping = true;
      if (pressureTimer) clearInterval(pressureTimer);
      pressureTimer = null;
      pace.setRate(settings.maxPerSecond);
      if (gathering) clearTimeout(gathering);
      gathering = null;
      wake();
      await loopDone;
      const grace = deps.stopGraceMs ?? Math.min(2_000, settings.timeoutMs);
      if (inflight.size > 0) {
        await Promise.race([
          Promise.allSettled([...inflight]),
          new Promise((resolve) => setTimeout(resolve, grace).unref()),
        ]);
        for (const abort of aborts) abort.abort();
        await Promise.allSettled([...inflight]);
      }
      await recording;
      if (listener) {
        const ok = await listener.query("UNLISTEN *").then(
          () => true,
          () => false,
        );
        dropListener(!ok);
      }
      http.close();
      running = false;
      logger.info("Bitrix relay stopped");
    },
  };
}
