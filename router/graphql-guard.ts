import crypto from "node:crypto";
import { GraphQLError, getOperationAST, parse, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import type { Config } from "../core/config";
import type { Viewer } from "../core/auth";
import { ErrorCode } from "../core/errors";
import { rootFieldNames } from "../core/permissions";
import { exceededLimit, measureOperation, QUERY_LIMITS } from "./query-limits";
import { viewerFromAuthorization } from "./authenticate";
import { RateLimiter } from "./rate-limit";

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
  ip: string;
  authorization: string | undefined;
}

/** The request's query, operation name and variables, from a POST body or a GET query string. */
function graphqlRequest(req: HttpGraphQLRequest): { query: string; operationName?: string; variables: Record<string, unknown> } | null {
  const source: GraphQLRequestBody = req.method === "GET" ? Object.fromEntries(new URLSearchParams(req.search)) : (req.body as GraphQLRequestBody);
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
    variables: variables && typeof variables === "object" && !Array.isArray(variables) ? (variables as Record<string, unknown>) : {},
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

/**
 * What every GraphQL operation must pass before Apollo validates it, over HTTP and over the
 * WebSocket alike: the rate limits (sign-in per IP, mutations per signed-in user) and the
 * query limits (depth, aliases, root fields, fields, cost). Size comes before validation:
 * validating a hostile document (thousands of repeated fields) is itself the attack.
 */
export function createRequestGuard(options: { config: Config; schema: () => GraphQLSchema | undefined; onRefused?: (reason: string) => void }) {
  const { config } = options;
  const loginLimiter = new RateLimiter(config.rateLimits.loginPerIp);
  const mutationLimiter = new RateLimiter(config.rateLimits.mutationPerUser);

  function refuse(refusal: Refusal): Refusal {
    options.onRefused?.(refusal.reason);
    return refusal;
  }

  function check(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    request: { variables: Record<string, unknown>; ip: string; viewer: Viewer | null },
  ): Refusal | null {
    if (operation.operation === "mutation") {
      if (rootFieldNames(operation, document).includes("login")) {
        const decision = loginLimiter.take(request.ip);
        if (!decision.allowed) {
          return refuse({
            status: 429,
            reason: "rate:login",
            retryAfterSeconds: decision.retryAfterSeconds,
            message: `Too many sign-in attempts from this address; retry in ${decision.retryAfterSeconds} s`,
            extensions: { code: ErrorCode.RATE_LIMITED, retryAfter: decision.retryAfterSeconds },
          });
        }
      }
      if (request.viewer) {
        const decision = mutationLimiter.take(userKey(request.viewer));
        if (!decision.allowed) {
          return refuse({
            status: 429,
            reason: "rate:mutation",
            retryAfterSeconds: decision.retryAfterSeconds,
            message: `Too many changes from this user; retry in ${decision.retryAfterSeconds} s`,
            extensions: { code: ErrorCode.RATE_LIMITED, retryAfter: decision.retryAfterSeconds },
          });
        }
      }
    }
    const measure = measureOperation(document, operation, { schema: options.schema(), variables: request.variables, ignoreIntrospection: !config.production });
    const exceeded = exceededLimit(measure);
    if (!exceeded) return null;
    return refuse({
      status: 400,
      reason: exceeded.limit,
      message: exceeded.message,
      extensions: { code: ErrorCode.QUERY_LIMIT_EXCEEDED, limit: exceeded.limit, max: exceeded.max, actual: exceeded.actual },
    });
  }

  /** A refusal of an HTTP request before Apollo sees it; anything it cannot parse goes on to Apollo's own errors. */
  function checkHttp(req: HttpGraphQLRequest): Refusal | null {
    const request = graphqlRequest(req);
    if (!request) return null;
    const document = parseWithinLimits(request.query);
    if (!document) return null;
    if ("status" in document) return refuse(document);
    const operation = getOperationAST(document, request.operationName);
    if (!operation) return null;
    return check(document, operation, { variables: request.variables, ip: req.ip, viewer: verifiedViewer(req.authorization, config) });
  }

  return { check, checkHttp };
}

export type RequestGuard = ReturnType<typeof createRequestGuard>;

/** The verified caller, for rate-limit keys; null for no or a bad token (the router's context refuses those). */
function verifiedViewer(header: string | undefined, config: Config): Viewer | null {
  try {
    return viewerFromAuthorization(header, config);
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === ErrorCode.UNAUTHENTICATED) return null;
    throw error;
  }
}
