import http from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import cors from "cors";
import helmet from "helmet";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { Config } from "../core/config";
import type { Database } from "../core/db";
import type { Logger } from "../core/logger";
import { createErrorFormatter } from "../core/errors";
import { requireViewerPlugin } from "../core/public-operations";
import { roleMatrixPlugin } from "../core/permissions";
import { createAuthenticator } from "./authenticate";
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
import { createInternalClient } from "../core/internal-operations";
import { createUploadProxy, isUploadRequest } from "./uploads-proxy";

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

export async function startRouter(deps: RouterDeps): Promise<RunningRouter> {
  const { config, db } = deps;
  const logger = deps.logger.child({ component: "router" });
  const metrics = createMetrics(db);
  deps.registerMetrics?.(metrics.registry);
  const app = express();
  app.disable("x-powered-by");
  // The hot routes, GraphQL and the webhooks, are served on the bare request
  // (core/http-server.ts); express serves the rest of the REST shim.
  let graphqlEndpoint: BareHandler | undefined;
  const webhookRoutes = new Map<string, BareHandler>();
  const timed =
    (route: string, handler: BareHandler): BareHandler =>
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
  const uploads = timed("/uploads", createUploadProxy(config, logger));
  const httpServer = http.createServer((req, res) => {
    if (graphqlEndpoint && isGraphQLRequest(req)) return graphqlEndpoint(req, res);
    if (isUploadRequest(req)) return uploads(req, res);
    const webhook = req.method === "POST" ? webhookRoutes.get(pathOf(req)) : undefined;
    if (webhook) return webhook(req, res);
    app(req, res);
  });
  httpServer.requestTimeout = REQUEST_TIMEOUT_MS;
  httpServer.headersTimeout = Math.min(httpServer.headersTimeout, REQUEST_TIMEOUT_MS);
  const userAccess = new UserAccess({ config, connectionString: String(db.pool.options.connectionString), logger });
  userAccess.start();
  const authenticate = createAuthenticator(config, userAccess);

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const route = req.baseUrl + (req.route?.path === "/" ? "" : (req.route?.path ?? "")) || "unmatched";
      metrics.httpDuration.observe(
        { method: req.method, route, status: String(res.statusCode) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  });
  const corsHeaders = cors({ origin: config.corsOrigins.length ? config.corsOrigins : false, credentials: true });
  app.use(corsHeaders);

  const rest = express.Router();
  const securityHeaders = staticSecurityHeaders();
  rest.use((_req, res, next) => {
    for (const name in securityHeaders) res.setHeader(name, securityHeaders[name]);
    next();
  });
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
    const report = await readinessReport(config, db);
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? "ready" : "not_ready", checks: report.checks });
  });
  rest.get("/metrics", noBody, (req, res) => serveMetrics(metrics.registry, config, req, res));
  const internal = createInternalClient(config, { timeoutMs: INTERNAL_CALL_TIMEOUT_MS });
  const webhookLimiter = new RateLimiter(config.rateLimits.webhookPerIp);
  const webhookGate = new DeliveryGate(config.webhookDeliveries);
  for (const [path, route] of Object.entries(WEBHOOKS)) {
    const endpoint = webhookEndpoint(path, route, {
      config,
      internal,
      logger,
      observe: metrics.observeWebhook,
      limiter: webhookLimiter,
      gate: webhookGate,
      trustedProxies: config.trustProxy,
      headers: securityHeaders,
    });
    webhookRoutes.set(path, timed(path, endpoint));
  }
  rest.use(DELIVERIES_PATH, webhookDeliveriesAdmin(WEBHOOKS, { config, internal, logger, authenticate }));
  rest.use(boardPage(logger, config.uploads.publicUrl));
  app.use(rest);

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
      ApolloServerPluginDrainHttpServer({ httpServer }),
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
  const board = startBoardServer({
    httpServer,
    config,
    db,
    logger,
    apollo,
    apiSchema,
    metrics,
    authenticate,
    guard,
    internal,
    onAccessChange: (listener) => userAccess.onChange(listener),
  });
  graphqlEndpoint = timed(
    GRAPHQL_PATH,
    createGraphQLEndpoint({
      apollo,
      guard,
      authenticate,
      cors: corsHeaders,
      trustedProxies: config.trustProxy,
      logger,
    }),
  );

  app.use(express.raw({ type: () => true, limit: NO_BODY_LIMIT }), (req: Request, res: Response) => {
    res.status(404).json({ error: `No route for ${req.method} ${req.path}` });
  });
  // Body-parser and other client errors arrive here: answer JSON with their status, never a stack.
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

  await new Promise<void>((resolve) => httpServer.listen(deps.port, deps.host ?? "0.0.0.0", resolve));
  const port = (httpServer.address() as { port: number }).port;
  logger.info({ port }, "router listening");
  return {
    url: `http://localhost:${port}`,
    port,
    httpServer,
    metrics,
    board,
    async stop() {
      await board.stop();
      await apollo.stop();
      await userAccess.stop();
      closeConnections();
      internal.close();
    },
  };
}
