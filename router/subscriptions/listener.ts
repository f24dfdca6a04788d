import pg from "pg";
import type { Logger } from "../../core/logger";
import { FEED_KINDS, HISTORY_CHANNEL, parseHistoryAnnouncement } from "../../core/status-feed";

export const BOARD_CHANNEL = HISTORY_CHANNEL;
export const LISTENER_APPLICATION_NAME = "cvety-board-listener";

export interface ListenerOptions {
  connectionString: string;
  logger: Logger;
  /** a committed history row of this shop was announced */
  onNotify(shopId: number): void;
  /** (re)connected and listening: NOTIFYs sent while disconnected are lost, so re-read the table */
  onListening(reconnected: boolean): void;
  onStateChange?(connected: boolean): void;
}

/**
 * The router process's one LISTEN connection. NOTIFY is not durable, so when the connection
 * drops it reconnects with backoff and reports it; the hub then fills the gap from the table.
 */
export class StatusChangeListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private attempt = 0;
  private everListened = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: ListenerOptions) {}

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: LISTENER_APPLICATION_NAME,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
    });
    this.client = client;
    let failed = false;
    const onLost = (error?: Error) => {
      if (failed) return;
      failed = true;
      if (this.client === client) this.client = null;
      client.removeAllListeners("notification");
      client.end().catch(() => undefined);
      this.options.onStateChange?.(false);
      if (!this.stopped) {
        this.options.logger.warn({ err: error?.message }, "board listener connection lost; reconnecting");
        this.scheduleReconnect();
      }
    };
    client.on("error", onLost);
    client.on("end", () => onLost());
    client.on("notification", (message) => {
      if (message.channel !== BOARD_CHANNEL || !message.payload) return;
      const announced = parseHistoryAnnouncement(message.payload);
      if (!announced) {
        this.options.logger.warn("board listener got a malformed notification");
        return;
      }
      // notes and photos are history too, but not on the board's feed (status changes and edits are)
      if (announced.shopId !== null && (announced.kind === undefined || FEED_KINDS.includes(announced.kind)))
        this.options.onNotify(announced.shopId);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${BOARD_CHANNEL}`);
    } catch (error) {
      onLost(error as Error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.attempt = 0;
    const reconnected = this.everListened;
    this.everListened = true;
    this.options.onStateChange?.(true);
    this.options.logger.info({ reconnected }, "board listener listening");
    this.options.onListening(reconnected);
  }

  private scheduleReconnect(): void {
    if (this.retryTimer || this.stopped) return;
    // 100 ms, 200 ms … capped at 5 s, with jitter so several routers do not reconnect in step
    const delay = Math.min(5_000, 100 * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners();
      client.on("error", () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
