import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import type { Logger } from "./logger";

/** Codes a client can act on. Anything else is an internal error and is masked. */
export const ErrorCode = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  BAD_USER_INPUT: "BAD_USER_INPUT",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  RATE_LIMITED: "RATE_LIMITED",
  /** a query over one of the router's limits (depth, aliases, root fields, fields, cost, tokens) */
  QUERY_LIMIT_EXCEEDED: "QUERY_LIMIT_EXCEEDED",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  /** a figure the contract types as GraphQL's 32-bit Int grew past it; the error names the field to read instead */
  VALUE_TOO_LARGE: "VALUE_TOO_LARGE",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
} as const;

const CLIENT_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((c) => c !== "INTERNAL_SERVER_ERROR"),
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/**
 * Gives an error thrown before execution (a plugin's didResolveOperation) its HTTP status;
 * Apollo answers such errors with 500 otherwise. The formatter strips `http` from the body.
 */
export function withHttpStatus(error: GraphQLError, status: number): GraphQLError {
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status } } });
}

export function unauthenticated(message = "A valid bearer token is required"): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

/** Bad input from the caller; `field` names the argument or input field at fault. */
export function badUserInput(message: string, field?: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, ...(field ? { field } : {}), ...extra },
  });
}

export function notFound(what: string, id: string | number): GraphQLError {
  return new GraphQLError(`${what} ${id} was not found`, { extensions: { code: ErrorCode.NOT_FOUND } });
}

export function conflict(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.CONFLICT, ...extra } });
}

export function serviceUnavailable(message = "The database is unavailable, try again shortly"): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } });
}

/** What a client is told when the database refuses writes (DATABASE_REFUSING_WRITES). */
export const DATABASE_REFUSING_WRITES =
  "The database is refusing writes right now (read-only or out of disk space); nothing was saved, retry later";

const REFUSING_WRITES_CODES = new Set([
  // read_only_sql_transaction: default_transaction_read_only, a standby, a read-only replica
  "25006",
  // disk_full, insufficient_resources, io_error (could not extend a file, write the WAL)
  "53100",
  "53000",
  "58030",
]);

/**
 * True when the database is up but refuses to write (read-only, full disk). The statement failed
 * whole and its transaction rolled back, so nothing was half-written: answer 503 so the sender
 * retries, and log it for the operator, who has to act (docs/operations.md "Disk full").
 */
export function isDatabaseRefusingWrites(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: any = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    // pg's errors carry the SQLSTATE as `code`; Prisma's driver-adapter errors as `originalCode`
    if (REFUSING_WRITES_CODES.has(current.code) || REFUSING_WRITES_CODES.has(current.originalCode)) return true;
    if (/read-only transaction|No space left on device|could not extend file/i.test(String(current.message ?? "")))
      return true;
    current = current.cause ?? current.originalError;
  }
  return false;
}

/** True for errors that mean "the database cannot be reached", as opposed to a bad query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (isDatabaseRefusingWrites(error)) return true;
  const seen = new Set<unknown>();
  let current: any = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const code = current.code ?? current.errorCode;
    const message = String(current.message ?? "");
    if (
      [
        "ECONNREFUSED",
        "ECONNRESET",
        "EPIPE",
        "ECONNABORTED",
        "ETIMEDOUT",
        "57P01",
        "57P03",
        "08006",
        "08001",
        "08003",
        "P1001",
        "P1017",
        "P2024",
        // Prisma: an interactive transaction that could not start in time or expired (rolled back)
        "P2028",
        "P1008",
      ].includes(code)
    ) {
      return true;
    }
    if (
      /ECONNREFUSED|Connection terminated|connect ETIMEDOUT|the database system is (starting up|shutting down)|terminating connection|Timed out fetching a new connection|Can't reach database|DatabaseNotReachable|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect|Query read timeout|^timeout expired$|Unable to start a transaction in the given time|Transaction already closed|Server has closed the connection|This socket has been ended by the other party/i.test(
        message,
      )
    ) {
      return true;
    }
    current = current.cause ?? current.originalError;
  }
  return false;
}

/**
 * formatError for every Apollo server here: known client errors pass through with their
 * code; anything else becomes a generic INTERNAL_SERVER_ERROR (logged, never shown).
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code as string | undefined;
    const original = unwrapResolverError(error);
    if (code && CLIENT_CODES.has(code)) {
      // the gateway attaches the subgraph's raw response and name; neither is the client's business
      const {
        stacktrace: _stack,
        exception: _exception,
        response: _response,
        serviceName: _service,
        http: _http,
        ...extensions
      } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    // Apollo's own refusals of a request (e.g. "provided sha does not match query"): a 4xx, no code
    const http = (original instanceof GraphQLError ? original.extensions?.http : formatted.extensions?.http) as
      { status?: number } | undefined;
    const status = http?.status;
    // (Apollo has already given it the code INTERNAL_SERVER_ERROR)
    const uncoded = !code || code === ErrorCode.INTERNAL_SERVER_ERROR;
    if (uncoded && original instanceof GraphQLError && status !== undefined && status >= 400 && status < 500) {
      return { message: formatted.message, locations: formatted.locations, extensions: { code: "BAD_REQUEST" } };
    }
    if (isDatabaseRefusingWrites(original)) {
      logger.error({ err: errorSummary(original), path: formatted.path }, "database refusing writes");
      return {
        message: DATABASE_REFUSING_WRITES,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
      };
    }
    if (isDatabaseUnavailable(original)) {
      return {
        message: "The database is unavailable, try again shortly",
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
      };
    }
    logger.error({ err: original, path: formatted.path }, "unexpected error");
    return {
      message: "Internal server error",
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

/** The first line of an error's message and its SQLSTATE: enough for the operator, no data. */
export function errorSummary(error: unknown): { message: string; code?: string } {
  const failure = error as { message?: string; code?: string; cause?: { originalCode?: string } };
  const code = failure?.code ?? failure?.cause?.originalCode;
  return {
    message: String(failure?.message ?? error)
      .split("\n")[0]
      .slice(0, 200),
    ...(code ? { code } : {}),
  };
}
