import { createHash } from "node:crypto";
import { z } from "zod";

/** Everything the processes read from the environment, parsed once and validated. */
export interface Config {
  nodeEnv: string;
  production: boolean;
  port: number;
  /**
   * On SIGTERM, how long the router keeps listening with /ready at 503 before it stops accepting,
   * so the load balancer's readiness check takes it out of rotation first (DRAIN_DELAY_MS)
   */
  drainDelayMs: number;
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
  /** the `cvety_app` role's password (APP_DATABASE_PASSWORD); its own secret, never derived from another */
  appDatabasePassword: string;
  /** as root, where the embedded server's binaries and data go when the install folder is closed to others (core/embedded-postgres.ts) */
  embeddedPostgresHome: string | undefined;
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
  /**
   * per-minute budgets of the rate limiter (router/rate-limit.ts); `webhookPerIp` counts only
   * failed secret checks: a delivery with the right secret is never refused for its rate
   */
  rateLimits: { loginPerIp: number; webhookPerIp: number; mutationPerUser: number };
  /** how signed webhook deliveries wait for a slot, and when overload sheds one (router/webhooks/delivery-gate.ts) */
  webhookDeliveries: { maxInFlight: number; maxQueued: number; maxWaitMs: number };
  /** the bearer token /metrics needs in production (METRICS_TOKEN); unset: /metrics is not served there (router/metrics.ts) */
  metricsToken: string | undefined;
  /** how many proxies in front may set X-Forwarded-For (0: none); see router/rate-limit.ts clientIp */
  trustProxy: number;
  /** photo uploads and their storage (core/storage, docs/uploads.md) */
  uploads: UploadsConfig;
}

export interface UploadsConfig {
  /** the public origin clients reach (PUBLIC_URL; default http://localhost:PORT): upload and file URLs start with it */
  publicUrl: string;
  /** the local store's folder (UPLOADS_DIR, default .data/uploads); unused when S3 is configured */
  dir: string;
  /** an S3-compatible bucket (R2, MinIO, AWS) when S3_BUCKET is set; else the local folder */
  s3: S3Config | null;
  /** largest upload accepted, bytes (15 MB) */
  maxBytes: number;
  /** how long an upload URL stays valid (UPLOAD_URL_TTL_SECONDS, default 15 min) */
  urlTtlSeconds: number;
  /** how long a signed order-photo URL stays valid (UPLOAD_READ_URL_TTL_SECONDS, default 1 h) */
  readUrlTtlSeconds: number;
  /** an upload never attached is deleted after this (UPLOAD_UNATTACHED_TTL_SECONDS, default a day) */
  unattachedTtlSeconds: number;
  /** how often the workers sweep unattached uploads (UPLOAD_SWEEP_MS; 0 turns the sweep off) */
  sweepMs: number;
  /** HMAC key of upload and file URLs (derived from SUBGRAPH_SECRET, else JWT_SECRET) */
  signingSecret: string;
}

export interface S3Config {
  bucket: string;
  /** S3_REGION, default "auto" (what R2 expects) */
  region: string;
  /** S3_ENDPOINT, e.g. https://<account>.r2.cloudflarestorage.com; unset for AWS */
  endpoint: string | undefined;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  /** S3_FORCE_PATH_STYLE=true for MinIO and most S3-compatible servers */
  forcePathStyle: boolean;
  /** S3_PUBLIC_URL: where product images are read publicly (an R2 custom domain or CDN); else through our origin */
  publicUrl: string | undefined;
}

export interface BoardConfig {
  /** WebSocket ping interval; a client that does not answer within it is dropped (BOARD_KEEPALIVE_MS) */
  keepAliveMs: number;
  /** subscriptions one WebSocket may hold at once (BOARD_MAX_SUBSCRIPTIONS_PER_CONNECTION) */
  maxSubscriptionsPerConnection: number;
  /** live subscribers one shop may have on one router process (BOARD_MAX_SUBSCRIBERS_PER_SHOP) */
  maxSubscribersPerShop: number;
  /** subscriptions one user (shop + user id) may hold on one router process, over all their sockets (BOARD_MAX_SUBSCRIPTIONS_PER_USER) */
  maxSubscriptionsPerUser: number;
  /** subscriptions one client address may hold on one router process (BOARD_MAX_SUBSCRIPTIONS_PER_ADDRESS) */
  maxSubscriptionsPerAddress: number;
  /** subscriptions of one user replaying history (`after:`) at once; their others wait their place (BOARD_MAX_CONCURRENT_REPLAYS_PER_USER) */
  maxConcurrentReplaysPerUser: number;
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
/** HS256 keys shorter than the hash are guessable offline from one token (RFC 7518 §3.2) */
const MIN_JWT_SECRET_BYTES = 32;

/**
 * Variables starting with these belong to cvety-graph: one that no part of loadConfig reads is a
 * typo or a setting that no longer exists, and stops start-up instead of being silently ignored.
 */
const OWN_PREFIXES = [
  "APP_DATABASE_",
  "BITRIX_",
  "BOARD_",
  "CATALOG_",
  "EMBEDDED_POSTGRES_",
  "JWT_",
  "ORDERS_",
  "RATE_LIMIT_",
  "STOCK_CONSUMER_",
  "SUBGRAPH_",
  "TRUST_PROXY",
  "WAREHOUSE_",
  "WEBHOOK_",
  "WORKERS_",
];

// one parser per kind of setting; the message completes "<NAME> …"
const nonNegativeInteger = z
  .string()
  .trim()
  .regex(/^\d+$/, "must be a non-negative integer")
  .transform(Number)
  .pipe(z.number().max(2_147_483_647, "must be at most 2147483647"));
const positiveInteger = nonNegativeInteger.pipe(z.number().min(1, "must be a positive integer"));
const portNumber = nonNegativeInteger.pipe(z.number().max(65_535, "must be a port number (0–65535)"));
const urlWith = (protocols: RegExp, what: string) => z.url({ protocol: protocols, error: `must be ${what}` });
const httpUrl = urlWith(/^https?$/, "an http:// or https:// URL");
const postgresUrl = urlWith(/^postgres(ql)?$/, "a postgresql:// URL");
const nodeEnvironment = z.enum(["development", "production", "test"], {
  error: "must be development, production or test",
});
const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
  error: "must be one of fatal, error, warn, info, debug, trace, silent",
});
const absolutePath = z.string().regex(/^\//, "must be an absolute path");

/** Reads one setting: unset or empty gives the fallback; a value the parser refuses stops start-up, naming the setting. */
function read<T>(env: NodeJS.ProcessEnv, name: string, parser: z.ZodType<T, string>, fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const parsed = parser.safeParse(raw);
  if (parsed.success) return parsed.data;
  const shown = /SECRET|PASSWORD|TOKEN|DATABASE_URL/.test(name) ? "" : `, got "${raw}"`;
  throw new ConfigError(`${name} ${parsed.error.issues[0].message}${shown}`);
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  return read(env, name, nonNegativeInteger, fallback);
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  return read(env, name, positiveInteger, fallback);
}

function between(env: NodeJS.ProcessEnv, name: string, min: number, max: number, fallback: number): number {
  return read(
    env,
    name,
    nonNegativeInteger.pipe(z.number().min(min).max(max, `must be between ${min} and ${max}`)),
    fallback,
  );
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function origins(env: NodeJS.ProcessEnv): string[] {
  return list(env.CORS_ORIGINS).map((origin) => read({ CORS_ORIGINS: origin }, "CORS_ORIGINS", httpUrl, origin));
}

/**
 * Parses and validates the environment. Unknown settings (OWN_PREFIXES) and malformed values
 * throw ConfigError with a sentence naming the setting; entry points print it and exit.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const readNames = new Set<string>();
  const config = buildConfig(tracking(env, readNames));
  refuseUnknownSettings(env, readNames);
  return config;
}

/** The names of every setting loadConfig reads (what an unknown-setting check compares with). */
export function settingNames(): Set<string> {
  const readNames = new Set<string>();
  buildConfig(tracking({}, readNames));
  return readNames;
}

function tracking(env: NodeJS.ProcessEnv, readNames: Set<string>): NodeJS.ProcessEnv {
  return new Proxy(env, {
    get(target, name) {
      if (typeof name === "string") readNames.add(name);
      return Reflect.get(target, name);
    },
  });
}

function refuseUnknownSettings(env: NodeJS.ProcessEnv, readNames: Set<string>): void {
  for (const name of Object.keys(env).sort()) {
    const prefix = OWN_PREFIXES.find((candidate) => name.startsWith(candidate));
    if (!prefix || readNames.has(name)) continue;
    const siblings = [...readNames].filter((known) => known.startsWith(prefix)).sort();
    throw new ConfigError(
      `${name} is not a cvety-graph setting (a typo?); settings starting with ${prefix} are: ${siblings.join(", ")}`,
    );
  }
}

function secrets(env: NodeJS.ProcessEnv, production: boolean): { jwtSecrets: string[]; webhookSecrets: string[] } {
  const missing = ["JWT_SECRET", "WEBHOOK_SECRET"].filter((name) => list(env[name]).length === 0);
  if (production && missing.length > 0) {
    throw new ConfigError(
      `${missing.join(" and ")} must be set when NODE_ENV=production (comma-separated to rotate keys). Refusing to start.`,
    );
  }
  const jwtSecrets = list(env.JWT_SECRET).length ? list(env.JWT_SECRET) : [DEV_JWT_SECRET];
  if (production && jwtSecrets.some((secret) => Buffer.byteLength(secret) < MIN_JWT_SECRET_BYTES)) {
    throw new ConfigError(
      `JWT_SECRET must be at least ${MIN_JWT_SECRET_BYTES} bytes when NODE_ENV=production (each comma-separated key); make one with: openssl rand -base64 48`,
    );
  }
  return {
    jwtSecrets,
    webhookSecrets: list(env.WEBHOOK_SECRET).length ? list(env.WEBHOOK_SECRET) : [DEV_WEBHOOK_SECRET],
  };
}

/** The cvety_app password: in production its own secret (APP_DATABASE_PASSWORD), unless APP_DATABASE_URL carries it. */
function appDatabasePassword(env: NodeJS.ProcessEnv, production: boolean, jwtSecrets: string[]): string {
  const password = env.APP_DATABASE_PASSWORD;
  const url = read(env, "APP_DATABASE_URL", postgresUrl, undefined);
  if (!production) return password || DEV_APP_DATABASE_PASSWORD;
  if (!password && !url) {
    throw new ConfigError(
      "APP_DATABASE_PASSWORD (or APP_DATABASE_URL) must be set when NODE_ENV=production: the password of the database role cvety_app, a secret of its own",
    );
  }
  if (password && jwtSecrets.includes(password))
    throw new ConfigError("APP_DATABASE_PASSWORD must differ from JWT_SECRET: keep the two secrets apart");
  return password || decodeURIComponent(new URL(url!).password);
}

function buildConfig(env: NodeJS.ProcessEnv): Config {
  const nodeEnv = read(env, "NODE_ENV", nodeEnvironment, "development");
  const production = nodeEnv === "production";
  const { jwtSecrets, webhookSecrets } = secrets(env, production);
  const subgraphPorts = {
    catalog: read(env, "CATALOG_PORT", portNumber, 4001),
    orders: read(env, "ORDERS_PORT", portNumber, 4002),
    warehouse: read(env, "WAREHOUSE_PORT", portNumber, 4003),
  };
  return {
    nodeEnv,
    production,
    port: read(env, "PORT", portNumber, 4000),
    drainDelayMs: between(env, "DRAIN_DELAY_MS", 0, 60_000, production ? 5_000 : 0),
    workersPort: read(env, "WORKERS_PORT", portNumber, 4004),
    workersNice: between(env, "WORKERS_NICE", 0, 19, 10),
    subgraphPorts,
    subgraphUrls: {
      catalog: read(env, "CATALOG_URL", httpUrl, `http://localhost:${subgraphPorts.catalog}/graphql`),
      orders: read(env, "ORDERS_URL", httpUrl, `http://localhost:${subgraphPorts.orders}/graphql`),
      warehouse: read(env, "WAREHOUSE_URL", httpUrl, `http://localhost:${subgraphPorts.warehouse}/graphql`),
    },
    databaseUrl: read(env, "DATABASE_URL", postgresUrl, undefined),
    appDatabaseUrl: read(env, "APP_DATABASE_URL", postgresUrl, undefined),
    appDatabasePassword: appDatabasePassword(env, production, jwtSecrets),
    embeddedPostgresHome: read(env, "EMBEDDED_POSTGRES_HOME", absolutePath, undefined),
    jwtSecrets,
    webhookSecrets,
    subgraphSecret: env.SUBGRAPH_SECRET || createHash("sha256").update(`subgraph:${jwtSecrets[0]}`).digest("hex"),
    bitrixShopId: read(env, "BITRIX_SHOP_ID", positiveInteger, 17008),
    bitrixBaseUrl: read(env, "BITRIX_BASE_URL", httpUrl, undefined),
    bitrixApiToken: env.BITRIX_API_TOKEN || undefined,
    metricsToken: env.METRICS_TOKEN || undefined,
    bitrixSync: bitrixSyncConfig(env),
    corsOrigins: origins(env),
    logLevel: read(env, "LOG_LEVEL", logLevel, nodeEnv === "test" ? "silent" : "info"),
    stockConsumerPollMs: integer(env, "STOCK_CONSUMER_POLL_MS", 5_000),
    board: boardConfig(env),
    rateLimits: {
      loginPerIp: integer(env, "RATE_LIMIT_LOGIN_PER_MINUTE", 10),
      webhookPerIp: integer(env, "RATE_LIMIT_WEBHOOK_PER_MINUTE", 30),
      mutationPerUser: integer(env, "RATE_LIMIT_MUTATIONS_PER_MINUTE", 120),
    },
    webhookDeliveries: {
      maxInFlight: positive(env, "WEBHOOK_MAX_IN_FLIGHT", 64),
      maxQueued: integer(env, "WEBHOOK_MAX_QUEUED", 5_000),
      maxWaitMs: positive(env, "WEBHOOK_MAX_WAIT_MS", 20_000),
    },
    trustProxy: integer(env, "TRUST_PROXY", 0),
    uploads: uploadsConfig(env, env.SUBGRAPH_SECRET || jwtSecrets[0]),
  };
}

function uploadsConfig(env: NodeJS.ProcessEnv, secret: string): UploadsConfig {
  const port = integer(env, "PORT", 4000);
  return {
    publicUrl: (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, ""),
    dir: env.UPLOADS_DIR || ".data/uploads",
    s3: env.S3_BUCKET
      ? {
          bucket: env.S3_BUCKET,
          region: env.S3_REGION || "auto",
          endpoint: env.S3_ENDPOINT || undefined,
          accessKeyId: env.S3_ACCESS_KEY_ID || undefined,
          secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined,
          forcePathStyle: env.S3_FORCE_PATH_STYLE === "true",
          publicUrl: env.S3_PUBLIC_URL ? env.S3_PUBLIC_URL.replace(/\/+$/, "") : undefined,
        }
      : null,
    maxBytes: 15 * 1024 * 1024,
    urlTtlSeconds: positive(env, "UPLOAD_URL_TTL_SECONDS", 15 * 60),
    readUrlTtlSeconds: positive(env, "UPLOAD_READ_URL_TTL_SECONDS", 60 * 60),
    unattachedTtlSeconds: positive(env, "UPLOAD_UNATTACHED_TTL_SECONDS", 24 * 60 * 60),
    sweepMs: integer(env, "UPLOAD_SWEEP_MS", 10 * 60 * 1000),
    signingSecret: createHash("sha256").update(`uploads:${secret}`).digest("hex"),
  };
}

function boardConfig(env: NodeJS.ProcessEnv): BoardConfig {
  return {
    keepAliveMs: integer(env, "BOARD_KEEPALIVE_MS", 12_000),
    maxSubscriptionsPerConnection: integer(env, "BOARD_MAX_SUBSCRIPTIONS_PER_CONNECTION", 20),
    maxSubscribersPerShop: integer(env, "BOARD_MAX_SUBSCRIBERS_PER_SHOP", 2_000),
    maxSubscriptionsPerUser: positive(env, "BOARD_MAX_SUBSCRIPTIONS_PER_USER", 50),
    maxSubscriptionsPerAddress: positive(env, "BOARD_MAX_SUBSCRIPTIONS_PER_ADDRESS", 500),
    maxConcurrentReplaysPerUser: positive(env, "BOARD_MAX_CONCURRENT_REPLAYS_PER_USER", 2),
    maxQueuedEvents: integer(env, "BOARD_MAX_QUEUED_EVENTS", 1_000),
    sweepMs: integer(env, "BOARD_SWEEP_MS", 5_000),
    pendingRetryMs: pendingRetry(env),
    heldWarnMs: integer(env, "BOARD_HELD_WARN_MS", 5_000),
    concurrentDispatches: positive(env, "BOARD_CONCURRENT_DISPATCHES", 2),
  };
}

function pendingRetry(env: NodeJS.ProcessEnv): BoardConfig["pendingRetryMs"] {
  const min = integer(env, "BOARD_PENDING_RETRY_MIN_MS", 10);
  const max = integer(env, "BOARD_PENDING_RETRY_MAX_MS", 500);
  if (min < 1 || max < min) {
    throw new ConfigError(
      `BOARD_PENDING_RETRY_MIN_MS must be at least 1 and at most BOARD_PENDING_RETRY_MAX_MS, got ${min} and ${max}`,
    );
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
    busyCpuPressure: between(env, "BITRIX_SYNC_BUSY_CPU_PRESSURE", 0, 100, 40) / 100,
    busyPerSecond: positive(env, "BITRIX_SYNC_BUSY_PER_SECOND", 10),
    backoffBaseMs,
    backoffMaxMs: Math.max(backoffBaseMs, positive(env, "BITRIX_SYNC_BACKOFF_MAX_MS", 3_600_000)),
    maxAttempts: positive(env, "BITRIX_SYNC_MAX_ATTEMPTS", 40),
    // past the timeout with room to write the outcome, so a live relay never loses its lease
    leaseMs: Math.max(positive(env, "BITRIX_SYNC_LEASE_MS", timeoutMs + 30_000), timeoutMs + 1_000),
  };
}
