import crypto from "node:crypto";
import pg from "pg";
import { loadConfig, type Config } from "../core/config";
import { createLogger, type Logger } from "../core/logger";
import { signToken, type Role } from "../core/auth";
import { withDatabaseName } from "../core/database-server";
import { APP_ROLE, createDatabaseIfMissing, dropDatabase, withCredentials } from "../app/database";
import { startStack, type Stack } from "../app/stack";

export const DEV_SHOP = 8;
export const PROD_SHOP = 17008;
export const TEST_JWT_SECRET = "test-jwt-secret";
/** production refuses a signing key under 32 bytes (core/config.ts) */
const TEST_PRODUCTION_JWT_SECRET = "test-production-jwt-secret-of-48-bytes-or-so-ok!";
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
  /** the owner's connection: bypasses nothing in production, but here a superuser for setup and assertions */
  databaseUrl: string;
  /** the connection the stack uses: the application role, behind the tenant wall */
  appDatabaseUrl: string;
  /**
   * SQL as the owner, for a test's setup and assertions (sees every shop). The stack's own
   * pool (`stack.db`) is the application role: outside `withTenant` it sees nothing.
   */
  ownerQuery<R extends pg.QueryResultRow = any>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /**
   * A signed token. By default for the seeded user of that shop and role (the router accepts a
   * token only for an existing, active user with that role); `userId` signs any subject, for
   * tests of refused or made-up users.
   */
  token(shopId: number, role?: Role, options?: { userId?: string; ttlSeconds?: number }): string;
  /** the seeded user of a shop and role (as the database held it when the stack started) */
  userId(shopId: number, role?: Role): string;
  graphql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string | null; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/** Per "shop:role", the id of the seeded user (role@domain) or else the first user of that role. */
async function seededUserIds(databaseUrl: string): Promise<Map<string, string>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: number; shop_id: number; role: string }>(
      `select distinct on (shop_id, role) id, shop_id, role::text as role from app_user
       where deactivated_at is null order by shop_id, role, (email like lower(role::text) || '@%') desc, id`,
    );
    return new Map(rows.map((row) => [`${row.shop_id}:${row.role}`, String(row.id)]));
  } finally {
    await client.end();
  }
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
    JWT_SECRET: env.NODE_ENV === "production" ? TEST_PRODUCTION_JWT_SECRET : TEST_JWT_SECRET,
    // global-setup let cvety_app log in with the development password
    APP_DATABASE_PASSWORD: loadConfig({ NODE_ENV: "test" }).appDatabasePassword,
    WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    // rate limits off unless a test sets them (router/rate-limit.test.ts does)
    RATE_LIMIT_LOGIN_PER_MINUTE: "0",
    RATE_LIMIT_WEBHOOK_PER_MINUTE: "0",
    RATE_LIMIT_MUTATIONS_PER_MINUTE: "0",
    // the relay does not slow down for the machine's load unless a test says so (relay.test.ts)
    BITRIX_SYNC_BUSY_CPU_PRESSURE: "0",
    ...env,
  });
}

/** The application role's connection to the same database as the owner's `url` (global-setup let it log in). */
export function applicationUrl(url: string): string {
  return withCredentials(url, APP_ROLE, testConfig().appDatabasePassword);
}

/**
 * Starts the whole stack (three subgraphs and the router, real HTTP) on its own database,
 * connected as the application role, as in production.
 */
export async function startTestStack(
  options: { env?: Record<string, string>; databaseUrl?: string; logger?: Logger } = {},
): Promise<TestStack> {
  const database = options.databaseUrl ? null : await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? database!.url;
  const config = testConfig(options.env);
  const appDatabaseUrl = config.appDatabaseUrl ?? applicationUrl(databaseUrl);
  const stack = await startStack({
    config,
    databaseUrl: appDatabaseUrl,
    logger: options.logger ?? createLogger(config.logLevel),
    poolSize: 10,
  });
  const origin = `http://127.0.0.1:${stack.router.port}`;
  const graphqlUrl = `${origin}/graphql`;
  const seededUsers = await seededUserIds(databaseUrl);
  const userId: TestStack["userId"] = (shopId, role = "ADMIN") =>
    seededUsers.get(`${shopId}:${role}`) ?? `test-${role.toLowerCase()}-${shopId}`;
  const token: TestStack["token"] = (shopId, role = "ADMIN", tokenOptions = {}) =>
    signToken(
      { userId: tokenOptions.userId ?? userId(shopId, role), shopId, role },
      config.jwtSecrets[0],
      tokenOptions.ttlSeconds,
    );
  let ownerPool: pg.Pool | undefined;
  return {
    userId,
    stack,
    config: stack.config,
    ownerQuery(sql, params) {
      ownerPool ??= new pg.Pool({ connectionString: databaseUrl, max: 2 });
      return ownerPool.query(sql, params);
    },
    origin,
    graphqlUrl,
    databaseUrl,
    appDatabaseUrl,
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
      await ownerPool?.end();
      await stack.stop();
      await database?.drop();
    },
  };
}
