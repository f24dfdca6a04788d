import type { Config } from "../core/config";
import { createDatabase, type Database, type DatabaseOptions } from "../core/db";
import { createBackgroundWorkers } from "./workers";
import type { Logger } from "../core/logger";
import { startSubgraph, type RunningSubgraph } from "../core/subgraph-server";
import { startRouter, type RunningRouter } from "../router/server";
import type client from "prom-client";
import { catalogSubgraph } from "../subgraphs/catalog";
import { ordersSubgraph } from "../subgraphs/orders";
import { warehouseSubgraph } from "../subgraphs/warehouse";
import type { StockConsumer } from "../subgraphs/warehouse/stock-consumer";
import type { BitrixRelay } from "../subgraphs/catalog/bitrix-sync/relay";

export const SUBGRAPHS = { catalog: catalogSubgraph, orders: ordersSubgraph, warehouse: warehouseSubgraph } as const;

export interface Stack {
  config: Config;
  db: Database;
  router: RunningRouter;
  subgraphs: Record<keyof typeof SUBGRAPHS, RunningSubgraph>;
  /** consumes stock when orders reach ASSEMBLED; null when STOCK_CONSUMER_POLL_MS=0 */
  stockConsumer: StockConsumer | null;
  /** pushes product changes to Bitrix from the outbox (docs/bitrix-product-sync.md) */
  bitrixRelay: BitrixRelay;
  stop(): Promise<void>;
}

/**
 * Starts the three subgraphs, the router and the Bitrix relay in this process. Requests share
 * one pool; the relay has a small one of its own so a Bitrix backlog never queues requests. Ports come
 * from the config (0 picks free ones, as tests do); the router is pointed at the subgraphs'
 * actual URLs.
 */
export async function startStack(options: {
  config: Config;
  /** the application role's connection (app/database.ts applicationDatabaseUrl), never the owner's */
  databaseUrl: string;
  logger: Logger;
  poolSize?: number;
  databaseOptions?: DatabaseOptions;
}): Promise<Stack> {
  const db = createDatabase(options.databaseUrl, { max: options.poolSize ?? 20, ...options.databaseOptions });
  const workers = createBackgroundWorkers(options);
  const started: RunningSubgraph[] = [];
  try {
    for (const [name, definition] of Object.entries(SUBGRAPHS)) {
      const port = options.config.subgraphPorts[name as keyof typeof SUBGRAPHS];
      started.push(
        await startSubgraph(definition as never, { config: options.config, db, logger: options.logger, port }),
      );
    }
    const subgraphs = Object.fromEntries(started.map((s) => [s.name, s])) as Stack["subgraphs"];
    const config: Config = {
      ...options.config,
      subgraphUrls: {
        catalog: subgraphs.catalog.url,
        orders: subgraphs.orders.url,
        warehouse: subgraphs.warehouse.url,
      },
    };
    const registerMetrics = (registry: client.Registry) => workers.registerMetrics(registry);
    const router = await startRouter({ config, db, logger: options.logger, port: config.port, registerMetrics });
    await workers.start();
    return {
      config,
      db,
      router,
      subgraphs,
      stockConsumer: workers.stockConsumer,
      bitrixRelay: workers.bitrixRelay,
      async stop() {
        await workers.stop();
        await router.stop();
        await Promise.all(started.map((s) => s.stop()));
        await db.close();
      },
    };
  } catch (error) {
    await workers.stop();
    await Promise.all(started.map((s) => s.stop()));
    await db.close();
    throw error;
  }
}
