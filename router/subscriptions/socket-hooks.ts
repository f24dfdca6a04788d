import crypto from "node:crypto";
import { CloseCode, type Context as WsContext, type ServerOptions, type SubscribePayload } from "graphql-ws";
import type { Extra } from "graphql-ws/use/ws";
import {
  GraphQLError,
  getOperationAST,
  parse,
  validate,
  type ExecutionArgs,
  type FormattedExecutionResult,
  type GraphQLSchema,
} from "graphql";
import type { Viewer } from "../../core/auth";
import type { Config } from "../../core/config";
import { ErrorCode } from "../../core/errors";
import type { Authenticate } from "../authenticate";
import type { RouterContext } from "../gateway";
import type { RequestGuard } from "../graphql-guard";
import { clientIp } from "../rate-limit";
import type { BoardHub } from "./hub";
import type { SignedInSockets } from "./signed-in-sockets";
import { boardOperation, type BoardOperation } from "./operation";
import { Subscriber } from "./subscriber";

/** graphql-ws has no 4401 constant of its own use; Unauthorized (4401) is the protocol's code for a refused token */
export const CLOSE_UNAUTHORIZED = CloseCode.Unauthorized;

export type ConnectionExtra = {
  viewer?: Viewer;
  /** subscriptions of this socket (closed ones are pruned when counting) */
  subscriptions?: Set<Subscriber>;
  /** subscriptions accepted but not started yet */
  reserved?: number;
};
type Ctx = WsContext<Record<string, unknown>, Extra & Partial<ConnectionExtra>>;

interface BoardArgs extends ExecutionArgs {
  contextValue: { viewer: Viewer; board: BoardOperation | null; clientIp: string; payload: SubscribePayload };
}

/** A GraphQL operation through the gateway, as the router's HTTP endpoint runs it. */
export type ExecuteOperation = (payload: SubscribePayload, context: RouterContext) => Promise<FormattedExecutionResult>;

export interface SocketDeps {
  config: Config;
  apiSchema: () => GraphQLSchema;
  /** the router's token check (signature, expiry, claims, the user is still active) */
  authenticate: Authenticate;
  /** the router's rate and query limits, for operations sent over the socket */
  guard: RequestGuard;
  hub: BoardHub;
  execute: ExecuteOperation;
  /** open sockets by user, closed when the user's access changes (signed-in-sockets.ts) */
  sockets: SignedInSockets;
}

const codedError = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

function unauthorized(ctx: Ctx, reason: string): false {
  // graphql-ws answers `false` with 4403; a missing or bad token is 4401
  ctx.extra.socket.close(CLOSE_UNAUTHORIZED, reason.slice(0, 120));
  return false;
}

/** onConnect: the token in connection_init's payload; 4401 when it is missing or refused. */
async function authenticateConnection(deps: SocketDeps, ctx: Ctx): Promise<boolean> {
  // the contract says `authorization`; Sandbox forwards its headers panel as the payload, in any letter case
  const params = ctx.connectionParams ?? {};
  const key = Object.keys(params).find((name) => name.toLowerCase() === "authorization");
  const authorization = key ? params[key] : undefined;
  const missing = "connection_init must carry { authorization: 'Bearer <token>' }";
  if (typeof authorization !== "string" || authorization === "") return unauthorized(ctx, missing);
  try {
    const viewer = await deps.authenticate(authorization);
    if (!viewer) return unauthorized(ctx, missing);
    ctx.extra.viewer = viewer;
    deps.sockets.add(viewer, authorization, ctx.extra.socket);
    ctx.extra.subscriptions = new Set();
    return true;
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === ErrorCode.UNAUTHENTICATED)
      return unauthorized(ctx, error.message);
    throw error;
  }
}

/** A subscription takes a place on its connection (BOARD_MAX_SUBSCRIPTIONS_PER_CONNECTION); the refusal when none is left. */
function reservePlace(deps: SocketDeps, ctx: Ctx): GraphQLError | null {
  const { maxSubscriptionsPerConnection } = deps.config.board;
  const open = ctx.extra.subscriptions!;
  for (const subscriber of open) if (subscriber.isClosed) open.delete(subscriber);
  if (open.size + (ctx.extra.reserved ?? 0) >= maxSubscriptionsPerConnection)
    return codedError(
      `A connection may hold at most ${maxSubscriptionsPerConnection} subscriptions`,
      ErrorCode.RATE_LIMITED,
    );
  // counted from here, not from when the subscription starts: a burst of subscribe messages interleaves
  ctx.extra.reserved = (ctx.extra.reserved ?? 0) + 1;
  return null;
}

/**
 * onSubscribe: parse (bounded), the router's size limits, validation against the supergraph's
 * API schema with graphql-js; a subscription becomes a BoardOperation and takes a place on its
 * connection. Answers the execution arguments, or the errors graphql-ws sends as `error`.
 */
function prepareOperation(deps: SocketDeps, ctx: Ctx, payload: SubscribePayload): BoardArgs | GraphQLError[] {
  const viewer = ctx.extra.viewer!;
  if (viewer.expiresAt && viewer.expiresAt * 1000 <= Date.now())
    return [codedError("The token has expired; reconnect with a fresh token", ErrorCode.UNAUTHENTICATED)];
  let document;
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
    return [codedError("Unable to identify the operation: name it in operationName", "GRAPHQL_VALIDATION_FAILED")];
  let board: BoardOperation | null = null;
  if (operation.operation === "subscription") {
    try {
      board = boardOperation(schema, document, operation, payload.variables);
    } catch (error) {
      if (error instanceof GraphQLError) return [error];
      throw error;
    }
    const full = reservePlace(deps, ctx);
    if (full) return [full];
  }
  const address = clientIp(ctx.extra.request, deps.config.trustProxy);
  return {
    schema,
    document,
    operationName: payload.operationName,
    variableValues: payload.variables,
    contextValue: { viewer, board, payload, clientIp: address },
  };
}

/** A query or mutation sent over the socket, through the gateway like an HTTP one. */
async function executeOverSocket(deps: SocketDeps, args: BoardArgs) {
  const { viewer, payload, clientIp: ip } = args.contextValue;
  const result = await deps.execute(payload, { viewer, requestId: crypto.randomUUID(), clientIp: ip });
  return {
    ...(result.data !== undefined ? { data: result.data } : {}),
    ...(result.errors
      ? { errors: result.errors.map((e) => new GraphQLError(e.message, { path: e.path, extensions: e.extensions })) }
      : {}),
  };
}

/**
 * graphql-ws's server hooks for the board: authenticate connection_init, check every operation,
 * serve `orderStatusChanged` from the hub (a Subscriber is the subscription's AsyncGenerator) and
 * everything else through the gateway.
 */
export function boardSocketHooks(
  deps: SocketDeps,
): ServerOptions<Record<string, unknown>, Extra & Partial<ConnectionExtra>> {
  return {
    connectionInitWaitTimeout: 10_000,
    onConnect: (ctx: Ctx) => authenticateConnection(deps, ctx),
    onSubscribe: (ctx: Ctx, _id, payload) => prepareOperation(deps, ctx, payload),
    subscribe(args) {
      const { viewer, board, clientIp: address } = (args as BoardArgs).contextValue;
      try {
        return deps.hub.subscribe(viewer, board!, address);
      } catch (error) {
        if (error instanceof GraphQLError) return { errors: [error] };
        throw error;
      }
    },
    execute: (args) => executeOverSocket(deps, args as BoardArgs),
    onOperation(ctx: Ctx, _id, _payload, args, result) {
      if ((args.contextValue as BoardArgs["contextValue"] | undefined)?.board)
        ctx.extra.reserved = Math.max(0, (ctx.extra.reserved ?? 1) - 1);
      if (result instanceof Subscriber) ctx.extra.subscriptions!.add(result);
      return undefined;
    },
  };
}
