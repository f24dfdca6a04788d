import http from "node:http";
import https from "node:https";
import type { Fetcher, FetcherHeaders, FetcherRequestInit, FetcherResponse } from "@apollo/utils.fetcher";

/**
 * A fetch for calls between our services (router → subgraphs, relay → Bitrix): Node's http
 * module over keep-alive sockets. Global fetch (undici) spends several times as much CPU per
 * call on WHATWG streams and objects these callers never look at; on the router that was most
 * of a federated request's cost. Answers are buffered whole (JSON documents); redirects are not
 * followed. `init.signal` aborts a call; `timeoutMs` bounds a socket's silence.
 */
/** How long a keep-alive socket may sit idle before we close it. */
export const IDLE_SOCKET_MS = 4_000;

/** Our subgraphs' keep-alive timeout: far above IDLE_SOCKET_MS, so the caller always closes an idle socket first. */
export const SUBGRAPH_KEEP_ALIVE_MS = 65_000;

export function createHttpClient(options: {
  timeoutMs: number;
  maxSockets?: number;
  idleSocketMs?: number;
}): Fetcher & { close(): void } {
  // an idle keep-alive socket is closed by us first, well before the server's keep-alive timeout
  // (Node's default is 5 s; our subgraphs', SUBGRAPH_KEEP_ALIVE_MS): a call sent on a socket the
  // server is closing at that moment fails with ECONNRESET
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 64,
    timeout: options.idleSocketMs ?? IDLE_SOCKET_MS,
  };
  const agents = { "http:": new http.Agent(agentOptions), "https:": new https.Agent(agentOptions) };
  const fetcher = (url: string, init: FetcherRequestInit = {}) =>
    new Promise<FetcherResponse>((resolve, reject) => {
      const target = new URL(url);
      const agent = agents[target.protocol as keyof typeof agents];
      if (!agent) {
        reject(new Error(`URL ${url} is neither http nor https`));
        return;
      }
      const signal = init.signal as AbortSignal | undefined;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const client = target.protocol === "https:" ? https : http;
      // a known length: no chunked encoding, so headers and body leave in one write
      const headers =
        init.body === undefined
          ? init.headers
          : { ...init.headers, "content-length": String(Buffer.byteLength(init.body)) };
      const request = client.request(
        target,
        { method: init.method ?? "GET", headers, agent, timeout: options.timeoutMs },
        bufferAnswer(url, resolve, reject),
      );
      request.on("timeout", () =>
        request.destroy(new Error(`${target.host} did not answer within ${options.timeoutMs} ms`)),
      );
      request.on("error", reject);
      if (signal) abortOn(signal, request, reject);
      request.end(init.body);
    });
  return Object.assign(fetcher, {
    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  });
}

/** Collects an answer's body and resolves with the whole answer. */
function bufferAnswer(url: string, resolve: (response: FetcherResponse) => void, reject: (error: Error) => void) {
  return (response: http.IncomingMessage) => {
    const chunks: Buffer[] = [];
    response.on("data", (chunk: Buffer) => chunks.push(chunk));
    response.on("error", reject);
    response.on("end", () =>
      resolve(
        new BufferedResponse(
          url,
          response.statusCode ?? 0,
          response.statusMessage ?? "",
          response.headers,
          Buffer.concat(chunks),
        ),
      ),
    );
  };
}

/** Ends the request when `signal` aborts; as fetch does, the caller sees its own reason (a DOMException is no Error here). */
function abortOn(signal: AbortSignal, request: http.ClientRequest, reject: (reason: unknown) => void): void {
  const abort = () => {
    reject(signal.reason);
    request.destroy();
  };
  signal.addEventListener("abort", abort, { once: true });
  request.once("close", () => signal.removeEventListener("abort", abort));
}

class BufferedHeaders implements FetcherHeaders {
  private readonly map = new Map<string, string>();

  constructor(raw: http.IncomingHttpHeaders) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined) this.map.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
  }
  append(name: string, value: string) {
    const key = name.toLowerCase();
    const existing = this.map.get(key);
    this.map.set(key, existing === undefined ? value : `${existing}, ${value}`);
  }
  delete(name: string) {
    this.map.delete(name.toLowerCase());
  }
  get(name: string) {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string) {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string) {
    this.map.set(name.toLowerCase(), value);
  }
  entries() {
    return this.map.entries();
  }
  keys() {
    return this.map.keys();
  }
  values() {
    return this.map.values();
  }
  [Symbol.iterator]() {
    return this.map.entries();
  }
}

class BufferedResponse implements FetcherResponse {
  readonly headers: BufferedHeaders;
  readonly redirected = false;
  bodyUsed = false;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    headers: http.IncomingHttpHeaders,
    private readonly body: Buffer,
  ) {
    this.headers = new BufferedHeaders(headers);
  }
  get ok() {
    return this.status >= 200 && this.status < 300;
  }
  async arrayBuffer() {
    this.bodyUsed = true;
    return this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength) as ArrayBuffer;
  }
  async text() {
    this.bodyUsed = true;
    return this.body.toString("utf8");
  }
  async json() {
    return JSON.parse(await this.text());
  }
  clone(): FetcherResponse {
    return new BufferedResponse(
      this.url,
      this.status,
      this.statusText,
      Object.fromEntries(this.headers.entries()),
      this.body,
    );
  }
}
