import type { Database } from "../../core/db";
import type { Logger } from "../../core/logger";
import { PgListener } from "../../core/pg-listener";
import { HISTORY_CHANNEL, parseHistoryAnnouncement } from "../../core/status-feed";
import { consumeForOrder, dueForConsumption, ensureWatermark, pendingAssembled } from "./consumption";
import { pendingReturns, returnForOrder } from "./stock-return";

export const ORDER_STATUS_CHANNEL = HISTORY_CHANNEL;

export interface StockConsumerOptions {
  db: Database;
  databaseUrl: string;
  logger: Logger;
  /** how often every shop is swept for missed ASSEMBLED rows; the NOTIFY path is the fast one */
  pollMs: number;
}

/**
 * Learns of assembled orders through PostgreSQL only: it LISTENs to the order_history
 * trigger's `order_status_changed` notifications (fast path) and polls order_history
 * (catch-up after downtime or a lost connection). Each order is consumed by one tenant
 * statement (consumeForOrder), whose UNIQUE claim makes both paths safe to overlap, and safe
 * to run in several processes.
 */
export class StockConsumer {
  private listener: PgListener | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** shops to sweep (a notification that named no order) */
  private dirty = new Set<number>();
  /** announced ASSEMBLED rows not yet consumed, by order: the fast path needs no sweep */
  private announced = new Map<number, { shopId: number; historyId: bigint }>();
  /** announced cancellations whose consumed stock may have to go back, by order */
  private cancelled = new Map<number, number>();
  private sweepAll = false;
  private running: Promise<void> | null = null;
  /** orders whose consumption failed and was rolled back, since start (tests and metrics read it) */
  failures = 0;

  constructor(private readonly options: StockConsumerOptions) {}

  async start(): Promise<void> {
    await this.withEachShop((shopId) =>
      this.options.db.withTenant(shopId, (tx) => ensureWatermark(tx, shopId), { origin: "system" }),
    );
    await this.listen();
    this.timer = setInterval(() => this.schedule(null), this.options.pollMs);
    this.timer.unref();
    this.schedule(null);
    await this.idle();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.listener?.stop();
    await this.idle();
  }

  /** Resolves when no sweep is running or queued. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Queues a sweep of one shop (a notification) or of all shops (the poll). */
  schedule(shopId: number | null): void {
    if (this.stopped) return;
    if (shopId === null) this.sweepAll = true;
    else this.dirty.add(shopId);
    this.run();
  }

  /**
   * Queues one announced ASSEMBLED row for consumption: no sweep of the shop's history, which
   * grows with every order. The claim in consumeForOrder makes a repeat (or a sweep finding the
   * same order) harmless; the poll's sweep catches whatever this path misses.
   */
  consumeAnnounced(shopId: number, orderId: number, historyId: bigint): void {
    if (this.stopped) return;
    this.announced.set(orderId, { shopId, historyId });
    this.run();
  }

  /** Queues one announced cancellation: its consumed stock (if any) goes back once (stock-return.ts). */
  returnAnnounced(shopId: number, orderId: number): void {
    if (this.stopped) return;
    this.cancelled.set(orderId, shopId);
    this.run();
  }

  private run(): void {
    if (!this.running) {
      this.running = this.drain().finally(() => {
        this.running = null;
      });
    }
  }

  private async drain(): Promise<void> {
    while (!this.stopped && (this.sweepAll || this.dirty.size || this.announced.size || this.cancelled.size)) {
      const cancelled = [...this.cancelled];
      this.cancelled.clear();
      for (const [orderId, shopId] of cancelled) {
        if (this.stopped) return;
        await this.returnStock(shopId, orderId);
      }
      const announced = new Map<number, { orderId: number; historyId: bigint }[]>();
      for (const [orderId, { shopId, historyId }] of this.announced) {
        const ofShop = announced.get(shopId) ?? [];
        ofShop.push({ orderId, historyId });
        announced.set(shopId, ofShop);
      }
      this.announced.clear();
      for (const [shopId, orders] of announced) {
        const due = await this.dueOf(shopId, orders);
        for (const { orderId, historyId } of orders) {
          if (this.stopped) return;
          if (due === null || due.has(historyId)) await this.consume(shopId, orderId, historyId);
        }
      }
      const all = this.sweepAll;
      const shops = [...this.dirty];
      this.sweepAll = false;
      this.dirty.clear();
      try {
        if (all) await this.withEachShop((shopId) => this.sweepShop(shopId));
        else for (const shopId of shops) await this.sweepShop(shopId);
      } catch (error) {
        this.options.logger.error({ err: error }, "stock consumption sweep failed; the next poll retries");
      }
    }
  }

  /**
   * Consumes every pending assembled order of one shop, each in its own transaction. An order
   * that fails is logged and left for the next sweep; it does not hold up the orders after it.
   */
  async sweepShop(shopId: number): Promise<number> {
    const { db } = this.options;
    let consumed = 0;
    let after = 0n;
    for (;;) {
      const pending = await db.read(shopId, (sql) => pendingAssembled(sql, shopId, after));
      if (!pending.length) {
        await this.sweepReturns(shopId);
        return consumed;
      }
      for (const row of pending) {
        if (this.stopped) return consumed;
        after = row.id;
        if (await this.consume(shopId, row.orderId, row.id)) consumed += 1;
      }
    }
  }

  /** Returns the stock of every cancelled order of the shop whose return is still missing. */
  private async sweepReturns(shopId: number): Promise<void> {
    for (;;) {
      const pending = await this.options.db.read(shopId, (sql) => pendingReturns(sql, shopId));
      let returned = 0;
      for (const { orderId } of pending) {
        if (this.stopped) return;
        if (await this.returnStock(shopId, orderId)) returned += 1;
      }
      // a failing return stays pending: leave it to the next sweep instead of looping on it
      if (pending.length === 0 || returned === 0) return;
    }
  }

  /** Returns one cancelled order's consumed stock (one statement); false when there was none to return or it failed (logged). */
  private async returnStock(shopId: number, orderId: number): Promise<boolean> {
    const { db, logger } = this.options;
    try {
      const record = await db.write(shopId, (sql) => returnForOrder(sql, shopId, orderId), {
        origin: "system",
        autocommit: true,
      });
      if (record) logger.info({ shopId, orderId }, "cancelled order's stock returned");
      return record !== null;
    } catch (error) {
      logger.error({ err: error, shopId, orderId }, "stock return failed; retried on the next sweep");
      this.failures += 1;
      return false;
    }
  }

  /** The announced rows still to consume, in one read; null (try them all) when the read fails. */
  private async dueOf(shopId: number, orders: { historyId: bigint }[]): Promise<Set<bigint> | null> {
    try {
      return await this.options.db.read(shopId, (sql) =>
        dueForConsumption(
          sql,
          shopId,
          orders.map((order) => order.historyId),
        ),
      );
    } catch (error) {
      this.options.logger.warn({ err: error, shopId }, "could not read which announced orders are due; trying each");
      return null;
    }
  }

  /** Consumes one order (one statement); false when it was consumed before or failed (logged, left for the next sweep). */
  private async consume(shopId: number, orderId: number, historyId: bigint): Promise<boolean> {
    const { db, logger } = this.options;
    let record;
    try {
      record = await db.write(shopId, (sql) => consumeForOrder(sql, shopId, orderId, historyId), {
        origin: "system",
        autocommit: true,
      });
    } catch (error) {
      logger.error({ err: error, shopId, orderId }, "stock consumption failed; retried on the next sweep");
      this.failures += 1;
      return false;
    }
    if (!record) return false;
    const log = { shopId, orderId, historyId: String(historyId), shortfallUnits: record.shortfallUnits };
    if (record.shortfallUnits > 0) logger.warn(log, "order assembled with stock shortfall");
    else logger.info(log, "order stock consumed");
    return true;
  }

  private async withEachShop(work: (shopId: number) => Promise<unknown>): Promise<void> {
    const shops = await this.options.db.pool.query<{ id: number }>("select stock_consumer_shop_ids() as id");
    for (const { id } of shops.rows) await work(id);
  }

  /**
   * LISTENs through core/pg-listener.ts (reconnects with backoff). Resolves once listening, or
   * once the first attempt failed (the poll covers until it is back). Whatever was announced
   * while deaf is found by a sweep of all shops when listening resumes.
   */
  private listen(): Promise<void> {
    return new Promise((resolve) => {
      let started = false;
      const ready = () => {
        if (started) return false;
        started = true;
        resolve();
        return true;
      };
      this.listener = new PgListener({
        connectionString: this.options.databaseUrl,
        applicationName: "cvety-stock-consumer",
        channels: [ORDER_STATUS_CHANNEL],
        logger: this.options.logger,
        lostMessage: "stock consumer lost its LISTEN connection; polling until it is back",
        onNotification: (_channel, payload) => this.onAnnouncement(payload),
        onListening: () => {
          if (!ready()) this.schedule(null);
        },
        onLost: () => void ready(),
      });
      this.listener.start();
    });
  }

  /** One order_history announcement: a cancellation to give back, an assembled order to consume, or a shop to sweep. */
  private onAnnouncement(payload: string | undefined): void {
    const announced = parseHistoryAnnouncement(payload);
    if (!announced) return this.schedule(null);
    // a cancelled order may have stock to give back (the poll catches anything missed)
    if (
      announced.kind === "STATUS" &&
      announced.newStatus === "CANCELLED" &&
      announced.shopId !== null &&
      announced.orderId !== undefined
    ) {
      return this.returnAnnounced(announced.shopId, announced.orderId);
    }
    // only an order reaching ASSEMBLED has stock to consume (the poll catches anything missed)
    if (announced.kind !== undefined && (announced.kind !== "STATUS" || announced.newStatus !== "ASSEMBLED")) return;
    if (announced.shopId !== null && announced.orderId !== undefined && announced.historyId !== undefined) {
      return this.consumeAnnounced(announced.shopId, announced.orderId, announced.historyId);
    }
    this.schedule(announced.shopId);
  }
}
