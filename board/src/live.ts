/**
 * The board's live feed: `orderStatusChanged` over graphql-ws, resumed with `after` behind the
 * last event applied, so a dropped connection misses nothing and repeats nothing.
 *
 * Each connection attempt is a fresh graphql-ws client with retries off: graphql-ws would
 * resubscribe with the variables of the first subscribe, so the reconnect loop (with backoff
 * and jitter) is ours, and each attempt subscribes behind the newest event seen.
 */
import { createClient, type Client } from "graphql-ws";
import type { BoardChangesSubscription } from "./__generated__/operations";
import type { GraphQLErrorShape } from "./api";

export type Change = BoardChangesSubscription["orderStatusChanged"];
export type LiveState = "connecting" | "online" | "offline";

export interface LiveHandlers {
  change(change: Change): void;
  /** the order left this board (taken from the courier watching): drop its card */
  removed(orderId: string): void;
  state(state: LiveState): void;
  /** the token was refused (4401) or expired mid-stream: sign in again, then `start` */
  unauthenticated(): void;
  /** the feed cannot resume (offline too long, or `after` unknown): reload, then `start(head)` */
  reload(): void;
}

export interface LiveOptions {
  url: string;
  /** the subscription's text, its fragment included */
  query: string;
  token: () => string;
  /** offline longer than this reloads the board instead of replaying */
  longGapMs?: number;
  keepAliveMs?: number;
  pongTimeoutMs?: number;
  backoff?: { minMs: number; maxMs: number };
}

const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_FORBIDDEN = 4403;

export class LiveFeed {
  private client: Client | null = null;
  private cursor: string | null = null;
  private attempt = 0;
  private offlineSince: number | null = null;
  private retryTimer: number | undefined;
  private running = false;
  private readonly options: Required<LiveOptions>;

  constructor(
    options: LiveOptions,
    private readonly handlers: LiveHandlers,
  ) {
    this.options = {
      longGapMs: 5 * 60_000,
      keepAliveMs: 10_000,
      pongTimeoutMs: 5_000,
      backoff: { minMs: 500, maxMs: 30_000 },
      ...options,
    };
    window.addEventListener("online", () => this.running && this.offlineSince !== null && this.retryNow());
    window.addEventListener("offline", () => this.client?.terminate());
  }

  /** Subscribes behind `after` (a historyId; null: from now on). */
  start(after: string | null): void {
    this.stop();
    this.running = true;
    this.cursor = after;
    this.connect();
  }

  /** Closes the socket; nothing reconnects until `start`. */
  stop(): void {
    this.running = false;
    clearTimeout(this.retryTimer);
    this.closeClient();
  }

  /** The historyId of the last event applied. */
  get lastHistoryId(): string | null {
    return this.cursor;
  }

  private connect(): void {
    // a reconnect attempt still says the board may be stale, until the socket is back
    this.handlers.state(this.offlineSince === null ? "connecting" : "offline");
    const client = (this.client = this.createClient());
    client.subscribe<BoardChangesSubscription>(
      { query: this.options.query, variables: { after: this.cursor } },
      {
        next: (result) =>
          client === this.client && this.receive(result.data ?? null, (result.errors ?? []) as GraphQLErrorShape[]),
        error: (error) => client === this.client && this.lost(error),
        // the server ends a stream only to say something (a token expired, a slow reader): go again
        complete: () => client === this.client && this.lost(null),
      },
    );
  }

  private createClient(): Client {
    let pongTimer: number | undefined;
    let socket: WebSocket | null = null;
    return createClient({
      url: this.options.url,
      lazy: true,
      retryAttempts: 0,
      keepAlive: this.options.keepAliveMs,
      connectionParams: () => ({ authorization: `Bearer ${this.options.token()}` }),
      on: {
        connected: (opened) => {
          socket = opened as WebSocket;
          this.attempt = 0;
          this.offlineSince = null;
          this.handlers.state("online");
        },
        ping: (received) => {
          if (received) return;
          clearTimeout(pongTimer);
          // a socket that does not answer our ping is dead even if the browser thinks otherwise
          pongTimer = window.setTimeout(
            () => socket?.readyState === WebSocket.OPEN && socket.close(4408, "pong timeout"),
            this.options.pongTimeoutMs,
          );
        },
        pong: (received) => received && clearTimeout(pongTimer),
        closed: () => clearTimeout(pongTimer),
      },
    });
  }

  private receive(data: BoardChangesSubscription | null, errors: GraphQLErrorShape[]): void {
    for (const error of errors) {
      const ext = error.extensions ?? {};
      if (ext.code === "UNAUTHENTICATED") {
        this.stop();
        this.handlers.unauthenticated();
        return;
      }
      if (ext.field === "after") {
        // our cursor is not in the shop's history (a reset database): the stream goes on live
        this.handlers.reload();
        return;
      }
      if (typeof ext.lastHistoryId === "string") this.cursor = ext.lastHistoryId;
      if (ext.reason === "UNASSIGNED" && typeof ext.orderId === "string" && typeof ext.historyId === "string") {
        // the change that took an order from this courier: only its id and the change's come
        this.cursor = ext.historyId;
        this.handlers.removed(ext.orderId);
      }
    }
    if (!data) return;
    this.cursor = data.orderStatusChanged.historyId;
    this.handlers.change(data.orderStatusChanged);
  }

  private lost(error: unknown): void {
    if (!this.running) return;
    this.closeClient();
    const code = (error as { code?: number } | null)?.code;
    if (code === CLOSE_UNAUTHORIZED || code === CLOSE_FORBIDDEN) {
      this.stop();
      this.handlers.unauthenticated();
      return;
    }
    this.offlineSince ??= Date.now();
    this.handlers.state("offline");
    const { minMs, maxMs } = this.options.backoff;
    const delay = Math.min(maxMs, minMs * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => this.retryNow(), delay);
  }

  private retryNow(): void {
    clearTimeout(this.retryTimer);
    if (!this.running) return;
    if (this.offlineSince !== null && Date.now() - this.offlineSince > this.options.longGapMs) {
      this.stop();
      this.handlers.reload();
      return;
    }
    this.closeClient();
    this.connect();
  }

  private closeClient(): void {
    const client = this.client;
    this.client = null;
    void client?.dispose();
  }
}
