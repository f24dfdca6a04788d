import type { Config } from "../core/config";
import { createDatabase, type Database, type DatabaseOptions } from "../core/db";
import type { Logger } from "../core/logger";
import { createBitrixRelay, type BitrixRelay } from "../subgraphs/catalog/bitrix-sync/relay";
import { StockConsumer } from "../subgraphs/warehouse/stock-consumer";

export interface BackgroundWorkers {
  bitrixRelay: BitrixRelay;
  /** null when STOCK_CONSUMER_POLL_MS=0 */
  stockConsumer: StockConsumer | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The work that runs beside the router: the Bitrix relay and the stock consumer, each on a
 * small pool of its own so background sweeps never queue behind requests. `npm start` runs
 * them in its one process (app/stack.ts), docker-compose in the router's (scripts/serve.ts).
 */
export function createBackgroundWorkers(options: { config: Config; databaseUrl: string; logger: Logger; databaseOptions?: DatabaseOptions }): BackgroundWorkers {
  const { config, databaseUrl, logger } = options;
  const relayDb = createDatabase(databaseUrl, { ...options.databaseOptions, max: 4, applicationName: "cvety-graph-bitrix-relay" });
  const bitrixRelay = createBitrixRelay({ config, db: relayDb, logger });
  let consumerDb: Database | null = null;
  let stockConsumer: StockConsumer | null = null;
  const workers: BackgroundWorkers = {
    bitrixRelay,
    get stockConsumer() {
      return stockConsumer;
    },
    async start() {
      if (config.stockConsumerPollMs > 0) {
        consumerDb = createDatabase(databaseUrl, { max: 2, applicationName: "cvety-stock-consumer", ...options.databaseOptions });
        stockConsumer = new StockConsumer({ db: consumerDb, databaseUrl, logger, pollMs: config.stockConsumerPollMs });
        await stockConsumer.start();
      }
      await bitrixRelay.start();
    },
    async stop() {
      await bitrixRelay.stop().catch((error) => logger.error({ err: error }, "bitrix relay stop failed"));
      await stockConsumer?.stop();
      await consumerDb?.close();
      await relayDb.close();
    },
  };
  return workers;
}
