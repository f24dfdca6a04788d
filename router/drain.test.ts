import http from "node:http";
import { startTestStack, PROD_SHOP, type TestStack } from "../test/harness";

/**
 * The router's graceful stop (router/drain.ts): for DRAIN_DELAY_MS it keeps serving with /ready
 * at 503, each answer closing its connection, so a load balancer takes it out of rotation before
 * the listener closes; then it stops accepting. The whole rolling restart is
 * test/ops/rolling-restart.test.ts.
 */
let t: TestStack;

// generous: every request below is local and takes milliseconds
const DELAY_MS = 5_000;

beforeAll(async () => {
  t = await startTestStack({ env: { DRAIN_DELAY_MS: String(DELAY_MS) } });
});
afterAll(() => t?.stop());

/** a client that keeps connections open between requests, as a proxy's upstream pool does */
const agent = new http.Agent({ keepAlive: true });
afterAll(() => agent.destroy());

/** One request: status, the connection header and the body. */
function get(path: string, init: { method?: string; body?: string; token?: string } = {}) {
  return new Promise<{ status: number; connection?: string; body: any }>((resolve, reject) => {
    const request = http.request(
      `${t.origin}${path}`,
      {
        method: init.method ?? "GET",
        agent,
        headers: {
          "content-type": "application/json",
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode!, connection: response.headers.connection, body: JSON.parse(text) }),
        );
      },
    );
    request.once("error", reject);
    request.end(init.body);
  });
}

it("answers /ready 503 while it still serves, each answer closing its connection, then stops accepting", async () => {
  const before = await get("/ready");
  expect(before.status).toBe(200);
  expect(before.connection).toBe("keep-alive");

  const stopped = t.stack.router.stop();
  const [ready, query] = await Promise.all([
    get("/ready"),
    get("/graphql", {
      method: "POST",
      token: t.token(PROD_SHOP, "ADMIN"),
      body: JSON.stringify({ query: "{ orders(first: 1) { totalCount } }" }),
    }),
  ]);
  expect(ready).toEqual({ status: 503, connection: "close", body: { status: "draining", checks: {} } });
  expect(query.status).toBe(200);
  expect(query.body.data.orders.totalCount).toBeGreaterThan(0);
  expect(query.connection).toBe("close");

  await stopped;
  await expect(get("/ready")).rejects.toMatchObject({ code: "ECONNREFUSED" });
});
