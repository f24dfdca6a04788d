import crypto from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { getOperationAST, parse, type DocumentNode, type GraphQLSchema } from "graphql";
import type { Config } from "../core/config";
import { AuthError, bearerToken, verifyToken } from "../core/auth";
import { ErrorCode } from "../core/errors";
import { rootFieldNames } from "../core/permissions";
import { exceededLimit, measureOperation, QUERY_LIMITS } from "./query-limits";
import { clientIp, RateLimiter } from "./rate-limit";

interface GraphQLRequestBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

function refuse(res: Response, status: number, message: string, extensions: Record<string, unknown>) {
  res.status(status).json({ errors: [{ message, extensions }] });
}

/** The request's query, operation name and variables, from a POST body or a GET query string. */
function graphqlRequest(req: Request): { query: string; operationName?: string; variables: Record<string, unknown> } | null {
  const source: GraphQLRequestBody = req.method === "GET" ? (req.query as GraphQLRequestBody) : (req.body as GraphQLRequestBody);
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

/**
 * In front of Apollo on /graphql: parses the document once (at most QUERY_LIMITS.tokens
 * tokens), applies the rate limits (sign-in per IP, mutations per signed-in user) and the
 * query limits (depth, aliases, root fields, fields, cost). Anything it cannot parse goes on
 * to Apollo, which answers with the usual coded errors.
 */
export function graphqlGuard(options: { config: Config; schema: () => GraphQLSchema | undefined; onRefused?: (reason: string) => void }) {
  const { config } = options;
  const loginLimiter = new RateLimiter(config.rateLimits.loginPerIp);
  const mutationLimiter = new RateLimiter(config.rateLimits.mutationPerUser);

  return (req: Request, res: Response, next: NextFunction) => {
    const request = graphqlRequest(req);
    if (!request) return next();
    let document: DocumentNode;
    try {
      document = parse(request.query, { maxTokens: QUERY_LIMITS.tokens, noLocation: true });
    } catch (error) {
      if (error instanceof Error && /Document contains more \w+ \d+ tokens/.test(error.message)) {
        options.onRefused?.("tokens");
        return refuse(res, 400, `The query has more than ${QUERY_LIMITS.tokens} tokens, the limit`, {
          code: ErrorCode.QUERY_LIMIT_EXCEEDED,
          limit: "tokens",
          max: QUERY_LIMITS.tokens,
        });
      }
      return next();
    }
    const operation = getOperationAST(document, request.operationName);
    if (!operation) return next();

    if (operation.operation === "mutation") {
      if (rootFieldNames(operation, document).includes("login")) {
        const decision = loginLimiter.take(clientIp(req));
        if (!decision.allowed) {
          options.onRefused?.("rate:login");
          res.setHeader("Retry-After", String(decision.retryAfterSeconds));
          return refuse(res, 429, `Too many sign-in attempts from this address; retry in ${decision.retryAfterSeconds} s`, {
            code: ErrorCode.RATE_LIMITED,
            retryAfter: decision.retryAfterSeconds,
          });
        }
      }
      const user = signedInUser(req.header("authorization"), config);
      if (user) {
        const decision = mutationLimiter.take(user);
        if (!decision.allowed) {
          options.onRefused?.("rate:mutation");
          res.setHeader("Retry-After", String(decision.retryAfterSeconds));
          return refuse(res, 429, `Too many changes from this user; retry in ${decision.retryAfterSeconds} s`, {
            code: ErrorCode.RATE_LIMITED,
            retryAfter: decision.retryAfterSeconds,
          });
        }
      }
    }

    const measure = measureOperation(document, operation, {
      schema: options.schema(),
      variables: request.variables,
      ignoreIntrospection: !config.production,
    });
    const exceeded = exceededLimit(measure);
    if (exceeded) {
      options.onRefused?.(exceeded.limit);
      return refuse(res, 400, exceeded.message, { code: ErrorCode.QUERY_LIMIT_EXCEEDED, limit: exceeded.limit, max: exceeded.max, actual: exceeded.actual });
    }
    next();
  };
}

/** The verified caller as a rate-limit key; null for no or a bad token (Apollo refuses those). */
function signedInUser(header: string | undefined, config: Config): string | null {
  try {
    const token = bearerToken(header);
    if (!token) return null;
    const viewer = verifyToken(token, config.jwtSecrets);
    return crypto.createHash("sha256").update(`${viewer.shopId}:${viewer.userId}`).digest("base64url");
  } catch (error) {
    if (error instanceof AuthError) return null;
    throw error;
  }
}
