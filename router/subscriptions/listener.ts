import type { Logger } from "../../core/logger";
import { PgListener } from "../../core/pg-listener";

/**
 * The order_history trigger's wake-up for live boards (migration 20261207004000_board_feed_signal):
 * the shop id of a committed history row, and nothing else; the board reads what moved through
 * the orders subgraph.
 */
export const BOARD_CHANNEL = "order_feed_moved";
export const LISTENER_APPLICATION_NAME = "cvety-board-listener";

export interface ListenerOptions {
  connectionString: string;
  logger: Logger;
  /** a history row of this shop committed */
  onNotify(shopId: number): void;
  /** (re)connected and listening: NOTIFYs sent while disconnected are lost, so re-read the feeds */
  onListening(reconnected: boolean): void;
  onStateChange?(connected: boolean): void;
}

/** The router process's LISTEN connection for the board (core/pg-listener.ts keeps it up). */
export class StatusChangeListener {
  private readonly listener: PgListener;

  constructor(options: ListenerOptions) {
    this.listener = new PgListener({
      connectionString: options.connectionString,
      applicationName: LISTENER_APPLICATION_NAME,
      channels: [BOARD_CHANNEL],
      logger: options.logger,
      lostMessage: "board listener connection lost; reconnecting (the boards catch up from the feed)",
      onNotification: (_channel, payload) => {
        const shopId = Number(payload);
        if (Number.isSafeInteger(shopId) && shopId > 0) options.onNotify(shopId);
        else options.logger.warn("board listener got a malformed notification");
      },
      onListening: (reconnected) => {
        options.onStateChange?.(true);
        options.onListening(reconnected);
      },
      onLost: () => options.onStateChange?.(false),
    });
  }

  start(): void {
    this.listener.start();
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }
}
