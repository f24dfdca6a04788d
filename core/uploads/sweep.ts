import type { UploadPurpose } from "../../prisma/generated/client";
import { originalKey, type StoredVariant } from "./keys";
import { deleteStored, storeOf, type UploadDeps } from "./service";

/**
 * Deletes uploads that were never attached within a day of their creation (pending, refused,
 * or ready and forgotten), with whatever they stored. `now` is injectable for tests.
 */
export async function sweepUploads(deps: UploadDeps, now: Date = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - deps.config.uploads.unattachedTtlSeconds * 1000);
  const { rows: shops } = await deps.db.pool.query<{ id: number }>("select id from known_shop_ids() as id");
  let swept = 0;
  for (const { id: shopId } of shops) {
    const removed = await deps.db.withTenant(
      shopId,
      (tx) => tx.$queryRaw<{ id: string; purpose: UploadPurpose; variants: StoredVariant[] }[]>`
        delete from upload where shop_id = ${shopId} and attached_at is null and created_at < ${cutoff}
        returning id::text, purpose, variants`,
      { origin: "system" },
    );
    for (const upload of removed) {
      await deleteStored(
        deps,
        { purpose: upload.purpose, keys: [...upload.variants.map((v) => v.key), originalKey(shopId, upload.id)] },
        "swept",
      );
    }
    swept += removed.length;
  }
  return swept;
}

/** incoming/<shop>/<upload>, public|private/<shop>/<upload>/<variant>.webp (keys.ts) */
const STORED_KEY = /^(?:incoming|public|private)\/(\d+)\/([0-9a-f-]{36})(?:\/|$)/;

/**
 * Deletes stored files whose upload row is gone: a crash between deleting a row and its files
 * (a removed image, a swept upload) would otherwise leave them for good. A file never precedes
 * its row (createUpload writes the row before it hands out the URL), so a file without one is
 * an orphan. Reads every key of the store: it runs with the sweep, not per request.
 */
export async function reconcileStoredFiles(deps: UploadDeps): Promise<number> {
  const store = storeOf(deps.config);
  const byShop = new Map<number, Map<string, string[]>>();
  for (const prefix of ["incoming/", "public/", "private/"]) {
    for (const key of await store.list(prefix)) {
      const match = STORED_KEY.exec(key);
      if (!match) continue;
      const uploads = byShop.get(Number(match[1])) ?? new Map<string, string[]>();
      uploads.set(match[2], [...(uploads.get(match[2]) ?? []), key]);
      byShop.set(Number(match[1]), uploads);
    }
  }
  let deleted = 0;
  for (const [shopId, uploads] of byShop) {
    const ids = [...uploads.keys()];
    const known = await deps.db.withTenant(
      shopId,
      (tx) =>
        tx.$queryRaw<
          { id: string }[]
        >`select id::text from upload where shop_id = ${shopId} and id = any(${ids}::uuid[])`,
      { origin: "system" },
    );
    const kept = new Set(known.map((row) => row.id));
    const orphans = ids.filter((id) => !kept.has(id)).flatMap((id) => uploads.get(id)!);
    if (orphans.length === 0) continue;
    await store.delete(orphans);
    deps.logger.warn({ shopId, files: orphans.length }, "deleted stored files whose upload is gone");
    deleted += orphans.length;
  }
  return deleted;
}

/** Runs the sweep every `sweepMs` in the background workers' process. */
export function startUploadSweeper(deps: UploadDeps): { stop(): Promise<void> } {
  const every = deps.config.uploads.sweepMs;
  if (every <= 0) return { stop: async () => undefined };
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = sweepUploads(deps)
      .then(() => reconcileStoredFiles(deps))
      .catch((error) => deps.logger.error({ err: error }, "upload sweep failed"));
  }, every);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
