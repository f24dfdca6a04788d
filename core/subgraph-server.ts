import http from "node:http";
import type client from "prom-client";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { BodyError, headerValue, pathOf, readJsonBody, sendJson, serveGraphQL } from "./http-server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from "@apollo/server/plugin/disabled";
import type { Config } from "./config";
import type { Database } from "./db";
import type { Logger } from "./logger";
import type { SubgraphContext } from "./context";
import { createErrorFormatter } from "./errors";
import { SUBGRAPH_KEEP_ALIVE_MS } from "./http-client";
import { requireViewerPlugin } from "./public-operations";
import { enforceFieldPermissions, roleMatrixPlugin } from "./permissions";
import { enforceArgumentPermissions } from "./argument-permissions";
import { verifySignedViewer, VIEWER_HEADER, SIGNATURE_HEADER, type SignedContext } from "./subgraph-signature";
import { DateTime } from "./scalars";
import {
  INTERNAL_PATH_PREFIX,
  type InternalContext,
  type InternalOperations,
  type InternalOperationsFactory,
} from "./internal-operations";
import { isDatabaseUnavailable } from "./errors";
import { processRegistry, serveMetrics } from "./metrics-endpoint";

/** a subgraph hears only the router, whose own limit on a request is smaller */
const SUBGRAPH_BODY_LIMIT = 1024 * 1024;

export const SCHEMA_DIR = path.resolve(__dirname, "..", "schema");

/** buildSubgraphSchema's module type, from its public signature (the package exports no name for it) */
type SchemaModule = Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>;

export interface SubgraphDefinition<L> {
  name: "catalog" | "orders" | "warehouse";
  resolvers: unknown;
  createLoaders(context: Omit<SubgraphContext<L>, "loaders">): L;
  /** what the subgraph does for the router outside GraphQL (core/internal-operations.ts) */
  internalOperations?: InternalOperationsFactory;
  /** HTTP routes besides /graphql (the catalog's uploads), reached through the router; true when handled */
  httpRoutes?(deps: {
    config: Config;
    db: Database;
    logger: Logger;
  }): (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
  /** instruments of this subgraph's own work (the catalog's uploads) on its process's /metrics */
  registerMetrics?(registry: client.Registry, deps: { db: Database }): void;
}

export interface RunningSubgraph {
  name: string;
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function subgraphTypeDefs(name: string) {
  return parse(fs.readFileSync(path.join(SCHEMA_DIR, `${name}.graphql`), "utf8"));
}

type SubgraphDeps = { config: Config; db: Database; logger: Logger; port: number; host?: string };

export async function startSubgraph<L>(
  definition: SubgraphDefinition<L>,
  deps: SubgraphDeps,
): Promise<RunningSubgraph> {
  const logger = deps.logger.child({ subgraph: definition.name });
  const httpServer = http.createServer({ keepAliveTimeout: SUBGRAPH_KEEP_ALIVE_MS });
  const server = createApolloServer(definition, httpServer, logger);
  await server.start();
  const internal = definition.internalOperations?.({ config: deps.config, db: deps.db, logger }) ?? { handlers: {} };
  const routes: SubgraphRoutes<L> = {
    server,
    internal,
    context: contextFactory(definition, deps, logger),
    metricsRegistry: lazyMetricsRegistry(definition, deps.db),
    extraRoutes: definition.httpRoutes?.({ config: deps.config, db: deps.db, logger }),
  };
  httpServer.on("request", (req: http.IncomingMessage, res: http.ServerResponse) =>
    handleRequest(definition, { ...deps, logger }, routes, req, res),
  );

  await new Promise<void>((resolve) => httpServer.listen(deps.port, deps.host ?? "127.0.0.1", resolve));
  const port = (httpServer.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}/graphql`;
  logger.info({ url }, "subgraph listening");
  return {
    name: definition.name,
    url,
    port,
    async stop() {
      await server.stop();
      await internal.stop?.();
    },
  };
}

/** What a subgraph's HTTP server answers with, built once at start. */
interface SubgraphRoutes<L> {
  server: ApolloServer<SubgraphContext<L>>;
  internal: InternalOperations;
  context: (signed: SignedContext) => Promise<SubgraphContext<L>>;
  metricsRegistry: () => client.Registry;
  extraRoutes?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
}

/** The subgraph's schema with its permission gates, behind Apollo Server with the plugins every subgraph runs. */
function createApolloServer<L>(definition: SubgraphDefinition<L>, httpServer: http.Server, logger: Logger) {
  // the field's own gate first (outermost), then its arguments'
  const schema = enforceFieldPermissions(
    enforceArgumentPermissions(
      buildSubgraphSchema({
        typeDefs: subgraphTypeDefs(definition.name),
        resolvers: { DateTime, ...(definition.resolvers as object) } as SchemaModule["resolvers"],
      }),
    ),
  );
  return new ApolloServer<SubgraphContext<L>>({
    schema,
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    introspection: true,
    csrfPrevention: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // neither is used (no usage reporting, no HTTP caching), and each wraps every resolver
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      requireViewerPlugin as ApolloServerPlugin<SubgraphContext<L>>,
      roleMatrixPlugin as ApolloServerPlugin<SubgraphContext<L>>,
    ],
  });
}

/** A request's context from the router's signed viewer, with this request's loaders. */
function contextFactory<L>(definition: SubgraphDefinition<L>, deps: SubgraphDeps, logger: Logger) {
  return async (signed: SignedContext): Promise<SubgraphContext<L>> => {
    const base = {
      viewer: signed.viewer,
      requestId: signed.requestId || crypto.randomUUID(),
      clientIp: signed.clientIp,
      config: deps.config,
      logger: logger.child({ requestId: signed.requestId }),
      // a COURIER's transactions see only the orders assigned to them (row-level security)
      db: signed.viewer ? deps.db.forViewer(signed.viewer) : deps.db,
    };
    return { ...base, loaders: definition.createLoaders(base) };
  };
}

/** The process's /metrics registry, built on the first scrape: a process running the subgraph in tests never pays for it. */
function lazyMetricsRegistry<L>(definition: SubgraphDefinition<L>, db: Database): () => client.Registry {
  let registry: client.Registry | null = null;
  return () => {
    if (!registry) {
      registry = processRegistry();
      definition.registerMetrics?.(registry, { db });
    }
    return registry;
  };
}

/** /health and /metrics for anyone; GraphQL, internal operations and the subgraph's own routes for the router only. */
function handleRequest<L>(
  definition: SubgraphDefinition<L>,
  deps: SubgraphDeps,
  routes: SubgraphRoutes<L>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): void {
  const pathname = pathOf(req);
  // liveness for container health checks; says nothing about data
  if (pathname === "/health" && req.method === "GET")
    return sendJson(res, 200, { status: "healthy", subgraph: definition.name });
  // for Prometheus inside the deployment (docker-compose scrapes each process), by the router's rule
  if (pathname === "/metrics" && req.method === "GET")
    return serveMetrics(routes.metricsRegistry(), deps.config, req, res);
  const signed = verifySignedViewer(
    headerValue(req, VIEWER_HEADER),
    headerValue(req, SIGNATURE_HEADER),
    deps.config.subgraphSecret,
  );
  if (pathname !== "/graphql" && !(req.method === "POST" && pathname.startsWith(INTERNAL_PATH_PREFIX))) {
    // the subgraph's own HTTP routes (the catalog's uploads), through the router only
    if (signed && routes.extraRoutes?.(req, res)) return;
    return sendJson(res, 404, { error: `No route ${pathname}` });
  }
  if (!signed) {
    req.resume();
    return sendJson(res, 401, {
      errors: [{ message: "This subgraph only answers the router", extensions: { code: "UNAUTHENTICATED" } }],
    });
  }
  const operation = pathname.startsWith(INTERNAL_PATH_PREFIX) ? pathname.slice(INTERNAL_PATH_PREFIX.length) : undefined;
  readJsonBody(req, SUBGRAPH_BODY_LIMIT)
    .then((body) => {
      if (operation === undefined) return serveGraphQL(routes.server, req, res, body, () => routes.context(signed));
      return serveInternalOperation(routes.internal, operation, body, res, {
        viewer: signed.viewer,
        requestId: signed.requestId,
        config: deps.config,
        db: deps.db,
        logger: deps.logger,
      });
    })
    .catch((error: unknown) => answerFailure(deps.logger, res, error));
}

/** A body refused as it arrived is the caller's 4xx; anything else is logged and a 500 (or a cut connection, once answering began). */
function answerFailure(logger: Logger, res: http.ServerResponse, error: unknown): void {
  if (error instanceof BodyError)
    return sendJson(res, error.status, {
      errors: [{ message: error.message, extensions: { code: "BAD_REQUEST" } }],
    });
  logger.error({ err: error }, "subgraph request failed");
  if (!res.headersSent)
    sendJson(res, 500, {
      errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
    });
  else res.destroy();
}

/**
 * Runs one internal operation and writes its envelope (core/internal-operations.ts). An
 * unreachable database is an answer (503, so a webhook's sender retries), not a failure.
 */
async function serveInternalOperation(
  internal: InternalOperations,
  name: string,
  input: unknown,
  res: http.ServerResponse,
  context: InternalContext,
) {
  const handler = Object.hasOwn(internal.handlers, name) ? internal.handlers[name] : undefined;
  if (!handler) return sendJson(res, 404, { error: `No internal operation ${name}` });
  try {
    sendJson(res, 200, await handler(input ?? {}, context));
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    sendJson(res, 200, { status: 503, body: { error: "The database is unavailable; retry later" } });
  }
}
