import WebSocket from "ws";
import { createClient, type Client, type FormattedExecutionResult } from "graphql-ws";
import type { Database } from "../core/db";
import { comparePositions, type FeedPosition } from "../core/status-feed";
import { latestStablePosition } from "../subgraphs/orders/status-feed";
import type { TestStack } from "./harness";

/** A real graphql-ws client of the stack's router, authenticated with `token`. */
export function boardClient(t: TestStack, token: string, options: { onClosed?: (code: number) => void } = {}): Client {
  return createClient({
    url: t.graphqlUrl.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    on: { closed: (event) => options.onClosed?.((event as { code: number }).code) },
    // a caller watching close codes expects closes; graphql-ws would print each to console.error
    ...(options.onClosed ? { onNonLazyError: () => undefined } : {}),
  });
}

/** The value of an unlabelled metric on the router's /metrics; NaN when it is not there. */
export async function routerMetric(t: TestStack, name: string): Promise<number> {
  const text = await (await fetch(`${t.origin}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : NaN;
}

/** Everything one subscription received, with waiting helpers. */
export class Collected<T = any> {
  readonly results: FormattedExecutionResult<T, unknown>[] = [];
  completed = false;
  error: unknown = undefined;
  private waiters: (() => void)[] = [];
  unsubscribe: () => void = () => undefined;

  constructor(client: Client, query: string, variables?: Record<string, unknown>) {
    this.unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          this.results.push(result);
          this.wake();
        },
        error: (error) => {
          this.error = error;
          this.wake();
        },
        complete: () => {
          this.completed = true;
          this.wake();
        },
      },
    );
  }

  /** the `data` of every result that has data */
  get data(): T[] {
    return this.results.filter((r) => r.data).map((r) => r.data as T);
  }

  private wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Waits until `predicate` holds (checked on every message), or fails after `timeoutMs`. */
  async until(predicate: (self: this) => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.results).slice(0, 1500)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for at least `count` results. */
  atLeast(count: number, timeoutMs?: number) {
    return this.until((self) => self.results.length >= count, timeoutMs, `${count} results`);
  }

  /** Waits until the subscription ended (complete or error). */
  ended(timeoutMs?: number) {
    return this.until((self) => self.completed || self.error !== undefined, timeoutMs, "the end of the subscription");
  }
}

export function collect<T = any>(client: Client, query: string, variables?: Record<string, unknown>): Collected<T> {
  return new Collected<T>(client, query, variables);
}

/**
 * Records a status change the way the order lifecycle does (order row + history row in one
 * tenant transaction); the history insert fires NOTIFY on commit. Returns the history id.
 */
export async function recordStatusChange(
  db: Database,
  shopId: number,
  orderId: number,
  newStatus: "NEW" | "PAID" | "ACCEPTED" | "ASSEMBLED" | "IN_DELIVERY" | "DELIVERED" | "CANCELLED",
  changedBy = "test",
): Promise<string> {
  return db.withTenant(shopId, async (tx) => {
    const order = await tx.order.findFirstOrThrow({ where: { shopId, id: orderId } });
    await tx.order.update({ where: { id: order.id }, data: { status: newStatus } });
    const row = await tx.orderHistory.create({
      data: { shopId, orderId, oldStatus: order.status, newStatus, changedBy },
    });
    return row.id.toString();
  });
}

/**
 * Waits until every committed status change of the shop is stable in the feed (no transaction
 * older than it still runs anywhere in the cluster). A board that attaches after this starts
 * behind all of them; one that attaches while another suite's transaction is open would also
 * receive the rows committed just before it.
 */
export async function feedSettled(db: Database, shopId: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const settled = await db.read(shopId, async (sql) => {
      const [newest] = await sql<FeedPosition>(
        `select xact_id::text as "xactId", id from order_history where shop_id = $1 and kind in ('STATUS', 'EDIT') order by xact_id desc, id desc limit 1`,
        [shopId],
      );
      return !newest || comparePositions(newest, await latestStablePosition(sql, shopId)) === 0;
    });
    if (settled) return;
    if (Date.now() > deadline) throw new Error(`shop ${shopId}'s status feed did not settle: a transaction stays open`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until `stack`'s router has `count` subscribers of the shop attached to the live stream (replay done). */
export async function attached(stack: TestStack, shopId: number, count: number, timeoutMs = 10_000): Promise<void> {
  const hub = stack.stack.router.board.hub;
  const deadline = Date.now() + timeoutMs;
  while (hub.liveSubscribersOf(shopId) < count) {
    if (Date.now() > deadline)
      throw new Error(`only ${hub.liveSubscribersOf(shopId)} of ${count} subscribers of shop ${shopId} attached`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Some order ids of a shop that have items (the seed gives every order items). */
export async function someOrders(db: Database, shopId: number, count: number): Promise<number[]> {
  const rows = await db.withTenant(shopId, (tx) =>
    tx.order.findMany({ where: { shopId }, orderBy: { id: "asc" }, take: count, select: { id: true } }),
  );
  return rows.map((r) => r.id);
}

/** Opens a raw graphql-transport-ws socket, sends connection_init, and resolves with the close code (or "ack"). */
export function rawInit(
  url: string,
  payload: unknown,
  waitMs = 5_000,
): Promise<{ code: number | "ack"; reason: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, "graphql-transport-ws");
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error("no answer to connection_init"));
    }, waitMs);
    socket.on("open", () =>
      socket.send(
        JSON.stringify(payload === undefined ? { type: "connection_init" } : { type: "connection_init", payload }),
      ),
    );
    socket.on("message", (data) => {
      const message = JSON.parse(String(data));
      if (message.type === "connection_ack") {
        clearTimeout(timer);
        socket.close(1000);
        resolve({ code: "ack", reason: "" });
      }
    });
    socket.on("close", (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: String(reason) });
    });
    socket.on("error", () => undefined);
  });
}
