import { GraphQLError, type ExecutionResult } from "graphql";
import type { Viewer } from "../../core/auth";
import { ErrorCode } from "../../core/errors";
import type { FeedPosition } from "../../core/status-feed";
import type { BoardOperation } from "./operation";

interface Queued {
  result: ExecutionResult;
  /** history id, for the resume hint when a slow subscriber is dropped */
  historyId?: string;
  /** when the change was written, for the delivery-lag metric */
  at?: Date;
}

export interface SubscriberHooks {
  /** the subscription ended (client completed, socket closed, expired, dropped) */
  onClose(subscriber: Subscriber): void;
  onDelivered?(at: Date | undefined): void;
  onDropped?(): void;
}

/**
 * One subscription of one board: a bounded queue the graphql-ws server pulls from. It is an
 * AsyncGenerator so graphql-ws can `return()` it when the client completes or disconnects.
 */
export class Subscriber implements AsyncGenerator<ExecutionResult, undefined, unknown> {
  /** the feed position of the last event queued for this subscriber; null until it has one */
  position: FeedPosition | null = null;
  private readonly queue: Queued[] = [];
  private pull: ((value: IteratorResult<ExecutionResult, undefined>) => void) | null = null;
  private roomWaiters: (() => void)[] = [];
  private ending = false;
  private closed = false;
  private lastDeliveredHistoryId: string | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly viewer: Viewer,
    readonly operation: BoardOperation,
    readonly requestId: string,
    private readonly maxQueued: number,
    private readonly hooks: SubscriberHooks,
  ) {
    if (viewer.expiresAt) {
      // setTimeout overflows past ~24.8 days; tokens live hours, clamp anyway
      const ms = Math.min(Math.max(0, viewer.expiresAt * 1000 - Date.now()), 2_000_000_000);
      this.expiryTimer = setTimeout(() => this.end(new GraphQLError("The token has expired; reconnect with a fresh token", {
        extensions: { code: ErrorCode.UNAUTHENTICATED, ...this.resumeHint() },
      })), ms);
      this.expiryTimer.unref();
    }
  }

  get isClosed(): boolean {
    return this.closed || this.ending;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Queues an event. A subscriber that falls `maxQueued` events behind is dropped, not buffered. */
  push(result: ExecutionResult, event?: { historyId: string; at: Date }): void {
    if (this.isClosed) return;
    if (this.pull) {
      const pull = this.pull;
      this.pull = null;
      this.delivered({ result, ...event });
      pull({ value: result, done: false });
      return;
    }
    if (this.queue.length >= this.maxQueued) {
      this.queue.length = 0;
      this.hooks.onDropped?.();
      this.end(
        new GraphQLError(`This board fell more than ${this.maxQueued} events behind and was dropped; resubscribe with after: the last historyId it received`, {
          extensions: { code: ErrorCode.RATE_LIMITED, reason: "SLOW_CONSUMER", ...this.resumeHint() },
        }),
      );
      return;
    }
    this.queue.push({ result, ...event });
  }

  /** Resolves once the queue has room for a page of replay, so a replay never outruns a slow reader. */
  waitForRoom(): Promise<void> {
    if (this.isClosed || this.queue.length < this.maxQueued / 2) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Ends the subscription after what is queued, with `error` as its last message when given. */
  end(error?: GraphQLError): void {
    if (this.isClosed) return;
    if (error) this.queue.push({ result: { errors: [error] } });
    this.ending = true;
    this.clearTimer();
    this.releaseWaiters();
    if (this.pull) this.drain();
  }

  private resumeHint(): Record<string, string> {
    return this.lastDeliveredHistoryId ? { lastHistoryId: this.lastDeliveredHistoryId } : {};
  }

  private delivered(item: Queued): void {
    if (item.historyId) this.lastDeliveredHistoryId = item.historyId;
    if (item.historyId) this.hooks.onDelivered?.(item.at);
  }

  private drain(): void {
    const pull = this.pull;
    if (!pull) return;
    const item = this.queue.shift();
    if (item) {
      this.pull = null;
      this.delivered(item);
      pull({ value: item.result, done: false });
    } else if (this.ending) {
      this.pull = null;
      this.finish();
      pull({ value: undefined, done: true });
    }
  }

  private releaseWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private clearTimer(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimer();
    this.queue.length = 0;
    this.releaseWaiters();
    this.hooks.onClose(this);
  }

  next(): Promise<IteratorResult<ExecutionResult, undefined>> {
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    const item = this.queue.shift();
    if (item) {
      this.delivered(item);
      if (this.queue.length < this.maxQueued / 2) this.releaseWaiters();
      return Promise.resolve({ value: item.result, done: false });
    }
    if (this.ending) {
      this.finish();
      return Promise.resolve({ value: undefined, done: true });
    }
    this.releaseWaiters();
    return new Promise((resolve) => {
      this.pull = resolve;
    });
  }

  return(): Promise<IteratorResult<ExecutionResult, undefined>> {
    const pull = this.pull;
    this.pull = null;
    this.ending = true;
    this.finish();
    pull?.({ value: undefined, done: true });
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
