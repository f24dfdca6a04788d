import crypto from "node:crypto";
import type { Viewer } from "../../core/auth";
import type { InternalAnswer, InternalClient } from "../../core/internal-operations";
import { positionFromWire, positionToWire, type FeedPosition } from "../../core/status-feed";

/**
 * The shop's status feed, read through the orders subgraph (its internal operations
 * `status-feed.*`, subgraphs/orders/status-feed-operations.ts): the router holds no SQL of the
 * orders' tables. Each call is signed with a subscriber's viewer; the subgraph reads that shop's
 * feed only.
 */
export const FEED_HOST = {
  subgraph: "orders",
  page: "status-feed.page",
  position: "status-feed.position",
  head: "status-feed.head",
  holder: "status-feed.holder",
} as const;

/** One row of a page: its place in the feed, its history id and when it was written. */
export interface FeedRow {
  position: FeedPosition;
  historyId: string;
  createdAt: Date;
}

export interface FeedPage {
  /** rows handed out, in feed order */
  rows: FeedRow[];
  /** true when more rows are committed but wait for an older transaction to finish */
  pending: boolean;
  /** true when a whole page was returned and more may follow */
  more: boolean;
}

/** The session an older open transaction belongs to (see BoardHub.noteHeld); `{}` when none has one. */
export type FeedHolder = { transaction?: Record<string, unknown> } | null;

/** The orders subgraph answered that its database is unavailable (503): retried like a lost connection. */
export class FeedUnavailableError extends Error {}

export class StatusFeed {
  constructor(private readonly internal: InternalClient) {}

  /** Up to `limit` settled rows after `after` (up to `until`, inclusive), in feed order. */
  async page(viewer: Viewer, after: FeedPosition, limit: number, until?: FeedPosition): Promise<FeedPage> {
    const body = await this.call(viewer, FEED_HOST.page, {
      after: positionToWire(after),
      limit,
      ...(until ? { until: positionToWire(until) } : {}),
    });
    const rows = (body.rows as { xactId: string; id: string; createdAt: string }[]).map((row) => ({
      position: this.position_(row),
      historyId: row.id,
      createdAt: new Date(row.createdAt),
    }));
    return { rows, pending: body.pending === true, more: body.more === true };
  }

  /** Where the shop's history entry `historyId` stands; null when the shop has none (another shop's too). */
  async position(viewer: Viewer, historyId: bigint): Promise<FeedPosition | null> {
    const body = await this.call(viewer, FEED_HOST.position, { historyId: historyId.toString() });
    return body.position === null ? null : this.position_(body.position);
  }

  /** The shop's last settled position: where a new subscriber joins. */
  async head(viewer: Viewer): Promise<FeedPosition> {
    return this.position_((await this.call(viewer, FEED_HOST.head, {})).position);
  }

  /** The session holding back the feed, when one does (see BoardHub.noteHeld). */
  async holder(viewer: Viewer): Promise<FeedHolder> {
    return (await this.call(viewer, FEED_HOST.holder, {})).holder as FeedHolder;
  }

  private position_(value: unknown): FeedPosition {
    const position = positionFromWire(value);
    if (!position) throw new Error(`the orders subgraph answered a malformed feed position: ${JSON.stringify(value)}`);
    return position;
  }

  private async call(viewer: Viewer, operation: string, input: unknown): Promise<Record<string, unknown>> {
    const answer: InternalAnswer = await this.internal.call(FEED_HOST.subgraph, operation, input, {
      viewer,
      requestId: crypto.randomUUID(),
    });
    if (answer.status === 503) throw new FeedUnavailableError(String(answer.body.error));
    if (answer.status !== 200) throw new Error(`${operation} answered ${answer.status}: ${String(answer.body.error)}`);
    return answer.body;
  }
}
