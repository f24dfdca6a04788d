/**
 * `npm start`: database (embedded unless DATABASE_URL), migrations, demo seed when empty,
 * the three subgraphs and the router, then the URLs. Ctrl-C stops everything cleanly.
 */
import { loadConfig, ConfigError } from "../core/config";
import { createLogger } from "../core/logger";
import { applicationDatabaseUrl, migrate, resolveDatabase, seedIfEmpty } from "../app/database";
import { startStack } from "../app/stack";

async function main() {
  const started = Date.now();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`cvety-graph cannot start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const database = await resolveDatabase();
  logger.info({ embedded: Boolean(database.server) }, "database ready");
  await migrate(database.url);
  if (await seedIfEmpty(database.url)) logger.info("seeded demo shops 8 and 17008");
  // migrations and seed ran as the owner; the running application is behind the tenant wall
  const stack = await startStack({ config, databaseUrl: await applicationDatabaseUrl(database.url, config), logger });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    await stack.stop().catch((error) => logger.error({ err: error }, "stop failed"));
    await database.server?.stop().catch((error) => logger.error({ err: error }, "embedded postgres stop failed"));
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  const origin = stack.router.url;
  console.log(
    [
      "",
      `cvety-graph is up in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      `  GraphQL + Sandbox  ${origin}/graphql`,
      `  Subscriptions      ${origin.replace("http", "ws")}/graphql`,
      `  Health / ready     ${origin}/health  ${origin}/ready`,
      `  Metrics            ${origin}/metrics`,
      `  Bitrix webhooks    ${origin}/api/v1/webhooks/order-status-sync  ${origin}/api/v1/webhooks/product-sync`,
      `  Subgraphs          ${stack.subgraphs.catalog.url}  ${stack.subgraphs.orders.url}  ${stack.subgraphs.warehouse.url}`,
      `  Database           ${database.server ? "embedded PostgreSQL (.data/postgres)" : "DATABASE_URL"}`,
      "  Token              npm run token -- --shop 17008 --role ADMIN",
      "",
    ].join("\n"),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
