import type { Database } from "./db";
import type { Logger } from "./logger";
import { isDatabaseUnavailable } from "./errors";
import { createGroupCommit } from "./group-commit";

/** One stored webhook delivery, as operators see it later. */
export interface DeliveryRecord {
  endpoint: string;
  /** request headers without any secret */
  headers: Record<string, string>;
  rawBody: string;
  statusCode: number;
  response: Record<string, unknown>;
  durationMs: number;
  /** the delivery this one replays, for operator replays */
  replayOf?: number | null;
}

export interface DeliveryLog {
  /** Stores the delivery; resolves to its id, or null when it could not be stored (logged). */
  record(entry: DeliveryRecord): Promise<number | null>;
  /** Writes whatever is pending; call before the pool closes. */
  flush(): Promise<void>;
}

/**
 * Group commit for the delivery log (core/group-commit.ts): a record is written at once when
 * nothing is being written, and records that arrive meanwhile go together in the next multi-row
 * INSERT. Under load the log costs a fraction of a round trip per delivery; when idle it adds
 * no delay. The answer to the sender never waits for it (its own change is committed first),
 * so a crash between the answer and the write loses the record, not the change.
 */
export function createDeliveryLog(db: Database, shopId: number, logger: Logger): DeliveryLog {
  const log = createGroupCommit<DeliveryRecord, number | null>({
    maxBatch: 50,
    maxInFlight: 1,
    async write(batch) {
      try {
        const rows = await db.write(
          shopId,
          (sql) =>
            sql<{ id: number }>(
              `insert into webhook_delivery (shop_id, endpoint, headers, raw_body, status_code, response, duration_ms, replay_of)
               select $1, endpoint, headers, raw_body, status_code, response, duration_ms, replay_of
               from unnest($2::text[], $3::jsonb[], $4::text[], $5::int[], $6::jsonb[], $7::float8[], $8::int[])
                 as batch(endpoint, headers, raw_body, status_code, response, duration_ms, replay_of)
               returning id`,
              [
                shopId,
                batch.map((entry) => entry.endpoint),
                batch.map((entry) => JSON.stringify(entry.headers)),
                batch.map((entry) => entry.rawBody.replace(/\u0000/g, "\uFFFD")),
                batch.map((entry) => entry.statusCode),
                batch.map((entry) => JSON.stringify(entry.response)),
                batch.map((entry) => entry.durationMs),
                batch.map((entry) => entry.replayOf ?? null),
              ],
            ),
          { autocommit: true },
        );
        // ids come from one sequence in row order
        const ids = rows.map((row) => row.id).sort((a, b) => a - b);
        return batch.map((_, index) => ({ status: "fulfilled", value: ids[index] ?? null }));
      } catch (error) {
        logger.warn(
          { count: batch.length, err: isDatabaseUnavailable(error) ? "database unavailable" : error },
          "webhook deliveries not recorded",
        );
        return batch.map(() => ({ status: "fulfilled", value: null }));
      }
    },
  });
  return {
    record: (entry) => log.submit(entry),
    flush: () => log.idle(),
  };
}
