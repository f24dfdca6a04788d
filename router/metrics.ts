import client from "prom-client";
import type { Database } from "../core/db";

/** The router process's Prometheus registry and the instruments the REST shim and GraphQL share. */
export function createMetrics(db: Database) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });

  const httpDuration = new client.Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request latency by route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const graphqlDuration = new client.Histogram({
    name: "graphql_operation_duration_seconds",
    help: "GraphQL operation latency through the router",
    labelNames: ["operation", "type"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const graphqlErrors = new client.Counter({
    name: "graphql_errors_total",
    help: "GraphQL errors returned to clients by code",
    labelNames: ["code"] as const,
    registers: [registry],
  });
  new client.Gauge({
    name: "db_pool_connections",
    help: "Router process database pool connections by state",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      this.set({ state: "total" }, db.pool.totalCount);
      this.set({ state: "idle" }, db.pool.idleCount);
      this.set({ state: "waiting" }, db.pool.waitingCount);
    },
  });
  return { registry, httpDuration, graphqlDuration, graphqlErrors };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Operation names come from clients: keep only well-formed short ones as label values. */
export function operationLabel(name: string | null | undefined): string {
  return name && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) ? name : "anonymous";
}
