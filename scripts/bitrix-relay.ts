/**
 * `npm run bitrix-relay`: the Bitrix relay alone, for running it in a process of its own next
 * to (or instead of) the one `npm start` runs. Needs DATABASE_URL (and APP_DATABASE_URL or
 * the application role's password, like `npm start`); reads the same BITRIX_* and
 * BITRIX_SYNC_* settings. Several may run at once: rows are claimed with SKIP LOCKED.
 */
import { loadConfig, ConfigError } from "../core/config";
import { createLogger } from "../core/logger";
import { createDatabase } from "../core/db";
import { createBitrixRelay } from "../subgraphs/catalog/bitrix-sync/relay";
import { applicationDatabaseUrl } from "../app/database";

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`bitrix relay cannot start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  if (!config.databaseUrl) {
    console.error("bitrix relay cannot start: DATABASE_URL is not set");
    process.exit(1);
  }
  const logger = createLogger(config.logLevel, "cvety-graph-bitrix-relay");
  // as the application role (APP_DATABASE_URL, or the owner's URL with the role's credentials)
  const databaseUrl = await applicationDatabaseUrl(config.databaseUrl, config);
  const db = createDatabase(databaseUrl, {
    max: 4,
    applicationName: "cvety-graph-bitrix-relay",
  });
  const relay = createBitrixRelay({ config, db, databaseUrl, logger });
  await relay.start();
  // tests wait for this line before they make changes
  console.log(JSON.stringify({ relay: "started", pid: process.pid }));

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await relay.stop().catch((error) => logger.error({ err: error }, "relay stop failed"));
    await db.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
