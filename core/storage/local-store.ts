import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { assertSafeKey, type Store } from "./store";

/**
 * Objects as files under one folder. A put streams into a temporary file beside its target
 * and renames it into place once complete, so a half-written file never carries a key.
 */
export class LocalStore implements Store {
  readonly kind = "local" as const;
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private pathOf(key: string): string {
    return path.join(this.root, ...assertSafeKey(key).split("/"));
  }

  async put(key: string, body: Readable | Buffer): Promise<void> {
    const target = this.pathOf(key);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    const partial = `${target}.${crypto.randomBytes(6).toString("hex")}.part`;
    // opened before the bytes flow: a stream that opens lazily could create the file after a
    // body refused at its first chunk has already been cleaned up, leaving the .part behind
    const file = await fsp.open(partial, "wx");
    try {
      await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, file.createWriteStream());
      await fsp.rename(partial, target);
    } catch (error) {
      await fsp.rm(partial, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<{ body: Readable; size: number } | null> {
    const file = this.pathOf(key);
    const size = await this.size(key);
    return size === null ? null : { body: fs.createReadStream(file), size };
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await fsp.stat(this.pathOf(key))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const file = this.pathOf(key);
      await fsp.rm(file, { force: true });
      // empty folders go too, up to the root, so a deleted upload leaves nothing behind
      for (let dir = path.dirname(file); dir.startsWith(this.root + path.sep); dir = path.dirname(dir)) {
        if ((await fsp.readdir(dir).catch(() => ["?"])).length > 0) break;
        await fsp.rmdir(dir).catch(() => undefined);
      }
    }
  }

  async list(prefix: string): Promise<string[]> {
    const start = path.join(this.root, ...prefix.split("/").filter(Boolean));
    const entries = await fsp.readdir(start, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(this.root, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
      .sort();
  }

  async localFile(key: string): Promise<{ path: string; release(): Promise<void> } | null> {
    const file = this.pathOf(key);
    return (await this.size(key)) === null ? null : { path: file, release: async () => undefined };
  }
}
