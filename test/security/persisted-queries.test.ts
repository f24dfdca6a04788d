/**
 * Every limit applies to the document that is EXECUTED, however it arrived: a `query` over POST
 * or GET, an automatic persisted query's hash (APQ), the WebSocket. Issue 17 row 1: a document
 * the guard skipped was stored by Apollo and replayed by hash, past the sign-in rate limit.
 * Budgets (3 a minute) and limits are the test's own settings and the issue's, not the code's.
 */
import crypto from "node:crypto";
import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../harness";
import { boardClient, collect } from "../board-client";
import type { Client } from "graphql-ws";

const BUDGET = 3;
const RATE_ENV = { RATE_LIMIT_LOGIN_PER_MINUTE: String(BUDGET), RATE_LIMIT_MUTATIONS_PER_MINUTE: String(BUDGET) };
const sha256 = (query: string) => crypto.createHash("sha256").update(query).digest("hex");
const apq = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(query) } });

/** A POST to the router; `query` left out sends the hash alone. */
async function post(t: TestStack, body: Record<string, unknown>, token?: string | null, forwardedFor?: string) {
  const response = await fetch(t.graphqlUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}),
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: (await response.json()) as any,
  };
}

/** A GET of a hash alone (as Apollo Client's APQ link sends queries), with Apollo's CSRF header. */
async function getByHash(t: TestStack, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const search = new URLSearchParams({ extensions: JSON.stringify(apq(query)), variables: JSON.stringify(variables) });
  const response = await fetch(`${t.graphqlUrl}?${search}`, {
    headers: { "apollo-require-preflight": "true", ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  return { status: response.status, body: (await response.json()) as any };
}

const wrongLogin = (n: number) => `mutation { login(email: "admin@cvety.kz", password: "wrong-${n}") { token } }`;
const RIGHT_LOGIN = `mutation { login(email: "admin@cvety.kz", password: "admin-dev-password") { token } }`;
/** the attack: two operations, no operationName */
const TWO_OPERATIONS = `mutation A { login(email: "admin@cvety.kz", password: "x") { token } } query B { __typename }`;
/** within the cost limit (10 000) at 5 a page, far over it at 100: the limit depends on what runs */
const PAGED = `query Paged($n: Int) { orders(first: $n) { edges { node { items { product { images { url } } } history { id } } } } }`;

/** The sign-in attack of the issue, over APQ from one address; the right password is refused too once the budget is spent. */
async function signInByHash(t: TestStack, forwardedFor: string) {
  // someone else (another address) signed in rightly before: the right document is stored
  const registered = await post(t, { query: RIGHT_LOGIN, extensions: apq(RIGHT_LOGIN) }, null, `${forwardedFor}9`);
  expect(registered.body.data.login.token).toEqual(expect.any(String));
  const statuses: number[] = [];
  for (let i = 0; i < BUDGET + 3; i++) {
    const query = wrongLogin(i % 2);
    // the first use registers the document (query + hash); later ones send the hash alone
    const first = i < 2;
    statuses.push((await post(t, { ...(first ? { query } : {}), extensions: apq(query) }, null, forwardedFor)).status);
  }
  const right = await post(t, { extensions: apq(RIGHT_LOGIN) }, null, forwardedFor);
  return { statuses, right };
}

describe("development", () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ env: { ...RATE_ENV, TRUST_PROXY: "1" } });
  });
  afterAll(() => t?.stop());

  it("POST: sign-ins replayed by hash count against the per-address budget; 429 with Retry-After", async () => {
    const { statuses, right } = await signInByHash(t, "203.0.113.10");
    expect(statuses.slice(0, BUDGET)).toEqual([200, 200, 200]);
    expect(statuses.slice(BUDGET)).toEqual([429, 429, 429]);
    expect(right.status).toBe(429);
    expect(right.retryAfter).toMatch(/^[1-9]\d*$/);
    expect(right.body.errors[0].extensions).toEqual({ code: "RATE_LIMITED", retryAfter: Number(right.retryAfter) });
    expect(right.body.data).toBeUndefined();
  });

  it("a document with several operations and no operationName is refused (400 BAD_USER_INPUT) and never stored", async () => {
    const refused = await post(t, { query: TWO_OPERATIONS, extensions: apq(TWO_OPERATIONS) }, null, "203.0.113.11");
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "operationName" });
    expect(refused.body.errors[0].message).toMatch(/2 operations.*operationName/);
    const replay = await post(t, { extensions: apq(TWO_OPERATIONS) }, null, "203.0.113.11");
    expect(replay.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    // named, it is a sign-in like any other and counts against the budget
    for (let i = 0; i < BUDGET; i++)
      expect((await post(t, { query: TWO_OPERATIONS, operationName: "A" }, null, "203.0.113.11")).status).toBe(200);
    const limited = await post(
      t,
      { query: TWO_OPERATIONS, operationName: "A", extensions: apq(TWO_OPERATIONS) },
      null,
      "203.0.113.11",
    );
    expect(limited.status).toBe(429);
    const byHash = await post(t, { operationName: "A", extensions: apq(TWO_OPERATIONS) }, null, "203.0.113.11");
    expect(byHash.body.errors[0].extensions.code).not.toBe("INTERNAL_SERVER_ERROR");
  });

  it("POST: the cost limit applies to the stored document with the variables it runs with", async () => {
    const token = t.token(PROD_SHOP);
    const registered = await post(t, { query: PAGED, variables: { n: 5 }, extensions: apq(PAGED) }, token);
    expect(registered.body.errors).toBeUndefined();
    const replay = await post(t, { variables: { n: 100 }, extensions: apq(PAGED) }, token);
    expect(replay.status).toBe(400);
    expect(replay.body.errors[0].extensions).toMatchObject({
      code: "QUERY_LIMIT_EXCEEDED",
      limit: "cost",
      max: 10_000,
    });
    expect(replay.body.data).toBeUndefined();
  });

  it("GET: a hash alone meets the same cost limit, and a mutation by hash is not executed", async () => {
    const token = t.token(PROD_SHOP);
    await post(t, { query: PAGED, variables: { n: 5 }, extensions: apq(PAGED) }, token);
    expect((await getByHash(t, PAGED, { n: 5 }, token)).body.errors).toBeUndefined();
    const big = await getByHash(t, PAGED, { n: 100 }, token);
    expect(big.status).toBe(400);
    expect(big.body.errors[0].extensions).toMatchObject({ code: "QUERY_LIMIT_EXCEEDED", limit: "cost" });
    // a registered sign-in replayed over GET: GET runs queries only
    const login = wrongLogin(7);
    await post(t, { query: login, extensions: apq(login) }, null, "203.0.113.12");
    const overGet = await getByHash(t, login);
    expect(overGet.status).toBe(405);
    expect(overGet.body.data).toBeUndefined();
  });

  it("POST: mutations replayed by hash count against the user's budget", async () => {
    const note = `mutation { addOrderNote(id: "2147483000", text: "x") { id } }`;
    const florist = t.token(PROD_SHOP, "FLORIST");
    const statuses = [(await post(t, { query: note, extensions: apq(note) }, florist)).status];
    for (let i = 0; i < BUDGET; i++) statuses.push((await post(t, { extensions: apq(note) }, florist)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await post(t, { extensions: apq(note) }, t.token(PROD_SHOP, "MANAGER"))).status).toBe(200);
  });

  describe("WebSocket", () => {
    let client: Client;
    beforeAll(() => {
      client = boardClient(t, t.token(DEV_SHOP, "FLORIST"));
    });
    afterAll(() => client?.dispose());

    /** the first error of one operation over the socket, as a result or as the subscription's error */
    async function firstError(payload: { query: string; operationName?: string; variables?: Record<string, unknown> }) {
      const errors: any[] = [];
      const results: any[] = [];
      await new Promise<void>((resolve) => {
        client.subscribe(payload, {
          next: (result) => results.push(result),
          error: (error) => (errors.push(...(Array.isArray(error) ? error : [error])), resolve()),
          complete: () => resolve(),
        });
      });
      return { error: results[0]?.errors?.[0] ?? errors[0], data: results[0]?.data };
    }

    it("mutations over the socket share the user's budget with HTTP", async () => {
      const note = `mutation { addOrderNote(id: "2147483000", text: "x") { id } }`;
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < BUDGET + 1; i++) codes.push((await firstError({ query: note })).error?.extensions?.code);
      expect(codes.slice(0, BUDGET)).not.toContain("RATE_LIMITED");
      expect(codes[BUDGET]).toBe("RATE_LIMITED");
      const overHttp = await post(t, { query: note }, t.token(DEV_SHOP, "FLORIST"));
      expect(overHttp.status).toBe(429);
    });

    it("a document with several operations and no operationName is refused with BAD_USER_INPUT", async () => {
      const { error } = await firstError({ query: `query A { __typename } query B { shop { id } }` });
      expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "operationName" });
    });

    it("the cost limit counts the variables and their defaults", async () => {
      expect((await firstError({ query: PAGED, variables: { n: 5 } })).error).toBeUndefined();
      expect((await firstError({ query: PAGED, variables: { n: 100 } })).error.extensions).toMatchObject({
        code: "QUERY_LIMIT_EXCEEDED",
        limit: "cost",
      });
      const defaulted = PAGED.replace("$n: Int)", "$n: Int = 100)");
      expect((await firstError({ query: defaulted })).error.extensions).toMatchObject({
        code: "QUERY_LIMIT_EXCEEDED",
        limit: "cost",
      });
    });

    it("a subscription with several operations and no operationName is refused before it starts", async () => {
      const sub = collect(
        client,
        `subscription A { orderStatusChanged { historyId } } subscription B { orderStatusChanged { historyId } }`,
      );
      await sub.ended();
      const error = sub.results[0]?.errors?.[0] ?? (Array.isArray(sub.error) ? sub.error[0] : undefined);
      expect(error?.extensions).toMatchObject({ code: "BAD_USER_INPUT" });
    });
  });
});

describe("production", () => {
  let prod: TestStack;
  beforeAll(async () => {
    prod = await startTestStack({ env: { ...RATE_ENV, NODE_ENV: "production", TRUST_PROXY: "1" } });
  });
  afterAll(() => prod?.stop());

  it("sign-ins by hash are limited the same; the right password after the budget gets no token", async () => {
    const { statuses, right } = await signInByHash(prod, "203.0.113.20");
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    expect(right.status).toBe(429);
    expect(right.body.data).toBeUndefined();
  });

  it("variable defaults count in the cost: query($n: Int = 100) is refused over HTTP", async () => {
    const defaulted = PAGED.replace("$n: Int)", "$n: Int = 100)");
    const result = await prod.graphql(defaulted);
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions).toMatchObject({ code: "QUERY_LIMIT_EXCEEDED", limit: "cost" });
  });
});
