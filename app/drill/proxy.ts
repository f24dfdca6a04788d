import http from "node:http";
import net from "node:net";

/**
 * A small round-robin reverse proxy in front of the routers, standing in for deploy/haproxy.cfg:
 * an active readiness check (GET /ready every `checkIntervalMs`; anything but 200 takes the
 * upstream out of rotation, a 200 brings it back), one upstream connection per request, and a
 * connection refused moves the request to the next upstream (HAProxy's `retry-on conn-failure`).
 * Nothing else is retried: a request an upstream accepted and then failed reaches the client as
 * the 502 it is. WebSocket upgrades are piped through.
 */
export interface RoundRobinProxy {
  port: number;
  url: string;
  /** requests moved to another upstream after a refused connection */
  readonly retried: number;
  /** requests answered 502 because no upstream accepted the connection */
  readonly refused: number;
  /** times an upstream's readiness check took it out of rotation */
  readonly takenOut: number;
  close(): Promise<void>;
}

const REFUSED = new Set(["ECONNREFUSED"]);
/** rounds over every upstream before a 502: a restart leaves at least one of them listening */
const ROUNDS = 3;
const ROUND_PAUSE_MS = 200;

/** HAProxy's `timeout check`: a router that does not answer its check in time is out of rotation */
const CHECK_TIMEOUT_MS = 2_000;

/** Checks each upstream's /ready every `intervalMs`; `ready(port)` answers the last verdict. */
function readinessChecks(upstreams: number[], intervalMs: number, onTakenOut: () => void) {
  const ready = new Map(upstreams.map((port) => [port, true]));
  const checking = new Set<number>();
  const check = async (port: number) => {
    if (checking.has(port)) return;
    checking.add(port);
    const ok = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) }).then(
      async (response) => (await response.arrayBuffer(), response.ok),
      () => false,
    );
    checking.delete(port);
    if (ready.get(port) && !ok) onTakenOut();
    ready.set(port, ok);
  };
  const timer = setInterval(() => upstreams.forEach((port) => void check(port)), intervalMs);
  return { ready: (port: number) => ready.get(port) === true, stop: () => clearInterval(timer) };
}

export async function startRoundRobinProxy(
  upstreams: number[],
  options: { checkIntervalMs: number } = { checkIntervalMs: 100 },
): Promise<RoundRobinProxy> {
  const counts = { retried: 0, refused: 0, takenOut: 0 };
  const checks = readinessChecks(upstreams, options.checkIntervalMs, () => counts.takenOut++);
  const tryUpstreams = upstreamRotation(upstreams, checks.ready, counts);
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      tryUpstreams((port) => forward(port, req, body, res)).then(
        (answered) => answered ?? bad(res, "no upstream accepted the connection"),
        (error: Error) => bad(res, error.message),
      );
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("upgrade", (req, client: net.Socket, head: Buffer) => pipeUpgrade(req, client, head, tryUpstreams));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get retried() {
      return counts.retried;
    },
    get refused() {
      return counts.refused;
    },
    get takenOut() {
      return counts.takenOut;
    },
    async close() {
      checks.stop();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type TryUpstreams = <T>(attempt: (port: number) => Promise<T>) => Promise<T | null>;

/**
 * Tries the upstreams in rotation from the next one, those in rotation first (one out of it is
 * tried only when every other refused); `attempt` gets each port until one connects.
 */
function upstreamRotation(
  upstreams: number[],
  ready: (port: number) => boolean,
  counts: { retried: number; refused: number },
): TryUpstreams {
  let next = 0;
  return async <T>(attempt: (port: number) => Promise<T>): Promise<T | null> => {
    const first = next++ % upstreams.length;
    const rotated = upstreams.map((_, i) => upstreams[(first + i) % upstreams.length]);
    const order = [...rotated.filter(ready), ...rotated.filter((port) => !ready(port))];
    for (let round = 0; round < ROUNDS; round++) {
      for (const port of order) {
        try {
          return await attempt(port);
        } catch (error) {
          if (!REFUSED.has((error as NodeJS.ErrnoException).code ?? "")) throw error;
          counts.retried++;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, ROUND_PAUSE_MS));
    }
    counts.refused++;
    return null;
  };
}

/** A WebSocket upgrade: the request head goes to the first upstream that accepts, then bytes both ways. */
function pipeUpgrade(req: http.IncomingMessage, client: net.Socket, head: Buffer, tryUpstreams: TryUpstreams) {
  client.on("error", () => client.destroy());
  tryUpstreams((port) => connect(port)).then(
    (upstream) => {
      if (!upstream) return void client.destroy();
      upstream.on("error", () => upstream.destroy());
      upstream.write(rawHead(req));
      if (head.length) upstream.write(head);
      client.pipe(upstream).pipe(client);
      client.once("close", () => upstream.destroy());
      upstream.once("close", () => client.destroy());
    },
    () => client.destroy(),
  );
}

function bad(res: http.ServerResponse, message: string) {
  if (res.headersSent) return void res.destroy();
  res.writeHead(502, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: `proxy: ${message}` }));
}

/** Opens a TCP connection; rejects with the connect error (ECONNREFUSED when nobody listens). */
function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.removeListener("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/** Sends one request upstream and streams its answer back; rejects only when the connection is refused. */
function forward(port: number, req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<true> {
  return new Promise((resolve, reject) => {
    let connected = false;
    const upstream = http.request(
      {
        host: "127.0.0.1",
        port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, connection: "close", "content-length": String(body.length) },
        agent: false,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.once("end", () => resolve(true));
        answer.once("error", () => res.destroy());
      },
    );
    upstream.once("socket", (socket) => socket.once("connect", () => (connected = true)));
    upstream.once("error", (error: NodeJS.ErrnoException) => {
      if (!connected && error.code === "ECONNREFUSED") return reject(error);
      // accepted, then failed: the client sees it, as it would behind nginx with a POST
      bad(res, `upstream :${port} failed: ${error.code ?? error.message}`);
      resolve(true);
    });
    upstream.end(body);
  });
}

function rawHead(req: http.IncomingMessage): string {
  const lines = [`${req.method} ${req.url} HTTP/1.1`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  return lines.join("\r\n") + "\r\n\r\n";
}
