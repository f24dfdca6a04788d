import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { S3Config } from "../config";
import { assertSafeKey, type Store } from "./store";

function isMissing(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.$metadata.httpStatusCode === 404 || error.name === "NoSuchKey" || error.name === "NotFound")
  );
}

/**
 * Objects in an S3-compatible bucket through the official client. Clients PUT originals
 * straight to the bucket with a presigned URL whose signature covers the content type and
 * length, so the bucket itself refuses another size; processing reads the original into a
 * temporary file and writes the variants back.
 */
export class S3Store implements Store {
  readonly kind = "s3" as const;
  readonly client: S3Client;

  constructor(private readonly config: S3Config) {
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials:
        config.accessKeyId && config.secretAccessKey
          ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
          : undefined,
      // R2 and most S3-compatible servers do not take the newer default checksums
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  async put(key: string, body: Readable | Buffer, options: { contentType: string }): Promise<void> {
    // variants are small buffers; a stream of unknown length would need a multipart upload
    const bytes = Buffer.isBuffer(body) ? body : Buffer.concat(await body.toArray());
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: assertSafeKey(key),
        Body: bytes,
        ContentType: options.contentType,
      }),
    );
  }

  async get(key: string): Promise<{ body: Readable; size: number } | null> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: assertSafeKey(key) }),
      );
      return { body: object.Body as Readable, size: Number(object.ContentLength ?? 0) };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async size(key: string): Promise<number | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.config.bucket, Key: assertSafeKey(key) }),
      );
      return Number(head.ContentLength ?? 0);
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.client.send(
      new DeleteObjectsCommand({
        Bucket: this.config.bucket,
        Delete: { Objects: keys.map((key) => ({ Key: assertSafeKey(key) })), Quiet: true },
      }),
    );
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).map((object) => object.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async localFile(key: string): Promise<{ path: string; release(): Promise<void> } | null> {
    const object = await this.get(key);
    if (!object) return null;
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "cvety-upload-"));
    const file = path.join(dir, crypto.randomBytes(6).toString("hex"));
    const release = () => fsp.rm(dir, { recursive: true, force: true });
    try {
      await pipeline(object.body, fs.createWriteStream(file));
    } catch (error) {
      await release();
      throw error;
    }
    return { path: file, release };
  }

  async presignPut(key: string, options: { contentType: string; contentLength: number; expiresIn: number }) {
    const command = new PutObjectCommand({
      Bucket: this.config.bucket,
      Key: assertSafeKey(key),
      ContentType: options.contentType,
      ContentLength: options.contentLength,
    });
    const url = await getSignedUrl(this.client, command, {
      expiresIn: options.expiresIn,
      signableHeaders: new Set(["content-type", "content-length"]),
    });
    return { url, headers: { "content-type": options.contentType } };
  }

  presignGet(key: string, expiresIn: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.config.bucket, Key: assertSafeKey(key) }), {
      expiresIn,
    });
  }

  publicUrl(key: string): string | null {
    return this.config.publicUrl ? `${this.config.publicUrl}/${assertSafeKey(key)}` : null;
  }
}
