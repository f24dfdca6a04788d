import client from "prom-client";
import type { Database } from "../../../core/db";
import { queueStats, type QueueStats } from "./outbox";

/** The relay's instruments: sends by outcome, their duration, the queue, and the pace it allows itself. */
export interface RelayMetrics {
  sends: client.Counter<"outcome" | "reason">;
  sendDuration: client.Histogram;
  all: client.Metric[];
}

/** Queue figures for scrapes, read at most once a second whatever the number of gauges and scrapers. */
function cachedQueueStats(db: Database, shopId: number): () => Promise<QueueStats | null> {
  let cache: { at: number; value: Promise<QueueStats> } | null = null;
  return () => {
    if (!cache || Date.now() - cache.at > 1_000) {
      const value = db.read(shopId, (sql) => queueStats(sql, shopId));
      value.catch(() => (cache = null));
      cache = { at: Date.now(), value };
    }
    return cache.value.catch(() => null);
  };
}

export function createRelayMetrics(db: Database, shopId: number, perSecond: () => number): RelayMetrics {
  const stats = cachedQueueStats(db, shopId);
  const sends = new client.Counter({
    name: "bitrix_sync_sends_total",
    help: "Product sends to Bitrix by outcome (delivered, retry, parked) and reason",
    labelNames: ["outcome", "reason"] as const,
    registers: [],
  });
  const sendDuration = new client.Histogram({
    name: "bitrix_sync_send_duration_seconds",
    help: "Duration of product sends to Bitrix",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [],
  });
  const queueDepth = new client.Gauge({
    name: "bitrix_sync_queue_depth",
    help: "Outbox rows for Bitrix waiting to be sent (PENDING) or given up on (PARKED)",
    labelNames: ["state"] as const,
    registers: [],
    async collect() {
      const current = await stats();
      if (!current) return;
      this.set({ state: "PENDING" }, current.pending);
      this.set({ state: "PARKED" }, current.parked);
    },
  });
  const oldestAge = new client.Gauge({
    name: "bitrix_sync_oldest_pending_age_seconds",
    help: "Age of the oldest outbox row still waiting to reach Bitrix (0 when none)",
    registers: [],
    async collect() {
      const current = await stats();
      if (current) this.set(current.oldestPendingSeconds);
    },
  });
  const sendRateLimit = new client.Gauge({
    name: "bitrix_sync_send_rate_limit",
    help: "Sends per second the relay allows itself now (0 = no limit); lower while the host is busy",
    registers: [],
    collect() {
      this.set(perSecond());
    },
  });
  return { sends, sendDuration, all: [sends, sendDuration, queueDepth, oldestAge, sendRateLimit] };
}
