import fs from "node:fs";
import path from "node:path";
import { loadConfig, ConfigError, settingNames } from "./config";
import { formatTenge } from "./money";

describe("loadConfig", () => {
  it("refuses to start in production without JWT_SECRET or WEBHOOK_SECRET, naming them", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/JWT_SECRET and WEBHOOK_SECRET must be set/);
    expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET: "x" })).toThrow(/^WEBHOOK_SECRET must be set/);
    expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET: " , ", WEBHOOK_SECRET: "w" })).toThrow(
      /^JWT_SECRET must be set/,
    );
  });

  it("starts in development with dev secrets and the contract's defaults", () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.subgraphPorts).toEqual({ catalog: 4001, orders: 4002, warehouse: 4003 });
    expect(config.bitrixShopId).toBe(17008);
    expect(config.jwtSecrets).toHaveLength(1);
  });

  it("reads comma-separated secrets for rotation and CORS origins", () => {
    const config = loadConfig({
      JWT_SECRET: "new, old",
      WEBHOOK_SECRET: "a,b,c",
      CORS_ORIGINS: "https://admin.cvety.kz, http://localhost:5173",
    });
    expect(config.jwtSecrets).toEqual(["new", "old"]);
    expect(config.webhookSecrets).toEqual(["a", "b", "c"]);
    expect(config.corsOrigins).toEqual(["https://admin.cvety.kz", "http://localhost:5173"]);
  });

  it("reads the relay's pace: a ceiling, and a busy rate at a CPU pressure given in percent", () => {
    expect(loadConfig({}).bitrixSync).toMatchObject({ maxPerSecond: 500, busyCpuPressure: 0.4, busyPerSecond: 10 });
    const config = loadConfig({
      BITRIX_SYNC_MAX_PER_SECOND: "0",
      BITRIX_SYNC_BUSY_CPU_PRESSURE: "100",
      BITRIX_SYNC_BUSY_PER_SECOND: "3",
    });
    expect(config.bitrixSync).toMatchObject({ maxPerSecond: 0, busyCpuPressure: 1, busyPerSecond: 3 });
    expect(() => loadConfig({ BITRIX_SYNC_BUSY_CPU_PRESSURE: "250" })).toThrow(
      /BITRIX_SYNC_BUSY_CPU_PRESSURE must be between 0 and 100, got "250"/,
    );
    expect(() => loadConfig({ BITRIX_SYNC_BUSY_PER_SECOND: "0" })).toThrow(/BITRIX_SYNC_BUSY_PER_SECOND/);
    expect(() => loadConfig({ BITRIX_SYNC_MAX_PER_SECOND: "fast" })).toThrow(/BITRIX_SYNC_MAX_PER_SECOND/);
  });

  it("reads the board's pending retry: a first wait doubling up to a last, refusing 0 or a last below the first", () => {
    expect(loadConfig({}).board.pendingRetryMs).toEqual({ min: 10, max: 500 });
    expect(
      loadConfig({ BOARD_PENDING_RETRY_MIN_MS: "50", BOARD_PENDING_RETRY_MAX_MS: "50" }).board.pendingRetryMs,
    ).toEqual({ min: 50, max: 50 });
    expect(() => loadConfig({ BOARD_PENDING_RETRY_MIN_MS: "0" })).toThrow(
      /BOARD_PENDING_RETRY_MIN_MS must be at least 1/,
    );
    expect(() => loadConfig({ BOARD_PENDING_RETRY_MIN_MS: "600" })).toThrow(
      /at most BOARD_PENDING_RETRY_MAX_MS, got 600 and 500/,
    );
    expect(() => loadConfig({ BOARD_PENDING_RETRY_MAX_MS: "soon" })).toThrow(
      /BOARD_PENDING_RETRY_MAX_MS must be a non-negative integer/,
    );
  });

  it("reads when a held board is worth a warning: 5 s unless told, 0 for never, nothing negative or fractional", () => {
    expect(loadConfig({}).board.heldWarnMs).toBe(5_000);
    expect(loadConfig({ BOARD_HELD_WARN_MS: "0" }).board.heldWarnMs).toBe(0);
    expect(() => loadConfig({ BOARD_HELD_WARN_MS: "-1" })).toThrow(/BOARD_HELD_WARN_MS must be a non-negative integer/);
    expect(() => loadConfig({ BOARD_HELD_WARN_MS: "2.5" })).toThrow(
      /BOARD_HELD_WARN_MS must be a non-negative integer/,
    );
  });

  it("reads how many shops' board streams dispatch at once: 2 unless told, at least 1", () => {
    expect(loadConfig({}).board.concurrentDispatches).toBe(2);
    expect(loadConfig({ BOARD_CONCURRENT_DISPATCHES: "1" }).board.concurrentDispatches).toBe(1);
    expect(() => loadConfig({ BOARD_CONCURRENT_DISPATCHES: "0" })).toThrow(
      /BOARD_CONCURRENT_DISPATCHES must be a positive integer/,
    );
    expect(() => loadConfig({ BOARD_CONCURRENT_DISPATCHES: "many" })).toThrow(
      /BOARD_CONCURRENT_DISPATCHES must be a non-negative integer/,
    );
  });

  it("refuses a port that is not a number", () => {
    expect(() => loadConfig({ PORT: "http" })).toThrow(/PORT must be a non-negative integer/);
    expect(() => loadConfig({ BITRIX_SHOP_ID: "-1" })).toThrow(/BITRIX_SHOP_ID/);
  });
  const PRODUCTION = {
    NODE_ENV: "production",
    JWT_SECRET: "k".repeat(32),
    WEBHOOK_SECRET: "w",
    APP_DATABASE_PASSWORD: "db-password",
  };

  it("refuses in production a JWT_SECRET under 32 bytes, each rotated key included", () => {
    expect(loadConfig(PRODUCTION).jwtSecrets).toEqual(["k".repeat(32)]);
    expect(() => loadConfig({ ...PRODUCTION, JWT_SECRET: "k".repeat(31) })).toThrow(
      /JWT_SECRET must be at least 32 bytes when NODE_ENV=production/,
    );
    expect(() => loadConfig({ ...PRODUCTION, JWT_SECRET: `${"k".repeat(32)},old` })).toThrow(
      /JWT_SECRET must be at least 32 bytes/,
    );
    // bytes, not characters: 16 Cyrillic letters are 32 bytes
    expect(loadConfig({ ...PRODUCTION, JWT_SECRET: "ж".repeat(16) }).jwtSecrets).toHaveLength(1);
    expect(loadConfig({ JWT_SECRET: "short" }).jwtSecrets).toEqual(["short"]);
  });

  it("keeps the production database password apart from JWT_SECRET: its own setting, never derived", () => {
    expect(() => loadConfig({ ...PRODUCTION, APP_DATABASE_PASSWORD: "" })).toThrow(
      /^APP_DATABASE_PASSWORD \(or APP_DATABASE_URL\) must be set when NODE_ENV=production/,
    );
    expect(() => loadConfig({ ...PRODUCTION, APP_DATABASE_PASSWORD: "k".repeat(32) })).toThrow(
      /APP_DATABASE_PASSWORD must differ from JWT_SECRET/,
    );
    expect(loadConfig(PRODUCTION).appDatabasePassword).toBe("db-password");
    // the same password whatever the signing key: rotating JWT_SECRET does not lock the application out of its database
    expect(loadConfig({ ...PRODUCTION, JWT_SECRET: "n".repeat(40) }).appDatabasePassword).toBe("db-password");
    const fromUrl = loadConfig({
      ...PRODUCTION,
      APP_DATABASE_PASSWORD: "",
      APP_DATABASE_URL: "postgresql://cvety_app:p%40ss@db:5432/cvety",
    });
    expect(fromUrl.appDatabasePassword).toBe("p@ss");
  });

  it("stops at an unknown setting of its own, naming it and the settings it may have meant", () => {
    expect(() => loadConfig({ BOARD_KEEPALIVE: "5000" })).toThrow(ConfigError);
    expect(() => loadConfig({ BOARD_KEEPALIVE: "5000" })).toThrow(
      /^BOARD_KEEPALIVE is not a cvety-graph setting \(a typo\?\); settings starting with BOARD_ are: .*BOARD_KEEPALIVE_MS/,
    );
    expect(() => loadConfig({ RATE_LIMIT_WEBHOOKS_PER_MINUTE: "10" })).toThrow(
      /RATE_LIMIT_WEBHOOKS_PER_MINUTE is not a cvety-graph setting.*RATE_LIMIT_WEBHOOK_PER_MINUTE/,
    );
    expect(() => loadConfig({ JWT_SECRETS: "a" })).toThrow(/JWT_SECRETS is not a cvety-graph setting/);
    // the rest of the environment (PATH, HOME, npm's variables) is not ours to judge
    expect(loadConfig({ PATH: "/usr/bin", HOME: "/root", npm_config_cache: "/tmp" }).port).toBe(4000);
  });

  it.each([
    ["NODE_ENV", "prod", /NODE_ENV must be development, production or test, got "prod"/],
    ["LOG_LEVEL", "verbose", /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    ["PORT", "70000", /PORT must be a port number \(0–65535\), got "70000"/],
    ["CATALOG_PORT", "4001.5", /CATALOG_PORT must be a non-negative integer/],
    ["ORDERS_URL", "orders:4002/graphql", /ORDERS_URL must be an http:\/\/ or https:\/\/ URL/],
    ["BITRIX_BASE_URL", "ftp://bitrix", /BITRIX_BASE_URL must be an http:\/\/ or https:\/\/ URL/],
    [
      "CORS_ORIGINS",
      "https://admin.cvety.kz, admin",
      /CORS_ORIGINS must be an http:\/\/ or https:\/\/ URL, got "admin"/,
    ],
    ["WORKERS_NICE", "25", /WORKERS_NICE must be between 0 and 19, got "25"/],
    ["DRAIN_DELAY_MS", "5s", /DRAIN_DELAY_MS must be a non-negative integer, got "5s"/],
    ["DRAIN_DELAY_MS", "120000", /DRAIN_DELAY_MS must be between 0 and 60000, got "120000"/],
    ["BITRIX_SHOP_ID", "0", /BITRIX_SHOP_ID must be a positive integer/],
    ["BITRIX_SHOP_ID", "2147483648", /BITRIX_SHOP_ID must be at most 2147483647/],
    ["EMBEDDED_POSTGRES_HOME", "var/lib", /EMBEDDED_POSTGRES_HOME must be an absolute path/],
    [
      "RATE_LIMIT_WEBHOOK_PER_MINUTE",
      "lots",
      /RATE_LIMIT_WEBHOOK_PER_MINUTE must be a non-negative integer, got "lots"/,
    ],
  ])("stops at a malformed %s (%s) with a sentence naming it", (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it("never repeats a secret's value in its message", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://root:hunter2@db/x" })).toThrow(
      /^DATABASE_URL must be a postgresql:\/\/ URL$/,
    );
    expect(() => loadConfig({ APP_DATABASE_URL: "hunter2" })).toThrow(
      /^APP_DATABASE_URL must be a postgresql:\/\/ URL$/,
    );
  });

  it("knows every setting of its own that the code reads anywhere", () => {
    const known = settingNames();
    const read = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (["node_modules", ".data", "generated", "__generated__"].includes(entry.name)) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
          for (const match of fs
            .readFileSync(full, "utf8")
            .matchAll(/env\.([A-Z][A-Z0-9_]+)|env\[["']([A-Z][A-Z0-9_]+)["']\]/g))
            read.add(match[1] ?? match[2]);
        }
      }
    };
    const root = path.resolve(__dirname, "..");
    for (const dir of ["core", "app", "router", "subgraphs", "scripts"]) walk(path.join(root, dir));
    const ours = [...read].filter((name) =>
      /^(APP_DATABASE|BITRIX|BOARD|EMBEDDED_POSTGRES|JWT|RATE_LIMIT|STOCK_CONSUMER|SUBGRAPH|WEBHOOK|WORKERS)_/.test(
        name,
      ),
    );
    expect(ours.length).toBeGreaterThan(5);
    expect(ours.filter((name) => !known.has(name))).toEqual([]);
  });
});

describe("formatTenge", () => {
  it.each([
    [495000, "4 950 ₸"],
    [500000, "5 000 ₸"],
    [0, "0 ₸"],
    [99, "0,99 ₸"],
    [123456789, "1 234 567,89 ₸"],
    [10000000, "100 000 ₸"],
  ])("%d tiyn is %s", (tiyn, text) => {
    expect(formatTenge(tiyn)).toBe(text);
  });
});
