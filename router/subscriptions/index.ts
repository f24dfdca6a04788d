import type http from "node:http";
import crypto from "node:crypto";
import { WebSocketServer, type WebSocket } from "ws";
import { useServer } from "graphql-ws/use/ws";
import { CloseCode, type Context as WsContext } from "graphql-ws";
import {
  GraphQLError,
  getOperationAST,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
} from "graphql";
import type { ApolloServer } from "@apollo/server";
import type { ApolloGateway } from "@apollo/gateway";
import client from "prom-client";
import type { Viewer } from "../../core/auth";
import type { Authenticate } from "../authenticate";
import type { RequestGuard } from "../graphql-guard";
import type { Config } from "../../core/config";
import type { Database } from "../../core/db";
import { ErrorCode } from "../../core/errors";
import { clientIp } from "../rate-limit";
import type { Logger } from "../../core/logger";
import type { RouterContext } from "../gateway";
import type { Metrics } from "../metrics";
import { BoardHub, type ResolveEvents } from "./hub";
import { StatusChangeListener } from "./listener";
import { boardOperation, type BoardOperation } from "./operation";
import { Subscriber, type BoardTransport } from "./subscriber";

/** graphql-ws has no 4401 constant of its own use; Unauthorized (4401) is the protocol's code for a refused token */
export const CLOSE_UNAUTHORIZED = CloseCode.Unauthorized;

type ConnectionExtra = {
  viewer?: Viewer;
  /** subscriptions of this socket (closed ones are pruned when counting) */
  subscriptions?: Set<Subscriber>;
  /** subscriptions accepted but not started yet */
  reserved?: number;
};
type Ctx = WsContext<Record<string, unknown>, { socket: WebSocket; request: http.IncomingMessage } & ConnectionExtra>;

interface BoardArgs extends ExecutionArgs {
  contextValue: {
    viewer: Viewer;
    board: BoardOperation | null;
    subscriptionId: string;
    transport: BoardTransport;
    clientIp: string;
    payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null };
  };
}

/** The graphql-ws socket as a board transport. `_socket` is ws's net.Socket, corked around a batch. */
function socketTransport(socket: WebSocket): BoardTransport {
  const raw = () => (socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
  return {
    send(data, done) {
      if (socket.readyState !== socket.OPEN) return done();
      socket.send(data, done);
    },
    cork: () => raw()?.cork(),
    uncork: () => raw()?.uncork(),
  };
}

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

function boardMetrics(metrics: Metrics, hub: () => BoardHub | undefined) {
  const registers = [metrics.registry];
  new client.Gauge({
    name: "board_subscribers",
    help: "Live order board subscriptions on this router: live (attached to the stream) or starting (replaying)",
    labelNames: ["state"] as const,
    registers,
    collect() {
      const total = hub()?.subscriberCount ?? 0;
      const live = hub()?.liveCount ?? 0;
      this.set({ state: "live" }, live);
      this.set({ state: "starting" }, total - live);
    },
  });
  new client.Gauge({
    name: "board_dispatches_waiting",
    help: "Pages of shops' feeds waiting for a turn to be read and resolved (BOARD_CONCURRENT_DISPATCHES at a time); steadily above 0, the router's boards lag behind their shops",
    registers,
    collect() {
      this.set(hub()?.turns.waiting ?? 0);
    },
  });
  const events = new client.Counter({
    name: "board_events_total",
    help: "History rows dispatched to live boards",
    registers,
  });
  const deliveries = new client.Counter({
    name: "board_deliveries_total",
    help: "Events sent to board subscribers",
    registers,
  });
  const dropped = new client.Counter({
    name: "board_dropped_subscribers_total",
    help: "Subscribers dropped for falling too far behind",
    registers,
  });
  const resolutions = new client.Counter({
    name: "board_resolutions_total",
    help: "Events queries sent through the gateway",
    registers,
  });
  const lag = new client.Histogram({
    name: "board_delivery_lag_seconds",
    help: "From the history row's creation to its hand-over to the socket",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const listener = new client.Gauge({
    name: "board_listener_connected",
    help: "1 while the LISTEN connection is up",
    registers,
  });
  new client.Gauge({
    name: "board_feed_held_seconds",
    help: "How long the longest-held shop's board has waited on an older transaction still open in PostgreSQL (0: none waits); alert when it stays above a second",
    registers,
    collect() {
      this.set((hub()?.heldMs ?? 0) / 1000);
    },
  });
  return {
    eventDispatched: () => events.inc(),
    delivered: (at: Date) => {
      deliveries.inc();
      lag.observe(Math.max(0, (Date.now() - at.getTime()) / 1000));
    },
    dropped: () => dropped.inc(),
    resolution: () => resolutions.inc(),
    listenerState: (connected: boolean) => listener.set(connected ? 1 : 0),
  };
}

function unauthorized(ctx: Ctx, reason: string): false {
  // graphql-ws answers `false` with 4403; a missing or bad token is 4401
  ctx.extra.socket.close(CLOSE_UNAUTHORIZED, reason.slice(0, 120));
  return false;
}

function codedError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/**
 * The live order board on `ws://…/graphql` (graphql-transport-ws): authenticates
 * connection_init, validates subscriptions against the supergraph's API schema, and serves
 * `orderStatusChanged` from the BoardHub. Queries and mutations sent over the socket go
 * through the gateway like HTTP ones.
 */
export function startBoardServer(deps: {
  httpServer: http.Server;
  config: Config;
  db: Database;
  logger: Logger;
  apollo: ApolloServer<RouterContext>;
  apiSchema: () => GraphQLSchema;
  metrics: Metrics;
  /** the router's token check (signature, expiry, claims, the shop exists) */
  authenticate: Authenticate;
  /** the router's rate and query limits, for operations sent over the socket */
  guard: RequestGuard;
}): BoardServer {
  const { config, logger } = deps;
  const log = logger.child({ component: "board" });
  let hubRef: BoardHub | undefined;
  const instruments = boardMetrics(deps.metrics, () => hubRef);

  const execute = async (
    query: string,
    variables: Record<string, unknown> | null | undefined,
    operationName: string | null | undefined,
    context: RouterContext,
  ) => {
    const response = await deps.apollo.executeOperation(
      { query, variables: variables ?? undefined, operationName: operationName ?? undefined },
      { contextValue: context },
    );
    if (response.body.kind !== "single") throw new Error("incremental delivery is not supported on the board");
    return response.body.singleResult;
  };
  const resolveEvents: ResolveEvents = (query, variables, context) =>
    execute(query, variables, "BoardEvents", { ...context, internal: true });
  const hub = new BoardHub(deps.db, log, config.board, resolveEvents, instruments);
  hubRef = hub;

  const connectionString = deps.db.pool.options.connectionString ?? config.databaseUrl;
  if (!connectionString) throw new Error("the board listener needs the database URL");
  const listener = new StatusChangeListener({
    connectionString,
    logger: log,
    onNotify: (shopId) => hub.notify(shopId),
    onListening: (reconnected) => {
      // NOTIFYs sent while the connection was down are gone: re-read the table
      if (reconnected) hub.resyncAll();
    },
    onStateChange: (connected) => instruments.listenerState(connected),
  });
  listener.start();

  const wss = new WebSocketServer({ server: deps.httpServer, path: "/graphql", maxPayload: 64 * 1024 });
  const server = useServer<Record<string, unknown>, ConnectionExtra>(
    {
      connectionInitWaitTimeout: 10_000,
      async onConnect(ctx: Ctx) {
        // the contract says `authorization`; Sandbox forwards its headers panel as the payload, in any letter case
        const params = ctx.connectionParams ?? {};
        const key = Object.keys(params).find((name) => name.toLowerCase() === "authorization");
        const authorization = key ? params[key] : undefined;
        if (typeof authorization !== "string" || authorization === "") {
          return unauthorized(ctx, "connection_init must carry { authorization: 'Bearer <token>' }");
        }
        try {
          const viewer = await deps.authenticate(authorization);
          if (!viewer) return unauthorized(ctx, "connection_init must carry { authorization: 'Bearer <token>' }");
          ctx.extra.viewer = viewer;
          ctx.extra.subscriptions = new Set();
          return true;
        } catch (error) {
          if (error instanceof GraphQLError && error.extensions.code === ErrorCode.UNAUTHENTICATED)
            return unauthorized(ctx, error.message);
          throw error;
        }
      },
      async onSubscribe(ctx: Ctx, id, payload) {
        const viewer = ctx.extra.viewer!;
        if (viewer.expiresAt && viewer.expiresAt * 1000 <= Date.now()) {
          return [codedError("The token has expired; reconnect with a fresh token", ErrorCode.UNAUTHENTICATED)];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: 2_000 });
        } catch (error) {
          return [codedError((error as Error).message, "GRAPHQL_PARSE_FAILED")];
        }
        // the size limits before validation; queries and mutations meet the rate limits in Apollo's guard plugin
        const refusal = deps.guard.checkDocument(document, payload.operationName ?? undefined, payload.variables ?? {});
        if (refusal) return [new GraphQLError(refusal.message, { extensions: refusal.extensions })];
        const schema = deps.apiSchema();
        const errors = validate(schema, document);
        if (errors.length)
          return errors.map(
            (e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }),
          );
        const operation = getOperationAST(document, payload.operationName);
        if (!operation)
          return [
            codedError("Unable to identify the operation: name it in operationName", "GRAPHQL_VALIDATION_FAILED"),
          ];
        let board: BoardOperation | null = null;
        if (operation.operation === "subscription") {
          try {
            board = boardOperation(schema, document, operation, payload.variables);
          } catch (error) {
            if (error instanceof GraphQLError) return [error];
            throw error;
          }
          const open = ctx.extra.subscriptions!;
          for (const subscriber of open) if (subscriber.isClosed) open.delete(subscriber);
          if (open.size + (ctx.extra.reserved ?? 0) >= config.board.maxSubscriptionsPerConnection) {
            return [
              codedError(
                `A connection may hold at most ${config.board.maxSubscriptionsPerConnection} subscriptions`,
                ErrorCode.RATE_LIMITED,
              ),
            ];
          }
          // counted from here, not from when the subscription starts: a burst of subscribe messages interleaves
          ctx.extra.reserved = (ctx.extra.reserved ?? 0) + 1;
        }
        const args: BoardArgs = {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: {
            viewer,
            board,
            payload,
            subscriptionId: id,
            transport: socketTransport(ctx.extra.socket),
            clientIp: clientIp(ctx.extra.request, config.trustProxy),
          },
        };
        return args;
      },
      subscribe(args) {
        const { viewer, board, subscriptionId, transport, clientIp: address } = (args as BoardArgs).contextValue;
        try {
          return hub.subscribe(viewer, board!, subscriptionId, transport, address);
        } catch (error) {
          if (error instanceof GraphQLError) return { errors: [error] };
          throw error;
        }
      },
      async execute(args) {
        const { viewer, payload, clientIp: ip } = (args as BoardArgs).contextValue;
        const result = await execute(payload.query, payload.variables, payload.operationName, {
          viewer,
          requestId: crypto.randomUUID(),
          clientIp: ip,
        });
        return {
          ...(result.data !== undefined ? { data: result.data } : {}),
          ...(result.errors
            ? {
                errors: result.errors.map(
                  (e) => new GraphQLError(e.message, { path: e.path, extensions: e.extensions }),
                ),
              }
            : {}),
        };
      },
      onOperation(ctx: Ctx, _id, _payload, args, result) {
        if (args.contextValue && (args.contextValue as BoardArgs["contextValue"]).board)
          ctx.extra.reserved = Math.max(0, (ctx.extra.reserved ?? 1) - 1);
        if (result instanceof Subscriber) ctx.extra.subscriptions!.add(result);
        return undefined;
      },
    },
    wss,
    config.board.keepAliveMs,
  );

  return {
    hub,
    listener,
    async stop() {
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
