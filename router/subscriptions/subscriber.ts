import { GraphQLError, type ExecutionResult } from "graphql";
import type { Viewer } from "../../core/auth";
import { ErrorCode } from "../../core/errors";
import type { FeedPosition } from "../../core/status-feed";
import type { BoardOperation } from "./operation";

/** One event, resolved once for every subscriber of a selection (the same object goes to each). */
export interface BoardEvent {
  /** the ExecutionResult graphql-ws sends as the `next` message's payload */
  result: ExecutionResult;
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

type Pulled = IteratorResult<ExecutionResult, undefined>;
const DONE: Pulled = { value: undefined, done: true };

/**
 * One subscription of one board, as the AsyncGenerator graphql-ws's server iterates: the hub
 * pushes events in, graphql-ws pulls them out and sends each as a `next` message. graphql-ws
 * pulls the next result only once the previous message is flushed to the socket, so what
 * waits here is what the client has not read yet.
 *
 * Memory stays bounded: a subscriber with more than `maxQueued` events waiting (its client does
 * not read) is dropped with a RATE_LIMITED error naming the last historyId it was sent.
 */
export class Subscriber implements AsyncGenerator<ExecutionResult, undefined, unknown> {
  /** the feed position of the last event handed to this subscriber; null until it has one */
  position: FeedPosition | null = null;
  private queue: { result: ExecutionResult; event?: BoardEvent }[] = [];
  private roomWaiters: (() => void)[] = [];
  /** no more events are taken; what is queued is still sent */
  private ended = false;
  /** finished: graphql-ws is told `done` */
  private closed = false;
  private detached = false;
  private puller: ((value: Pulled) => void) | null = null;
  private lastHistoryId: string | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly viewer: Viewer,
    readonly operation: BoardOperation,
    private readonly maxQueued: number,
    private readonly hooks: SubscriberHooks,
  ) {
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

  /** events handed in but not yet taken by graphql-ws (its client has not read the ones before) */
  get queued(): number {
    return this.queue.length;
  }

  /** Queues events in order; drops the subscriber when its client has fallen too far behind. */
  deliver(events: readonly BoardEvent[]): void {
    if (this.isClosed || events.length === 0) return;
    for (const event of events) this.queue.push({ result: event.result, event });
    this.position = events[events.length - 1].position;
    if (this.queue.length > this.maxQueued) {
      this.hooks.onDropped?.();
      // what waits is never sent: the client resumes behind the last event it was sent
      this.queue = [];
      this.end(
        new GraphQLError(
          `This board fell more than ${this.maxQueued} events behind and was dropped; resubscribe with after: the last historyId it received`,
          { extensions: { code: ErrorCode.RATE_LIMITED, reason: "SLOW_CONSUMER", ...this.resumeHint() } },
        ),
      );
      return;
    }
    this.handOver();
  }

  /** Sends a message that is not an event (a notice with errors), in order with the events. */
  notify(result: ExecutionResult): void {
    if (this.isClosed) return;
    this.queue.push({ result });
    this.handOver();
  }

  /** Resolves once the client has read enough for a page of replay, so a replay never outruns a slow reader. */
  waitForRoom(): Promise<void> {
    if (this.isClosed || this.queue.length < this.maxQueued / 2) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Ends the subscription after what is queued, with `error` as its last message when given; graphql-ws then sends `complete`. */
  end(error?: GraphQLError): void {
    if (this.isClosed) return;
    if (error) this.queue.push({ result: { errors: [error] } });
    this.ended = true;
    this.detach();
    this.handOver();
  }

  /** graphql-ws pulls here, once the previous message is flushed. */
  next(): Promise<Pulled> {
    const taken = this.take();
    if (taken) return Promise.resolve(taken);
    return new Promise((resolve) => {
      this.puller = resolve;
    });
  }

  /** graphql-ws calls it when the client completes the subscription or the socket closes. */
  return(): Promise<Pulled> {
    this.queue = [];
    this.ended = true;
    this.finish();
    return Promise.resolve(DONE);
  }

  throw(error: unknown): Promise<Pulled> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  /** the next result for graphql-ws, `done` once ended and drained, or null when nothing waits */
  private take(): Pulled | null {
    const next = this.queue.shift();
    if (!next) {
      if (!this.ended) return null;
      this.finish();
      return DONE;
    }
    if (next.event) {
      this.lastHistoryId = next.event.historyId;
      this.hooks.onDelivered?.(next.event.at);
    }
    if (this.queue.length < this.maxQueued / 2) this.releaseWaiters();
    return { value: next.result, done: false };
  }

  private handOver(): void {
    const puller = this.puller;
    if (!puller) return;
    const taken = this.take();
    if (!taken) return;
    this.puller = null;
    puller(taken);
  }

  private resumeHint(): Record<string, string> {
    return this.lastHistoryId ? { lastHistoryId: this.lastHistoryId } : {};
  }

  private releaseWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** out of the hub (its caps and stream) at once, though graphql-ws may still be sending what is queued */
  private detach(): void {
    if (this.detached) return;
    this.detached = true;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    this.releaseWaiters();
    this.hooks.onClose(this);
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.detach();
    const puller = this.puller;
    this.puller = null;
    puller?.(DONE);
  }
}
