/**
 * What a request may cost, end to end through the router: query limits, rate limits, CSRF,
 * CORS, security headers, body limits, and production's closed introspection and Sandbox.
 */
import http from "node:http";
import { getIntrospectionQuery } from "graphql";
import { startTestStack, PROD_SHOP, TEST_WEBHOOK_SECRET, type TestStack } from "../harness";
import { QUERY_LIMITS } from "../../router/query-limits";
import { boardClient, collect, rawInit } from "../board-client";
import jwt from "jsonwebtoken";
import { TEST_JWT_SECRET } from "../harness";

const ALLOWED_ORIGIN = "https://admin.cvety.kz";
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({
    env: {
      RATE_LIMIT_LOGIN_PER_MINUTE: "3",
      RATE_LIMIT_WEBHOOK_PER_MINUTE: "3",
      RATE_LIMIT_MUTATIONS_PER_MINUTE: "3",
      CORS_ORIGINS: `${ALLOWED_ORIGIN},https://other.cvety.kz`,
      // one proxy in front; requests without X-Forwarded-For count as the socket's address
      TRUST_PROXY: "1",
    },
  });
});
afterAll(() => t?.stop());

describe("query limits", () => {
  it.each([
    [
      "depth",
      `{ orders { edges { node { customer { orders { edges { node { items { product { images { url } } } } } } } } } } }`,
    ],
    ["aliases", `{ shop { ${Array.from({ length: 2000 }, (_, i) => `a${i}: id`).join(" ")} } }`],
    ["rootFields", `{ ${Array.from({ length: 16 }, (_, i) => `s${i}: shop { id }`).join(" ")} }`],
    ["fields", `{ shop { ${Array.from({ length: 5000 }, () => "id").join(" ")} } }`],
    ["cost", `{ orders(first: 100) { edges { node { items { product { images { url } } } history { id } } } } }`],
    ["tokens", `{ shop { ${Array.from({ length: 12_000 }, () => "id").join(" ")} } }`],
  ])("%s: HTTP 400, QUERY_LIMIT_EXCEEDED naming the limit", async (limit, query) => {
    const started = Date.now();
    const result = await t.graphql(query);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].extensions).toMatchObject({
      code: "QUERY_LIMIT_EXCEEDED",
      limit,
      max: QUERY_LIMITS[limit as keyof typeof QUERY_LIMITS],
    });
    expect(result.errors![0].message).toMatch(/limit/);
  });

  it("counts a page size passed as a variable", async () => {
    const query = `query($n: Int) { orders(first: $n) { edges { node { items { product { images { url } } } history { id } } } } }`;
    expect((await t.graphql(query, { n: 5 })).errors).toBeUndefined();
    expect((await t.graphql(query, { n: 100 })).errors?.[0].extensions?.limit).toBe("cost");
  });

  it("lets the board query and Sandbox's introspection through", async () => {
    const board = await t.graphql(
      `{ orders(first: 100) { edges { node { id status items { quantity product { name stock } } history { newStatus } } } } }`,
    );
    expect(board.errors).toBeUndefined();
    expect(board.data.orders.edges).toHaveLength(100);
    const introspection = await t.graphql(getIntrospectionQuery());
    expect(introspection.errors).toBeUndefined();
    expect(introspection.data.__schema.queryType.name).toBe("Query");
  });

  it("keeps page sizes at most 100", async () => {
    const result = await t.graphql(`{ products(first: 101) { totalCount } }`);
    expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "first" });
  });

  it("counts refusals in /metrics", async () => {
    const text = await (await fetch(`${t.origin}/metrics`)).text();
    expect(text).toMatch(/graphql_refused_total\{reason="depth"\} [1-9]/);
  });
});

describe("HTTP hardening", () => {
  it("CORS answers only the configured origins", async () => {
    const preflight = (origin: string) =>
      fetch(t.graphqlUrl, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type,authorization",
        },
      });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    const denied = await preflight("https://evil.example");
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
    const simple = await fetch(`${t.origin}/health`, { headers: { origin: "https://evil.example" } });
    expect(simple.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("CORS headers on the GraphQL answer itself, for the configured origins only", async () => {
    const query = (origin: string) =>
      fetch(t.graphqlUrl, {
        method: "POST",
        headers: { origin, "content-type": "application/json", authorization: `Bearer ${t.token(PROD_SHOP)}` },
        body: JSON.stringify({ query: "{ shop { id } }" }),
      });
    const allowed = await query(ALLOWED_ORIGIN);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    expect(allowed.headers.get("vary")).toMatch(/origin/i);
    expect(allowed.headers.get("x-content-type-options")).toBe("nosniff");
    const denied = await query("https://evil.example");
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("CSRF prevention refuses a GET or a simple POST without a preflight-forcing header", async () => {
    const get = await fetch(`${t.graphqlUrl}?query=${encodeURIComponent("{ __typename }")}`);
    expect(get.status).toBe(400);
    const form = await fetch(t.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "query=%7B__typename%7D",
    });
    expect(form.status).toBe(400);
    const withHeader = await fetch(`${t.graphqlUrl}?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { "apollo-require-preflight": "true" },
    });
    expect(withHeader.status).toBe(200);
  });

  it("security headers on the REST shim", async () => {
    const response = await fetch(`${t.origin}/health`);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(response.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
    expect(response.headers.get("strict-transport-security")).toMatch(/max-age/);
    expect(response.headers.get("x-powered-by")).toBeNull();
  });

  it.each([
    ["/graphql", "POST", 300 * 1024],
    ["/api/v1/webhooks/order-status-sync", "POST", 70 * 1024],
    ["/health", "GET", 4 * 1024],
    ["/nope", "POST", 4 * 1024],
  ])("body limit on %s: 413 with a JSON error", async (route, method, size) => {
    // node's http, since fetch will not send a body with GET
    const body = JSON.stringify({ query: "{ __typename }", pad: "x".repeat(size) });
    const response = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request(`${t.origin}${route}`, {
        method,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "x-webhook-secret": TEST_WEBHOOK_SECRET,
        },
      });
      request.on("response", (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, text }));
      });
      request.on("error", reject);
      request.end(body);
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.text).error).toMatch(/too large/i);
  });
});

describe("rate limits", () => {
  const LOGIN = `mutation { login(email: "admin@cvety.kz", password: "wrong") { token } }`;

  it("login: per IP, 429 with Retry-After after the budget", async () => {
    for (let i = 0; i < 3; i++) expect((await t.graphql(LOGIN, {}, { token: null })).status).toBe(200);
    const limited = await fetch(t.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: LOGIN }),
    });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body: any = await limited.json();
    expect(body.errors[0].extensions).toEqual({ code: "RATE_LIMITED", retryAfter });
    expect(body.errors[0].message).toMatch(/sign-in attempts/);
    // a login hidden in a fragment counts the same
    const hidden = await t.graphql(
      `mutation { ...L } fragment L on Mutation { login(email: "a@b.c", password: "x") { token } }`,
      {},
      { token: null },
    );
    expect(hidden.status).toBe(429);
    // queries are not sign-ins
    expect((await t.graphql(`{ shop { id } }`)).status).toBe(200);
  });

  it("login: behind TRUST_PROXY=1, each forwarded client has a budget of its own", async () => {
    // the test above spent the socket's own budget
    const login = (forwardedFor?: string) =>
      fetch(t.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) },
        body: JSON.stringify({ query: LOGIN }),
      });
    expect((await login()).status).toBe(429);
    for (let i = 0; i < 3; i++) expect((await login("203.0.113.7")).status).toBe(200);
    expect((await login("203.0.113.7")).status).toBe(429);
    // only the nearest hop is trusted: an address a client put further left changes nothing
    expect((await login("198.51.100.1, 203.0.113.7")).status).toBe(429);
    expect((await login("203.0.113.8")).status).toBe(200);
  });

  it("mutations: per signed-in user; another user keeps their budget", async () => {
    const note = `mutation { addOrderNote(id: "2147483000", text: "x") { id } }`;
    const florist = t.token(PROD_SHOP, "FLORIST");
    for (let i = 0; i < 3; i++) expect((await t.graphql(note, {}, { token: florist })).status).toBe(200);
    const limited = await t.graphql(note, {}, { token: florist });
    expect(limited.status).toBe(429);
    expect(limited.errors?.[0].extensions?.code).toBe("RATE_LIMITED");
    // a fresh token of the same user is the same budget
    expect((await t.graphql(note, {}, { token: t.token(PROD_SHOP, "FLORIST", { ttlSeconds: 600 }) })).status).toBe(429);
    expect((await t.graphql(note, {}, { token: t.token(PROD_SHOP, "MANAGER") })).status).toBe(200);
    // reading is not limited
    expect((await t.graphql(`{ shop { id } }`, {}, { token: florist })).status).toBe(200);
  });

  it("webhooks: failed secret checks per IP, 401 then 429; the right secret is still taken", async () => {
    const post = (secret: string) =>
      fetch(`${t.origin}/api/v1/webhooks/order-status-sync`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-webhook-secret": secret },
        body: JSON.stringify({ order_id: 999999999, status: "AP" }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post("wrong")).status);
    expect(statuses).toEqual([401, 401, 401]);
    const limited = await post("wrong");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await limited.json()) as any).error).toMatch(/Too many failed secret checks/);
    // the same address with the right secret, far beyond the failure budget: every delivery taken
    const signed = await Promise.all(Array.from({ length: 12 }, () => post(TEST_WEBHOOK_SECRET)));
    expect(signed.map((response) => response.status)).toEqual(signed.map(() => 200));
  });
});

describe("the WebSocket gets the same checks", () => {
  it("refuses a token for a shop that does not exist at connection_init", async () => {
    const token = jwt.sign({ shop_id: 999, role: "ADMIN" }, TEST_JWT_SECRET, { subject: "1", expiresIn: 60 });
    const answer = await rawInit(t.graphqlUrl.replace(/^http/, "ws"), { authorization: `Bearer ${token}` });
    expect(answer.code).toBe(4401);
    expect(answer.reason).toMatch(/shop 999/);
  });

  it("applies the query limits to operations sent over the socket", async () => {
    const client = boardClient(t, t.token(PROD_SHOP));
    try {
      const deep = collect(
        client,
        `{ orders { edges { node { customer { orders { edges { node { items { product { images { url } } } } } } } } } } }`,
      );
      await deep.ended();
      const error = deep.results[0]?.errors?.[0] ?? (Array.isArray(deep.error) ? deep.error[0] : undefined);
      expect(error?.extensions).toMatchObject({ code: "QUERY_LIMIT_EXCEEDED", limit: "depth" });
    } finally {
      await client.dispose();
    }
  });
});

describe("production", () => {
  let prod: TestStack;
  beforeAll(async () => {
    prod = await startTestStack({ env: { NODE_ENV: "production" } });
  });
  afterAll(() => prod?.stop());

  it("refuses introspection", async () => {
    const result = await prod.graphql(`{ __schema { queryType { name } } }`);
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(result.errors?.[0].message).toMatch(/introspection/i);
    const type = await prod.graphql(`{ __type(name: "Order") { fields { name } } }`);
    expect(type.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("serves no Sandbox", async () => {
    const response = await fetch(prod.graphqlUrl, { headers: { accept: "text/html" } });
    const text = await response.text();
    expect(text).not.toMatch(/sandbox|embeddable|apollo-server-landing-page/i);
    expect(response.status).toBe(400);
  });

  it("still answers queries, within the same limits", async () => {
    expect((await prod.graphql(`{ shop { id } }`)).data.shop.id).toBe(String(PROD_SHOP));
    const deep = await prod.graphql(
      `{ orders { edges { node { customer { orders { edges { node { items { product { images { url } } } } } } } } } } }`,
    );
    expect(deep.errors?.[0].extensions?.limit).toBe("depth");
  });
});
