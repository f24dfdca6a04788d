import net from "node:net";

/** A PostgreSQL server the process can use: either the one in DATABASE_URL or an embedded one it started. */
export interface DatabaseServer {
  /** connection string of the server's maintenance database (`postgres`) or of DATABASE_URL */
  url: string;
  embedded: boolean;
  /** the embedded server's real data folder (absent for DATABASE_URL) */
  dataDir?: string;
  stop(): Promise<void>;
}

export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.once("listening", () => server.close(() => resolve(true)));
    server.listen(port, "127.0.0.1");
  });
}

export async function findFreePort(preferred: number): Promise<number> {
  if (preferred && (await isPortFree(preferred))) return preferred;
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Replaces the database name of a connection string. */
export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
