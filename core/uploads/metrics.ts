import client from "prom-client";
import type { Database } from "../db";

/**
 * The uploads' instruments, in whichever process receives, processes or deletes uploads;
 * `registerUploadMetrics` puts them on a registry that /metrics serves.
 */
export const uploadsTotal = new client.Counter({
  name: "uploads_total",
  help: "Uploads by purpose and outcome: created, ready, attached, deleted, swept, or rejected_<reason> (not_an_image, svg, too_many_pixels, corrupt, too_large, incomplete, expired, already_received)",
  labelNames: ["purpose", "outcome"] as const,
  registers: [],
});

export const uploadProcessingSeconds = new client.Histogram({
  name: "upload_processing_seconds",
  help: "From the last byte of an upload to its variants stored (sniffing, decoding, resizing, writing)",
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5, 10],
  registers: [],
});

export function registerUploadMetrics(registry: client.Registry, db: Database) {
  registry.registerMetric(uploadsTotal);
  registry.registerMetric(uploadProcessingSeconds);
  registry.registerMetric(
    new client.Gauge({
      name: "upload_stored_bytes",
      help: "Bytes of image variants stored, by purpose, over all shops",
      labelNames: ["purpose"] as const,
      registers: [],
      async collect() {
        const { rows } = await db.pool.query<{ purpose: string; bytes: string }>(
          "select purpose, bytes from upload_stored_bytes()",
        );
        this.reset();
        for (const purpose of ["PRODUCT_IMAGE", "ORDER_PHOTO"])
          this.set({ purpose }, Number(rows.find((row) => row.purpose === purpose)?.bytes ?? 0));
      },
    }),
  );
}
