import { GraphQLError, type ExecutionResult } from "graphql";
import type { Viewer } from "../../core/auth";
import { ErrorCode } from "../../core/errors";
import type { FeedPosition } from "../../core/status-feed";
import type { BoardOperation } from "./operation";

/**
 * Where a subscriber's messages go: the graphql-ws socket. `send` calls `done` once the frame
 * is flushed to the kernel; cork/uncork let a batch of events leave in one write.
 */
export interface BoardTransport {
  send(data: string, done: (error?: Error) => void): void;
  cork(): void;
  uncork(): void;
}

/** One event, serialized once for every subscriber that gets it. */
export interface SerializedEvent {
  /** JSON of the ExecutionResult (`{"data":…}` or with `errors`) */
  json: string;
  historyId: string;
  position: FeedPosition;
  /** when the change was written, for the delivery-lag metric */
  at: Date;
}

export interface SubscriberHooks {
  /** the subscription ended (client completed, socket closed, expired, dropped) */
  onClose(subscriber: Subscriber): void;
  onDelivered?(at: Date): void;
  onDropped?(): void;
}

/**
 * One subscription of one board. Events are written straight to the socket as graphql-ws
 * `next` messages (serialized once per event and selection, framed per subscription id), so a
 * burst costs one write per socket rather than a JSON.stringify and a write per message.
 * graphql-ws still owns the subscription's life: it holds this object as the subscription's
 * AsyncGenerator, which yields nothing and finishes when the subscription ends, after which
 * graphql-ws sends `complete`.
 *
 * Memory stays bounded: an event whose frame the socket has not flushed yet counts as
 * queued, and a subscriber with more than `maxQueued` of them (its client does not read) is
 * dropped with a RATE_LIMITED error naming the last historyId it was sent.
 */
export class Subscriber implements AsyncGenerator<ExecutionResult, undefined, unknown> {
  /** the feed position of the last event sent to this subscriber; null until it has one */
  position: FeedPosition | null = null;
  private readonly prefix: string;
  private unflushed = 0;
  private roomWaiters: (() => void)[] = [];
  private ended = false;
  private closed = false;
  private waitingForEnd: ((value: IteratorResult<ExecutionResult, undefined>) => void) | null = null;
  private lastHistoryId: string | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly viewer: Viewer,
    readonly operation: BoardOperation,
    subscriptionId: string,
    private readonly transport: BoardTransport,
    private readonly maxQueued: number,
    private readonly hooks: SubscriberHooks,
  ) {
    this.prefix = `{"id":${JSON.stringify(subscriptionId)},"type":"next","payload":`;
    if (viewer.expiresAt) {
      // setTimeout overflows past ~24.8 days; tokens live hours, clamp anyway
      const ms = Math.min(Math.max(0, viewer.expiresAt * 1000 - Date.now()), 2_000_000_000);
      this.expiryTimer = setTimeout(
        () =>
          this.end(
            new GraphQLError("The token has expired; reconnect with a fresh token", {
              extensions: { code: ErrorCode.UNAUTHENTICATED, ...this.resumeHint() },
            }),
          ),
        ms,
      );
      this.expiryTimer.unref();
    }
  }

  get isClosed(): boolean {
    return this.ended || this.closed;
  }

  /** events sent but not yet flushed to the socket */
  get queued(): number {
    return this.unflushed;
  }

  /** Sends events in order, in one socket write. */
  deliver(events: readonly SerializedEvent[]): void {
    if (this.isClosed || events.length === 0) return;
    this.transport.cork();
    try {
      for (const event of events) {
        if (this.isClosed) break;
        this.write(this.prefix + event.json + "}");
        this.position = event.position;
        this.lastHistoryId = event.historyId;
        this.hooks.onDelivered?.(event.at);
        if (this.unflushed > this.maxQueued) {
          this.hooks.onDropped?.();
          this.end(
            new GraphQLError(
              `This board fell more than ${this.maxQueued} events behind and was dropped; resubscribe with after: the last historyId it received`,
              {
                extensions: { code: ErrorCode.RATE_LIMITED, reason: "SLOW_CONSUMER", ...this.resumeHint() },
              },
            ),
          );
        }
      }
    } finally {
      this.transport.uncork();
    }
  }

  /** Sends a message that is not an event (a notice with errors), in order with the events. */
  notify(result: ExecutionResult): void {
    if (this.isClosed) return;
    this.write(this.prefix + JSON.stringify(result) + "}");
  }

  private write(data: string): void {
    this.unflushed += 1;
    this.transport.send(data, () => {
      this.unflushed -= 1;
      if (this.unflushed < this.maxQueued / 2) this.releaseWaiters();
    });
  }

  /** Resolves once the socket has drained enough for a page of replay, so a replay never outruns a slow reader. */
  waitForRoom(): Promise<void> {
    if (this.isClosed || this.unflushed < this.maxQueued / 2) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Ends the subscription, with `error` as its last message when given; graphql-ws then sends `complete`. */
  end(error?: GraphQLError): void {
    if (this.isClosed) return;
    if (error) this.notify({ errors: [error] });
    this.ended = true;
    this.finish();
  }

  private resumeHint(): Record<string, string> {
    return this.lastHistoryId ? { lastHistoryId: this.lastHistoryId } : {};
  }

  private releaseWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    this.releaseWaiters();
    const waiting = this.waitingForEnd;
    this.waitingForEnd = null;
    waiting?.({ value: undefined, done: true });
    this.hooks.onClose(this);
  }

  /** graphql-ws pulls here: nothing is yielded, the promise settles when the subscription ends. */
  next(): Promise<IteratorResult<ExecutionResult, undefined>> {
    if (this.isClosed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waitingForEnd = resolve;
    });
  }

  /** graphql-ws calls it when the client completes the subscription or the socket closes. */
  return(): Promise<IteratorResult<ExecutionResult, undefined>> {
    this.ended = true;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<ExecutionResult, undefined>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }
}
