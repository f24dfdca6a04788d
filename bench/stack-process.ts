/**
 * The stack under benchmark, in its own process so the load generator does not share its
 * event loop. Prints one JSON line with its URLs, then serves until killed.
 */
import { loadConfig } from "../core/config";
import { createLogger } from "../core/logger";
import { startStack } from "../app/stack";

async function main() {
  const databaseUrl = process.env.BENCH_DATABASE_URL!;
  const config = loadConfig({ ...process.env, PORT: "0", CATALOG_PORT: "0", ORDERS_PORT: "0", WAREHOUSE_PORT: "0", LOG_LEVEL: "silent" });
  const stack = await startStack({ config, databaseUrl, logger: createLogger("silent"), poolSize: Number(process.env.BENCH_POOL_SIZE ?? 20) });
  process.on("SIGTERM", () => void stack.stop().finally(() => process.exit(0)));
  console.log(JSON.stringify({ origin: `http://127.0.0.1:${stack.router.port}`, catalogUrl: stack.subgraphs.catalog.url, pid: process.pid }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
