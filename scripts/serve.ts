/**
 * Runs one part of the system in its own process, as docker-compose does:
 *   tsx scripts/serve.ts catalog|orders|warehouse|router|workers|migrate
 * Needs DATABASE_URL; everything else comes from the same environment variables as npm start.
 */
import os from "node:os";
import { loadConfig, ConfigError } from "../core/config";
import { createLogger } from "../core/logger";
import { createDatabase } from "../core/db";
import { startSubgraph } from "../core/subgraph-server";
import { startRouter } from "../router/server";
import { applicationDatabaseUrl, migrate, seedIfEmpty } from "../app/database";
import { SUBGRAPHS } from "../app/stack";
import { createBackgroundWorkers, serveWorkers } from "../app/workers";

export const PARTS = ["catalog", "orders", "warehouse", "router", "workers", "migrate"] as const;

async function main(part: string | undefined) {
  if (!PARTS.includes(part as (typeof PARTS)[number])) throw new ConfigError(`usage: serve.ts ${PARTS.join("|")}`);
  const config = loadConfig();
  if (!config.databaseUrl) throw new ConfigError("DATABASE_URL must be set for scripts/serve.ts");
  const logger = createLogger(config.logLevel);
  if (part === "migrate") {
    await migrate(config.databaseUrl);
    if (await seedIfEmpty(config.databaseUrl)) logger.info("seeded demo shops");
    // the long-running parts connect as the application role, behind the tenant wall
    await applicationDatabaseUrl(config.databaseUrl, config, { grantLogin: true });
    return;
  }
  const appUrl = await applicationDatabaseUrl(config.databaseUrl, config, { grantLogin: false });
  let stop: () => Promise<void>;
  if (part === "workers") {
    // the Bitrix relay and the stock consumer, away from the router's requests, and niced: when
    // the CPU is short, a relay draining a backlog waits, not the admin's request
    try {
      os.setPriority(config.workersNice);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, "could not lower the workers' priority");
    }
    const workers = createBackgroundWorkers({ config, databaseUrl: appUrl, logger });
    await workers.start();
    const server = await serveWorkers(workers, config, config.workersPort);
    logger.info({ port: server.port }, "workers running");
    stop = async () => {
      await workers.stop();
      await server.stop();
    };
  } else {
    const db = createDatabase(appUrl, { applicationName: `cvety-${part}` });
    const running =
      part === "router"
        ? await startRouter({ config, db, logger, port: config.port })
        : await startSubgraph(SUBGRAPHS[part as keyof typeof SUBGRAPHS] as never, {
            config,
            db,
            logger,
            port: config.subgraphPorts[part as keyof typeof SUBGRAPHS],
            host: "0.0.0.0",
          });
    stop = async () => {
      await running.stop();
      await db.close();
    };
  }
  const exit = () => void stop().finally(() => process.exit(0));
  process.on("SIGTERM", exit);
  process.on("SIGINT", exit);
}

main(process.argv[2]).catch((error) => {
  console.error(error instanceof ConfigError ? `cvety-graph cannot start: ${error.message}` : error);
  process.exit(1);
});
