import crypto from "node:crypto";
import { loadConfig, type Config } from "../core/config";
import { createLogger } from "../core/logger";
import { signToken, type Role } from "../core/auth";
import { withDatabaseName } from "../core/database-server";
import { createDatabaseIfMissing, dropDatabase } from "../app/database";
import { startStack, type Stack } from "../app/stack";

export const DEV_SHOP = 8;
export const PROD_SHOP = 17008;
export const TEST_JWT_SECRET = "test-jwt-secret";
export const TEST_WEBHOOK_SECRET = "test-webhook-secret";

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, any>; path?: (string | number)[] }[];
}

export interface TestStack {
  stack: Stack;
  config: Config;
  /** router origin, e.g. http://127.0.0.1:54321 */
  origin: string;
  graphqlUrl: string;
  databaseUrl: string;
  token(shopId: number, role?: Role, options?: { userId?: string; ttlSeconds?: number }): string;
  graphql<T = any>(query: string, variables?: Record<string, unknown>, options?: { token?: string | null; headers?: Record<string, string> }): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/** A fresh database cloned from the seeded template: each test file gets its own. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const maintenanceUrl = process.env.TEST_MAINTENANCE_URL;
  const template = process.env.TEST_TEMPLATE_DATABASE;
  if (!maintenanceUrl || !template) throw new Error("test/global-setup.ts did not run");
  const name = `cvety_test_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  await createDatabaseIfMissing(maintenanceUrl, name, template);
  return { url: withDatabaseName(maintenanceUrl, name), drop: () => dropDatabase(maintenanceUrl, name) };
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    CATALOG_PORT: "0",
    ORDERS_PORT: "0",
    WAREHOUSE_PORT: "0",
    JWT_SECRET: TEST_JWT_SECRET,
    WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    ...env,
  });
}

/** Starts the whole stack (three subgraphs and the router, real HTTP) on its own database. */
export async function startTestStack(options: { env?: Record<string, string>; databaseUrl?: string } = {}): Promise<TestStack> {
  const database = options.databaseUrl ? null : await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? database!.url;
  const config = testConfig(options.env);
  const stack = await startStack({ config, databaseUrl, logger: createLogger(config.logLevel), poolSize: 10 });
  const origin = `http://127.0.0.1:${stack.router.port}`;
  const graphqlUrl = `${origin}/graphql`;
  const token: TestStack["token"] = (shopId, role = "ADMIN", tokenOptions = {}) =>
    signToken({ userId: tokenOptions.userId ?? `test-${role.toLowerCase()}-${shopId}`, shopId, role }, TEST_JWT_SECRET, tokenOptions.ttlSeconds);
  return {
    stack,
    config: stack.config,
    origin,
    graphqlUrl,
    databaseUrl,
    token,
    async graphql(query, variables, requestOptions = {}) {
      const bearer = requestOptions.token === undefined ? token(PROD_SHOP) : requestOptions.token;
      const response = await fetch(graphqlUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...requestOptions.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as GraphQLResponse;
      return { ...body, status: response.status };
    },
    async stop() {
      await stack.stop();
      await database?.drop();
    },
  };
}
