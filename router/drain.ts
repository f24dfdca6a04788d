import type http from "node:http";

/**
 * A graceful stop of the router's HTTP server (SIGTERM, a rolling restart), on Node's own API:
 * 1. `announce`: /ready answers 503 while the server keeps listening and serving for `delayMs`,
 *    long enough for the load balancer's readiness check to take the replica out of rotation.
 *    Closing the listener at once would reset the connections still in the kernel's accept
 *    queue: requests the balancer sent, that the router never read, failed.
 * 2. `finish`: the listener closes (server.close, which also ends idle keep-alive connections),
 *    requests already on a connection are answered, each answer closing its connection, and what
 *    is left after `graceMs` is cut (server.closeAllConnections).
 * http-terminator and stoppable do step 2 only; step 1 is a delay and a flag, so no library.
 */
export interface HttpDrain {
  readonly draining: boolean;
  /** call first in the request handler: while draining, the answer closes its connection */
  markResponse(res: http.ServerResponse): void;
  announce(delayMs: number): Promise<void>;
  finish(graceMs: number): Promise<void>;
}

export function httpDrain(server: http.Server): HttpDrain {
  let draining = false;
  return {
    get draining() {
      return draining;
    },
    markResponse(res) {
      if (draining) res.setHeader("connection", "close");
    },
    async announce(delayMs) {
      draining = true;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    },
    async finish(graceMs) {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
