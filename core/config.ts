import crypto from "node:crypto";

/** Everything the processes read from the environment, parsed once and validated. */
export interface Config {
  nodeEnv: string;
  production: boolean;
  port: number;
  /** the background workers' own process (docker-compose): /health and /metrics (WORKERS_PORT) */
  workersPort: number;
  /** the workers' process niceness (docker-compose): 0–19, higher yields the CPU to the router and subgraphs (WORKERS_NICE) */
  workersNice: number;
  subgraphPorts: { catalog: number; orders: number; warehouse: number };
  /** where the router finds each subgraph; defaults to localhost and the ports above */
  subgraphUrls: { catalog: string; orders: string; warehouse: string };
  databaseUrl: string | undefined;
  /**
   * How the application connects: as `cvety_app`, which owns no tables and cannot bypass
   * row-level security. APP_DATABASE_URL when set; else derived from the owner's URL with
   * `appDatabasePassword` (see app/database.ts).
   */
  appDatabaseUrl: string | undefined;
  appDatabasePassword: string;
  /** verification keys, first one signs; a comma-separated JWT_SECRET lists several for rotation */
  jwtSecrets: string[];
  webhookSecrets: string[];
  /** HMAC key the router signs forwarded context with; subgraphs refuse anything unsigned */
  subgraphSecret: string;
  bitrixShopId: number;
  bitrixBaseUrl: string | undefined;
  bitrixApiToken: string | undefined;
  /** the outbox relay that pushes product changes to Bitrix (docs/bitrix-product-sync.md) */
  bitrixSync: BitrixSyncConfig;
  corsOrigins: string[];
  logLevel: string;
  /** the live order board (subscriptions over graphql-ws) */
  board: BoardConfig;
  /** how often the stock consumer sweeps for assembled orders it missed (ms); 0 turns the consumer off */
  stockConsumerPollMs: number;
  /** per-minute budgets of the rate limiter (router/rate-limit.ts) */
  rateLimits: { loginPerIp: number; webhookPerIp: number; mutationPerUser: number };
  /** how many proxies in front may set X-Forwarded-For (0: none); see router/rate-limit.ts clientIp */
  trustProxy: number;
}

export interface BoardConfig {
  /** WebSocket ping interval; a client that does not answer within it is dropped (BOARD_KEEPALIVE_MS) */
  keepAliveMs: number;
  /** subscriptions one WebSocket may hold at once (BOARD_MAX_SUBSCRIPTIONS_PER_CONNECTION) */
  maxSubscriptionsPerConnection: number;
  /** live subscribers one shop may have on one router process (BOARD_MAX_SUBSCRIBERS_PER_SHOP) */
  maxSubscribersPerShop: number;
  /** events queued for one subscriber before it is dropped as too slow (BOARD_MAX_QUEUED_EVENTS) */
  maxQueuedEvents: number;
  /** how often the history table is re-read for shops with subscribers, in case a NOTIFY was lost (BOARD_SWEEP_MS) */
  sweepMs: number;
  /**
   * how soon a shop's stream looks again at committed rows still waiting behind an older running
   * transaction: the first wait, doubling up to the last (BOARD_PENDING_RETRY_MIN_MS,
   * BOARD_PENDING_RETRY_MAX_MS). A commit announced by any shop looks sooner.
   */
  pendingRetryMs: { min: number; max: number };
  /**
   * how long a shop's stream may wait on an older running transaction before the router warns,
   * naming that transaction, and warns again at that interval while it lasts; 0: never (BOARD_HELD_WARN_MS)
   */
  heldWarnMs: number;
  /**
   * how many shops' streams may read and resolve their feed at once in one router process
   * (BOARD_CONCURRENT_DISPATCHES); a shop waiting its turn takes everything committed meanwhile
   * in one batch when the turn comes
   */
  concurrentDispatches: number;
}

export interface BitrixSyncConfig {
  /** per-request timeout of a send (BITRIX_TIMEOUT_MS, default 30 s) */
  timeoutMs: number;
  /** sends in flight at once per process (BITRIX_SYNC_CONCURRENCY) */
  concurrency: number;
  /** how often an idle relay looks for due rows; a NOTIFY from the trigger wakes it sooner */
  pollMs: number;
  /**
   * how long a NOTIFY waits before the relay claims (BITRIX_SYNC_GATHER_MS): changes committed
   * meanwhile are claimed together, one transaction for a burst of edits instead of one each
   */
  gatherMs: number;
  /**
   * sends started per second per process at most (BITRIX_SYNC_MAX_PER_SECOND; 0 = no limit): a
   * backlog reaches Bitrix at a steady pace instead of as a flood that Bitrix and the two cores
   * serving the admin panel would both feel
   */
  maxPerSecond: number;
  /**
   * when the host's CPU pressure (the share of time some task waited for a CPU, Linux PSI) is at
   * least this (BITRIX_SYNC_BUSY_CPU_PRESSURE, percent; 0 = never), the host is busy serving
   * requests and the relay slows to busyPerSecond until it is calm again
   */
  busyCpuPressure: number;
  /** sends per second while the host is busy (BITRIX_SYNC_BUSY_PER_SECOND) */
  busyPerSecond: number;
  /** first retry delay; doubles per attempt up to backoffMaxMs, with jitter */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** attempts before a row is parked (the defaults retry for about a day) */
  maxAttempts: number;
  /** how long a claimed row stays with its relay; a crashed relay's rows are retried after it */
  leaseMs: number;
}

export class ConfigError extends Error {}

const DEV_JWT_SECRET = "dev-only-jwt-secret-do-not-use-in-production";
const DEV_WEBHOOK_SECRET = "dev-only-webhook-secret";
const DEV_APP_DATABASE_PASSWORD = "cvety-app-dev-password";

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = integer(env, name, fallback);
  if (value === 0) throw new ConfigError(`${name} must be a positive integer, got "${env[name]}"`);
  return value;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = env.NODE_ENV ?? "development";
  const production = nodeEnv === "production";
  const missing = ["JWT_SECRET", "WEBHOOK_SECRET"].filter((name) => list(env[name]).length === 0);
  if (production && missing.length > 0) {
    throw new ConfigError(
      `${missing.join(" and ")} must be set when NODE_ENV=production (comma-separated to rotate keys). Refusing to start.`,
    );
  }
  const jwtSecrets = list(env.JWT_SECRET).length ? list(env.JWT_SECRET) : [DEV_JWT_SECRET];
  const subgraphPorts = {
    catalog: integer(env, "CATALOG_PORT", 4001),
    orders: integer(env, "ORDERS_PORT", 4002),
    warehouse: integer(env, "WAREHOUSE_PORT", 4003),
  };
  return {
    nodeEnv,
    production,
    port: integer(env, "PORT", 4000),
    workersPort: integer(env, "WORKERS_PORT", 4004),
    workersNice: Math.min(19, integer(env, "WORKERS_NICE", 10)),
    subgraphPorts,
    subgraphUrls: {
      catalog: env.CATALOG_URL || `http://localhost:${subgraphPorts.catalog}/graphql`,
      orders: env.ORDERS_URL || `http://localhost:${subgraphPorts.orders}/graphql`,
      warehouse: env.WAREHOUSE_URL || `http://localhost:${subgraphPorts.warehouse}/graphql`,
    },
    databaseUrl: env.DATABASE_URL || undefined,
    appDatabaseUrl: env.APP_DATABASE_URL || undefined,
    // production without one: derived from the signing key, so it is stable across replicas and never in the repo
    appDatabasePassword:
      env.APP_DATABASE_PASSWORD ||
      (production ? crypto.createHmac("sha256", jwtSecrets[0]).update("cvety_app database password").digest("base64url") : DEV_APP_DATABASE_PASSWORD),
    jwtSecrets,
    webhookSecrets: list(env.WEBHOOK_SECRET).length ? list(env.WEBHOOK_SECRET) : [DEV_WEBHOOK_SECRET],
    subgraphSecret:
      env.SUBGRAPH_SECRET ||
      crypto.createHash("sha256").update(`subgraph:${jwtSecrets[0]}`).digest("hex"),
    bitrixShopId: integer(env, "BITRIX_SHOP_ID", 17008),
    bitrixBaseUrl: env.BITRIX_BASE_URL || undefined,
    bitrixApiToken: env.BITRIX_API_TOKEN || undefined,
    bitrixSync: bitrixSyncConfig(env),
    corsOrigins: list(env.CORS_ORIGINS),
    logLevel: env.LOG_LEVEL || (env.NODE_ENV === "test" ? "silent" : "info"),
    stockConsumerPollMs: integer(env, "STOCK_CONSUMER_POLL_MS", 5_000),
    board: {
      keepAliveMs: integer(env, "BOARD_KEEPALIVE_MS", 12_000),
      maxSubscriptionsPerConnection: integer(env, "BOARD_MAX_SUBSCRIPTIONS_PER_CONNECTION", 20),
      maxSubscribersPerShop: integer(env, "BOARD_MAX_SUBSCRIBERS_PER_SHOP", 2_000),
      maxQueuedEvents: integer(env, "BOARD_MAX_QUEUED_EVENTS", 1_000),
      sweepMs: integer(env, "BOARD_SWEEP_MS", 5_000),
      pendingRetryMs: pendingRetry(env),
      heldWarnMs: integer(env, "BOARD_HELD_WARN_MS", 5_000),
      concurrentDispatches: positive(env, "BOARD_CONCURRENT_DISPATCHES", 2),
    },
    rateLimits: {
      loginPerIp: integer(env, "RATE_LIMIT_LOGIN_PER_MINUTE", 10),
      webhookPerIp: integer(env, "RATE_LIMIT_WEBHOOK_PER_MINUTE", 600),
      mutationPerUser: integer(env, "RATE_LIMIT_MUTATIONS_PER_MINUTE", 120),
    },
    trustProxy: integer(env, "TRUST_PROXY", 0),
  };
}

function pendingRetry(env: NodeJS.ProcessEnv): BoardConfig["pendingRetryMs"] {
  const min = integer(env, "BOARD_PENDING_RETRY_MIN_MS", 10);
  const max = integer(env, "BOARD_PENDING_RETRY_MAX_MS", 500);
  if (min < 1 || max < min) {
    throw new ConfigError(`BOARD_PENDING_RETRY_MIN_MS must be at least 1 and at most BOARD_PENDING_RETRY_MAX_MS, got ${min} and ${max}`);
  }
  return { min, max };
}

function bitrixSyncConfig(env: NodeJS.ProcessEnv): BitrixSyncConfig {
  const timeoutMs = positive(env, "BITRIX_TIMEOUT_MS", 30_000);
  const backoffBaseMs = positive(env, "BITRIX_SYNC_BACKOFF_BASE_MS", 5_000);
  return {
    timeoutMs,
    concurrency: positive(env, "BITRIX_SYNC_CONCURRENCY", 32),
    pollMs: positive(env, "BITRIX_SYNC_POLL_MS", 1_000),
    gatherMs: integer(env, "BITRIX_SYNC_GATHER_MS", 100),
    maxPerSecond: integer(env, "BITRIX_SYNC_MAX_PER_SECOND", 500),
    busyCpuPressure: Math.min(100, integer(env, "BITRIX_SYNC_BUSY_CPU_PRESSURE", 40)) / 100,
    busyPerSecond: positive(env, "BITRIX_SYNC_BUSY_PER_SECOND", 10),
    backoffBaseMs,
    backoffMaxMs: Math.max(backoffBaseMs, positive(env, "BITRIX_SYNC_BACKOFF_MAX_MS", 3_600_000)),
    maxAttempts: positive(env, "BITRIX_SYNC_MAX_ATTEMPTS", 40),
    // past the timeout with room to write the outcome, so a live relay never loses its lease
    leaseMs: Math.max(positive(env, "BITRIX_SYNC_LEASE_MS", timeoutMs + 30_000), timeoutMs + 1_000),
  };
}
