/**
 * A hostile-input run against /graphql and both Bitrix webhooks: deep nesting, thousands of
 * aliases, huge strings, wrong types, control characters, SQL metacharacters, invalid UTF-8,
 * malformed bodies. Never a 500, never a crash, and nothing in the database changes (a
 * checksum of every table before and after; the webhook delivery log is the one table that
 * is meant to grow). GraphQL operations are generated from the supergraph: every root query
 * gets each hostile value in each argument, every mutation gets hostile values everywhere.
 */
import http from "node:http";
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  getNullableType,
  type GraphQLInputType,
} from "graphql";
import { startTestStack, PROD_SHOP, TEST_WEBHOOK_SECRET, type TestStack } from "../harness";
import { MUTATION_PERMISSIONS, PUBLIC } from "../../core/permissions";
import { apiSchema, selectionFor } from "./schema-probe";
import { databaseFingerprint } from "./db-fingerprint";

const schema = apiSchema();
// thousands of requests: on a quiet machine the file takes well under a minute, on a loaded one
// several; no test here measures time except the pg_sleep bound, which is per request
jest.setTimeout(600_000);

/** one of each kind, for the loops that multiply by every argument */
const HOSTILE_SAMPLE: unknown[] = [
  "",
  "' OR '1'='1' --",
  "nul\u0000inside",
  "\u0007\u001b[31mred\u202eevil",
  "\ud800",
  "x".repeat(100_000),
  "-1",
  "99999999999999999999",
  -1,
  2147483648,
  1.5,
  true,
  null,
  [[[[[[]]]]]],
  {},
];

/**
 * pg_sleep(30) in the shapes an injection takes: if one reached PostgreSQL as SQL, its request
 * would take 30 s; a request of this file takes well under 15 s even on a loaded machine.
 */
const SLEEPS = ["'; select pg_sleep(30); --", "1 or pg_sleep(30) is not null", "'||pg_sleep(30)||'"];
const SLEEP_BOUND_MS = 15_000;

/** Strings an attacker tries in every argument: SQL, LIKE wildcards, prototype keys, control and odd characters. */
const HOSTILE_STRINGS: string[] = [
  ...SLEEPS,
  '1; DROP TABLE "order"; --',
  "x'); DROP TABLE product; --",
  "' OR 1=1 --",
  "%",
  "_",
  "\\",
  "%_%\\%",
  "__proto__",
  "constructor",
  "a\u0000b",
  "\u202e\u0007\u001b[2J",
  "\ud800",
  "${jndi:ldap://x}",
  "<script>alert(1)</script>",
  "../../etc/passwd",
  "0000-01-01T00:00:00Z",
  '["2026-01-01T00:00:00Z",99999999999]',
  "-1.5",
  "𝕏".repeat(2_000),
];
/** A number JSON.stringify cannot write (NaN, 1e309): sent as those characters in the JSON text. */
function RAW(text: string): string {
  return `<raw:${text}>`;
}
const rawJson = (body: unknown) => JSON.stringify(body).replace(/"<raw:([^>]+)>"/g, "$1");

/** Values an attacker tries in every number (and anywhere else: validation refuses them there). */
const HOSTILE_VALUES: unknown[] = [
  RAW("NaN"),
  RAW("1e309"),
  RAW("-1e309"),
  -2147483649,
  2147483648,
  -0,
  0.5,
  Number.MAX_SAFE_INTEGER + 2,
  "NaN",
  "1e309",
  "99999999999999999999",
  "",
  "x".repeat(100_000),
  null,
  [],
  [[[[[[]]]]]],
  {},
  true,
];

/** Runs the tasks a few at a time: hostile input arrives concurrently too, and the run stays fast. */
async function inParallel(tasks: (() => Promise<void>)[], width = 6): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) await tasks[next++]();
    }),
  );
}

let t: TestStack;
let before: Record<string, string>;
const statuses: number[] = [];

beforeAll(async () => {
  t = await startTestStack();
  before = await databaseFingerprint((sql, params) => t.ownerQuery(sql, params));
});
afterAll(() => t?.stop());

function sendOnce(
  path: string,
  body: Buffer | string,
  headers: Record<string, string>,
  method: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${t.origin}${path}`, {
      method,
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
    });
    request.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString("utf8") }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

const unavailable = (answer: { status: number; text: string }) =>
  answer.status === 503 || answer.text.includes('"SERVICE_UNAVAILABLE"');

/**
 * One request; "the database is unavailable" (503, SERVICE_UNAVAILABLE: the pool busier than its
 * 5 s connection wait on a loaded machine) is asked again a few times: it must pass, not stand
 * for an answer. The final status is recorded for the last check.
 */
async function send(
  path: string,
  body: Buffer | string,
  headers: Record<string, string>,
  method = "POST",
): Promise<{ status: number; text: string }> {
  let answer = await sendOnce(path, body, headers, method);
  for (let retry = 0; retry < 3 && unavailable(answer); retry++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    answer = await sendOnce(path, body, headers, method);
  }
  statuses.push(answer.status);
  return answer;
}

/** Codes a client is told for what it sent; INTERNAL_SERVER_ERROR (a masked failure) is not one. */
const CLIENT_CODES = new Set([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "QUERY_LIMIT_EXCEEDED",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/**
 * Handled: below 500, no stack or connection detail, JSON; a GraphQL error carries a client's
 * code (not INTERNAL_SERVER_ERROR, which is a failure answered 200), a REST refusal a message.
 */
function expectHandled(answer: { status: number; text: string }, what: string) {
  expect({ what, status: answer.status < 500 ? "handled" : `${answer.status} ${answer.text.slice(0, 300)}` }).toEqual({
    what,
    status: "handled",
  });
  expect(answer.text).not.toMatch(/\bat \S+\.(ts|js):\d+|"stacktrace"|ECONNREFUSED|postgres(ql)?:\/\//);
  // every answer is JSON a client can read
  let body: unknown;
  expect(() => (body = JSON.parse(answer.text))).not.toThrow();
  const errors = (body as { errors?: { message: string; extensions?: { code?: string } }[] } | null)?.errors;
  const uncoded = (Array.isArray(errors) ? errors : [])
    .filter((error) => !CLIENT_CODES.has(String(error.extensions?.code)))
    .map((error) => `${error.extensions?.code}: ${error.message.slice(0, 200)}`);
  expect({ what, uncoded }).toEqual({ what, uncoded: [] });
  if (answer.status >= 400 && !errors) {
    const message = (body as { error?: unknown; message?: unknown } | null) ?? {};
    expect({ what, message: typeof (message.error ?? message.message) }).toEqual({ what, message: "string" });
  }
}

const graphql = (body: unknown, token: string | null = t.token(PROD_SHOP)) =>
  send("/graphql", typeof body === "string" ? body : JSON.stringify(body), {
    "content-type": "application/json",
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });

/** A variable type string for an input type, e.g. [ID!]! */
function typeString(type: GraphQLInputType): string {
  return String(type);
}

describe("/graphql", () => {
  it("documents built to hurt: deep nesting, thousands of aliases and fields, fragment bombs, huge bodies", async () => {
    const documents = [
      `{ ${"orders { edges { node { customer { ".repeat(200)}id${" } } } }".repeat(200)} }`,
      `{ ${"a{".repeat(5000)}b${"}".repeat(5000)} }`,
      `{ ${Array.from({ length: 5000 }, (_, i) => `a${i}: __typename`).join(" ")} }`,
      `{ shop { ${"id ".repeat(30_000)} } }`,
      `query { ...F0 } ${Array.from({ length: 40 }, (_, i) => `fragment F${i} on Query { shop { id } ...F${i + 1} ...F${i + 1} }`).join(" ")} fragment F40 on Query { __typename }`,
      `query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }`,
      `{ orders(first: 100) { edges { node { items { product { images { url } composition { item { name } } } } } } } }`,
      `${"query Q { __typename } ".repeat(2000)}`,
      `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } }`,
    ];
    for (const query of documents) {
      for (const token of [t.token(PROD_SHOP), null])
        expectHandled(await graphql({ query }, token), query.slice(0, 60));
    }
  });

  it("malformed requests: wrong JSON shapes and types, batches, invalid UTF-8, odd content types", async () => {
    const token = t.token(PROD_SHOP);
    const bodies: (string | Buffer)[] = [
      "",
      "null",
      "42",
      '"{ __typename }"',
      "[]",
      JSON.stringify([{ query: "{ __typename }" }, { query: "{ shop { id } }" }]),
      JSON.stringify({ query: 42 }),
      JSON.stringify({ query: null }),
      JSON.stringify({ query: "{ __typename }", variables: "not json" }),
      JSON.stringify({ query: "{ __typename }", variables: [1, 2] }),
      JSON.stringify({ query: "{ __typename }", operationName: { x: 1 } }),
      JSON.stringify({
        query: "{ __typename }",
        extensions: { persistedQuery: { version: 1, sha256Hash: "x".repeat(64) } },
      }),
      JSON.stringify({ query: "query($n: Int) { orders(first: $n) { totalCount } }", variables: { n: "abc" } }),
      JSON.stringify({ query: "query($n: Int) { orders(first: $n) { totalCount } }", variables: { n: 1e300 } }),
      JSON.stringify({
        query: "query($ids: [ID!]!) { orderStatusChangesByIds(ids: $ids) { __typename } }",
        variables: { ids: JSON.parse("[".repeat(3000) + "]".repeat(3000)) },
      }),
      JSON.stringify({
        query: "{ __typename }",
        __proto__: { admin: true },
        constructor: { prototype: { admin: true } },
      }),
      '{"query": "{ __typename }", "query": "{ shop { id } }"}',
      "{".repeat(100_000),
      Buffer.concat([
        Buffer.from('{"query": "{ product(id: \\"'),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
        Buffer.from('\\") { id } }"}'),
      ]),
      Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('{"query":"{ __typename }"}')]),
    ];
    for (const body of bodies)
      expectHandled(
        await send("/graphql", body, { "content-type": "application/json", authorization: `Bearer ${token}` }),
        String(body).slice(0, 60),
      );
    for (const contentType of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/graphql",
      "application/json; charset=utf-16",
    ]) {
      expectHandled(
        await send("/graphql", '{"query":"{ __typename }"}', {
          "content-type": contentType,
          "apollo-require-preflight": "1",
          authorization: `Bearer ${token}`,
        }),
        contentType,
      );
    }
    const get = await send(
      `/graphql?query=${encodeURIComponent("{ shop { id } }")}&variables=%7B&extensions=%5B`,
      "",
      { "apollo-require-preflight": "1" },
      "GET",
    );
    expectHandled(get, "GET with broken variables");
  });

  it("every root query with every HOSTILE_STRING and every HOSTILE_VALUE in each of its arguments", async () => {
    const query = schema.getQueryType()!;
    const tasks: (() => Promise<void>)[] = [];
    const hostile = [...HOSTILE_STRINGS, ...HOSTILE_VALUES];
    let slowestSleep = 0;
    const fields = Object.values(query.getFields()).filter((field) => field.args.length);
    for (const field of fields) {
      const selection = selectionFor(getNamedType(field.type), () => undefined, 2);
      const definitions = field.args.map((a) => `$${a.name}: ${typeString(a.type)}`).join(", ");
      const uses = field.args.map((a) => `${a.name}: $${a.name}`).join(", ");
      const operation = `query Hostile(${definitions}) { ${field.name}(${uses}) ${selection} }`;
      for (const argument of field.args) {
        // strings go to numbers too: validation refuses them there, and that path is under test
        for (const value of hostile) {
          tasks.push(async () => {
            const variables = Object.fromEntries(
              field.args.filter((a) => isNonNullType(a.type)).map((a) => [a.name, placeholder(a.type)]),
            );
            variables[argument.name] = hostileOf(argument.type, value, false);
            const started = performance.now();
            const answer = await graphql(rawJson({ query: operation, variables }), t.token(PROD_SHOP, "ADMIN"));
            expectHandled(answer, `${field.name}(${argument.name}: ${String(JSON.stringify(value)).slice(0, 40)})`);
            if (SLEEPS.includes(value as string)) slowestSleep = Math.max(slowestSleep, performance.now() - started);
          });
        }
      }
    }
    const argumentCount = fields.reduce((sum, field) => sum + field.args.length, 0);
    expect(tasks.length).toBe(argumentCount * hostile.length);
    await inParallel(tasks);
    // no pg_sleep(30) ran as SQL: each of those requests came back in well under 30 s
    expect(slowestSleep).toBeGreaterThan(0);
    expect(slowestSleep).toBeLessThan(SLEEP_BOUND_MS);
  });

  it("every mutation with hostile values everywhere, as ADMIN and anonymously", async () => {
    const mutation = schema.getMutationType()!;
    const tasks: (() => Promise<void>)[] = [];
    for (const field of Object.values(mutation.getFields())) {
      const selection = selectionFor(getNamedType(field.type), () => undefined, 1);
      for (const [index, value] of HOSTILE_SAMPLE.entries())
        tasks.push(async () => {
          const variables = Object.fromEntries(field.args.map((a) => [a.name, hostileOf(a.type, value)]));
          const definitions = field.args.map((a) => `$${a.name}: ${typeString(a.type)}`).join(", ");
          const uses = field.args.map((a) => `${a.name}: $${a.name}`).join(", ");
          const operation = `mutation Hostile${definitions ? `(${definitions})` : ""} { ${field.name}${uses ? `(${uses})` : ""} ${selection} }`;
          const tokens =
            MUTATION_PERMISSIONS[field.name] === PUBLIC
              ? [null]
              : index < 3
                ? [t.token(PROD_SHOP), null]
                : [t.token(PROD_SHOP)];
          for (const token of tokens)
            expectHandled(
              await graphql({ query: operation, variables }, token),
              `${field.name} with ${JSON.stringify(value)?.slice(0, 30)}`,
            );
        });
    }
    await inParallel(tasks);
  });
});

/** A harmless value of the right type, for the arguments not under test. */
function placeholder(type: GraphQLInputType): unknown {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) return [placeholder(nullable.ofType)];
  if (isEnumType(nullable)) return nullable.getValues()[0].name;
  if (isInputObjectType(nullable))
    return Object.fromEntries(
      Object.values(nullable.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, placeholder(f.type)]),
    );
  return (
    { ID: "1", Int: 1, Float: 1, Boolean: true, String: "x", DateTime: "2026-12-01T00:00:00Z" }[nullable.name] ?? "x"
  );
}

/**
 * The hostile value in every leaf of the input; where the type cannot hold it, the request
 * fails validation (that path is under test too). Numbers out of Int's range make sure a
 * mutation with no string to hurt still writes nothing.
 */
function hostileOf(type: GraphQLInputType, value: unknown, intsOutOfRange = true): unknown {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) return [hostileOf(nullable.ofType, value, intsOutOfRange)];
  if (isInputObjectType(nullable))
    return Object.fromEntries(
      Object.values(nullable.getFields()).map((f) => [f.name, hostileOf(f.type, value, intsOutOfRange)]),
    );
  if (intsOutOfRange && nullable.name === "Int" && typeof value === "string") return 2147483648;
  return value;
}

describe("webhooks", () => {
  const ORDER_STATUS = "/api/v1/webhooks/order-status-sync";
  const PRODUCT_SYNC = "/api/v1/webhooks/product-sync";
  // bases that write nothing: an order Bitrix does not know, a price that cannot be read
  const BASES: Record<string, Record<string, unknown>> = {
    [ORDER_STATUS]: { order_id: 987654321, status: "AP", changed_by_id: 1, notes: "x" },
    // two refusals (an unreadable price, an http image) so no single hostile field can make it valid
    [PRODUCT_SYNC]: {
      product_id: 987654321,
      name: "x",
      price: "not a price",
      description: "x",
      enabled: true,
      image: "http://insecure.example/x.jpg",
    },
  };

  it.each(Object.keys(BASES))("%s: each hostile value in each field, hostile bodies and encodings", async (path) => {
    const headers = { "content-type": "application/json", "x-webhook-secret": TEST_WEBHOOK_SECRET };
    const base = BASES[path];
    const tasks: (() => Promise<void>)[] = [];
    for (const field of [...Object.keys(base), "__proto__", "constructor"]) {
      for (const value of [...HOSTILE_STRINGS, ...HOSTILE_VALUES])
        tasks.push(async () => {
          const body = { ...base, [field]: value };
          const text =
            JSON.stringify(body).length > 60_000
              ? JSON.stringify({ ...base, [field]: String(value).slice(0, 60_000) })
              : rawJson(body);
          const started = performance.now();
          expectHandled(await send(path, text, headers), `${path} ${field}=${JSON.stringify(value)?.slice(0, 30)}`);
          // a pg_sleep(30) that ran as SQL would hold the answer for 30 s
          if (SLEEPS.includes(value as string)) expect(performance.now() - started).toBeLessThan(SLEEP_BOUND_MS);
          if (typeof value !== "string" || value.length > 1000) return;
          const form = new URLSearchParams(
            Object.entries(body).map(
              ([k, v]) =>
                [k, typeof v === "string" ? v.slice(0, 20_000) : (JSON.stringify(v) ?? "")] as [string, string],
            ),
          ).toString();
          expectHandled(
            await send(path, form, { ...headers, "content-type": "application/x-www-form-urlencoded" }),
            `${path} form ${field}`,
          );
        });
    }
    await inParallel(tasks);
    const raw: (string | Buffer)[] = [
      "",
      "null",
      "[]",
      "[".repeat(30_000) + "]".repeat(30_000),
      '{"order_id": 1e400}',
      "{".repeat(60_000),
      Buffer.concat([
        Buffer.from('{"order_id": 1, "status": "'),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
        Buffer.from('"}'),
      ]),
      Buffer.from([0xc0, 0xaf, 0xe0, 0x80, 0xaf]),
      "order_id=%FF%FE&status=%00",
      "a".repeat(70 * 1024),
    ];
    for (const body of raw) {
      expectHandled(await send(path, body, headers), `${path} raw ${String(body).slice(0, 30)}`);
      expectHandled(
        await send(path, body, { ...headers, "content-type": "application/x-www-form-urlencoded" }),
        `${path} raw form`,
      );
    }
    for (const secret of ["", "x".repeat(10_000), "\u0000", TEST_WEBHOOK_SECRET + " "]) {
      const answer = await send(path, JSON.stringify(base), {
        "content-type": "application/json",
        "x-webhook-secret": encodeURIComponent(secret),
      });
      expect(answer.status).toBe(401);
    }
  });
});

describe("afterwards", () => {
  it("never answered 500, still serves, and nothing in the database changed", async () => {
    expect(statuses.length).toBeGreaterThan(800);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    const health = await fetch(`${t.origin}/health`);
    expect(health.status).toBe(200);
    expect((await t.graphql(`{ shop { id } }`)).data.shop.id).toBe(String(PROD_SHOP));
    // the DROP TABLE strings dropped nothing
    const { rows } = await t.ownerQuery(
      `select to_regclass('"order"') is not null as orders, to_regclass('product') is not null as products`,
    );
    expect(rows[0]).toEqual({ orders: true, products: true });
    expect(await databaseFingerprint((sql, params) => t.ownerQuery(sql, params))).toEqual(before);
  });
});
