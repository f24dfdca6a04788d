import type http from "node:http";
import crypto from "node:crypto";
import type { ApolloServer } from "@apollo/server";
import type { Logger } from "../core/logger";
import { BodyError, pathOf, readJsonBody, searchOf, sendJson, serveGraphQL } from "../core/http-server";
import type { Authenticate } from "./authenticate";
import type { RouterContext } from "./gateway";
import type { RequestGuard } from "./graphql-guard";
import { clientIp } from "./rate-limit";

export const GRAPHQL_PATH = "/graphql";
/** the largest GraphQL request body the router reads */
export const GRAPHQL_BODY_LIMIT = 256 * 1024;

type Middleware = (req: http.IncomingMessage, res: http.ServerResponse, next: (error?: unknown) => void) => void;

/** Requests for /graphql, but for the CORS preflight (express's cors answers it). */
export function isGraphQLRequest(req: http.IncomingMessage): boolean {
  return req.method !== "OPTIONS" && pathOf(req) === GRAPHQL_PATH;
}

/**
 * The router's GraphQL over HTTP, on the bare request: CORS, the body, the guard's size check
 * before validation, then Apollo with the caller's verified context (the guard's plugin applies
 * the rate and query limits there). The REST shim stays on express.
 */
export function createGraphQLEndpoint(deps: {
  apollo: ApolloServer<RouterContext>;
  guard: RequestGuard;
  authenticate: Authenticate;
  cors: Middleware;
  trustedProxies: number;
  logger: Logger;
}) {
  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    // Apollo answers other methods with 405; their bodies are not read
    const body = req.method === "POST" ? await readJsonBody(req, GRAPHQL_BODY_LIMIT) : (req.resume(), undefined);
    const refusal = deps.guard.checkHttp({ method: req.method ?? "GET", body, search: searchOf(req) });
    if (refusal) {
      if (refusal.retryAfterSeconds) res.setHeader("Retry-After", String(refusal.retryAfterSeconds));
      return sendJson(res, refusal.status, { errors: [{ message: refusal.message, extensions: refusal.extensions }] });
    }
    await serveGraphQL(deps.apollo, req, res, body, async () => ({
      viewer: await deps.authenticate(req.headers.authorization),
      requestId: crypto.randomUUID(),
      clientIp: clientIp(req, deps.trustedProxies),
    }));
  }

  return function graphqlEndpoint(req: http.IncomingMessage, res: http.ServerResponse) {
    // the one header of helmet's that matters on a JSON answer (the REST shim gets them all)
    res.setHeader("x-content-type-options", "nosniff");
    deps.cors(req, res, (corsError) => {
      const answered = corsError ? Promise.reject(corsError) : handle(req, res);
      answered.catch((error: unknown) => {
        if (error instanceof BodyError) {
          return sendJson(res, error.status, { error: error.message });
        }
        deps.logger.error({ err: error }, "graphql request failed");
        if (!res.headersSent) sendJson(res, 500, { error: "Internal server error" });
        else res.destroy();
      });
    });
  };
}
