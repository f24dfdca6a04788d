import type http from "node:http";
import { WebSocketServer } from "ws";
import { useServer } from "graphql-ws/use/ws";
import type { GraphQLSchema } from "graphql";
import type { ApolloServer } from "@apollo/server";
import type { ApolloGateway } from "@apollo/gateway";
import type { Config } from "../../core/config";
import type { Database } from "../../core/db";
import type { InternalClient } from "../../core/internal-operations";
import type { Logger } from "../../core/logger";
import type { Authenticate } from "../authenticate";
import type { RouterContext } from "../gateway";
import type { RequestGuard } from "../graphql-guard";
import type { Metrics } from "../metrics";
import { boardMetrics } from "./board-metrics";
import { StatusFeed } from "./feed";
import { BoardHub } from "./hub";
import { StatusChangeListener } from "./listener";
import { SignedInSockets } from "./signed-in-sockets";
import { boardSocketHooks, type ConnectionExtra, type ExecuteOperation } from "./socket-hooks";

export { CLOSE_UNAUTHORIZED } from "./socket-hooks";

export interface BoardServer {
  hub: BoardHub;
  listener: StatusChangeListener;
  stop(): Promise<void>;
}

/** Registers before `apollo.start()` so the gateway's API schema reaches the board when it loads. */
export function watchApiSchema(gateway: ApolloGateway): () => GraphQLSchema {
  let schema: GraphQLSchema | null = null;
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
    schema = apiSchema;
  });
  return () => {
    if (!schema) throw new Error("the gateway has not loaded its schema");
    return schema;
  };
}

/** Operations through the router's Apollo Server (the gateway), single results only. */
function gatewayExecutor(apollo: ApolloServer<RouterContext>): ExecuteOperation {
  return async (payload, context) => {
    const { query, variables, operationName } = payload;
    const response = await apollo.executeOperation(
      { query, variables: variables ?? undefined, operationName: operationName ?? undefined },
      { contextValue: context },
    );
    if (response.body.kind !== "single") throw new Error("incremental delivery is not supported on the board");
    return response.body.singleResult;
  };
}

/**
 * The live order board on `ws://…/graphql` (graphql-transport-ws), on graphql-ws's own server
 * (`useServer`, hooks in socket-hooks.ts): `orderStatusChanged` is served from the BoardHub,
 * which reads the shops' feeds through the orders subgraph and resolves events through the
 * gateway; queries and mutations sent over the socket go through the gateway like HTTP ones.
 */
export function startBoardServer(deps: {
  httpServer: http.Server;
  config: Config;
  db: Database;
  logger: Logger;
  apollo: ApolloServer<RouterContext>;
  apiSchema: () => GraphQLSchema;
  metrics: Metrics;
  /** the router's token check (signature, expiry, claims, the user is still active) */
  authenticate: Authenticate;
  /** the router's rate and query limits, for operations sent over the socket */
  guard: RequestGuard;
  /** calls into the subgraphs' internal operations (the orders subgraph serves the board's feed) */
  internal: InternalClient;
  /** tells of a change of a user's access (`<shop>:<user>`), e.g. UserAccess.onChange; answers how to stop */
  onAccessChange: (listener: (key: string) => void) => () => void;
}): BoardServer {
  const { config } = deps;
  const log = deps.logger.child({ component: "board" });
  let hubRef: BoardHub | undefined;
  const instruments = boardMetrics(deps.metrics, () => hubRef);
  const execute = gatewayExecutor(deps.apollo);
  const hub = new BoardHub(
    new StatusFeed(deps.internal),
    log,
    config.board,
    (query, variables, context) =>
      execute({ query, variables, operationName: "BoardEvents" }, { ...context, internal: true }),
    instruments,
  );
  hubRef = hub;

  const connectionString = deps.db.pool.options.connectionString ?? config.databaseUrl;
  if (!connectionString) throw new Error("the board listener needs the database URL");
  const listener = new StatusChangeListener({
    connectionString,
    logger: log,
    onNotify: (shopId) => hub.notify(shopId),
    onListening: (reconnected) => {
      // NOTIFYs sent while the connection was down are gone: re-read the feeds
      if (reconnected) hub.resyncAll();
    },
    onStateChange: (connected) => instruments.listenerState(connected),
  });
  listener.start();

  const wss = new WebSocketServer({ server: deps.httpServer, path: "/graphql", maxPayload: 64 * 1024 });
  const sockets = new SignedInSockets(deps.authenticate, log);
  const stopWatchingAccess = deps.onAccessChange((key) => void sockets.recheck(key));
  const hooks = boardSocketHooks({ ...deps, hub, execute, sockets });
  const server = useServer<Record<string, unknown>, ConnectionExtra>(hooks, wss, config.board.keepAliveMs);

  return {
    hub,
    listener,
    async stop() {
      stopWatchingAccess();
      hub.stop();
      await listener.stop();
      // dispose sends 1001 to every socket and waits for their close handshakes; a peer that does
      // not answer would hold shutdown for ws's 30 s close timeout, so cut it short after a second
      const disposed = Promise.resolve(server.dispose()).catch(() => undefined);
      const grace = new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref());
      await Promise.race([disposed, grace]);
      for (const socket of wss.clients) socket.terminate();
      await disposed;
    },
  };
}
