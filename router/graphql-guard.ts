import crypto from "node:crypto";
import {
  GraphQLError,
  getOperationAST,
  Kind,
  parse,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { HeaderMap, type ApolloServerPlugin } from "@apollo/server";
import type { Config } from "../core/config";
import type { Viewer } from "../core/auth";
import { ErrorCode } from "../core/errors";
import { rootFieldNames } from "../core/permissions";
import { exceededLimit, measureOperation, QUERY_LIMITS } from "./query-limits";
import { RateLimiter } from "./rate-limit";
import type { RouterContext } from "./gateway";

/** Why a request is refused before Apollo sees it: an HTTP status and a GraphQL error. */
export interface Refusal {
  status: number;
  message: string;
  extensions: Record<string, unknown>;
  retryAfterSeconds?: number;
  reason: string;
}

interface GraphQLRequestBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

/** What the guard needs of an HTTP request: it runs before Apollo, on the raw request. */
export interface HttpGraphQLRequest {
  method: string;
  /** the parsed JSON body of a POST */
  body: unknown;
  /** the query string of a GET, with its "?" */
  search: string;
}

/** The request's query, operation name and variables, from a POST body or a GET query string. */
function graphqlRequest(
  req: HttpGraphQLRequest,
): { query: string; operationName?: string; variables: Record<string, unknown> } | null {
  const source: GraphQLRequestBody =
    req.method === "GET" ? Object.fromEntries(new URLSearchParams(req.search)) : (req.body as GraphQLRequestBody);
  if (!source || typeof source !== "object" || Array.isArray(source) || typeof source.query !== "string") return null;
  let variables: unknown = source.variables;
  if (typeof variables === "string") {
    try {
      variables = JSON.parse(variables);
    } catch {
      variables = {};
    }
  }
  return {
    query: source.query,
    operationName: typeof source.operationName === "string" ? source.operationName : undefined,
    variables:
      variables && typeof variables === "object" && !Array.isArray(variables)
        ? (variables as Record<string, unknown>)
        : {},
  };
}

/** Parses within the token limit; a Refusal for too many tokens, null for other syntax errors (Apollo reports those). */
export function parseWithinLimits(query: string): DocumentNode | Refusal | null {
  try {
    return parse(query, { maxTokens: QUERY_LIMITS.tokens, noLocation: true });
  } catch (error) {
    if (error instanceof Error && /Document contains more \w+ \d+ tokens/.test(error.message)) {
      return {
        status: 400,
        reason: "tokens",
        message: `The query has more than ${QUERY_LIMITS.tokens} tokens, the limit`,
        extensions: { code: ErrorCode.QUERY_LIMIT_EXCEEDED, limit: "tokens", max: QUERY_LIMITS.tokens },
      };
    }
    return null;
  }
}

/** The rate-limit key of a verified caller: their shop and user, never a client-chosen value. */
function userKey(viewer: Viewer): string {
  return crypto.createHash("sha256").update(`${viewer.shopId}:${viewer.userId}`).digest("base64url");
}

function operationsOf(document: DocumentNode): OperationDefinitionNode[] {
  return document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
}

/** The operation a document runs, or a 400 naming `operationName` when it does not say which: never a guess. */
function identifyOperation(
  document: DocumentNode,
  operationName: string | undefined,
): OperationDefinitionNode | Refusal {
  const operation = getOperationAST(document, operationName);
  if (operation) return operation;
  const count = operationsOf(document).length;
  const message =
    operationName !== undefined
      ? `The document holds no operation named "${operationName.slice(0, 64)}" (operationName)`
      : count === 0
        ? "The document holds no operation"
        : `The document holds ${count} operations; name the one to run in operationName`;
  return {
    status: 400,
    reason: "operationName",
    message,
    extensions: { code: ErrorCode.BAD_USER_INPUT, field: "operationName" },
  };
}

/** A refusal as the error Apollo answers with (status and Retry-After from `extensions.http`). */
export function refusalError(refusal: Refusal): GraphQLError {
  const headers = new HeaderMap();
  if (refusal.retryAfterSeconds) headers.set("retry-after", String(refusal.retryAfterSeconds));
  return new GraphQLError(refusal.message, {
    extensions: { ...refusal.extensions, http: { status: refusal.status, headers } },
  });
}

/**
 * The router's rate and query limits. They apply to the document Apollo EXECUTES, whatever way
 * it arrived (a `query` string over POST or GET, an automatic persisted query's hash, the
 * WebSocket): `plugin()` checks at didResolveOperation, where Apollo has the resolved document.
 * `checkHttp` and `checkDocument` also refuse oversized documents before Apollo validates them:
 * validating a hostile document (thousands of repeated fields) is itself the attack. Every
 * document Apollo stores (APQ, its parsed-document cache) passed that check first.
 */
export function createRequestGuard(options: {
  config: Config;
  schema: () => GraphQLSchema | undefined;
  onRefused?: (reason: string) => void;
}) {
  const { config } = options;
  const rateLimitsOf = rateLimits(config);
  const limitsOf = (document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>) =>
    queryLimitRefusal(document, operation, {
      schema: options.schema(),
      variables,
      ignoreIntrospection: !config.production,
    });

  function refuse(refusal: Refusal): Refusal {
    options.onRefused?.(refusal.reason);
    return refusal;
  }

  /**
   * Before validation: the document says which operation runs, and every operation in it is
   * within the limits (validation reads them all). The one named runs with the request's variables.
   */
  function checkDocument(
    document: DocumentNode,
    operationName: string | undefined,
    variables: Record<string, unknown>,
  ): Refusal | null {
    const selected = identifyOperation(document, operationName);
    if ("status" in selected) return refuse(selected);
    for (const operation of operationsOf(document)) {
      const exceeded = limitsOf(document, operation, operation === selected ? variables : {});
      if (exceeded) return refuse(exceeded);
    }
    return null;
  }

  /** At execution: the rate limits, then the limits of the operation that runs. */
  function checkExecution(document: DocumentNode, operation: OperationDefinitionNode | undefined, request: Execution) {
    if (!operation) return refuse(identifyOperation(document, request.operationName) as Refusal);
    const refusal = rateLimitsOf(document, operation, request) ?? limitsOf(document, operation, request.variables);
    return refusal ? refuse(refusal) : null;
  }

  /** A refusal of a raw HTTP request before Apollo parses and validates it; what it cannot parse goes on to Apollo's own errors. */
  function checkHttp(req: HttpGraphQLRequest): Refusal | null {
    const request = graphqlRequest(req);
    if (!request) return null;
    const document = parseWithinLimits(request.query);
    if (!document) return null;
    if ("status" in document) return refuse(document);
    return checkDocument(document, request.operationName, request.variables);
  }

  return { checkDocument, checkExecution, checkHttp, plugin: () => guardPlugin(checkExecution) };
}

/** The request an operation runs for: what the rate limits and the operation's limits look at. */
interface Execution {
  operationName: string | undefined;
  variables: Record<string, unknown>;
  ip: string;
  viewer: Viewer | null;
}

/** The query limits (depth, aliases, cost, …) of one operation, as a refusal when one is exceeded. */
function queryLimitRefusal(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  options: Parameters<typeof measureOperation>[2],
): Refusal | null {
  const exceeded = exceededLimit(measureOperation(document, operation, options));
  if (!exceeded) return null;
  return {
    status: 400,
    reason: exceeded.limit,
    message: exceeded.message,
    extensions: {
      code: ErrorCode.QUERY_LIMIT_EXCEEDED,
      limit: exceeded.limit,
      max: exceeded.max,
      actual: exceeded.actual,
    },
  };
}

/** Sign-in attempts per address and changes per user: a mutation over either rate is a 429 with Retry-After. */
function rateLimits(config: Config) {
  const loginLimiter = new RateLimiter(config.rateLimits.loginPerIp);
  const mutationLimiter = new RateLimiter(config.rateLimits.mutationPerUser);
  const tooMany = (reason: string, retryAfterSeconds: number, message: string): Refusal => ({
    status: 429,
    reason,
    retryAfterSeconds,
    message: `${message}; retry in ${retryAfterSeconds} s`,
    extensions: { code: ErrorCode.RATE_LIMITED, retryAfter: retryAfterSeconds },
  });
  return (
    document: DocumentNode,
    operation: OperationDefinitionNode,
    request: { ip: string; viewer: Viewer | null },
  ): Refusal | null => {
    if (operation.operation !== "mutation") return null;
    if (rootFieldNames(operation, document).some((field) => field === "login" || field === "setPassword")) {
      const decision = loginLimiter.take(request.ip);
      if (!decision.allowed)
        return tooMany("rate:login", decision.retryAfterSeconds, "Too many sign-in attempts from this address");
    }
    if (!request.viewer) return null;
    const decision = mutationLimiter.take(userKey(request.viewer));
    if (decision.allowed) return null;
    return tooMany("rate:mutation", decision.retryAfterSeconds, "Too many changes from this user");
  };
}

/** The Apollo plugin that applies every limit to the operation Apollo is about to execute. */
function guardPlugin(
  checkExecution: (
    document: DocumentNode,
    operation: OperationDefinitionNode | undefined,
    request: Execution,
  ) => Refusal | null,
): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, contextValue }) {
          if (contextValue.internal) return;
          const refusal = checkExecution(document, operation, {
            operationName: request.operationName ?? undefined,
            variables: request.variables ?? {},
            ip: contextValue.clientIp ?? "unknown",
            viewer: contextValue.viewer,
          });
          if (refusal) throw refusalError(refusal);
        },
      };
    },
  };
}

export type RequestGuard = ReturnType<typeof createRequestGuard>;
