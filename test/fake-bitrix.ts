import http from "node:http";

/** A request the fake Bitrix received. */
export interface BitrixRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
  at: number;
}

/** What the fake answers; `delayMs` holds the answer back (a slow or hanging Bitrix). */
export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
}

export type Responder = (request: BitrixRequest, index: number) => FakeAnswer | Promise<FakeAnswer>;

export interface FakeBitrix {
  url: string;
  requests: BitrixRequest[];
  /** answers to come, in order; when they run out, `fallback` answers */
  queue(...answers: FakeAnswer[]): void;
  /** the answer once the queued ones are used up (default 200 `{"status":"ok"}`) */
  respond(responder: Responder): void;
  /** resolves when `count` requests in total have arrived */
  waitForRequests(count: number, timeoutMs?: number): Promise<BitrixRequest[]>;
  reset(): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server standing in for Bitrix's update-from-railway endpoint, on a free
 * localhost port. Tests (and the bench) program its answers and read what it received.
 */
export async function startFakeBitrix(): Promise<FakeBitrix> {
  const requests: BitrixRequest[] = [];
  let queued: FakeAnswer[] = [];
  const ok: Responder = () => ({ status: 200, body: { status: "ok" } });
  let fallback: Responder = ok;
  let waiters: { count: number; resolve: () => void }[] = [];
  const pending = new Set<NodeJS.Timeout>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: any = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // keep the raw text: the test will see it was not JSON
      }
      const request: BitrixRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body,
        at: Date.now(),
      };
      const index = requests.push(request) - 1;
      const answer = queued.length ? queued.shift()! : await fallback(request, index);
      waiters = waiters.filter((w) => (requests.length >= w.count ? (w.resolve(), false) : true));
      const reply = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
        res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
      };
      if (answer.delayMs) {
        const timer = setTimeout(() => {
          pending.delete(timer);
          reply();
        }, answer.delayMs);
        pending.add(timer);
      } else {
        reply();
      }
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    queue: (...answers) => queued.push(...answers),
    respond: (responder) => {
      fallback = responder;
    },
    waitForRequests(count, timeoutMs = 10_000) {
      if (requests.length >= count) return Promise.resolve(requests.slice());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`fake Bitrix got ${requests.length} requests, expected ${count}`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(requests.slice());
          },
        });
      });
    },
    reset() {
      requests.length = 0;
      queued = [];
      fallback = ok;
    },
    async close() {
      for (const timer of pending) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Polls `check` until it returns a truthy value (which it returns) or the time is up. */
export async function eventually<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
