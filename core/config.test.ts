import { loadConfig, ConfigError } from "./config";
import { formatTenge } from "./money";

describe("loadConfig", () => {
  it("refuses to start in production without JWT_SECRET or WEBHOOK_SECRET, naming them", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/JWT_SECRET and WEBHOOK_SECRET must be set/);
    expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET: "x" })).toThrow(/^WEBHOOK_SECRET must be set/);
    expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET: " , ", WEBHOOK_SECRET: "w" })).toThrow(/^JWT_SECRET must be set/);
  });

  it("starts in development with dev secrets and the contract's defaults", () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.subgraphPorts).toEqual({ catalog: 4001, orders: 4002, warehouse: 4003 });
    expect(config.bitrixShopId).toBe(17008);
    expect(config.jwtSecrets).toHaveLength(1);
  });

  it("reads comma-separated secrets for rotation and CORS origins", () => {
    const config = loadConfig({ JWT_SECRET: "new, old", WEBHOOK_SECRET: "a,b,c", CORS_ORIGINS: "https://admin.cvety.kz, http://localhost:5173" });
    expect(config.jwtSecrets).toEqual(["new", "old"]);
    expect(config.webhookSecrets).toEqual(["a", "b", "c"]);
    expect(config.corsOrigins).toEqual(["https://admin.cvety.kz", "http://localhost:5173"]);
  });

  it("reads the relay's pace: a ceiling, and a busy rate at a CPU pressure given in percent", () => {
    expect(loadConfig({}).bitrixSync).toMatchObject({ maxPerSecond: 500, busyCpuPressure: 0.4, busyPerSecond: 10 });
    const config = loadConfig({ BITRIX_SYNC_MAX_PER_SECOND: "0", BITRIX_SYNC_BUSY_CPU_PRESSURE: "250", BITRIX_SYNC_BUSY_PER_SECOND: "3" });
    expect(config.bitrixSync).toMatchObject({ maxPerSecond: 0, busyCpuPressure: 1, busyPerSecond: 3 });
    expect(() => loadConfig({ BITRIX_SYNC_BUSY_PER_SECOND: "0" })).toThrow(/BITRIX_SYNC_BUSY_PER_SECOND/);
    expect(() => loadConfig({ BITRIX_SYNC_MAX_PER_SECOND: "fast" })).toThrow(/BITRIX_SYNC_MAX_PER_SECOND/);
  });

  it("reads the board's pending retry: a first wait doubling up to a last, refusing 0 or a last below the first", () => {
    expect(loadConfig({}).board.pendingRetryMs).toEqual({ min: 10, max: 500 });
    expect(loadConfig({ BOARD_PENDING_RETRY_MIN_MS: "50", BOARD_PENDING_RETRY_MAX_MS: "50" }).board.pendingRetryMs).toEqual({ min: 50, max: 50 });
    expect(() => loadConfig({ BOARD_PENDING_RETRY_MIN_MS: "0" })).toThrow(/BOARD_PENDING_RETRY_MIN_MS must be at least 1/);
    expect(() => loadConfig({ BOARD_PENDING_RETRY_MIN_MS: "600" })).toThrow(/at most BOARD_PENDING_RETRY_MAX_MS, got 600 and 500/);
    expect(() => loadConfig({ BOARD_PENDING_RETRY_MAX_MS: "soon" })).toThrow(/BOARD_PENDING_RETRY_MAX_MS must be a non-negative integer/);
  });

  it("reads when a held board is worth a warning: 5 s unless told, 0 for never, nothing negative or fractional", () => {
    expect(loadConfig({}).board.heldWarnMs).toBe(5_000);
    expect(loadConfig({ BOARD_HELD_WARN_MS: "0" }).board.heldWarnMs).toBe(0);
    expect(() => loadConfig({ BOARD_HELD_WARN_MS: "-1" })).toThrow(/BOARD_HELD_WARN_MS must be a non-negative integer/);
    expect(() => loadConfig({ BOARD_HELD_WARN_MS: "2.5" })).toThrow(/BOARD_HELD_WARN_MS must be a non-negative integer/);
  });

  it("reads how many shops' board streams dispatch at once: 2 unless told, at least 1", () => {
    expect(loadConfig({}).board.concurrentDispatches).toBe(2);
    expect(loadConfig({ BOARD_CONCURRENT_DISPATCHES: "1" }).board.concurrentDispatches).toBe(1);
    expect(() => loadConfig({ BOARD_CONCURRENT_DISPATCHES: "0" })).toThrow(/BOARD_CONCURRENT_DISPATCHES must be a positive integer/);
    expect(() => loadConfig({ BOARD_CONCURRENT_DISPATCHES: "many" })).toThrow(/BOARD_CONCURRENT_DISPATCHES must be a non-negative integer/);
  });

  it("refuses a port that is not a number", () => {
    expect(() => loadConfig({ PORT: "http" })).toThrow(/PORT must be a non-negative integer/);
    expect(() => loadConfig({ BITRIX_SHOP_ID: "-1" })).toThrow(/BITRIX_SHOP_ID/);
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
