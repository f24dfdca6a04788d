import { Transform, type Readable } from "node:stream";
import type { Config } from "../config";
import type { Database, SqlReader, Tx } from "../db";
import type { Logger } from "../logger";
import type { Viewer } from "../auth";
import type { Upload, UploadPurpose } from "../../prisma/generated/client";
import { badUserInput, conflict, forbidden, notFound } from "../errors";
import { requirePermission } from "../permissions";
import { createStore, type Store } from "../storage/store";
import { ImageRejected, makeVariants, sniffImage, type ImageFormat } from "./images";
import { isPublicKey, originalKey, variantKey, VARIANT_CONTENT_TYPE, type StoredVariant } from "./keys";
import { signedFileUrl, uploadUrl } from "./signed-urls";
import { uploadProcessingSeconds, uploadsTotal } from "./metrics";

/**
 * Photo uploads (docs/uploads.md). The upload row is shared infrastructure like the store:
 * it is created and received by the catalog, and consumed inside the attaching subgraph's own
 * transaction (catalog for product images, orders for order photos), so an attach is atomic.
 * After the bytes land, local or S3, one path (`processUpload`) sniffs, decodes and stores the
 * WebP variants, and deletes the original with its EXIF.
 */
export interface UploadDeps {
  config: Config;
  db: Database;
  logger: Logger;
}

const PURPOSES: readonly UploadPurpose[] = ["PRODUCT_IMAGE", "ORDER_PHOTO"];
const ANNOUNCED_TYPES = new Set(["image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"]);

const stores = new WeakMap<Config["uploads"], Store>();
/** One store per process (per configuration, as tests run several stacks). */
export function storeOf(config: Config): Store {
  let store = stores.get(config.uploads);
  if (!store) stores.set(config.uploads, (store = createStore(config.uploads)));
  return store;
}

export interface CreateUploadInput {
  purpose: UploadPurpose;
  contentType: string;
  byteSize: number;
}

export interface IssuedUpload {
  upload: Upload;
  uploadUrl: string;
  uploadHeaders: Record<string, string>;
}

function checkInput(config: Config, input: CreateUploadInput): string {
  if (!PURPOSES.includes(input.purpose)) throw badUserInput(`purpose must be one of ${PURPOSES.join(", ")}`, "purpose");
  const contentType = input.contentType.trim().toLowerCase();
  if (!ANNOUNCED_TYPES.has(contentType)) {
    throw badUserInput(
      `contentType must be one of ${[...ANNOUNCED_TYPES].join(", ")} (SVG and other formats are not accepted)`,
      "contentType",
    );
  }
  const max = config.uploads.maxBytes;
  if (!Number.isInteger(input.byteSize) || input.byteSize < 1 || input.byteSize > max) {
    throw badUserInput(`byteSize must be between 1 and ${max} bytes (15 MB), got ${input.byteSize}`, "byteSize");
  }
  return contentType;
}

export async function createUpload(deps: UploadDeps, viewer: Viewer, input: CreateUploadInput): Promise<IssuedUpload> {
  requirePermission(viewer, input.purpose === "PRODUCT_IMAGE" ? "catalog.write" : "order.annotate");
  const contentType = checkInput(deps.config, input);
  const settings = deps.config.uploads;
  const expiresAt = new Date(Date.now() + settings.urlTtlSeconds * 1000);
  const upload = await deps.db.withTenant(viewer.shopId, (tx) =>
    tx.upload.create({
      data: {
        shopId: viewer.shopId,
        createdBy: viewer.userId,
        purpose: input.purpose,
        contentType,
        byteSize: input.byteSize,
        expiresAt,
      },
    }),
  );
  uploadsTotal.inc({ purpose: upload.purpose, outcome: "created" });
  const store = storeOf(deps.config);
  if (store.presignPut) {
    const signed = await store.presignPut(originalKey(upload.shopId, upload.id), {
      contentType,
      contentLength: upload.byteSize,
      expiresIn: settings.urlTtlSeconds,
    });
    return { upload, uploadUrl: signed.url, uploadHeaders: signed.headers };
  }
  return {
    upload,
    uploadUrl: uploadUrl(settings.publicUrl, settings.signingSecret, upload.shopId, upload.id, expiresAt),
    uploadHeaders: { "content-type": contentType },
  };
}

/** Why an upload was refused, for the client and the metrics. */
export class UploadRefused extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Takes the upload for receiving (PENDING → RECEIVING) in one statement, so a second PUT, a
 * PUT after expiry or a PUT for another shop is refused before a byte is read.
 */
export async function beginReceiving(deps: UploadDeps, shopId: number, uploadId: string): Promise<Upload> {
  return deps.db.withTenant(shopId, async (tx) => {
    const taken = await tx.upload.updateManyAndReturn({
      where: { id: uploadId, shopId, status: "PENDING", expiresAt: { gt: new Date() } },
      data: { status: "RECEIVING", receivedAt: new Date() },
    });
    if (taken[0]) return taken[0];
    const upload = await tx.upload.findFirst({ where: { id: uploadId, shopId } });
    if (!upload) throw new UploadRefused(404, "not_found", `Upload ${uploadId} was not found`);
    if (upload.status !== "PENDING")
      throw new UploadRefused(
        409,
        "already_received",
        `Upload ${uploadId} was already sent; create a new upload to send another file`,
      );
    throw new UploadRefused(
      410,
      "expired",
      `Upload ${uploadId} expired at ${upload.expiresAt.toISOString()}; create a new upload`,
    );
  });
}

/** Passes bytes through, failing the stream as soon as more than `limit` have come. */
function limitBytes(limit: number, onCount: (count: number) => void) {
  let count = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      count += chunk.length;
      onCount(count);
      if (count > limit)
        callback(new UploadRefused(413, "too_large", `More bytes than the ${limit} announced for this upload`));
      else callback(null, chunk);
    },
  });
}

/**
 * Streams a PUT's body into the store under the upload's original key and processes it. The
 * body is never held whole: it flows through a byte counter that cuts it off past the announced
 * size. Any refusal leaves nothing behind and marks the upload REJECTED.
 */
export async function receiveUpload(deps: UploadDeps, upload: Upload, body: Readable): Promise<Upload> {
  const store = storeOf(deps.config);
  const key = originalKey(upload.shopId, upload.id);
  let received = 0;
  try {
    await store.put(
      key,
      body.pipe(limitBytes(upload.byteSize, (count) => (received = count))).on("error", () => undefined),
      { contentType: upload.contentType },
    );
    if (received !== upload.byteSize) {
      throw new UploadRefused(
        400,
        "incomplete",
        `Received ${received} bytes of the ${upload.byteSize} announced; create a new upload and send the whole file`,
      );
    }
  } catch (error) {
    body.resume();
    const refusal =
      error instanceof UploadRefused
        ? error
        : new UploadRefused(
            400,
            "incomplete",
            "The upload was interrupted; create a new upload and send the file again",
          );
    await store.delete([key]);
    await markRejected(deps, upload, refusal.reason, refusal.message);
    throw refusal;
  }
  return processUpload(deps, upload);
}

/** Marks the upload REJECTED with the reason the client is told; counted by reason. */
export async function markRejected(deps: UploadDeps, upload: Upload, reason: string, message: string) {
  uploadsTotal.inc({ purpose: upload.purpose, outcome: `rejected_${reason}` });
  await deps.db.withTenant(upload.shopId, (tx) =>
    tx.upload.update({ where: { id: upload.id }, data: { status: "REJECTED", rejection: message } }),
  );
}

async function readHead(store: Store, key: string): Promise<Buffer> {
  const object = await store.get(key);
  if (!object) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of object.body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= 64) break;
  }
  object.body.destroy();
  return Buffer.concat(chunks).subarray(0, 64);
}

function formatOf(head: Buffer): ImageFormat {
  const format = sniffImage(head);
  if (format === "svg")
    throw new ImageRejected(
      "svg",
      "SVG images are not accepted (they can carry scripts); send a JPEG, PNG, WebP or HEIC photo",
    );
  if (!format)
    throw new ImageRejected(
      "not_an_image",
      "The file is not a JPEG, PNG, WebP or HEIC image, whatever its name or Content-Type say",
    );
  return format;
}

/** The variants of the upload's original, written to the store; the original is then deleted. */
async function storeVariants(store: Store, upload: Upload, format: ImageFormat): Promise<StoredVariant[]> {
  const file = await store.localFile(originalKey(upload.shopId, upload.id));
  if (!file)
    throw new UploadRefused(
      409,
      "not_received",
      `Upload ${upload.id} has no bytes yet; PUT the file to its uploadUrl first`,
    );
  const written: string[] = [];
  try {
    const variants = await makeVariants(file.path, format);
    const stored: StoredVariant[] = [];
    for (const variant of variants) {
      const key = variantKey(upload.purpose, upload.shopId, upload.id, variant.name);
      await store.put(key, variant.data, { contentType: VARIANT_CONTENT_TYPE });
      written.push(key);
      stored.push({
        name: variant.name,
        key,
        width: variant.width,
        height: variant.height,
        bytes: variant.data.length,
      });
    }
    return stored;
  } catch (error) {
    await store.delete(written);
    throw error;
  } finally {
    await file.release();
  }
}

/**
 * The one path after an upload's bytes have landed, whichever the store: sniff the content,
 * make and store the variants, delete the original (and its EXIF), mark the upload READY; or
 * REJECTED with nothing left behind.
 */
export async function processUpload(deps: UploadDeps, upload: Upload): Promise<Upload> {
  const store = storeOf(deps.config);
  const started = process.hrtime.bigint();
  const original = originalKey(upload.shopId, upload.id);
  try {
    const format = formatOf(await readHead(store, original));
    const variants = await storeVariants(store, upload, format);
    await store.delete([original]);
    const ready = await deps.db.withTenant(upload.shopId, (tx) =>
      tx.upload.update({
        where: { id: upload.id },
        data: {
          status: "READY",
          format,
          variants: variants as object[],
          storedBytes: variants.reduce((sum, v) => sum + v.bytes, 0),
        },
      }),
    );
    uploadProcessingSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    uploadsTotal.inc({ purpose: upload.purpose, outcome: "ready" });
    return ready;
  } catch (error) {
    if (error instanceof UploadRefused && error.reason === "not_received") throw error;
    await store.delete([original]);
    if (!(error instanceof ImageRejected)) {
      deps.logger.error({ err: error, uploadId: upload.id }, "upload processing failed");
      await markRejected(deps, upload, "failed", "The image could not be stored; try again");
      throw new UploadRefused(503, "failed", "The image could not be stored; try again");
    }
    await markRejected(deps, upload, error.reason, error.message);
    throw new UploadRefused(422, error.reason, error.message);
  }
}

/** S3: the client PUT straight to the bucket, so its bytes are first seen here (PENDING → RECEIVING). */
async function receiveFromBucket(deps: UploadDeps, upload: Upload): Promise<Upload> {
  const store = storeOf(deps.config);
  const taken = await deps.db.withTenant(upload.shopId, (tx) =>
    tx.upload.updateManyAndReturn({
      where: { id: upload.id, status: "PENDING" },
      data: { status: "RECEIVING", receivedAt: new Date() },
    }),
  );
  if (!taken[0])
    throw conflict(`Upload ${upload.id} is being processed; try again in a moment`, { uploadId: upload.id });
  const size = await store.size(originalKey(upload.shopId, upload.id));
  if (size === null) {
    await deps.db.withTenant(upload.shopId, (tx) =>
      tx.upload.update({ where: { id: upload.id }, data: { status: "PENDING", receivedAt: null } }),
    );
    throw conflict(`Upload ${upload.id} has no bytes yet; PUT the file to its uploadUrl first`, {
      uploadId: upload.id,
    });
  }
  if (size !== upload.byteSize) {
    await store.delete([originalKey(upload.shopId, upload.id)]);
    await markRejected(deps, upload, "incomplete", `Received ${size} bytes, ${upload.byteSize} were announced`);
    throw badUserInput(
      `Upload ${upload.id} received ${size} bytes, ${upload.byteSize} were announced; create a new upload`,
      "uploadId",
    );
  }
  return processUpload(deps, taken[0]);
}

/**
 * The caller's READY upload for `purpose`, or a coded error: another shop's upload does not
 * exist here (NOT_FOUND), another user's is FORBIDDEN, a refused one is BAD_USER_INPUT with
 * its reason. An upload whose bytes went straight to the bucket is processed now.
 */
export async function readyUpload(
  deps: UploadDeps,
  viewer: Viewer,
  uploadId: string,
  purpose: UploadPurpose,
): Promise<Upload> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uploadId))
    throw badUserInput("uploadId is not an upload id", "uploadId");
  let upload = await deps.db.withTenant(viewer.shopId, (tx) =>
    tx.upload.findFirst({ where: { id: uploadId, shopId: viewer.shopId } }),
  );
  if (!upload) throw notFound("Upload", uploadId);
  if (upload.createdBy !== viewer.userId)
    throw forbidden(`Upload ${uploadId} belongs to another user; only the user who created an upload may attach it`);
  if (upload.purpose !== purpose)
    throw badUserInput(`Upload ${uploadId} was created for ${upload.purpose}, not ${purpose}`, "uploadId");
  if (upload.attachedAt) throw conflict(`Upload ${uploadId} is already attached; create a new upload`, { uploadId });
  if (upload.status === "PENDING" && storeOf(deps.config).presignPut) {
    try {
      upload = await receiveFromBucket(deps, upload);
    } catch (error) {
      if (error instanceof UploadRefused) throw badUserInput(error.message, "uploadId", { reason: error.reason });
      throw error;
    }
  }
  if (upload.status === "REJECTED")
    throw badUserInput(`Upload ${uploadId} was refused: ${upload.rejection ?? "not an acceptable image"}`, "uploadId");
  if (upload.status === "PENDING")
    throw conflict(`Upload ${uploadId} has no bytes yet; PUT the file to its uploadUrl first`, { uploadId });
  if (upload.status === "RECEIVING")
    throw conflict(`Upload ${uploadId} is still being received or processed; try again in a moment`, { uploadId });
  return upload;
}

/** Marks the upload attached inside the attaching transaction; a concurrent second attach gets CONFLICT. */
export async function claimUpload(tx: Tx, shopId: number, uploadId: string): Promise<void> {
  const claimed = await tx.upload.updateMany({
    where: { id: uploadId, shopId, status: "READY", attachedAt: null },
    data: { attachedAt: new Date() },
  });
  if (claimed.count !== 1) throw conflict(`Upload ${uploadId} is already attached; create a new upload`, { uploadId });
}

/** Deletes the upload row inside the transaction that deletes its image or photo; returns the keys to delete once it commits. */
export async function releaseUpload(
  tx: Tx,
  shopId: number,
  uploadId: string,
): Promise<{ purpose: UploadPurpose; keys: string[] }> {
  const upload = await tx.upload.delete({ where: { id: uploadId, shopId } });
  return { purpose: upload.purpose, keys: [...variantsOf(upload).map((v) => v.key), originalKey(shopId, uploadId)] };
}

/** Frees the storage of released uploads, after their transaction committed. */
export async function deleteStored(
  deps: UploadDeps,
  released: { purpose: UploadPurpose; keys: string[] } | null,
  outcome = "deleted",
): Promise<void> {
  if (!released) return;
  try {
    await storeOf(deps.config).delete(released.keys);
    uploadsTotal.inc({ purpose: released.purpose, outcome });
  } catch (error) {
    deps.logger.error({ err: error, keys: released.keys }, "could not delete stored upload files");
  }
}

export function variantsOf(upload: Pick<Upload, "variants">): StoredVariant[] {
  return Array.isArray(upload.variants) ? (upload.variants as unknown as StoredVariant[]) : [];
}

export interface VariantView {
  name: string;
  url: string;
  width: number;
  height: number;
  contentType: string;
  byteSize: number;
  /** when a signed URL stops working; null for public URLs */
  expiresAt: Date | null;
}

/** The URL clients read a variant at: public for product images, signed and expiring for order photos. */
export async function variantUrl(
  config: Config,
  variant: StoredVariant,
): Promise<{ url: string; expiresAt: Date | null }> {
  const store = storeOf(config);
  const settings = config.uploads;
  if (isPublicKey(variant.key))
    return { url: store.publicUrl?.(variant.key) ?? `${settings.publicUrl}/files/${variant.key}`, expiresAt: null };
  if (store.presignGet) {
    return {
      url: await store.presignGet(variant.key, settings.readUrlTtlSeconds),
      expiresAt: new Date(Date.now() + settings.readUrlTtlSeconds * 1000),
    };
  }
  return signedFileUrl(settings.publicUrl, settings.signingSecret, variant.key, settings.readUrlTtlSeconds);
}

export async function variantViews(config: Config, upload: Pick<Upload, "variants">): Promise<VariantView[]> {
  return Promise.all(
    variantsOf(upload).map(async (variant) => ({
      name: variant.name,
      width: variant.width,
      height: variant.height,
      contentType: VARIANT_CONTENT_TYPE,
      byteSize: variant.bytes,
      ...(await variantUrl(config, variant)),
    })),
  );
}

/** Uploads by id in the caller's shop (per-request loaders of both subgraphs). */
export function findUploads(sql: SqlReader, ids: readonly string[], shopId: number) {
  return sql<Pick<Upload, "id" | "variants">>(
    `select id::text, variants from upload where shop_id = $1 and id = any($2::uuid[])`,
    [shopId, ids],
  );
}

/**
 * What an attach mutation was given: an upload or a URL, as flat arguments or as `input`
 * (both forms are accepted). Exactly one of the two.
 */
export function photoSource(
  args: { url?: string | null; uploadId?: string | number | null },
  input?: { url?: string | null; uploadId?: string | number | null } | null,
): { url: string } | { uploadId: string } {
  const url = args.url ?? input?.url ?? null;
  const uploadId = args.uploadId ?? input?.uploadId ?? null;
  if (uploadId !== null && url === null) return { uploadId: String(uploadId) };
  if (url !== null && uploadId === null) return { url };
  throw badUserInput("Give either uploadId (an upload from createUpload) or url, not both and not neither", "uploadId");
}
