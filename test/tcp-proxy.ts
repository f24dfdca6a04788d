import net from "node:net";
import type { Logger } from "../core/logger";
import { createTestDatabase, startTestStack } from "./harness";

/**
 * A TCP proxy in front of a real server, for fault injection: `pause()` destroys every
 * connection and refuses new ones (as a stopped database does), `resume()` lets them through
 * again. Tests point a stack at the proxy instead of stopping a server other tests share.
 */
export interface TcpProxy {
  port: number;
  /** connections currently piped */
  readonly connections: number;
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let paused = false;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    if (paused) {
      // like a port nobody listens on: the connection ends at once
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once("close", () => upstream.destroy());
    upstream.once("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    get connections() {
      return sockets.size;
    },
    pause() {
      paused = true;
      for (const socket of sockets) socket.destroy();
    },
    resume() {
      paused = false;
    },
    async close() {
      paused = true;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Host and port a database URL points at. */
export function targetOf(databaseUrl: string): { host: string; port: number } {
  const url = new URL(databaseUrl);
  return { host: url.hostname === "localhost" ? "127.0.0.1" : url.hostname, port: Number(url.port || 5432) };
}

/** The same database URL, through the proxy. */
export function viaProxy(databaseUrl: string, proxy: TcpProxy): string {
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String(proxy.port);
  return url.toString();
}

/**
 * A test stack on a database of its own that it reaches only through a proxy the test can
 * cut (`proxy.pause()`); `databaseUrl` goes straight to that database, for the test's own checks.
 */
export async function startStackBehindProxy(options: { logger?: Logger } = {}) {
  const database = await createTestDatabase();
  const proxy = await startTcpProxy(targetOf(database.url));
  const t = await startTestStack({ databaseUrl: viaProxy(database.url, proxy), logger: options.logger });
  return {
    t,
    proxy,
    databaseUrl: database.url,
    async stop() {
      proxy.resume();
      await t.stop();
      await proxy.close();
      await database.drop();
    },
  };
}
