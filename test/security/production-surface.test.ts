/**
 * What strangers learn of the service. Production answers no "Did you mean …?" (issue 17 row 9).
 * /metrics (row 3): the client's operationName is never a label, so made-up names do not
 * grow it; in production it needs `Authorization: Bearer <METRICS_TOKEN>` and without one it is not
 * served (CONTRACT.md, paths table); docker-compose passes METRICS_TOKEN to the router.
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { startTestStack, type TestStack } from "../harness";
import { metricsRefusal } from "../../router/metrics";

const METRICS_TOKEN = "metrics-token-for-the-test-0123456789";
const operationLabels = (text: string) =>
  new Set([...text.matchAll(/graphql_operation_duration_seconds_count\{operation="([^"]*)"/g)].map((m) => m[1]));

describe("development", () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(() => t?.stop());

  it("500 anonymous operations with made-up names add no series: labels are the operation's type and root field", async () => {
    const before = await (await fetch(`${t.origin}/metrics`)).text();
    for (let batch = 0; batch < 5; batch += 1) {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => t.graphql(`query Op_${batch}_${i} { __typename }`, {}, { token: null })),
      );
    }
    await t.graphql(`query Named { shop { id } }`);
    await t.graphql(`query Broken { nope }`);
    const after = await (await fetch(`${t.origin}/metrics`)).text();
    expect(after).not.toMatch(/Op_\d/);
    expect(after).not.toMatch(/"Named"|"Broken"/);
    const labels = operationLabels(after);
    expect([...labels].sort()).toEqual(["invalid", "query:__typename", "query:shop"]);
    // a handful of new series (the three labels' buckets), not thousands
    expect(after.length - before.length).toBeLessThan(20_000);
  });

  it("is open in development", async () => {
    expect((await fetch(`${t.origin}/metrics`)).status).toBe(200);
  });
});

describe("production", () => {
  let prod: TestStack;
  beforeAll(async () => {
    prod = await startTestStack({ env: { NODE_ENV: "production", METRICS_TOKEN } });
  });
  afterAll(() => prod?.stop());

  it.each([
    ["no Authorization", {}],
    ["a wrong token", { authorization: "Bearer wrong" }],
    ["the token without Bearer", { authorization: METRICS_TOKEN }],
    ["a user's JWT", null],
  ])("refuses %s with 401 and a JSON error", async (_name, headers) => {
    const response = await fetch(`${prod.origin}/metrics`, {
      headers: headers ?? { authorization: `Bearer ${prod.token(17008)}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/METRICS_TOKEN/) });
  });

  it.each([
    ["a misspelt root field", `{ shp { id } }`],
    ["a misspelt nested field", `{ products(first: 1) { edges { node { nme } } } }`],
    ["a misspelt argument", `{ products(frist: 1) { totalCount } }`],
    ["a misspelt enum value", `{ orders(status: [DELIVERD]) { totalCount } }`],
  ])("answers %s with no schema hint, signed in or not", async (_name, query) => {
    for (const token of [null, prod.token(17008, "COURIER")]) {
      const result = await prod.graphql(query, {}, { token });
      expect(result.status).toBe(400);
      expect(result.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(JSON.stringify(result.errors)).not.toMatch(/Did you mean|shop|name"|first|DELIVERED/);
    }
  });

  it("serves Prometheus text to Authorization: Bearer <METRICS_TOKEN>", async () => {
    const response = await fetch(`${prod.origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^# HELP /m);
  });

  it("a subgraph's own /metrics follows the same rule: 401 without the token, Prometheus text with it", async () => {
    const url = new URL("/metrics", prod.stack.subgraphs.catalog.url);
    const refused = await fetch(url);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await refused.json()).toEqual({ error: expect.stringMatching(/METRICS_TOKEN/) });
    const served = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(served.status).toBe(200);
    expect(await served.text()).toMatch(/^# TYPE uploads_total counter/m);
  });
});

describe("who may read /metrics", () => {
  it("production without METRICS_TOKEN: not served (404)", () => {
    expect(metricsRefusal({ production: true, metricsToken: undefined }, `Bearer anything`)).toEqual({
      status: 404,
      error: expect.any(String),
    });
  });

  it("development: anyone", () => {
    expect(metricsRefusal({ production: false, metricsToken: undefined }, undefined)).toBeNull();
    expect(metricsRefusal({ production: false, metricsToken: METRICS_TOKEN }, undefined)).toBeNull();
  });

  it("docker-compose passes METRICS_TOKEN to the router, which publishes no port: only the proxy faces the host", () => {
    const compose = parse(fs.readFileSync(path.join(__dirname, "../../docker-compose.yml"), "utf8"), {
      merge: true,
    }) as {
      services: Record<string, { environment?: Record<string, string>; ports?: string[] }>;
    };
    expect(compose.services.router.environment?.METRICS_TOKEN).toBe("${METRICS_TOKEN:-}");
    expect(compose.services.router.ports).toBeUndefined();
    expect(compose.services.proxy.ports).toEqual(["${PORT:-4000}:8080"]);
  });
});
