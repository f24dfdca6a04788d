/**
 * The stack under benchmark, in its own process so the load generator does not share its
 * event loop. Prints one JSON line with its URLs, then serves until killed.
 */
import { loadConfig } from "../core/config";
import { createLogger } from "../core/logger";
import { startStack } from "../app/stack";

async function main() {
  const config = loadConfig({
    ...process.env,
    PORT: "0",
    CATALOG_PORT: "0",
    ORDERS_PORT: "0",
    WAREHOUSE_PORT: "0",
    LOG_LEVEL: "silent",
  });
  // BENCH_WITHOUT_TENANT_SETTING (06-rls-cost): the wall's set_config left out, connected as
  // the owner (BENCH_OWNER_DATABASE_URL, a superuser: no RLS either). Honoured only here.
  const withoutTenantSetting = process.env.BENCH_WITHOUT_TENANT_SETTING === "1" && process.env.BENCH_STACK === "1";
  const databaseUrl = withoutTenantSetting ? process.env.BENCH_OWNER_DATABASE_URL! : process.env.BENCH_DATABASE_URL!;
  const stack = await startStack({
    config,
    databaseUrl,
    logger: createLogger("silent"),
    poolSize: Number(process.env.BENCH_POOL_SIZE ?? 20),
    databaseOptions: { withoutTenantSetting },
  });
  process.on("SIGTERM", () => void stack.stop().finally(() => process.exit(0)));
  console.log(
    JSON.stringify({
      origin: `http://127.0.0.1:${stack.router.port}`,
      catalogUrl: stack.subgraphs.catalog.url,
      pid: process.pid,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
