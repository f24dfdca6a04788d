/**
 * Issue 17 row 8: bad input that was answered 500 (and logged as an error with a stack) is a
 * 400 / BAD_USER_INPUT naming the input: NUL characters in searches, dates in year 0000, tampered
 * cursors, documents with several operations, out-of-range query parameters of the deliveries
 * admin, a token whose shop_id does not fit an int. The stack's log is captured: none of these
 * is logged as an error.
 */
import { Writable } from "node:stream";
import jwt from "jsonwebtoken";
import pino from "pino";
import { getNamedType } from "graphql";
import { startTestStack, PROD_SHOP, TEST_JWT_SECRET, type TestStack } from "../harness";
import { apiSchema } from "./schema-probe";

const schema = apiSchema();
let t: TestStack;
const logged: { level: number; msg?: string; err?: unknown }[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) logged.push(JSON.parse(line));
      done();
    },
  });
  t = await startTestStack({ logger: pino({ level: "warn" }, sink) });
});
afterAll(() => t?.stop());

/** Nothing this file sends is a server error: no error-level log line (pino: 50 and up). */
afterEach(() => {
  const errors = logged.filter((line) => line.level >= 50).map((line) => line.msg);
  logged.length = 0;
  expect(errors).toEqual([]);
});

/** A GraphQL answer refusing the input: 400 or a 200 with errors, every error BAD_USER_INPUT naming `input`. */
function expectRefused(answer: { status: number; errors?: { message: string; extensions?: any }[] }, input: string) {
  expect(answer.status === 200 || answer.status === 400 ? "handled" : answer.status).toBe("handled");
  expect(answer.errors?.length).toBeGreaterThan(0);
  for (const error of answer.errors ?? []) {
    expect({ input, code: error.extensions?.code }).toEqual({ input, code: "BAD_USER_INPUT" });
    expect({ input, names: error.extensions?.field === input || error.message.includes(input) }).toEqual({
      input,
      names: true,
    });
  }
}

describe("NUL and other control characters in a search", () => {
  it.each(["products", "orders", "clients"])("%s(search:) answers BAD_USER_INPUT naming search", async (field) => {
    for (const search of ["a\u0000b", "\u0000", "x\u001by"]) {
      const answer = await t.graphql(`query($s: String) { ${field}(search: $s) { totalCount } }`, { s: search });
      expectRefused(answer, "search");
    }
  });

  it("the warehouse has no text search to send it to (if one is added, add it above)", () => {
    const queries = schema.getQueryType()!.getFields();
    const searches = Object.values(queries)
      .filter((field) => field.args.some((a) => a.name === "search"))
      .map((field) => field.name);
    expect(searches.sort()).toEqual(["clients", "orders", "products"]);
  });
});

describe("dates outside the years 1900–9999", () => {
  const instants = ["0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "0000-01-01"];

  it.each(instants)("warehouseOperations(from: %s) is refused naming from", async (from) => {
    expectRefused(
      await t.graphql(`query($f: DateTime) { warehouseOperations(from: $f) { totalCount } }`, { f: from }),
      "$f",
    );
    // written in the document: the message quotes the value (its location points at the argument)
    expectRefused(await t.graphql(`{ warehouseOperations(from: ${JSON.stringify(from)}) { totalCount } }`), from);
  });

  it.each(instants)("createOrder(input: { deliveryFrom: %s }) is refused naming deliveryFrom", async (deliveryFrom) => {
    const { rows } = await t.ownerQuery(`select id from product where shop_id = $1 and archived_at is null limit 1`, [
      PROD_SHOP,
    ]);
    const input = {
      items: [{ productId: String(rows[0].id), quantity: 1 }],
      customer: { phone: "+77010000001" },
      deliveryFrom,
    };
    const answer = await t.graphql(`mutation($input: CreateOrderInput!) { createOrder(input: $input) { id } }`, {
      input,
    });
    expectRefused(answer, "deliveryFrom");
  });

  it("orders(createdFrom:) and shopStats(from:) too; 1900 and 9999 themselves are days like any other", async () => {
    const to = await t.graphql(`query($to: DateTime) { orders(createdTo: $to) { totalCount } }`, {
      to: "0000-06-01T00:00:00Z",
    });
    expectRefused(to, "$to");
    const from = await t.graphql(`query($from: Date!) { shopStats(from: $from, to: "2026-01-01") { orderCount } }`, {
      from: "0999-01-01",
    });
    expectRefused(from, "$from");
    const edges = await t.graphql(
      `{ orders(createdFrom: "1900-01-01T00:00:00Z", createdTo: "9999-12-31T00:00:00Z") { totalCount } }`,
    );
    expect(edges.errors).toBeUndefined();
    expect(edges.data.orders.totalCount).toBeGreaterThan(0);
  });
});

describe("tampered cursors", () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  /** refused by every list, whatever its sort key: an id out of range, a key of no list, the wrong shape */
  const TAMPERED = [
    ["2026-01-01T00:00:00Z", 99999999999],
    ["2026-01-01T00:00:00Z", -1.5],
    ["2026-01-01T00:00:00Z", 2147483648],
    ["2026-01-01T00:00:00Z", 0],
    [1e308, 1],
    [-1.5],
    [99999999999],
    -1.5,
    ["x".repeat(5000), 1],
    ["a\u0000b", 1],
  ];
  const cursors = [
    ...TAMPERED.map(b64),
    ...TAMPERED.map((value) => JSON.stringify(value)),
    "-1.5",
    Buffer.from("-1.5").toString("base64"),
  ];
  /** every root query with a String `after`: the cursor lists */
  const lists = Object.values(schema.getQueryType()!.getFields())
    .filter((field) => field.args.some((a) => a.name === "after" && getNamedType(a.type).name === "String"))
    .map((field) => field.name);

  it("the lists include orders, products and warehouse items", () => {
    expect(lists).toEqual(expect.arrayContaining(["orders", "products", "warehouseItems", "clients"]));
  });

  it.each(lists)("%s(after:) answers BAD_USER_INPUT naming after for every tampered cursor", async (list) => {
    for (const after of cursors) {
      const answer = await t.graphql(`query($a: String) { ${list}(after: $a) { totalCount } }`, { a: after });
      expectRefused(answer, "after");
    }
  });

  it.each(["orders", "products"])(
    "%s, keyed by time: a cursor whose instant is not a time of this era",
    async (list) => {
      for (const instant of ["0000-01-01T00:00:00Z", "2026-13-45T00:00:00Z", "+275760-09-13T00:00:00Z", "now"]) {
        const answer = await t.graphql(`query($a: String) { ${list}(after: $a) { totalCount } }`, {
          a: b64([instant, 1]),
        });
        expectRefused(answer, "after");
      }
    },
  );

  it("a real cursor still pages", async () => {
    const first = await t.graphql(`{ orders(first: 2) { edges { node { id } } pageInfo { endCursor } } }`);
    const next = await t.graphql(`query($a: String) { orders(first: 2, after: $a) { edges { node { id } } } }`, {
      a: first.data.orders.pageInfo.endCursor,
    });
    expect(next.errors).toBeUndefined();
    expect(next.data.orders.edges.length).toBe(2);
  });
});

describe("documents with several operations", () => {
  it.each([
    ["two anonymous operations", "{ __typename } { shop { id } }"],
    ["two named operations and no operationName", "query A { __typename } query B { shop { id } }"],
  ])("%s: 400 with a code", async (_name, query) => {
    const response = await fetch(t.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${t.token(PROD_SHOP)}` },
      body: JSON.stringify({ query }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toMatch(/^(BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED)$/);
  });
});

describe("the deliveries admin's query parameters", () => {
  const list = (query: string) =>
    fetch(`${t.origin}/api/v1/admin/webhook-deliveries?${query}`, {
      headers: { authorization: `Bearer ${t.token(PROD_SHOP, "ADMIN")}` },
    });

  it.each([
    ["before=2147483648", "before"],
    ["before=99999999999999999999", "before"],
    ["before=1.5", "before"],
    ["before=abc", "before"],
    ["before=-1", "before"],
    ["before=1&before=2", "before"],
    ["before[x]=1", "before"],
    ["limit=1e3", "limit"],
    ["limit=abc", "limit"],
    ["status=2147483648", "status"],
    ["status=x", "status"],
    ["endpoint[]=x", "endpoint"],
  ])("?%s: 400 JSON naming %s", async (query, name) => {
    const response = await list(query);
    expect({ query, status: response.status }).toEqual({ query, status: 400 });
    const body = (await response.json()) as { error: string };
    expect(body.error).toContain(name);
  });

  it("a delivery id out of range: 400 or 404, JSON", async () => {
    for (const id of ["2147483648", "99999999999", "-1", "1.5", "%00"]) {
      const response = await fetch(`${t.origin}/api/v1/admin/webhook-deliveries/${id}`, {
        headers: { authorization: `Bearer ${t.token(PROD_SHOP, "ADMIN")}` },
      });
      expect({ id, status: [400, 404].includes(response.status) }).toEqual({ id, status: true });
      expect(((await response.json()) as { error: string }).error).toEqual(expect.any(String));
    }
  });

  it("an in-range before still lists", async () => {
    const response = await list("before=2147483647&limit=5");
    expect(response.status).toBe(200);
  });
});

describe("a token whose shop_id is not an int", () => {
  const signed = (shopId: unknown) =>
    jwt.sign({ shop_id: shopId, role: "ADMIN" }, TEST_JWT_SECRET, { subject: "1", expiresIn: 600 });
  const SHOPS = [2 ** 31, 2 ** 53, 1e300, -1, 0, 1.5, "17008", null];

  it.each(SHOPS)("shop_id %p: /graphql answers 401 UNAUTHENTICATED", async (shopId) => {
    const answer = await t.graphql(`{ shop { id } }`, {}, { token: signed(shopId) });
    expect(answer.status).toBe(401);
    expect(answer.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect(answer.errors?.[0].message).toMatch(/shop_id/);
  });

  it("the deliveries admin answers 401 JSON too", async () => {
    const response = await fetch(`${t.origin}/api/v1/admin/webhook-deliveries`, {
      headers: { authorization: `Bearer ${signed(2 ** 31)}` },
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toMatch(/shop_id/);
  });
});
