import pg from "pg";
import type { Logger } from "./logger";

export interface PgListenerOptions {
  connectionString: string;
  /** shown in pg_stat_activity, so an operator (or a test) can find this connection */
  applicationName: string;
  /** the channels to LISTEN on (plain identifiers) */
  channels: readonly string[];
  logger: Logger;
  /** what to say in the log when the connection is lost (the consequence, for the operator) */
  lostMessage: string;
  onNotification(channel: string, payload: string | undefined): void;
  /** (re)connected and listening: NOTIFYs sent while disconnected are lost, so re-read what they announce */
  onListening?(reconnected: boolean): void;
  /** the connection is gone; notifications are missed until onListening */
  onLost?(): void;
}

/**
 * One LISTEN connection that stays up: NOTIFY is not durable, so when the connection drops it
 * reconnects with backoff (100 ms doubling to 5 s, with jitter so several processes do not
 * reconnect in step) and reports both edges; the owner fills the gap from the table. On pg's
 * public Client API. pg-listen does the same but has had no release since 2020 and parses
 * payloads itself; this is the ~100 lines we need.
 */
export class PgListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private attempt = 0;
  private everListened = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: PgListenerOptions) {
    for (const channel of options.channels)
      if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  }

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
    });
    this.client = client;
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = null;
      client.removeAllListeners("notification");
      client.end().catch(() => undefined);
      this.options.onLost?.();
      if (this.stopped) return;
      this.options.logger.warn({ err: error?.message }, this.options.lostMessage);
      this.scheduleReconnect();
    };
    client.on("error", onLost);
    client.on("end", () => onLost());
    client.on("notification", (message) => this.options.onNotification(message.channel, message.payload));
    try {
      await client.connect();
      for (const channel of this.options.channels) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      onLost(error as Error);
      return;
    }
    if (this.stopped) return void client.end().catch(() => undefined);
    this.attempt = 0;
    const reconnected = this.everListened;
    this.everListened = true;
    this.options.logger.info({ channels: this.options.channels, reconnected }, "listening");
    this.options.onListening?.(reconnected);
  }

  private scheduleReconnect(): void {
    if (this.retryTimer || this.stopped) return;
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
