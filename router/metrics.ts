import client from "prom-client";
import type { OperationDefinitionNode } from "graphql";
import type { Database } from "../core/db";
import { processRegistry } from "../core/metrics-endpoint";

/** The router process's Prometheus registry and the instruments the REST shim and GraphQL share. */
export function createMetrics(db: Database) {
  const registry = processRegistry();
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
  const graphqlRefused = new client.Counter({
    name: "graphql_refused_total",
    help: "GraphQL requests refused before execution, by limit (depth, aliases, cost, …) or rate limit",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  registerPoolGauge(registry, db);
  return { registry, httpDuration, graphqlDuration, graphqlErrors, graphqlRefused, ...webhookInstruments(registry) };
}

/** Inbound Bitrix webhooks: deliveries and latency by endpoint and outcome, and the receiver's `observe` hook. */
function webhookInstruments(registry: client.Registry) {
  const webhookRequests = new client.Counter({
    name: "webhook_requests_total",
    help: "Inbound Bitrix webhook deliveries by endpoint and outcome (success, unchanged, skipped, or the HTTP status of a refusal)",
    labelNames: ["endpoint", "outcome"] as const,
    registers: [registry],
  });
  const webhookDuration = new client.Histogram({
    name: "webhook_request_duration_seconds",
    help: "Inbound Bitrix webhook latency, from body received to answer, by endpoint and outcome",
    labelNames: ["endpoint", "outcome"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const observeWebhook = (endpoint: string, outcome: string, seconds: number) => {
    const labels = { endpoint, outcome: webhookOutcomeLabel(outcome) };
    webhookRequests.inc(labels);
    webhookDuration.observe(labels, seconds);
  };
  return { webhookRequests, webhookDuration, observeWebhook };
}

/** The router's database pool connections by state, read when scraped. */
function registerPoolGauge(registry: client.Registry, db: Database): void {
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
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * The `operation` label of an operation: its type and first root field, never the client's
 * operationName (2,000 made-up names were 28,000 series). The schema's root fields are a fixed
 * set, so the label's values are too; a document that failed before an operation was resolved
 * (syntax, validation) is "invalid".
 */
export function operationLabel(operation: OperationDefinitionNode | undefined): string {
  if (!operation) return "invalid";
  const first = operation.selectionSet.selections.find((s) => s.kind === "Field");
  return `${operation.operation}:${first && first.kind === "Field" ? first.name.value : "fragment"}`;
}

export { metricsRefusal, serveMetrics } from "../core/metrics-endpoint";

/** Outcomes come from handlers' answers: keep label values few and well-formed. */
export function webhookOutcomeLabel(outcome: string): string {
  return /^[a-z_]{1,20}$|^[1-5]\d\d$/.test(outcome) ? outcome : "other";
}
