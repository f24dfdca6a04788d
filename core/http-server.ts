import type http from "node:http";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";

/**
 * The hot HTTP paths on the bare `node:http` request: GraphQL (what `expressMiddleware` does)
 * and the Bitrix webhooks, without express's per-request router, `res.send` (ETag hashing of
 * every answer) and body-parser. On those paths (every subgraph fetch, every router request,
 * every webhook) that plumbing cost more CPU than the work it wrapped.
 */

/** The request's path, without its query string. */
export function pathOf(req: http.IncomingMessage): string {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}

/** The request's query string with its "?", or "". */
export function searchOf(req: http.IncomingMessage): string {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  return query < 0 ? "" : url.slice(query);
}

/** One header's value (the first, when it was sent twice); `name` in lower case. */
export function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the whole body, refusing (413) one over `limitBytes` before reading it all. */
export async function readBody(req: http.IncomingMessage, limitBytes: number): Promise<Buffer> {
  const tooLarge = () => {
    req.resume();
    return new BodyError(413, `The request body is too large: at most ${limitBytes} bytes`);
  };
  if (Number(req.headers["content-length"] ?? 0) > limitBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

/** Reads a JSON body of at most `limitBytes`; `undefined` when the request has no (JSON) body. */
export async function readJsonBody(req: http.IncomingMessage, limitBytes: number): Promise<unknown> {
  const raw = await readBody(req, limitBytes);
  if (raw.length === 0) return undefined;
  const type = req.headers["content-type"] ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new BodyError(400, "The request body is not valid JSON");
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** Runs one GraphQL HTTP request through Apollo Server and writes its answer. */
export async function serveGraphQL<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: unknown,
  context: () => Promise<TContext>,
) {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: (req.method ?? "GET").toUpperCase(), headers, search: searchOf(req), body },
    context,
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === "complete") {
    res.setHeader("content-length", Buffer.byteLength(response.body.string));
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}
