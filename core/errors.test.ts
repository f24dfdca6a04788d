import { Writable } from "node:stream";
import pino from "pino";
import { GraphQLError } from "graphql";
import {
  badUserInput,
  conflict,
  createErrorFormatter,
  forbidden,
  isDatabaseUnavailable,
  notFound,
  serviceUnavailable,
  unauthenticated,
  withHttpStatus,
} from "./errors";

describe("coded errors", () => {
  it.each([
    [unauthenticated(), "A valid bearer token is required", { code: "UNAUTHENTICATED" }],
    [forbidden("FLORIST may not edit products"), "FLORIST may not edit products", { code: "FORBIDDEN" }],
    [
      badUserInput("first must be between 1 and 100", "first"),
      "first must be between 1 and 100",
      {
        code: "BAD_USER_INPUT",
        field: "first",
      },
    ],
    [badUserInput("bad", undefined, { limit: 5 }), "bad", { code: "BAD_USER_INPUT", limit: 5 }],
    [notFound("Order", 12), "Order 12 was not found", { code: "NOT_FOUND" }],
    [conflict("stale version", { version: 3 }), "stale version", { code: "CONFLICT", version: 3 }],
    [serviceUnavailable(), "The database is unavailable, try again shortly", { code: "SERVICE_UNAVAILABLE" }],
  ])("%s", (error, message, extensions) => {
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.message).toBe(message);
    expect(error.extensions).toEqual(extensions);
  });

  it("withHttpStatus keeps the code and adds the status", () => {
    expect(withHttpStatus(forbidden("no"), 403).extensions).toEqual({ code: "FORBIDDEN", http: { status: 403 } });
  });
});

describe("isDatabaseUnavailable", () => {
  const withCode = (code: string) => Object.assign(new Error("x"), { code });

  it.each([
    ["a refused connection", withCode("ECONNREFUSED")],
    ["admin shutdown (57P01)", withCode("57P01")],
    ["the server starting up (57P03)", withCode("57P03")],
    ["Prisma cannot reach the server (P1001)", Object.assign(new Error("x"), { errorCode: "P1001" })],
    ["a terminated connection, by message", new Error("Connection terminated unexpectedly")],
    ["a pool timeout, by message", new Error("Timed out fetching a new connection from the connection pool")],
    ["pg-pool's connect timeout", new Error("timeout exceeded when trying to connect")],
    ["a pg client closed under a pipelined query", new Error("Client was closed and is not queryable")],
    ["pg's query read timeout", new Error("Query read timeout")],
    ["a Prisma transaction that could not start in time (P2028)", withCode("P2028")],
    ["the same, by message", new Error("Transaction API error: Unable to start a transaction in the given time.")],
    ["a write to a socket the server closed (EPIPE)", withCode("EPIPE")],
    ["Prisma's closed connection, by message", new Error("Server has closed the connection.")],
    ["a cause two levels down", new Error("outer", { cause: new Error("mid", { cause: withCode("ECONNRESET") }) })],
    ["a resolver error's original", Object.assign(new Error("wrapped"), { originalError: withCode("08006") })],
  ])("yes for %s", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a unique violation (23505)", withCode("23505")],
    ["a syntax error (42601)", withCode("42601")],
    ["a bad input error", badUserInput("bad", "x")],
    ["nothing", undefined],
    ["a string", "ECONNREFUSED"],
  ])("no for %s", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it("no for an error whose cause chain is a loop", () => {
    const a: any = new Error("a");
    const b: any = new Error("b", { cause: a });
    a.cause = b;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});

describe("createErrorFormatter", () => {
  function formatterWithLog() {
    const lines: any[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    return { format: createErrorFormatter(pino({ level: "error" }, stream)), lines };
  }

  it("passes a client error through with its code, without the gateway's internals", () => {
    const { format, lines } = formatterWithLog();
    const formatted = format(
      {
        message: "Order 1 was not found",
        path: ["order"],
        extensions: { code: "NOT_FOUND", stacktrace: ["at x"], serviceName: "orders", http: { status: 404 } },
      },
      notFound("Order", 1),
    );
    expect(formatted).toEqual({ message: "Order 1 was not found", path: ["order"], extensions: { code: "NOT_FOUND" } });
    expect(lines).toEqual([]);
  });

  it("masks an unknown error as INTERNAL_SERVER_ERROR and logs it", () => {
    const { format, lines } = formatterWithLog();
    const secret = new Error('relation "app_user" does not exist');
    const formatted = format({ message: secret.message, path: ["me"], extensions: { code: "X" } }, secret);
    expect(formatted).toEqual({
      message: "Internal server error",
      locations: undefined,
      path: ["me"],
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: "unexpected error", err: { message: secret.message } });
  });

  it("passes Apollo's own 4xx refusal of a request (no code) as BAD_REQUEST, unlogged", () => {
    const { format, lines } = formatterWithLog();
    const refusal = new GraphQLError("provided sha does not match query", { extensions: { http: { status: 400 } } });
    const formatted = format({ message: refusal.message, extensions: { code: "INTERNAL_SERVER_ERROR" } }, refusal);
    expect(formatted).toEqual({
      message: "provided sha does not match query",
      locations: undefined,
      extensions: { code: "BAD_REQUEST" },
    });
    expect(lines).toEqual([]);
  });

  it("answers a lost database as SERVICE_UNAVAILABLE, so the client retries", () => {
    const { format } = formatterWithLog();
    const formatted = format(
      { message: "connect ECONNREFUSED 127.0.0.1:5432", path: ["orders"] },
      new GraphQLError("wrapped", { originalError: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) }),
    );
    expect(formatted.extensions).toEqual({ code: "SERVICE_UNAVAILABLE" });
    expect(formatted.message).toBe("The database is unavailable, try again shortly");
  });
});
