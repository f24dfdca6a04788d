import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpClient, IDLE_SOCKET_MS, SUBGRAPH_KEEP_ALIVE_MS } from "./http-client";

/** A real HTTP server that answers after `delayMs`, echoing what it received. */
async function startEcho(): Promise<{
  url: string;
  sockets: Set<unknown>;
  delayMs: { value: number };
  close(): Promise<void>;
}> {
  const sockets = new Set<unknown>();
  const delayMs = { value: 0 };
  const server = http.createServer((req, res) => {
    sockets.add(req.socket);
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () =>
      setTimeout(() => {
        const status = req.url === "/fail" ? 400 : 200;
        res.writeHead(status, { "content-type": "application/json", "x-echo": "yes" });
        res.end(
          JSON.stringify({
            method: req.method,
            body,
            signature: req.headers["x-signature"] ?? null,
            length: req.headers["content-length"] ?? null,
            chunked: req.headers["transfer-encoding"] === "chunked",
          }),
        );
      }, delayMs.value),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sockets,
    delayMs,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("the keep-alive HTTP client (router → subgraphs, relay → Bitrix)", () => {
  let echo: Awaited<ReturnType<typeof startEcho>>;
  const fetcher = createHttpClient({ timeoutMs: 300 });

  beforeAll(async () => {
    echo = await startEcho();
  });
  afterAll(async () => {
    fetcher.close();
    await echo.close();
  });

  it("sends method, headers and body, and answers status, headers and the JSON body", async () => {
    const response = await fetcher(`${echo.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-signature": "signed" },
      body: '{"query":"{ a }"}',
    });
    expect(response.ok).toBe(true);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(response.headers.get("x-echo")).toBe("yes");
    // with its length: no chunked encoding, headers and body in one write
    expect(await response.json()).toEqual({
      method: "POST",
      body: '{"query":"{ a }"}',
      signature: "signed",
      length: "17",
      chunked: false,
    });
  });

  it("hands a failed answer over with its status and body (the gateway turns it into an error)", async () => {
    const response = await fetcher(`${echo.url}/fail`, { method: "POST", body: "{}" });
    expect(response.ok).toBe(false);
    expect(response.status).toBe(400);
    expect(JSON.parse(await response.clone().text())).toMatchObject({ body: "{}" });
    const unicode = await fetcher(`${echo.url}/graphql`, { method: "POST", body: '{"q":"роза"}' });
    expect(await unicode.json()).toMatchObject({
      body: '{"q":"роза"}',
      length: String(Buffer.byteLength('{"q":"роза"}')),
    });
  });

  it("keeps connections alive: sequential calls reuse one socket", async () => {
    echo.sockets.clear();
    for (let i = 0; i < 5; i++) await fetcher(`${echo.url}/graphql`, { method: "POST", body: "{}" });
    expect(echo.sockets.size).toBe(1);
  });

  it("gives up on a subgraph that does not answer in time", async () => {
    echo.delayMs.value = 1_000;
    try {
      await expect(fetcher(`${echo.url}/graphql`, { method: "POST", body: "{}" })).rejects.toThrow(
        /did not answer within 300 ms/,
      );
    } finally {
      echo.delayMs.value = 0;
    }
  });

  it("aborts a call in flight when its signal fires, and refuses one already aborted", async () => {
    echo.delayMs.value = 1_000;
    try {
      const abort = new AbortController();
      const started = Date.now();
      const call = fetcher(`${echo.url}/graphql`, { method: "PUT", body: "{}", signal: abort.signal as never });
      setTimeout(() => abort.abort(new DOMException("stopping", "AbortError")), 50);
      await expect(call).rejects.toThrow(/stopping/);
      expect(Date.now() - started).toBeLessThan(900);
      await expect(
        fetcher(`${echo.url}/graphql`, {
          method: "PUT",
          body: "{}",
          signal: AbortSignal.abort(new Error("already gone")) as never,
        }),
      ).rejects.toThrow(/already gone/);
    } finally {
      echo.delayMs.value = 0;
    }
  });

  it("rejects when nothing listens, and refuses URLs that are not http(s)", async () => {
    const closed = await startEcho();
    await closed.close();
    await expect(fetcher(`${closed.url}/graphql`, { method: "POST", body: "{}" })).rejects.toThrow(/ECONNREFUSED/);
    await expect(fetcher("ftp://127.0.0.1/graphql", { method: "POST" })).rejects.toThrow(/neither http nor https/);
  });
});

describe("idle keep-alive sockets", () => {
  it("are closed by the client before the server's keep-alive timeout, so no call goes out on a socket the server is closing", async () => {
    const closedByClient: boolean[] = [];
    const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      req.socket.once("end", () => closedByClient.push(true));
      res.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const fetcher = createHttpClient({ timeoutMs: 5_000, idleSocketMs: 100 });
    try {
      await fetcher(url, { method: "POST", body: "{}" });
      // the client's FIN reaches the server: it, not the server, ended the idle socket
      while (closedByClient.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await fetcher(url, { method: "POST", body: "{}" })).status).toBe(200);
    } finally {
      fetcher.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("our subgraphs keep an idle socket far longer than callers do", () => {
    expect(SUBGRAPH_KEEP_ALIVE_MS).toBeGreaterThanOrEqual(10 * IDLE_SOCKET_MS);
  });
});
