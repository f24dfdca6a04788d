import type client from "prom-client";
import type { Config } from "../../../core/config";
import type { Database } from "../../../core/db";
import type { Logger } from "../../../core/logger";
import { cpuPressure, type CpuPressure } from "../../../core/cpu-pressure";
import { createHttpClient } from "../../../core/http-client";
import { PgListener } from "../../../core/pg-listener";
import { claimDue, complete, setSyncTarget, type ClaimedRow, type Outcome } from "./outbox";
import { createRelayMetrics, type RelayMetrics } from "./relay-metrics";
import { reasonOf, sendProduct, type SendSettings } from "./relay-send";
import { SendPace } from "./send-pace";

export { backoffDelay, bitrixBody, parseRetryAfter } from "./relay-send";
export { SendPace } from "./send-pace";

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

/** shown in pg_stat_activity for the relay's LISTEN connection */
export const RELAY_LISTENER_APPLICATION_NAME = "cvety-bitrix-relay-listener";

export interface RelayDeps {
  config: Config;
  db: Database;
  /** the database the relay LISTENs on, as db's role (a connection of its own, beside db's pool) */
  databaseUrl: string;
  logger: Logger;
  /** how long stop() waits for sends in flight before aborting them */
  stopGraceMs?: number;
  /** the host's CPU pressure (default: Linux PSI) and how often the relay looks at it */
  cpuPressure?: () => CpuPressure;
  pressureSampleMs?: number;
}

type Settings = Config["bitrixSync"];

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The loop's rest between claims: a timer that a kick (a NOTIFY, a finished send, stop) cuts short. */
class Wakeup {
  private kicked = false;
  private wake: () => void = () => undefined;
  private gathering: NodeJS.Timeout | null = null;
  stopping = false;

  constructor(private readonly gatherMs: number) {}

  kick(): void {
    this.kicked = true;
    this.wake();
  }

  /** A NOTIFY: wake after gatherMs, together with whatever else commits meanwhile. */
  readonly gatherThenKick = (): void => {
    if (this.gatherMs === 0) return this.kick();
    if (this.gathering) return;
    this.gathering = setTimeout(() => {
      this.gathering = null;
      this.kick();
    }, this.gatherMs);
    this.gathering.unref();
  };

  /** the start of a pass: kicks until now are taken into account */
  clear(): void {
    this.kicked = false;
  }

  sleep(ms: number): Promise<void> {
    if (this.kicked || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = () => undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  stop(): void {
    this.stopping = true;
    if (this.gathering) clearTimeout(this.gathering);
    this.gathering = null;
    this.wake();
  }
}

/**
 * Outcomes are written in batches: the answers that arrive within gatherMs of each other, and
 * whatever finished while the previous batch was being written, go in one statement, so a busy
 * relay costs the database one commit per batch rather than one per send.
 */
class OutcomeRecorder {
  private readonly unrecorded: { row: ClaimedRow; outcome: Outcome; done: () => void }[] = [];
  private recording: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly shopId: number,
    private readonly gatherMs: number,
    private readonly logger: Logger,
  ) {}

  record(row: ClaimedRow, outcome: Outcome, stopping: boolean): Promise<void> {
    return new Promise((done) => {
      this.unrecorded.push({ row, outcome, done });
      this.recording ??= (this.gatherMs > 0 && !stopping ? delay(this.gatherMs) : Promise.resolve()).then(() =>
        this.writeOutcomes(),
      );
    });
  }

  /** resolves once every outcome handed over so far is written (or given up on) */
  settled(): Promise<void> {
    return this.recording ?? Promise.resolve();
  }

  private async writeOutcomes(): Promise<void> {
    while (this.unrecorded.length > 0) {
      const batch = this.unrecorded.splice(0, 500);
      try {
        await this.db.write(this.shopId, (sql) => complete(sql, this.shopId, batch), {
          origin: "system",
          autocommit: true,
        });
      } catch (error) {
        // the rows keep their lease and are claimed again when it runs out (same idempotency key)
        this.logger.error(
          { err: error, outboxIds: batch.map((b) => b.row.id) },
          "could not record Bitrix send outcomes",
        );
      }
      for (const item of batch) item.done();
    }
    this.recording = null;
  }
}

/**
 * The relay's LISTEN on bitrix_outbox through core/pg-listener.ts (reconnects with backoff): a
 * NOTIFY from the triggers wakes the relay after gatherMs; every time listening (re)starts the
 * relay claims at once, since rows queued while it was deaf announced themselves to nobody.
 * Polling covers retries that come due. Resolves once listening, or once the first attempt
 * failed (polling covers until it is back).
 */
function listenForOutbox(databaseUrl: string, wakeup: Wakeup, logger: Logger): Promise<PgListener> {
  return new Promise((resolve) => {
    let started = false;
    const ready = () => {
      if (started) return;
      started = true;
      resolve(listener);
    };
    const listener = new PgListener({
      connectionString: databaseUrl,
      applicationName: RELAY_LISTENER_APPLICATION_NAME,
      channels: ["bitrix_outbox"],
      logger,
      lostMessage: "Bitrix relay lost its LISTEN connection; polling until it is back",
      onNotification: () => wakeup.gatherThenKick(),
      onListening: () => {
        ready();
        wakeup.kick();
      },
      onLost: ready,
    });
    listener.start();
  });
}

/**
 * Sending is background work: while the host is busy (CPU pressure at or above the setting) the
 * relay slows to busyPerSecond, and goes back to full pace after two calm samples in a row.
 * Niceness yields Node's CPU; this also spares PostgreSQL's, which serves the requests too.
 * Returns the timer, or null when the setting turns this off.
 */
function watchPressure(
  settings: Settings,
  pace: SendPace,
  deps: RelayDeps,
  logger: Logger,
  onCalm: () => void,
): NodeJS.Timeout | null {
  if (settings.busyCpuPressure === 0) return null;
  const busyRate =
    settings.maxPerSecond === 0 ? settings.busyPerSecond : Math.min(settings.busyPerSecond, settings.maxPerSecond);
  const pressure = (deps.cpuPressure ?? cpuPressure)();
  let calm = 0;
  const timer = setInterval(() => {
    const share = pressure.sample();
    if (share === null) return;
    if (share >= settings.busyCpuPressure) {
      calm = 0;
      if (pace.perSecond === busyRate) return;
      pace.setRate(busyRate);
      logger.debug({ cpuPressure: share, perSecond: busyRate }, "host busy: Bitrix relay slows down");
    } else if (++calm >= 2 && pace.perSecond !== settings.maxPerSecond) {
      pace.setRate(settings.maxPerSecond);
      logger.debug(
        { cpuPressure: share, perSecond: settings.maxPerSecond },
        "host calm: Bitrix relay back to full pace",
      );
      onCalm();
    }
  }, deps.pressureSampleMs ?? 500);
  timer.unref();
  return timer;
}

class BitrixRelayWorker implements BitrixRelay {
  private readonly settings: Settings;
  private readonly shopId: number;
  private readonly logger: Logger;
  private readonly send: SendSettings | null;
  private readonly http: ReturnType<typeof createHttpClient>;
  private readonly metrics: RelayMetrics;
  private readonly pace: SendPace;
  /** with sends in flight, claim only once this many slots are free */
  private readonly claimBatch: number;
  private readonly wakeup: Wakeup;
  private readonly recorder: OutcomeRecorder;
  private listener: PgListener | null = null;
  private readonly inflight = new Set<Promise<void>>();
  private readonly aborts = new Set<AbortController>();
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private pressureTimer: NodeJS.Timeout | null = null;
  /** the last claim failed (logged once until it works again) */
  private failing = false;

  constructor(private readonly deps: RelayDeps) {
    const { config, db } = deps;
    this.settings = config.bitrixSync;
    this.shopId = config.bitrixShopId;
    this.logger = deps.logger.child({ component: "bitrix-relay" });
    const baseUrl = config.bitrixBaseUrl?.replace(/\/+$/, "");
    this.send =
      baseUrl && config.bitrixApiToken ? { ...this.settings, baseUrl, apiToken: config.bitrixApiToken } : null;
    // the send's own timer bounds the whole exchange; the socket's idle timeout is only a backstop
    this.http = createHttpClient({ timeoutMs: this.settings.timeoutMs * 2, maxSockets: this.settings.concurrency });
    this.claimBatch = Math.max(1, Math.floor(this.settings.concurrency / 4));
    this.pace = new SendPace(this.settings.maxPerSecond, Math.max(this.claimBatch, this.settings.concurrency));
    this.metrics = createRelayMetrics(db, this.shopId, () => this.pace.perSecond);
    this.wakeup = new Wakeup(this.settings.gatherMs);
    this.recorder = new OutcomeRecorder(db, this.shopId, this.settings.gatherMs, this.logger);
  }

  registerMetrics(registry: client.Registry): void {
    for (const metric of this.metrics.all) registry.registerMetric(metric);
  }

  async start(): Promise<void> {
    if (this.running) return;
    try {
      await setSyncTarget(this.deps.db, this.shopId);
    } catch (error) {
      this.logger.error(
        { err: error, bitrixShopId: this.shopId },
        "cannot record BITRIX_SHOP_ID for the outbox triggers",
      );
    }
    if (!this.send) {
      const config = this.deps.config;
      this.logger.warn(
        {
          bitrixShopId: this.shopId,
          missing: [!config.bitrixBaseUrl && "BITRIX_BASE_URL", !config.bitrixApiToken && "BITRIX_API_TOKEN"].filter(
            Boolean,
          ),
        },
        "Bitrix sync is not configured: product changes are queued in the outbox but not sent until it is",
      );
      return;
    }
    this.running = true;
    this.wakeup.stopping = false;
    this.logger.info({ bitrixShopId: this.shopId, concurrency: this.settings.concurrency }, "Bitrix relay started");
    const listener = await listenForOutbox(this.deps.databaseUrl, this.wakeup, this.logger);
    if (this.wakeup.stopping) return void (await listener.stop());
    this.listener = listener;
    this.pressureTimer = watchPressure(this.settings, this.pace, this.deps, this.logger, () => this.wakeup.kick());
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.wakeup.stop();
    if (this.pressureTimer) clearInterval(this.pressureTimer);
    this.pressureTimer = null;
    this.pace.setRate(this.settings.maxPerSecond);
    await this.loopDone;
    await this.handBackInflight();
    await this.recorder.settled();
    await this.listener?.stop();
    this.listener = null;
    this.http.close();
    this.running = false;
    this.logger.info("Bitrix relay stopped");
  }

  /** sends in flight get a grace period to finish; the rest are aborted and released */
  private async handBackInflight(): Promise<void> {
    if (this.inflight.size === 0) return;
    const grace = this.deps.stopGraceMs ?? Math.min(2_000, this.settings.timeoutMs);
    await Promise.race([
      Promise.allSettled([...this.inflight]),
      new Promise((resolve) => setTimeout(resolve, grace).unref()),
    ]);
    for (const abort of this.aborts) abort.abort();
    await Promise.allSettled([...this.inflight]);
  }

  private async loop(): Promise<void> {
    while (!this.wakeup.stopping) {
      this.wakeup.clear();
      const slots = this.settings.concurrency - this.inflight.size;
      const free = Math.min(slots, this.pace.available());
      // claim in batches: with sends in flight, wait until a quarter of the slots are free
      const claiming = free > 0 && (this.inflight.size === 0 || free >= this.claimBatch);
      const claimed = claiming ? await this.claim(free) : [];
      if (claimed === null) {
        await this.wakeup.sleep(this.settings.pollMs);
        continue;
      }
      for (const row of claimed) this.startDelivery(row);
      const more = claimed.length > 0 && claimed.length === free;
      // held back by the pace (not by busy slots or an empty queue): look again once a batch may go
      const paced = free < slots && (more || !claiming);
      if (more && !paced) continue;
      const batch = Math.min(slots, this.claimBatch);
      await this.wakeup.sleep(paced ? Math.max(1, this.pace.msUntil(batch)) : this.settings.pollMs);
    }
  }

  /** up to `limit` due rows under a lease; null when the database cannot be reached */
  private async claim(limit: number): Promise<ClaimedRow[] | null> {
    try {
      const claimed = await this.deps.db.write(
        this.shopId,
        (sql) => claimDue(sql, this.shopId, limit, this.settings.leaseMs),
        { origin: "system", autocommit: true },
      );
      this.pace.take(claimed.length);
      if (this.failing) this.logger.info("Bitrix relay can reach the database again");
      this.failing = false;
      return claimed;
    } catch (error) {
      if (!this.failing) this.logger.error({ err: error }, "Bitrix relay cannot claim outbox rows; retrying");
      this.failing = true;
      return null;
    }
  }

  private startDelivery(row: ClaimedRow): void {
    const task = this.deliver(row).finally(() => {
      this.inflight.delete(task);
      this.wakeup.kick();
    });
    this.inflight.add(task);
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    const abort = new AbortController();
    this.aborts.add(abort);
    const started = process.hrtime.bigint();
    const outcome = await sendProduct(this.http, this.send!, row, abort);
    this.aborts.delete(abort);
    if (outcome.kind !== "released") {
      this.metrics.sendDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
      this.metrics.sends.inc({ outcome: outcome.kind, reason: reasonOf(outcome) });
    }
    this.logOutcome(row, outcome);
    // the slot frees as the answer arrives; the outcome joins the next batch (stop() waits for it)
    void this.recorder.record(row, outcome, this.wakeup.stopping);
  }

  private logOutcome(row: ClaimedRow, outcome: Outcome): void {
    const log = {
      outboxId: row.id,
      productId: row.productId,
      bitrixProductId: row.bitrixProductId,
      attempt: row.attempts,
    };
    if (outcome.kind === "retry")
      this.logger.warn({ ...log, error: outcome.error, retryInMs: outcome.delayMs }, "Bitrix send failed; will retry");
    if (outcome.kind === "parked")
      this.logger.error({ ...log, error: outcome.error }, "Bitrix send parked; a person must retry it");
    if (outcome.kind === "delivered") this.logger.debug(log, "Bitrix send delivered");
  }
}

export function createBitrixRelay(deps: RelayDeps): BitrixRelay {
  return new BitrixRelayWorker(deps);
}
