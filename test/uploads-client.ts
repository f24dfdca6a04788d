import http from "node:http";
import net from "node:net";
import { Readable } from "node:stream";
import type { TestStack } from "./harness";

/** Helpers of the upload tests and bench: the client's side of createUpload and the PUT. */

export const CREATE_UPLOAD = `mutation($input: CreateUploadInput!) {
  createUpload(input: $input) { id status uploadUrl uploadHeaders expiresAt purpose byteSize contentType }
}`;

export interface IssuedUpload {
  id: string;
  uploadUrl: string;
  uploadHeaders: Record<string, string>;
  status: string;
}

export async function createUpload(
  t: TestStack,
  token: string,
  purpose: "PRODUCT_IMAGE" | "ORDER_PHOTO",
  contentType: string,
  byteSize: number,
): Promise<IssuedUpload> {
  const result = await t.graphql(CREATE_UPLOAD, { input: { purpose, contentType, byteSize } }, { token });
  if (result.errors) throw new Error(`createUpload failed: ${JSON.stringify(result.errors)}`);
  return result.data.createUpload;
}

export interface PutAnswer {
  status: number;
  body: any;
  headers: http.IncomingHttpHeaders;
}

/**
 * PUTs a body with node:http, so an early answer (a refusal while the body is still being
 * sent) is read instead of lost to the closed socket.
 */
export function put(
  url: string,
  headers: Record<string, string | number>,
  body: Buffer | Readable,
): Promise<PutAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "PUT", headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // an S3 server answers XML
        }
        resolve({ status: response.statusCode ?? 0, body: parsed, headers: response.headers });
      });
    });
    request.on("error", reject);
    if (Buffer.isBuffer(body)) request.end(body);
    else body.pipe(request);
  });
}

/** PUTs a whole file as createUpload said. */
export function putUpload(upload: IssuedUpload, bytes: Buffer): Promise<PutAnswer> {
  return put(upload.uploadUrl, { ...upload.uploadHeaders, "content-length": bytes.length }, bytes);
}

/** A free TCP port, so the stack's public URL (PUBLIC_URL) can be known before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}
