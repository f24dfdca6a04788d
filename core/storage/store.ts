import type { Readable } from "node:stream";
import type { UploadsConfig } from "../config";
import { LocalStore } from "./local-store";
import { S3Store } from "./s3-store";

/**
 * Where upload bytes live: a folder on local disk (`npm start`, a docker volume) or an
 * S3-compatible bucket (R2, MinIO, AWS). Keys are slash-separated paths such as
 * `public/17008/<upload id>/large.webp`; everything above the store (receiving, processing,
 * serving, deleting) is the same code for both.
 */
export interface Store {
  readonly kind: "local" | "s3";
  /** Streams `body` into `key`; on any error nothing is left under the key. */
  put(key: string, body: Readable | Buffer, options: { contentType: string }): Promise<void>;
  /** The object's bytes as a stream and its size, or null when there is none. */
  get(key: string): Promise<{ body: Readable; size: number } | null>;
  /** The object's size, or null when there is none. */
  size(key: string): Promise<number | null>;
  /** Deletes the keys; a missing key is not an error. */
  delete(keys: readonly string[]): Promise<void>;
  /** Every key under a prefix (tests and the operator's checks). */
  list(prefix: string): Promise<string[]>;
  /** A file on local disk holding the object's bytes, for image processing; `release` cleans up. */
  localFile(key: string): Promise<{ path: string; release(): Promise<void> } | null>;
  /** S3 only: a URL the client PUTs the bytes to directly, valid for `expiresIn` seconds. */
  presignPut?(
    key: string,
    options: { contentType: string; contentLength: number; expiresIn: number },
  ): Promise<{ url: string; headers: Record<string, string> }>;
  /** S3 only: a GET URL valid for `expiresIn` seconds. */
  presignGet?(key: string, expiresIn: number): Promise<string>;
  /** S3 with S3_PUBLIC_URL only: the public (CDN) URL of a key. */
  publicUrl?(key: string): string | null;
}

/** A key made of safe path segments only: no "..", no absolute paths, no odd characters. */
export function assertSafeKey(key: string): string {
  if (!/^[a-z]+(\/[A-Za-z0-9][A-Za-z0-9._-]{0,99}){1,6}$/.test(key) || key.includes(".."))
    throw new Error(`not a storage key: ${key}`);
  return key;
}

export function createStore(config: UploadsConfig): Store {
  return config.s3 ? new S3Store(config.s3) : new LocalStore(config.dir);
}
