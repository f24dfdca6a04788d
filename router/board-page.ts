import fs from "node:fs/promises";
import path from "node:path";
import zlib from "node:zlib";
import crypto from "node:crypto";
import express, { type Request, type Response } from "express";
import { build } from "esbuild";
import type { Logger } from "../core/logger";

/**
 * GET /board: the live order board page (board/), built from its TypeScript sources with
 * esbuild into memory on the first request of a process, so nothing built is committed and a
 * fresh clone serves it. Everything it loads comes from this origin, under a strict CSP.
 */
export const BOARD_PATH = "/board";
const PAGE_DIR = path.join(__dirname, "..", "board");

export interface BoardAsset {
  body: Buffer;
  gzip: Buffer;
  type: string;
  etag: string;
}

/** The page's files by path: /board, /board/app.js, /board/app.css. */
export type BoardAssets = Map<string, BoardAsset>;

function asset(body: Buffer, type: string): BoardAsset {
  const etag = `"${crypto.createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
  return { body, gzip: zlib.gzipSync(body, { level: 9 }), type, etag };
}

/** Bundles and minifies the page's script and stylesheet (about 100 ms). */
export async function buildBoardAssets(): Promise<BoardAssets> {
  const result = await build({
    entryPoints: { app: path.join(PAGE_DIR, "src/main.ts"), "app-style": path.join(PAGE_DIR, "src/board.css") },
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    target: ["chrome100", "firefox100", "safari15"],
    loader: { ".graphql": "text" },
    outdir: "out",
    legalComments: "none",
    logLevel: "silent",
  });
  const output = (name: string) => {
    const file = result.outputFiles.find((candidate) => path.basename(candidate.path) === name);
    if (!file) throw new Error(`esbuild produced no ${name}`);
    return Buffer.from(file.contents);
  };
  const html = await fs.readFile(path.join(PAGE_DIR, "index.html"));
  return new Map([
    [BOARD_PATH, asset(html, "text/html; charset=utf-8")],
    [`${BOARD_PATH}/app.js`, asset(output("app.js"), "text/javascript; charset=utf-8")],
    [`${BOARD_PATH}/app.css`, asset(output("app-style.css"), "text/css; charset=utf-8")],
  ]);
}

let built: Promise<BoardAssets> | null = null;

/** The assets, built once per process; a failed build is tried again on the next request. */
export function boardAssets(): Promise<BoardAssets> {
  built ??= buildBoardAssets().catch((error: unknown) => {
    built = null;
    throw error;
  });
  return built;
}

const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * Scripts, styles and images from this origin only (images also over https: photos may live in
 * the shop's object storage), the socket to this host, no frames, no plugins, no forms elsewhere.
 * `connect-src 'self'` covers ws: in current browsers; the host is named for older ones.
 */
export function boardContentSecurityPolicy(host: string | undefined, filesOrigin?: string): string {
  const sockets = host && HOST.test(host) ? ` ws://${host} wss://${host}` : "";
  // uploaded photos are served from PUBLIC_URL, which may name this origin differently (localhost vs 127.0.0.1)
  const files = filesOrigin && filesOrigin.startsWith("http:") ? ` ${filesOrigin}` : "";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' https:${files}`,
    `connect-src 'self'${sockets}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function send(req: Request, res: Response, file: BoardAsset, filesOrigin: string | undefined): void {
  res.setHeader("content-type", file.type);
  res.setHeader("cache-control", "no-cache");
  res.setHeader("etag", file.etag);
  res.setHeader("vary", "accept-encoding");
  res.setHeader("content-security-policy", boardContentSecurityPolicy(req.headers.host, filesOrigin));
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("referrer-policy", "no-referrer");
  if (req.headers["if-none-match"] === file.etag) {
    res.status(304).end();
    return;
  }
  const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
  if (gzip) res.setHeader("content-encoding", "gzip");
  res.status(200).end(req.method === "HEAD" ? undefined : gzip ? file.gzip : file.body);
}

/** `publicUrl`: PUBLIC_URL, where uploaded photos are served (its origin may show images). */
export function boardPage(logger: Logger, publicUrl?: string): express.Router {
  const filesOrigin = publicUrl ? new URL(publicUrl).origin : undefined;
  const router = express.Router({ strict: true });
  router.get([BOARD_PATH, `${BOARD_PATH}/app.js`, `${BOARD_PATH}/app.css`], async (req, res) => {
    let assets: BoardAssets;
    try {
      assets = await boardAssets();
    } catch (error) {
      logger.error({ err: error }, "the board page failed to build");
      res.status(503).json({ error: "The board page is not available: its build failed (see the router's log)" });
      return;
    }
    send(req, res, assets.get(req.path)!, filesOrigin);
  });
  router.get(`${BOARD_PATH}/`, (_req, res) => res.redirect(301, BOARD_PATH));
  return router;
}
