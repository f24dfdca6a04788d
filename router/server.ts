import http from "node:http";
import crypto from "node:crypto";
import express, { type NextFunction, type Request, type Response } from "express";
import cors from "cors";
import helmet from "helmet";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from "@apollo/server/plugin/landingPage/default";
import type { Config } from "../core/config";
import type { Database } from "../core/db";
import type { Logger } from "../core/logger";
import { AuthError, bearerToken, verifyToken, type Viewer } from "../core/auth";
import { GraphQLError } from "graphql";
import { createErrorFormatter } from "../core/errors";
import { requireViewerPlugin } from "../core/public-operations";
import { createGateway, type RouterContext } from "./gateway";
import { createMetrics, operationLabel, type Metrics } from "./metrics";
import { healthReport, readinessReport } from "./health";
import { WEBHOOKS } from "./webhooks";
import { webhookEndpoint } from "./webhooks/receiver";
import { startBoardServer, watchApiSchema, type BoardServer } from "./subscriptions";

export interface RouterDeps {
  config: Config;
  db: Database;
  logger: Logger;
  port: number;
  host?: string;
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

/** Verifies the bearer token of a request; null when there is none. */
export function viewerFromAuthorization(header: string | undefined, config: Config): Viewer | null {
  try {
    const token = bearerToken(header);
    return token ? verifyToken(token, config.jwtSecrets) : null;
  } catch (error) {
    if (error instanceof AuthError) {
      throw new GraphQLError(error.message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
    }
    throw error;
  }
}

function metricsPlugin(metrics: Metrics): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, operation, errors }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.graphqlDuration.observe({ operation: operationLabel(operationName), type: operation?.operation ?? "unknown" }, seconds);
          for (const error of errors ?? []) metrics.graphqlErrors.inc({ code: String(error.extensions?.code ?? "INTERNAL_SERVER_ERROR") });
        },
      };
    },
  };
}

export async function startRouter(deps: RouterDeps): Promise<RunningRouter> {
  const { config, db } = deps;
  const logger = deps.logger.child({ component: "router" });
  const metrics = createMetrics(db);
  const app = express();
  app.disable("x-powered-by");
  const httpServer = http.createServer(app);

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const route = req.baseUrl + (req.route?.path === "/" ? "" : (req.route?.path ?? "")) || "unmatched";
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  });
  app.use(cors({ origin: config.corsOrigins.length ? config.corsOrigins : false, credentials: true }));

  const rest = express.Router();
  rest.use(helmet());
  rest.get("/health", async (_req, res) => {
    const report = await healthReport(config, db);
    res.status(report.healthy ? 200 : 503).json({
      status: report.healthy ? "healthy" : "degraded",
      timestamp: new Date().toISOString(),
      service: SERVICE,
      version: VERSION,
      checks: report.checks,
    });
  });
  rest.get("/ready", async (_req, res) => {
    const report = await readinessReport(config, db);
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? "ready" : "not_ready", checks: report.checks });
  });
  rest.get("/metrics", async (_req, res) => {
    res.setHeader("content-type", metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  for (const [path, handler] of Object.entries(WEBHOOKS)) {
    rest.use(path, webhookEndpoint(path, handler, { config, db, logger, observe: metrics.observeWebhook }));
  }
  app.use(rest);

  const gateway = createGateway(config);
  const apiSchema = watchApiSchema(gateway);
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    introspection: !config.production,
    csrfPrevention: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      metricsPlugin(metrics),
      requireViewerPlugin as ApolloServerPlugin<RouterContext>,
      config.production
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    ],
  });
  await apollo.start();
  const board = startBoardServer({ httpServer, config, db, logger, apollo, apiSchema, metrics });
  app.use(
    "/graphql",
    express.json({ limit: "256kb" }),
    expressMiddleware(apollo, {
      context: async ({ req }) => ({
        viewer: viewerFromAuthorization(req.header("authorization"), config),
        requestId: crypto.randomUUID(),
      }),
    }),
  );

  app.use((req, res) => {
    res.status(404).json({ error: `No route for ${req.method} ${req.path}` });
  });
  // Body-parser and other client errors arrive here: answer JSON with their status, never a stack.
  app.use((error: { status?: number; type?: string; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
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
  });

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
    },
  };
}
