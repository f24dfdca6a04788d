import http from "node:http";
import crypto from "node:crypto";
import { pipeline } from "node:stream/promises";
import type { Config } from "../core/config";
import type { Logger } from "../core/logger";
import { pathOf, sendJson } from "../core/http-server";
import { signViewer } from "../core/subgraph-signature";

/**
 * Upload PUTs and file GETs on the public origin, passed to the catalog subgraph that owns
 * them as streams: the router holds a socket buffer of an upload, never the upload, and knows
 * nothing of upload rules (core/uploads).
 */
export function isUploadRequest(req: http.IncomingMessage): boolean {
  const path = pathOf(req);
  return (
    (req.method === "PUT" && path.startsWith("/uploads/")) ||
    ((req.method === "GET" || req.method === "HEAD") && path.startsWith("/files/"))
  );
}

const FORWARDED_HEADERS = ["content-type", "content-length", "transfer-encoding", "user-agent", "if-none-match"];

export function createUploadProxy(
  config: Config,
  logger: Logger,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const catalog = new URL(config.subgraphUrls.catalog);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  return (req, res) => {
    const headers: Record<string, string> = signViewer(null, crypto.randomUUID(), config.subgraphSecret);
    for (const name of FORWARDED_HEADERS) {
      const value = req.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    const upstream = http.request({
      hostname: catalog.hostname,
      port: catalog.port,
      method: req.method,
      path: req.url,
      headers,
      agent,
    });
    upstream.on("response", (answer) => {
      const close = answer.headers.connection === "close";
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, connection: close ? "close" : "keep-alive" });
      pipeline(answer, res)
        .then(() => {
          // the catalog refused before the body ended: stop taking the client's bytes
          if (close && !req.complete) req.destroy();
        })
        .catch(() => req.destroy());
    });
    upstream.on("error", (error) => {
      logger.warn({ err: error.message }, "upload proxy: catalog unreachable or closed early");
      if (!res.headersSent) sendJson(res, 502, { error: "The file service is unavailable; try again shortly" });
    });
    pipeline(req, upstream).catch(() => undefined);
  };
}
