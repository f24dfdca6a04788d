import http from "node:http";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import express from "express";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper";
import { parse } from "graphql";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import type { Config } from "./config";
import type { Database } from "./db";
import type { Logger } from "./logger";
import type { SubgraphContext } from "./context";
import { createErrorFormatter } from "./errors";
import { requireViewerPlugin } from "./public-operations";
import { enforceFieldPermissions, roleMatrixPlugin } from "./permissions";
import { verifySignedViewer, VIEWER_HEADER, SIGNATURE_HEADER } from "./subgraph-signature";
import { DateTime } from "./scalars";

export const SCHEMA_DIR = path.resolve(__dirname, "..", "schema");


export interface SubgraphDefinition<L> {
  name: "catalog" | "orders" | "warehouse";
  resolvers: unknown;
  createLoaders(context: Omit<SubgraphContext<L>, "loaders">): L;
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

export async function startSubgraph<L>(
  definition: SubgraphDefinition<L>,
  deps: { config: Config; db: Database; logger: Logger; port: number; host?: string },
): Promise<RunningSubgraph> {
  const logger = deps.logger.child({ subgraph: definition.name });
  const app = express();
  const httpServer = http.createServer(app);
  const schema = enforceFieldPermissions(buildSubgraphSchema({
    typeDefs: subgraphTypeDefs(definition.name),
    resolvers: { DateTime, ...(definition.resolvers as object) } as GraphQLResolverMap<unknown>,
  }));
  const server = new ApolloServer<SubgraphContext<L>>({
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
  await server.start();

  // liveness for container health checks; says nothing about data
  app.get("/health", (_req, res) => {
    res.json({ status: "healthy", subgraph: definition.name });
  });
  app.use(
    "/graphql",
    express.json({ limit: "1mb" }),
    (req, res, next) => {
      const signed = verifySignedViewer(req.header(VIEWER_HEADER), req.header(SIGNATURE_HEADER), deps.config.subgraphSecret);
      if (!signed) {
        res.status(401).json({
          errors: [{ message: "This subgraph only answers the router", extensions: { code: "UNAUTHENTICATED" } }],
        });
        return;
      }
      res.locals.signed = signed;
      next();
    },
    expressMiddleware(server, {
      context: async ({ res }) => {
        const signed = res.locals.signed as NonNullable<ReturnType<typeof verifySignedViewer>>;
        const base = {
          viewer: signed.viewer,
          requestId: signed.requestId || crypto.randomUUID(),
          config: deps.config,
          logger: logger.child({ requestId: signed.requestId }),
          db: deps.db,
        };
        return { ...base, loaders: definition.createLoaders(base) };
      },
    }),
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
    },
  };
}
