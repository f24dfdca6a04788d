import http from "node:http";
import client from "prom-client";
import type { Config } from "../core/config";
import { createDatabase, type Database, type DatabaseOptions } from "../core/db";
import type { Logger } from "../core/logger";
import { createBitrixRelay, type BitrixRelay } from "../subgraphs/catalog/bitrix-sync/relay";
import { StockConsumer } from "../subgraphs/warehouse/stock-consumer";
import { startUploadSweeper } from "../core/uploads/sweep";
import { registerUploadMetrics } from "../core/uploads/metrics";
import { processRegistry, serveMetrics } from "../core/metrics-endpoint";

export interface BackgroundWorkers {
  bitrixRelay: BitrixRelay;
  /** null when STOCK_CONSUMER_POLL_MS=0 */
  stockConsumer: StockConsumer | null;
  /** puts the relay's and the upload sweeper's instruments on a process's /metrics */
  registerMetrics(registry: client.Registry): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The work that runs beside the router: the Bitrix relay and the stock consumer, each on a
 * small pool of its own so background sweeps never queue behind requests. `npm start` runs
 * them in its one process (app/stack.ts); docker-compose in a process of their own
 * (scripts/serve.ts workers, with /health and /metrics), so a relay catching up on a backlog
 * or a burst of assembled orders never takes CPU from the router's requests and live boards.
 */
export function createBackgroundWorkers(options: {
  config: Config;
  databaseUrl: string;
  logger: Logger;
  databaseOptions?: DatabaseOptions;
}): BackgroundWorkers {
  const { config, databaseUrl, logger } = options;
  const relayDb = createDatabase(databaseUrl, {
    ...options.databaseOptions,
    max: 4,
    applicationName: "cvety-graph-bitrix-relay",
  });
  const bitrixRelay = createBitrixRelay({ config, db: relayDb, databaseUrl, logger });
  let consumerDb: Database | null = null;
  let stockConsumer: StockConsumer | null = null;
  let uploadSweeper: { stop(): Promise<void> } | null = null;
  const workers: BackgroundWorkers = {
    bitrixRelay,
    get stockConsumer() {
      return stockConsumer;
    },
    registerMetrics(registry) {
      bitrixRelay.registerMetrics(registry);
      registerUploadMetrics(registry, relayDb);
    },
    async start() {
      if (config.stockConsumerPollMs > 0) {
        consumerDb = createDatabase(databaseUrl, {
          max: 2,
          applicationName: "cvety-stock-consumer",
          ...options.databaseOptions,
        });
        stockConsumer = new StockConsumer({ db: consumerDb, databaseUrl, logger, pollMs: config.stockConsumerPollMs });
        await stockConsumer.start();
      }
      await bitrixRelay.start();
      // uploads never attached within a day go, with their files (core/uploads/sweep.ts)
      uploadSweeper = startUploadSweeper({ config, db: relayDb, logger });
    },
    async stop() {
      await uploadSweeper?.stop();
      await bitrixRelay.stop().catch((error) => logger.error({ err: error }, "bitrix relay stop failed"));
      await stockConsumer?.stop();
      await consumerDb?.close();
      await relayDb.close();
    },
  };
  return workers;
}

/**
 * The workers' process (docker-compose): /health for the container check and /metrics with the
 * relay's instruments; everything else is a JSON 404.
 */
export async function serveWorkers(
  workers: BackgroundWorkers,
  config: Pick<Config, "production" | "metricsToken">,
  port: number,
  host = "0.0.0.0",
): Promise<{ port: number; stop(): Promise<void> }> {
  const registry = processRegistry();
  workers.registerMetrics(registry);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const json = (status: number, body: object) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "GET") return json(405, { error: "Only GET is served here" });
    if (path === "/health") return json(200, { status: "healthy", part: "workers" });
    if (path === "/metrics") return serveMetrics(registry, config, req, res);
    json(404, { error: `Nothing at ${path}; this process serves /health and /metrics` });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: (server.address() as { port: number }).port,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
