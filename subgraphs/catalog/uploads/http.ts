import type http from "node:http";
import { pipeline } from "node:stream/promises";
import { pathOf, searchOf, sendJson } from "../../../core/http-server";
import { assertSafeKey } from "../../../core/storage/store";
import { isPublicKey, VARIANT_CONTENT_TYPE } from "../../../core/uploads/keys";
import { checkFileUrl, checkUploadUrl } from "../../../core/uploads/signed-urls";
import {
  beginReceiving,
  markRejected,
  receiveUpload,
  storeOf,
  UploadRefused,
  variantViews,
  type UploadDeps,
} from "../../../core/uploads/service";
import { uploadsTotal } from "../../../core/uploads/metrics";

/**
 * The catalog's HTTP side of uploads, reached through the router's proxy on the public origin:
 * `PUT /uploads/<id>?shop&expires&signature` receives a file (local store), `GET /files/<key>`
 * serves a variant (public product images; order photos with a signed, expiring query).
 */
const UPLOAD_PATH = /^\/uploads\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function uploadRoutes(deps: UploadDeps): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  return (req, res) => {
    const pathname = pathOf(req);
    const upload = UPLOAD_PATH.exec(pathname);
    if (upload && req.method === "PUT") {
      void receive(deps, req, res, upload[1]);
      return true;
    }
    if (pathname.startsWith("/files/") && (req.method === "GET" || req.method === "HEAD")) {
      void serveFile(deps, req, res, pathname.slice("/files/".length));
      return true;
    }
    return false;
  };
}

/** Answers a refusal and closes the connection, so a client still sending learns at once. */
function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: Record<string, unknown>) {
  if (res.headersSent) return void res.destroy();
  res.setHeader("connection", "close");
  sendJson(res, status, body);
  req.resume();
}

async function receive(deps: UploadDeps, req: http.IncomingMessage, res: http.ServerResponse, uploadId: string) {
  try {
    const check = checkUploadUrl(deps.config.uploads.signingSecret, uploadId, new URLSearchParams(searchOf(req)));
    if (!check.ok)
      throw new UploadRefused(
        403,
        "bad_signature",
        "This upload URL is not valid; use the uploadUrl createUpload returned",
      );
    const upload = await beginReceiving(deps, check.shopId, uploadId);
    const announced = req.headers["content-length"];
    if (announced !== undefined && Number(announced) > upload.byteSize) {
      const refusal = new UploadRefused(
        413,
        "too_large",
        `Content-Length ${announced} is more than the ${upload.byteSize} bytes announced for this upload`,
      );
      await markRejected(deps, upload, refusal.reason, refusal.message);
      throw refusal;
    }
    const ready = await receiveUpload(deps, upload, req);
    sendJson(res, 200, {
      id: ready.id,
      status: ready.status,
      format: ready.format,
      variants: await variantViews(deps.config, ready),
    });
  } catch (error) {
    if (!(error instanceof UploadRefused)) {
      deps.logger.error({ err: error, uploadId }, "upload receive failed");
      return refuse(req, res, 500, { error: "The upload could not be received; try again" });
    }
    if (["bad_signature", "not_found", "already_received", "expired"].includes(error.reason))
      uploadsTotal.inc({ purpose: "unknown", outcome: `rejected_${error.reason}` });
    refuse(req, res, error.status, { error: error.message, reason: error.reason });
  }
}

const NOT_FOUND = { error: "No such file" };

async function serveFile(deps: UploadDeps, req: http.IncomingMessage, res: http.ServerResponse, key: string) {
  try {
    try {
      assertSafeKey(key);
    } catch {
      return sendJson(res, 404, NOT_FOUND);
    }
    if (!key.startsWith("public/") && !key.startsWith("private/")) return sendJson(res, 404, NOT_FOUND);
    let maxAge = 365 * 24 * 3600;
    if (!isPublicKey(key)) {
      const left = checkFileUrl(deps.config.uploads.signingSecret, key, new URLSearchParams(searchOf(req)));
      if (left === null)
        return sendJson(res, 403, {
          error: "This file needs a valid, unexpired signed URL; read the photo's url again",
        });
      maxAge = left;
    }
    const object = await storeOf(deps.config).get(key);
    if (!object) return sendJson(res, 404, NOT_FOUND);
    res.writeHead(200, {
      "content-type": VARIANT_CONTENT_TYPE,
      "content-length": object.size,
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'",
      // a key names one upload's variant, whose bytes never change
      "cache-control": `${isPublicKey(key) ? "public" : "private"}, max-age=${maxAge}, immutable`,
    });
    if (req.method === "HEAD") {
      object.body.destroy();
      return void res.end();
    }
    await pipeline(object.body, res);
  } catch (error) {
    deps.logger.error({ err: error, key }, "file read failed");
    if (!res.headersSent) sendJson(res, 500, { error: "The file could not be read" });
    else res.destroy();
  }
}
