import { startTestStack, PROD_SHOP, DEV_SHOP, type TestStack } from "../test/harness";
import { signViewer } from "../core/subgraph-signature";
import jwt from "jsonwebtoken";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.stop());

describe("authentication", () => {
  it("answers a contract query for a valid token", async () => {
    const result = await t.graphql(`{ products(first: 1) { totalCount } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data.products.totalCount).toBeGreaterThan(40);
  });

  it("refuses a query without a token with UNAUTHENTICATED", async () => {
    const result = await t.graphql(`{ products { totalCount } }`, {}, { token: null });
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect(JSON.stringify(result.errors)).not.toMatch(/127\.0\.0\.1|4001|response/);
  });

  it.each([
    ["garbage", "not-a-jwt"],
    ["wrong key", jwt.sign({ shop_id: PROD_SHOP, role: "ADMIN" }, "another-secret", { subject: "u1", expiresIn: 60 })],
    [
      "expired",
      jwt.sign({ shop_id: PROD_SHOP, role: "ADMIN", exp: Math.floor(Date.now() / 1000) - 10 }, "test-jwt-secret", {
        subject: "u1",
      }),
    ],
    [
      "unknown role",
      jwt.sign({ shop_id: PROD_SHOP, role: "OWNER" }, "test-jwt-secret", { subject: "u1", expiresIn: 60 }),
    ],
    [
      "shop_id as string",
      jwt.sign({ shop_id: "17008", role: "ADMIN" }, "test-jwt-secret", { subject: "u1", expiresIn: 60 }),
    ],
    [
      "alg none",
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${Buffer.from(JSON.stringify({ sub: "u1", shop_id: PROD_SHOP, role: "ADMIN" })).toString("base64url")}.`,
    ],
  ])("refuses a %s token with UNAUTHENTICATED and HTTP 401", async (_name, token) => {
    const result = await t.graphql(`{ products { totalCount } }`, {}, { token });
    expect(result.status).toBe(401);
    expect(result.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("a subgraph port refuses requests without the router's signature", async () => {
    const response = await fetch(t.stack.subgraphs.orders.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shop-id": String(DEV_SHOP) },
      body: JSON.stringify({ query: "{ orders { totalCount } }" }),
    });
    expect(response.status).toBe(401);
    const body: any = await response.json();
    expect(body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  it("a subgraph port refuses a forged viewer signed with the wrong key", async () => {
    const headers = signViewer({ userId: "x", shopId: DEV_SHOP, role: "ADMIN" }, "r1", "not-the-router-secret");
    const response = await fetch(t.stack.subgraphs.catalog.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query: "{ products { totalCount } }" }),
    });
    expect(response.status).toBe(401);
  });
});

describe("a subgraph's HTTP edge", () => {
  const signed = () => signViewer({ userId: "x", shopId: DEV_SHOP, role: "ADMIN" }, "r1", t.config.subgraphSecret);
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(t.stack.subgraphs.catalog.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...signed(), ...headers },
      body,
    });

  it("answers the router's signed request", async () => {
    const response = await post(JSON.stringify({ query: "{ shop { id } }" }));
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).data.shop.id).toBe(String(DEV_SHOP));
  });

  it("a body that is not JSON: 400 with a GraphQL error", async () => {
    const response = await post("{nope");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ message: "The request body is not valid JSON", extensions: { code: "BAD_REQUEST" } }],
    });
  });

  it("a body over 1 MiB: 413, whether it declares its length or not", async () => {
    const huge = JSON.stringify({ query: "{ shop { id } }", pad: "x".repeat(1024 * 1024) });
    const declared = await post(huge);
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as any).errors[0].message).toMatch(/too large/);
    const chunked = await fetch(t.stack.subgraphs.catalog.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...signed() },
      body: new Blob([huge]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it("/health and an unknown path answer JSON", async () => {
    const base = t.stack.subgraphs.catalog.url.replace(/\/graphql$/, "");
    const health = await fetch(`${base}/health`);
    expect(await health.json()).toEqual({ status: "healthy", subgraph: "catalog" });
    const unknown = await fetch(`${base}/nope`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).error).toMatch(/nope/);
  });
});

describe("bad input gets a coded error, never a 500", () => {
  it("first: 1000", async () => {
    const result = await t.graphql(`{ orders(first: 1000) { totalCount } }`);
    expect(result.status).toBe(200);
    expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0].message).toMatch(/first must be between 1 and 100/);
  });

  it("a malformed query", async () => {
    const result = await t.graphql(`{ orders(first: ) { `);
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
  });

  it("an unknown field", async () => {
    const result = await t.graphql(`{ orders { nope } }`);
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("an unknown id is null, a non-numeric id is BAD_USER_INPUT", async () => {
    const missing = await t.graphql(`{ order(id: "999999") { id } product(id: "999999") { id } }`);
    expect(missing.errors).toBeUndefined();
    expect(missing.data).toEqual({ order: null, product: null });
    const bad = await t.graphql(`{ order(id: "abc") { id } }`);
    expect(bad.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(bad.errors?.[0].extensions?.field).toBe("id");
  });

  it("a cursor this API did not issue", async () => {
    const result = await t.graphql(`{ products(after: "bm9wZQ") { totalCount } }`);
    expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0].extensions?.field).toBe("after");
  });

  it("a body that is not JSON", async () => {
    const response = await fetch(t.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "The request body is not valid JSON" });
  });

  it("a mutation-less GET with a query does not need CSRF headers but plain text POST is refused", async () => {
    const response = await fetch(t.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "{ __typename }",
    });
    expect(response.status).toBe(400);
  });
});

describe("REST shim", () => {
  it("GET /health reports every dependency healthy", async () => {
    const response = await fetch(`${t.origin}/health`);
    expect(response.status).toBe(200);
    const body: any = await response.json();
    expect(body).toMatchObject({
      status: "healthy",
      service: expect.any(String),
      version: expect.any(String),
      checks: { database: { status: "healthy" } },
    });
    expect(new Date(body.timestamp).getTime()).not.toBeNaN();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("GET /ready is 200 with migrations applied and subgraphs answering", async () => {
    const response = await fetch(`${t.origin}/ready`);
    expect(response.status).toBe(200);
    const body: any = await response.json();
    expect(body.checks.migrations).toEqual({ status: "healthy" });
    expect(body.checks.subgraph_orders).toEqual({ status: "healthy" });
  });

  it("GET /metrics serves Prometheus text with HTTP, GraphQL and pool metrics", async () => {
    await t.graphql(`query BoardProbe { orders(first: 1) { totalCount } }`);
    const response = await fetch(`${t.origin}/metrics`);
    expect(response.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/http_request_duration_seconds_bucket\{.*route="\/graphql"/);
    // the label is the operation's type and root field, never the client's operationName (issue 17 row 3)
    expect(text).toMatch(/graphql_operation_duration_seconds_count\{operation="query:orders",type="query"\} [1-9]/);
    expect(text).not.toMatch(/BoardProbe/);
    expect(text).toMatch(/db_pool_connections\{state="total"\} \d+/);
  });

  it("GET /graphql from a browser opens Apollo Sandbox outside production", async () => {
    const response = await fetch(t.graphqlUrl, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/sandbox/i);
  });

  it("another method on /graphql is 405 naming the allowed ones", async () => {
    const response = await fetch(t.graphqlUrl, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toMatch(/GET, POST/);
  });

  it("a webhook's answer carries the REST shim's security headers and is timed under its route", async () => {
    const response = await fetch(`${t.origin}/api/v1/webhooks/order-status-sync`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-webhook-secret": "wrong" },
      body: JSON.stringify({ order_id: 1, status: "AP" }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
    const metrics = await (await fetch(`${t.origin}/metrics`)).text();
    expect(metrics).toMatch(
      /http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/webhooks\/order-status-sync",status="401"\} [1-9]/,
    );
  });

  it("an unknown path is a JSON 404", async () => {
    const response = await fetch(`${t.origin}/nope`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).error).toMatch(/No route/);
  });
});
