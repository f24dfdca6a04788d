import http from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import cors from "cors";
import helmet from "helmet";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { Config } from "../core/config";
import type { Database } from "../core/db";
import type { Logger } from "../core/logger";
import { createErrorFormatter } from "../core/errors";
import { requireViewerPlugin } from "../core/public-operations";
import { roleMatrixPlugin } from "../core/permissions";
import { createAuthenticator, type Authenticate } from "./authenticate";
import { UserAccess } from "./user-access";
import { createRequestGuard } from "./graphql-guard";
import { createGraphQLEndpoint, GRAPHQL_PATH, isGraphQLRequest } from "./graphql-endpoint";
import { pathOf } from "../core/http-server";
import { QUERY_LIMITS } from "./query-limits";
import { RateLimiter } from "./rate-limit";
import { createGateway, type RouterContext } from "./gateway";
import { createMetrics, operationLabel, serveMetrics, type Metrics } from "./metrics";
import { healthReport, readinessReport } from "./health";
import { WEBHOOKS } from "./webhooks";
import { DeliveryGate } from "./webhooks/delivery-gate";
import { webhookEndpoint } from "./webhooks/receiver";
import { startBoardServer, watchApiSchema, type BoardServer } from "./subscriptions";
import { DELIVERIES_PATH, webhookDeliveriesAdmin } from "./webhooks/deliveries";
import { boardPage } from "./board-page";
import { createInternalClient, type InternalClient } from "../core/internal-operations";
import { createUploadProxy, isUploadRequest } from "./uploads-proxy";
import { httpDrain, type HttpDrain } from "./drain";

export interface RouterDeps {
  config: Config;
  db: Database;
  logger: Logger;
  port: number;
  host?: string;
  /** puts instruments of other parts of the process (e.g. the Bitrix relay) on /metrics */
  registerMetrics?: (registry: Metrics["registry"]) => void;
}

export interface RunningRouter {
  url: string;
  port: number;
  httpServer: http.Server;
  metrics: Metrics;
  /** the live order board (subscriptions on ws://…/graphql) */
  board: BoardServer;
  stop(): Promise<void>;
}

const SERVICE = "cvety-graph-router";
const VERSION = process.env.npm_package_version ?? "0.1.0";

export { viewerFromAuthorization } from "./authenticate";

/** Bodies the REST shim's GET routes accept: none to speak of. */
const NO_BODY_LIMIT = "1kb";
/** how long a webhook waits for the subgraph applying it */
const INTERNAL_CALL_TIMEOUT_MS = 30_000;
/** a request must arrive whole within this time (slow-loris) */
const REQUEST_TIMEOUT_MS = 30_000;
/**
 * On stop, how long requests in flight may take to finish before their connections are cut: an
 * upload still arriving plus its variants, a webhook waiting for its subgraph (INTERNAL_CALL_TIMEOUT_MS).
 * docker-compose's stop_grace_period for the routers is longer, so SIGKILL never comes first.
 */
const DRAIN_GRACE_MS = 30_000;

type BareHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** helmet's headers for the REST shim, computed once: none of them depends on the request */
function staticSecurityHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  helmet()({} as http.IncomingMessage, collector as unknown as http.ServerResponse, () => undefined);
  return headers;
}

function metricsPlugin(metrics: Metrics): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operation, errors }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.graphqlDuration.observe(
            { operation: operationLabel(operation), type: operation?.operation ?? "unknown" },
            seconds,
          );
          for (const error of errors ?? [])
            metrics.graphqlErrors.inc({ code: String(error.extensions?.code ?? "INTERNAL_SERVER_ERROR") });
        },
      };
    },
  };
}

/** The hot routes, GraphQL and the webhooks, served on the bare request (core/http-server.ts); express serves the rest. */
interface BareRoutes {
  graphql?: BareHandler;
  uploads: BareHandler;
  webhooks: Map<string, BareHandler>;
}

function createHttpServer(routes: BareRoutes, app: express.Express) {
  const httpServer = http.createServer();
  const drain = httpDrain(httpServer);
  httpServer.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    drain.markResponse(res);
    if (routes.graphql && isGraphQLRequest(req)) return routes.graphql(req, res);
    if (isUploadRequest(req)) return routes.uploads(req, res);
    const webhook = req.method === "POST" ? routes.webhooks.get(pathOf(req)) : undefined;
    if (webhook) return webhook(req, res);
    app(req, res);
  });
  httpServer.requestTimeout = REQUEST_TIMEOUT_MS;
  httpServer.headersTimeout = Math.min(httpServer.headersTimeout, REQUEST_TIMEOUT_MS);
  return { httpServer, drain };
}

/** A bare handler that observes its duration on /metrics under `route`. */
function timedHandler(metrics: Metrics) {
  return (route: string, handler: BareHandler): BareHandler =>
    (req, res) => {
      const started = process.hrtime.bigint();
      res.on("finish", () => {
        metrics.httpDuration.observe(
          { method: req.method ?? "GET", route, status: String(res.statusCode) },
          Number(process.hrtime.bigint() - started) / 1e9,
        );
      });
      handler(req, res);
    };
}

/** express's routes observed on /metrics under their route pattern */
function expressTiming(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const route = req.baseUrl + (req.route?.path === "/" ? "" : (req.route?.path ?? "")) || "unmatched";
      metrics.httpDuration.observe(
        { method: req.method, route, status: String(res.statusCode) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  };
}

interface ShimDeps {
  config: Config;
  db: Database;
  logger: Logger;
  metrics: Metrics;
  drain: HttpDrain;
  internal: InternalClient;
  authenticate: Authenticate;
  securityHeaders: Readonly<Record<string, string>>;
}

/** /health, /ready and /metrics */
function statusRoutes(rest: express.Router, { config, db, metrics, drain }: ShimDeps) {
  const noBody = express.raw({ type: () => true, limit: NO_BODY_LIMIT });
  rest.get("/health", noBody, async (_req, res) => {
    const report = await healthReport(config, db);
    res.status(report.healthy ? 200 : 503).json({
      status: report.healthy ? "healthy" : "degraded",
      timestamp: new Date().toISOString(),
      service: SERVICE,
      version: VERSION,
      checks: report.checks,
    });
  });
  rest.get("/ready", noBody, async (_req, res) => {
    // stopping (SIGTERM): finishing what is in flight; a load balancer should send nothing new
    if (drain.draining) return void res.status(503).json({ status: "draining", checks: {} });
    const report = await readinessReport(config, db);
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? "ready" : "not_ready", checks: report.checks });
  });
  rest.get("/metrics", noBody, (req, res) => serveMetrics(metrics.registry, config, req, res));
}

/** The REST shim served by express: status routes, the webhook deliveries' admin, the board page. */
function restShim(deps: ShimDeps): express.Router {
  const { config, logger, internal, authenticate, securityHeaders } = deps;
  const rest = express.Router();
  rest.use((_req, res, next) => {
    for (const name in securityHeaders) res.setHeader(name, securityHeaders[name]);
    next();
  });
  statusRoutes(rest, deps);
  rest.use(DELIVERIES_PATH, webhookDeliveriesAdmin(WEBHOOKS, { config, internal, logger, authenticate }));
  rest.use(boardPage(logger, config.uploads.publicUrl));
  return rest;
}

/** The Bitrix webhooks by path, each timed on /metrics. */
function webhookHandlers(deps: ShimDeps, timed: ReturnType<typeof timedHandler>): Map<string, BareHandler> {
  const { config, logger, internal, metrics, securityHeaders } = deps;
  const limiter = new RateLimiter(config.rateLimits.webhookPerIp);
  const gate = new DeliveryGate(config.webhookDeliveries);
  const handlers = new Map<string, BareHandler>();
  for (const [path, route] of Object.entries(WEBHOOKS)) {
    const endpoint = webhookEndpoint(path, route, {
      config,
      internal,
      logger,
      observe: metrics.observeWebhook,
      limiter,
      gate,
      trustedProxies: config.trustProxy,
      headers: securityHeaders,
    });
    handlers.set(path, timed(path, endpoint));
  }
  return handlers;
}

/** The gateway over the subgraphs and the Apollo server executing on it, with every limit and rule as plugins. */
async function startApollo(config: Config, logger: Logger, metrics: Metrics) {
  const { gateway, closeConnections } = createGateway(config);
  const apiSchema = watchApiSchema(gateway);
  const guard = createRequestGuard({
    config,
    schema: apiSchema,
    onRefused: (reason) => metrics.graphqlRefused.inc({ reason }),
  });
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    introspection: !config.production,
    // no "Did you mean …?" in production: with introspection off, suggestions would map the schema
    hideSchemaDetailsFromClientErrors: config.production,
    csrfPrevention: true,
    parseOptions: { maxTokens: QUERY_LIMITS.tokens },
    plugins: [
      metricsPlugin(metrics),
      // every rate and query limit, on the operation Apollo executes (however it arrived: query, APQ hash, socket)
      guard.plugin(),
      requireViewerPlugin as ApolloServerPlugin<RouterContext>,
      roleMatrixPlugin as ApolloServerPlugin<RouterContext>,
      // Sandbox (and introspection, above) only outside production
      config.production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    ],
  });
  await apollo.start();
  return { apollo, apiSchema, guard, closeConnections };
}

/** What express answers last: 404 for an unknown route, and client errors (body-parser's) as JSON, never a stack. */
function finalHandlers(app: express.Express, logger: Logger) {
  app.use(express.raw({ type: () => true, limit: NO_BODY_LIMIT }), (req: Request, res: Response) => {
    res.status(404).json({ error: `No route for ${req.method} ${req.path}` });
  });
  app.use(
    (
      error: { status?: number; type?: string; message?: string },
      _req: Request,
      res: Response,
      _next: NextFunction,
    ) => {
      const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
      if (status === 500) logger.error({ err: error }, "unhandled error");
      const message =
        error.type === "entity.too.large"
          ? "The request body is too large"
          : error.type === "entity.parse.failed"
            ? "The request body is not valid JSON"
            : status === 500
              ? "Internal server error"
              : (error.message ?? "Bad request");
      res.status(status).json({ error: message });
    },
  );
}

/**
 * A graceful stop (SIGTERM in scripts/serve.ts; docs/operations.md "Rolling restart"): /ready
 * answers 503 for DRAIN_DELAY_MS while the router still serves (the load balancer takes it out of
 * rotation), then the HTTP server stops accepting, board sockets close with 1001 (the board
 * reconnects, resuming behind its last event), and requests in flight (webhooks, mutations,
 * uploads) finish, at most DRAIN_GRACE_MS (router/drain.ts), before the rest closes.
 */
async function stopRouter(parts: {
  config: Config;
  logger: Logger;
  drain: HttpDrain;
  board: BoardServer;
  apollo: ApolloServer<RouterContext>;
  userAccess: UserAccess;
  internal: InternalClient;
  closeGateway: () => void;
}) {
  const { config, logger, drain } = parts;
  logger.info({ delayMs: config.drainDelayMs }, "router stopping: /ready 503, then finishing requests in flight");
  await drain.announce(config.drainDelayMs);
  const drained = drain.finish(DRAIN_GRACE_MS);
  await parts.board.stop();
  await drained;
  await parts.apollo.stop();
  await parts.userAccess.stop();
  parts.closeGateway();
  parts.internal.close();
}

export async function startRouter(deps: RouterDeps): Promise<RunningRouter> {
  const { config, db } = deps;
  const logger = deps.logger.child({ component: "router" });
  const metrics = createMetrics(db);
  deps.registerMetrics?.(metrics.registry);
  const timed = timedHandler(metrics);
  const app = express();
  app.disable("x-powered-by");
  const routes: BareRoutes = { uploads: timed("/uploads", createUploadProxy(config, logger)), webhooks: new Map() };
  const { httpServer, drain } = createHttpServer(routes, app);
  const userAccess = new UserAccess({ config, connectionString: String(db.pool.options.connectionString), logger });
  userAccess.start();
  const authenticate = createAuthenticator(config, userAccess);
  app.use(expressTiming(metrics));
  const corsHeaders = cors({ origin: config.corsOrigins.length ? config.corsOrigins : false, credentials: true });
  app.use(corsHeaders);
  const internal = createInternalClient(config, { timeoutMs: INTERNAL_CALL_TIMEOUT_MS });
  const securityHeaders = staticSecurityHeaders();
  const shim: ShimDeps = { config, db, logger, metrics, drain, internal, authenticate, securityHeaders };
  routes.webhooks = webhookHandlers(shim, timed);
  app.use(restShim(shim));
  const { apollo, apiSchema, guard, closeConnections } = await startApollo(config, logger, metrics);
  const onAccessChange = (listener: (key: string) => void) => userAccess.onChange(listener);
  const board = startBoardServer({ ...shim, httpServer, apollo, apiSchema, guard, onAccessChange });
  const endpoint = createGraphQLEndpoint({
    apollo,
    guard,
    authenticate,
    cors: corsHeaders,
    trustedProxies: config.trustProxy,
    logger,
  });
  routes.graphql = timed(GRAPHQL_PATH, endpoint);
  finalHandlers(app, logger);

  await new Promise<void>((resolve) => httpServer.listen(deps.port, deps.host ?? "0.0.0.0", resolve));
  const port = (httpServer.address() as { port: number }).port;
  logger.info({ port }, "router listening");
  // once: a second signal (SIGINT after SIGTERM) or a test's cleanup waits for the same stop
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= stopRouter({
      config,
      logger,
      drain,
      board,
      apollo,
      userAccess,
      internal,
      closeGateway: closeConnections,
    }));
  return { url: `http://localhost:${port}`, port, httpServer, metrics, board, stop };
}
