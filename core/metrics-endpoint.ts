import crypto from "node:crypto";
import type http from "node:http";
import client from "prom-client";
import type { Config } from "./config";

/**
 * Who may read /metrics (every shop's aggregate activity): anyone in development; in production
 * only `Authorization: Bearer <METRICS_TOKEN>`, and without METRICS_TOKEN it is not served at
 * all. Null when the request may read it, else the answer to send. The router, each subgraph
 * process and the workers' process answer /metrics by this one rule.
 */
export function metricsRefusal(
  config: Pick<Config, "production" | "metricsToken">,
  authorization: string | undefined,
): { status: number; error: string } | null {
  if (!config.production) return null;
  if (!config.metricsToken) return { status: 404, error: "No route for GET /metrics" };
  const given = /^Bearer (.+)$/i.exec(authorization ?? "")?.[1] ?? "";
  const digest = (value: string) => crypto.createHash("sha256").update(value).digest();
  if (given && crypto.timingSafeEqual(digest(given), digest(config.metricsToken))) return null;
  return { status: 401, error: "/metrics needs Authorization: Bearer <METRICS_TOKEN>" };
}

/** A process's own registry, with Node's default instruments (memory, event loop, GC). */
export function processRegistry(): client.Registry {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Answers GET /metrics from `registry` by the rule above: the one handler of the router (an
 * Express response is a node:http one), each subgraph process and the workers' process. A 401
 * names the scheme to use (WWW-Authenticate).
 */
export function serveMetrics(
  registry: client.Registry,
  config: Pick<Config, "production" | "metricsToken">,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): void {
  const json = (status: number, body: object, headers: http.OutgoingHttpHeaders = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
  const refusal = metricsRefusal(config, req.headers.authorization);
  if (refusal) {
    const challenge = refusal.status === 401 ? { "www-authenticate": 'Bearer realm="metrics"' } : {};
    return json(refusal.status, { error: refusal.error }, challenge);
  }
  registry.metrics().then(
    (text) => {
      res.writeHead(200, { "content-type": registry.contentType });
      res.end(text);
    },
    () => json(503, { error: "Metrics are unavailable right now; try again shortly" }),
  );
}
