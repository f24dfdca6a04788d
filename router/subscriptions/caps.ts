import { GraphQLError } from "graphql";
import type { Viewer } from "../../core/auth";
import type { BoardConfig } from "../../core/config";
import { ErrorCode } from "../../core/errors";

/**
 * The live board's caps, so that no user, address or shop can starve the others (issue 17 row 4).
 * Each is a small class here, used by the BoardHub; the socket layer (graphql-ws's useServer)
 * only passes the caller's verified viewer and address in. The per-connection cap lives with
 * the socket (router/subscriptions/index.ts).
 */

type CapsConfig = Pick<BoardConfig, "maxSubscribersPerShop" | "maxSubscriptionsPerUser" | "maxSubscriptionsPerAddress">;

function rateLimited(message: string, cap: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.RATE_LIMITED, cap } });
}

/** the key of a verified user: their shop and id (ids are per shop) */
export function userKey(viewer: Viewer): string {
  return `${viewer.shopId}:${viewer.userId}`;
}

/** Counts by key that forget a key at zero, so the maps shrink back when boards close. */
class Counter<K> {
  private readonly counts = new Map<K, number>();

  get(key: K): number {
    return this.counts.get(key) ?? 0;
  }

  add(key: K, delta: 1 | -1): void {
    const next = this.get(key) + delta;
    if (next <= 0) this.counts.delete(key);
    else this.counts.set(key, next);
  }

  get size(): number {
    return this.counts.size;
  }
}

/** Subscriptions held per shop, per user and per client address on this router process. */
export class SubscriberCaps<S extends object> {
  private readonly byShop = new Counter<number>();
  private readonly byUser = new Counter<string>();
  private readonly byAddress = new Counter<string>();
  private readonly holders = new Map<S, { shopId: number; user: string; address: string }>();

  constructor(private readonly config: CapsConfig) {}

  /** The refusal for one more subscription of this viewer from this address; null when every cap has room. */
  refusal(viewer: Viewer, address: string): GraphQLError | null {
    const { maxSubscribersPerShop, maxSubscriptionsPerUser, maxSubscriptionsPerAddress } = this.config;
    if (this.byUser.get(userKey(viewer)) >= maxSubscriptionsPerUser) {
      return rateLimited(
        `You already hold ${maxSubscriptionsPerUser} live subscriptions on this server; close some first`,
        "user",
      );
    }
    if (this.byAddress.get(address) >= maxSubscriptionsPerAddress) {
      return rateLimited(
        `Your address already holds ${maxSubscriptionsPerAddress} live subscriptions on this server; close some first`,
        "address",
      );
    }
    if (this.byShop.get(viewer.shopId) >= maxSubscribersPerShop) {
      return rateLimited(
        `This shop already has ${maxSubscribersPerShop} live subscriptions on this server; close some first`,
        "shop",
      );
    }
    return null;
  }

  /** Counts a subscription that passed `refusal` (synchronously after it: no other may slip in between). */
  hold(subscriber: S, viewer: Viewer, address: string): void {
    const place = { shopId: viewer.shopId, user: userKey(viewer), address };
    this.holders.set(subscriber, place);
    this.count(place, 1);
  }

  release(subscriber: S): void {
    const place = this.holders.get(subscriber);
    if (!place) return;
    this.holders.delete(subscriber);
    this.count(place, -1);
  }

  /** users and addresses with a count (zero once every board closed: nothing kept) */
  get trackedKeys(): number {
    return this.byShop.size + this.byUser.size + this.byAddress.size;
  }

  private count(place: { shopId: number; user: string; address: string }, delta: 1 | -1): void {
    this.byShop.add(place.shopId, delta);
    this.byUser.add(place.user, delta);
    this.byAddress.add(place.address, delta);
  }
}

/**
 * Turns to read and resolve a page of a feed, `limit` at a time across the router's shops, dealt
 * round-robin between shops: a shop with hundreds of pages waiting (replays) gets one turn per
 * round like a shop with one, so it cannot delay another shop's board. Within a shop, the live
 * stream's page goes first, then replays' pages in the order they were asked for. Without turns a burst across many shops runs every shop's
 * events query at once and all finish late together; a shop that waited its turn reads
 * everything committed meanwhile and resolves it in one query.
 */
export class FairTurns {
  private running = 0;
  /** waiting pages per shop; the Map's order is the rotation (a served shop goes to the back) */
  private readonly queues = new Map<number, (() => void)[]>();
  private queued = 0;

  constructor(private readonly limit: number) {}

  /** pages waiting for a turn */
  get waiting(): number {
    return this.queued;
  }

  /** `live`: the shop's live stream (one page at a time), served before the shop's replays */
  async take<T>(shopId: number, work: () => Promise<T>, live = false): Promise<T> {
    if (this.running < this.limit) this.running += 1;
    else await new Promise<void>((resolve) => this.enqueue(shopId, resolve, live));
    try {
      return await work();
    } finally {
      this.handOver();
    }
  }

  private enqueue(shopId: number, resolve: () => void, live: boolean): void {
    const queue = this.queues.get(shopId);
    if (queue && live) queue.unshift(resolve);
    else if (queue) queue.push(resolve);
    else this.queues.set(shopId, [resolve]);
    this.queued += 1;
  }

  /** the freed turn goes to the next shop in the rotation, which then goes to the back */
  private handOver(): void {
    const next = this.queues.entries().next();
    if (next.done) {
      this.running -= 1;
      return;
    }
    const [shopId, queue] = next.value;
    const resolve = queue.shift()!;
    this.queues.delete(shopId);
    if (queue.length) this.queues.set(shopId, queue);
    this.queued -= 1;
    resolve();
  }
}

/**
 * Places for replays (`after:`) per user: at most `limit` of a user's subscriptions replay at
 * once, their others wait in order. A replay whose reader does not read holds its place (and at
 * most BOARD_MAX_QUEUED_EVENTS / 2 unsent events), so a user who opens hundreds of replays and
 * reads none holds back only their own. A waiting subscription that closes leaves the queue at
 * once, so nothing of it is kept.
 */
export class ReplayPlaces<S extends object> {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Map<S, (admitted: boolean) => void>>();

  constructor(private readonly limit: number) {}

  /** Resolves true with a place (give it back with `leave`), or false when `forget` removed the waiter. */
  enter(key: string, subscriber: S): Promise<boolean> {
    const active = this.active.get(key) ?? 0;
    if (active < this.limit) {
      this.active.set(key, active + 1);
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      let queue = this.waiting.get(key);
      if (!queue) this.waiting.set(key, (queue = new Map()));
      queue.set(subscriber, resolve);
    });
  }

  /** gives the place to the key's next waiter, if any */
  leave(key: string): void {
    const queue = this.waiting.get(key);
    const next = queue?.entries().next();
    if (queue && next && !next.done) {
      const [subscriber, resolve] = next.value;
      queue.delete(subscriber);
      if (queue.size === 0) this.waiting.delete(key);
      resolve(true);
      return;
    }
    const active = (this.active.get(key) ?? 1) - 1;
    if (active <= 0) this.active.delete(key);
    else this.active.set(key, active);
  }

  /** A subscriber closed while waiting: out of the queue, its `enter` resolves false. */
  forget(key: string, subscriber: S): void {
    const queue = this.waiting.get(key);
    const resolve = queue?.get(subscriber);
    if (!queue || !resolve) return;
    queue.delete(subscriber);
    if (queue.size === 0) this.waiting.delete(key);
    resolve(false);
  }

  /** replays waiting for a place */
  get waitingCount(): number {
    let count = 0;
    for (const queue of this.waiting.values()) count += queue.size;
    return count;
  }

  /** replays running */
  get activeCount(): number {
    let count = 0;
    for (const active of this.active.values()) count += active;
    return count;
  }
}
