import crypto from "node:crypto";
import { GraphQLError } from "graphql";
import type { Viewer } from "../../core/auth";
import type { BoardConfig } from "../../core/config";
import { ErrorCode, isDatabaseUnavailable } from "../../core/errors";
import { SubgraphUnavailableError } from "../../core/internal-operations";
import type { Logger } from "../../core/logger";
import { comparePositions, type FeedPosition } from "../../core/status-feed";
import { FeedUnavailableError, type FeedPage, type FeedRow, type StatusFeed } from "./feed";
import { eventVariables, splitEvents, EVENTS_OPERATION, type BoardOperation, type FormattedError } from "./operation";
import { Subscriber, type BoardEvent } from "./subscriber";
import { FairTurns, ReplayPlaces, SubscriberCaps, userKey } from "./caps";

/** Resolves a batched events query through the gateway with a subscriber's context. */
export type ResolveEvents = (
  query: string,
  variables: Record<string, unknown>,
  context: { viewer: Viewer; requestId: string },
) => Promise<{ data?: Record<string, unknown> | null; errors?: readonly FormattedError[] }>;

export interface HubMetrics {
  eventDispatched(): void;
  delivered(at: Date | undefined): void;
  dropped(): void;
  resolution(): void;
}

/** rows read per page, and history ids per events query (the events field takes at most 100) */
const PAGE = 100;
const NOTHING_READ: FeedPage = { rows: [], pending: false, more: false };

/** The events a subscriber has not been sent yet (it may have replayed past the live stream). */
/**
 * Subscribers resolved together: same role and selection; a COURIER's events are resolved with
 * their own viewer (they see only their own orders), never shared with another courier.
 */
function groupKeyOf(subscriber: Subscriber): string {
  const { role, userId } = subscriber.viewer;
  return role === "COURIER"
    ? `${role}\n${userId}\n${subscriber.operation.groupKey}`
    : `${role}\n${subscriber.operation.groupKey}`;
}

function newFor(subscriber: Subscriber, events: BoardEvent[]): BoardEvent[] {
  const from = subscriber.position;
  if (!from) return events;
  let start = 0;
  while (start < events.length && comparePositions(events[start].position, from) <= 0) start += 1;
  return start === 0 ? events : events.slice(start);
}

/** Subscribers of one shop with one selection (and role): resolved once per event, for all of them. */
interface Group {
  operation: BoardOperation;
  viewer: Viewer;
  subscribers: Set<Subscriber>;
}

/**
 * The live stream of one shop in this router process. Work runs one task at a time (the
 * pump, a subscriber's final catch-up), so `position` only moves inside a task and a
 * subscriber attaches exactly where the stream stands.
 */
class ShopChannel {
  /** the feed position the live stream has dispatched up to; null until the first subscriber attaches */
  position: FeedPosition | null = null;
  /** since when committed rows of this shop have waited on an older running transaction, with nothing dispatched; null when none wait */
  heldSince: number | null = null;
  readonly groups = new Map<string, Group>();
  /** every subscriber of the shop, attached or still replaying (for the per-shop limit) */
  readonly members = new Set<Subscriber>();
  private tail: Promise<void> = Promise.resolve();
  private pumpQueued = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelay: number;
  private stopped = false;

  constructor(
    readonly shopId: number,
    private readonly hub: BoardHub,
  ) {
    this.retryDelay = hub.config.pendingRetryMs.min;
  }

  run(task: () => Promise<void>): Promise<void> {
    const next = this.tail.then(task);
    this.tail = next.catch(() => undefined);
    return next;
  }

  schedulePump(): void {
    if (this.stopped || this.pumpQueued || this.position === null) return;
    this.pumpQueued = true;
    void this.run(async () => {
      this.pumpQueued = false;
      await this.pump();
    }).catch((error) => {
      this.hub.logger.warn({ err: error, shopId: this.shopId }, "board pump failed; retrying");
      this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.schedulePump();
    }, this.retryDelay);
    this.retryTimer.unref();
    this.retryDelay = Math.min(this.hub.config.pendingRetryMs.max, this.retryDelay * 2);
  }

  /** Dispatches every stable row behind `position` to the attached subscribers. */
  private async pump(): Promise<void> {
    if (this.position === null) return;
    for (;;) {
      const page = await this.hub.turns.take(
        this.shopId,
        async () => {
          // stopped while waiting for the turn (the last subscriber left, the router stops)
          if (this.stopped) return NOTHING_READ;
          const read = await this.hub.feed.page(this.viewer, this.position!, PAGE);
          if (read.rows.length && !this.stopped) {
            await this.dispatch(read.rows);
            this.position = read.rows[read.rows.length - 1].position;
          }
          return read;
        },
        true,
      );
      if (this.stopped) return;
      if (page.more) continue;
      if (!page.pending) this.heldSince = null;
      else if (page.rows.length || this.heldSince === null) this.heldSince = Date.now();
      if (page.pending) this.hub.waitingForOlderTransaction.add(this);
      else this.hub.waitingForOlderTransaction.delete(this);
      if (page.pending) this.hub.noteHeld(this);
      // the stream moved: the next wait starts short again
      if (page.rows.length || !page.pending) this.retryDelay = this.hub.config.pendingRetryMs.min;
      // committed rows behind an older, still running transaction: look again shortly (a
      // commit announced by any shop in between looks sooner, see BoardHub.notify)
      if (page.pending) this.scheduleRetry();
      return;
    }
  }

  /** the feed is read for the shop with a member's viewer (the subgraph takes the shop from it) */
  get viewer(): Viewer {
    return this.members.values().next().value!.viewer;
  }

  private async dispatch(rows: FeedRow[]): Promise<void> {
    const groups = [...this.groups.values()];
    const resolved = await Promise.all(groups.map((group) => this.hub.resolve(group.operation, group.viewer, rows)));
    for (let i = 0; i < rows.length; i += 1) this.hub.metrics?.eventDispatched();
    groups.forEach((group, g) => {
      for (const subscriber of group.subscribers) subscriber.deliver(newFor(subscriber, resolved[g]));
    });
  }

  attach(subscriber: Subscriber): void {
    const key = groupKeyOf(subscriber);
    let group = this.groups.get(key);
    if (!group) {
      group = { operation: subscriber.operation, viewer: subscriber.viewer, subscribers: new Set() };
      this.groups.set(key, group);
    }
    group.subscribers.add(subscriber);
  }

  detach(subscriber: Subscriber): void {
    this.members.delete(subscriber);
    const key = groupKeyOf(subscriber);
    const group = this.groups.get(key);
    if (group?.subscribers.delete(subscriber) && group.subscribers.size === 0) this.groups.delete(key);
    if (group && group.viewer === subscriber.viewer && group.subscribers.size > 0) {
      // the group resolves with a member's viewer; hand over to one that is still subscribed
      group.viewer = group.subscribers.values().next().value!.viewer;
    }
  }

  get idle(): boolean {
    return this.members.size === 0;
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}

/**
 * Every board subscription of this router process. The listener announces committed history
 * rows per shop; each shop's channel reads its feed in commit-safe order (core/status-feed.ts)
 * and hands each event, resolved once per distinct selection, to its subscribers.
 */
export class BoardHub {
  private readonly channels = new Map<number, ShopChannel>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private lastHeldReport = 0;
  /** channels whose last read found committed rows behind an older transaction still running */
  readonly waitingForOlderTransaction = new Set<ShopChannel>();
  /** every page a stream or a replay reads and resolves takes a turn (BOARD_CONCURRENT_DISPATCHES), round-robin between shops */
  readonly turns: FairTurns;
  /** subscriptions per shop, user and address (BOARD_MAX_SUBSCRIBERS_PER_SHOP, …_PER_USER, …_PER_ADDRESS) */
  readonly caps: SubscriberCaps<Subscriber>;
  /** replays running at once per user (BOARD_MAX_CONCURRENT_REPLAYS_PER_USER) */
  readonly replays: ReplayPlaces<Subscriber>;

  constructor(
    readonly feed: StatusFeed,
    readonly logger: Logger,
    readonly config: BoardConfig,
    private readonly resolveEvents: ResolveEvents,
    readonly metrics?: HubMetrics,
  ) {
    this.turns = new FairTurns(config.concurrentDispatches);
    this.caps = new SubscriberCaps(config);
    this.replays = new ReplayPlaces(config.maxConcurrentReplaysPerUser);
    if (config.sweepMs > 0) {
      this.sweepTimer = setInterval(() => this.resyncAll(), config.sweepMs);
      this.sweepTimer.unref();
    }
  }

  get subscriberCount(): number {
    let count = 0;
    for (const channel of this.channels.values()) count += channel.members.size;
    return count;
  }

  /** subscribers attached to their shop's live stream (the rest are still replaying or starting) */
  get liveCount(): number {
    let count = 0;
    for (const channel of this.channels.values())
      for (const group of channel.groups.values()) count += group.subscribers.size;
    return count;
  }

  /** subscribers of the shop attached to its live stream */
  liveSubscribersOf(shopId: number): number {
    let count = 0;
    for (const group of this.channels.get(shopId)?.groups.values() ?? []) count += group.subscribers.size;
    return count;
  }

  subscribersOf(shopId: number): number {
    return this.channels.get(shopId)?.members.size ?? 0;
  }

  /**
   * A history row of this shop committed (NOTIFY). The transaction that committed may be the
   * one other shops' newer rows were waiting for (stability is by transaction id, across
   * shops), so those channels look again too, instead of waiting out their retry timer.
   */
  notify(shopId: number): void {
    this.channels.get(shopId)?.schedulePump();
    for (const channel of this.waitingForOlderTransaction) {
      if (channel.shopId !== shopId) channel.schedulePump();
    }
  }

  /** How long the longest-held shop's stream has waited on an older running transaction, in ms (0: none waits). */
  get heldMs(): number {
    const now = Date.now();
    let held = 0;
    for (const channel of this.waitingForOlderTransaction)
      if (channel.heldSince !== null) held = Math.max(held, now - channel.heldSince);
    return held;
  }

  /**
   * A shop's stream found its rows still waiting on an older transaction. Rows are handed out
   * only below the oldest transaction id still running in the whole PostgreSQL cluster (see
   * core/status-feed.ts), so one transaction left open anywhere, by any program or person,
   * holds back every board. Past BOARD_HELD_WARN_MS the router says so, naming the
   * transaction when this role may see it, and says it again at that interval while it lasts.
   */
  noteHeld(channel: ShopChannel): void {
    const { heldWarnMs } = this.config;
    const now = Date.now();
    if (
      heldWarnMs <= 0 ||
      channel.heldSince === null ||
      now - channel.heldSince < heldWarnMs ||
      now - this.lastHeldReport < heldWarnMs
    )
      return;
    this.lastHeldReport = now;
    const heldShops = [...this.waitingForOlderTransaction].filter(
      (c) => c.heldSince !== null && now - c.heldSince >= heldWarnMs,
    ).length;
    this.feed.holder(channel.viewer).then(
      (holder) => {
        if (!holder) return;
        const context = { heldMs: this.heldMs, heldShops, ...holder };
        if (holder.transaction) {
          this.logger.warn(
            context,
            "live boards are held back by an older transaction that is still open; they move on when it commits or rolls back",
          );
        } else {
          this.logger.warn(
            context,
            "live boards are held back by an older transaction that has no session (a prepared transaction?); look in pg_prepared_xacts",
          );
        }
      },
      (error) =>
        this.logger.warn(
          { err: error, heldMs: this.heldMs, heldShops },
          "live boards are held back by an older transaction; it could not be looked up",
        ),
    );
  }

  /** Re-reads the feed of every shop with subscribers: after the listener reconnects, and on a timer. */
  resyncAll(): void {
    for (const channel of this.channels.values()) channel.schedulePump();
  }

  /**
   * A new subscription: replays behind `after` when given, then attaches to the shop's live
   * stream. Throws RATE_LIMITED when the user, the address (the client's, see clientIp) or the
   * shop holds too many subscriptions on this router.
   */
  subscribe(viewer: Viewer, operation: BoardOperation, address = "unknown"): Subscriber {
    const refusal = this.caps.refusal(viewer, address);
    if (refusal) throw refusal;
    let channel = this.channels.get(viewer.shopId);
    if (!channel) {
      channel = new ShopChannel(viewer.shopId, this);
      this.channels.set(viewer.shopId, channel);
    }
    const subscriber = new Subscriber(viewer, operation, this.config.maxQueuedEvents, {
      onClose: (s) => this.remove(s),
      onDelivered: (at) => this.metrics?.delivered(at),
      onDropped: () => this.metrics?.dropped(),
    });
    channel.members.add(subscriber);
    this.caps.hold(subscriber, viewer, address);
    void this.start(channel, subscriber).catch((error) => {
      const unavailable =
        isDatabaseUnavailable(error) ||
        error instanceof FeedUnavailableError ||
        error instanceof SubgraphUnavailableError;
      if (!unavailable) this.logger.error({ err: error, shopId: viewer.shopId }, "board subscription failed to start");
      subscriber.end(
        new GraphQLError(unavailable ? "The database is unavailable, try again shortly" : "Internal server error", {
          extensions: { code: unavailable ? ErrorCode.SERVICE_UNAVAILABLE : ErrorCode.INTERNAL_SERVER_ERROR },
        }),
      );
    });
    return subscriber;
  }

  private async start(channel: ShopChannel, subscriber: Subscriber): Promise<void> {
    const { after } = subscriber.operation;
    if (after !== null) {
      const position = await this.feed.position(subscriber.viewer, after);
      if (!position) {
        // another shop's id answers exactly like an unknown one
        subscriber.notify({
          data: null,
          errors: [
            new GraphQLError(
              `after: history entry ${after} is not in this shop's history; nothing was replayed, continuing live`,
              {
                extensions: { code: ErrorCode.BAD_USER_INPUT, field: "after", replayed: 0 },
              },
            ),
          ],
        });
      } else {
        subscriber.position = position;
        if (!(await this.replayBeside(subscriber))) return;
      }
    }
    let opened = false;
    await channel.run(async () => {
      if (subscriber.isClosed) return;
      if (channel.position === null) {
        // NOTIFYs are ignored while a shop has no live stream: the first pump reads from here
        channel.position = subscriber.position ?? (await this.feed.head(subscriber.viewer));
        opened = true;
      }
      if (subscriber.position === null) {
        subscriber.position = channel.position;
      } else {
        // the seam: catch up to exactly where the live stream stands, then join it
        while (comparePositions(subscriber.position, channel.position) < 0) {
          const page = await this.replayPage(subscriber, channel.position);
          if (!page.rows.length) break;
        }
      }
      if (!subscriber.isClosed) channel.attach(subscriber);
    });
    if (opened) channel.schedulePump();
  }

  /**
   * The bulk of a replay, beside the live stream, page by page as the reader keeps up, once the
   * user has a replay place free. False when the subscriber closed meanwhile.
   */
  private async replayBeside(subscriber: Subscriber): Promise<boolean> {
    const user = userKey(subscriber.viewer);
    if (!(await this.replays.enter(user, subscriber))) return false;
    try {
      for (;;) {
        await subscriber.waitForRoom();
        if (subscriber.isClosed) return false;
        const page = await this.replayPage(subscriber);
        if (!page.more) return true;
      }
    } finally {
      this.replays.leave(user);
    }
  }

  /**
   * In a turn: the next page behind the subscriber's position (up to `until`), resolved and sent
   * to it alone. The seam (`until`, inside the shop's task, holding its live stream) goes ahead of
   * the shop's other replays.
   */
  private replayPage(subscriber: Subscriber, until?: FeedPosition): Promise<FeedPage> {
    const { shopId } = subscriber.viewer;
    const page = async () => {
      if (subscriber.isClosed) return NOTHING_READ;
      const read = await this.feed.page(subscriber.viewer, subscriber.position!, PAGE, until);
      if (read.rows.length && !subscriber.isClosed) {
        subscriber.deliver(newFor(subscriber, await this.resolve(subscriber.operation, subscriber.viewer, read.rows)));
        // rows it may not see (a COURIER's view of others' orders) send nothing but are behind it
        // now: without this its position stays put and the replay reads the same page forever
        const last = read.rows[read.rows.length - 1].position;
        if (!subscriber.isClosed && (!subscriber.position || comparePositions(subscriber.position, last) < 0))
          subscriber.position = last;
      }
      return read;
    };
    return this.turns.take(shopId, page, until !== undefined);
  }

  /**
   * One events query through the gateway for a batch of rows, split into one result per row,
   * shared by all the subscribers of the selection.
   */
  async resolve(operation: BoardOperation, viewer: Viewer, rows: FeedRow[]): Promise<BoardEvent[]> {
    const ids = rows.map((row) => row.historyId);
    this.metrics?.resolution();
    const result = await this.resolveEvents(operation.eventQuery, eventVariables(operation, ids), {
      viewer,
      requestId: crypto.randomUUID(),
    });
    const split = splitEvents(operation, rows.length, result.data, result.errors);
    // an event that could not be read because a subgraph was unreachable (killed, restarting) is
    // not handed out as an error in its place: the pump keeps its position and reads it again
    const unavailable = (event: (typeof split)[number]) =>
      event?.data === null && event.errors?.some((e) => e.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE);
    if (split.some(unavailable))
      throw new SubgraphUnavailableError("a board event could not be resolved: a subgraph is unavailable");
    const events: BoardEvent[] = [];
    split.forEach((event, i) => {
      if (event)
        events.push({
          result: event,
          historyId: ids[i],
          position: rows[i].position,
          at: rows[i].createdAt,
        });
    });
    return events;
  }

  private remove(subscriber: Subscriber): void {
    this.caps.release(subscriber);
    this.replays.forget(userKey(subscriber.viewer), subscriber);
    const channel = this.channels.get(subscriber.viewer.shopId);
    if (!channel) return;
    channel.detach(subscriber);
    if (channel.idle) {
      channel.stop();
      this.channels.delete(channel.shopId);
      this.waitingForOlderTransaction.delete(channel);
    }
  }

  stop(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const channel of this.channels.values()) {
      channel.stop();
      for (const subscriber of [...channel.members]) void subscriber.return();
    }
    this.channels.clear();
    this.waitingForOlderTransaction.clear();
  }
}

export { EVENTS_OPERATION };
