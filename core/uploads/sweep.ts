import type { UploadPurpose } from "../../prisma/generated/client";
import { originalKey, type StoredVariant } from "./keys";
import { deleteStored, type UploadDeps } from "./service";

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

/** Runs the sweep every `sweepMs` in the background workers' process. */
export function startUploadSweeper(deps: UploadDeps): { stop(): Promise<void> } {
  const every = deps.config.uploads.sweepMs;
  if (every <= 0) return { stop: async () => undefined };
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = sweepUploads(deps).catch((error) => deps.logger.error({ err: error }, "upload sweep failed"));
  }, every);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
