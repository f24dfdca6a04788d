import type { OrderStatus } from "../../prisma/generated/client";
import type { Database } from "../../core/db";
import type { Logger } from "../../core/logger";
import { isDatabaseUnavailable } from "../../core/errors";
import { createGroupCommit, type GroupCommit } from "../../core/group-commit";
import { integerField, stringField, WebhookError, type WebhookAnswer, type WebhookBody } from "../../core/webhooks";
import { changeBitrixStatuses, changeOrderStatus, type BitrixStatusChange, type StatusChangeResult } from "./lifecycle";

/** The internal operation the router forwards `POST /api/v1/webhooks/order-status-sync` to. */
export const ORDER_STATUS_OPERATION = "bitrix-order-status";

/** Bitrix status codes and ours (see CONTRACT.md). */
export const BITRIX_STATUS: Readonly<Record<string, OrderStatus>> = {
  N: "NEW",
  PD: "PAID",
  AP: "ACCEPTED",
  CO: "ASSEMBLED",
  DE: "IN_DELIVERY",
  F: "DELIVERED",
  RF: "CANCELLED",
  UN: "CANCELLED",
};

/** Bitrix user ids are numbers; some handlers send them as strings. Kept as text on the history row. */
function changedByIdField(body: WebhookBody): string | null {
  const value = body.changed_by_id;
  if (value === undefined || value === null || value === "") return null;
  if (typeof value === "number") return String(integerField(body, "changed_by_id"));
  if (typeof value === "string" && /^[A-Za-z0-9_.:@-]{1,64}$/.test(value.trim())) return value.trim();
  throw new WebhookError(
    400,
    'Field "changed_by_id" must be a non-negative integer or a short id string',
    "changed_by_id",
  );
}

export type BitrixStatusWriter = GroupCommit<BitrixStatusChange, StatusChangeResult>;

/**
 * Where the webhook's status changes are written, in shop BITRIX_SHOP_ID (the only shop Bitrix
 * may touch): group-committed, so that under load one statement (changeBitrixStatuses) carries
 * many changes, two at a time, each Bitrix order at most once per statement; when idle a change
 * is written at once. Each change still locks its order and appends its history row in the
 * same transaction as its update. A statement that fails for any reason but an unavailable
 * database is retried change by change, so one bad change cannot fail the others.
 */
export function createBitrixStatusWriter(db: Database, shopId: number): BitrixStatusWriter {
  const one = (change: BitrixStatusChange) =>
    db.write(
      shopId,
      (sql) =>
        changeOrderStatus(
          sql,
          shopId,
          { bitrixOrderId: change.bitrixOrderId },
          { status: change.status, notes: change.notes },
          { kind: "bitrix", changedById: change.changedById },
        ),
      { origin: "bitrix", autocommit: true },
    );
  return createGroupCommit({
    maxBatch: 50,
    maxInFlight: 2,
    key: (change) => change.bitrixOrderId,
    async write(batch) {
      if (batch.length === 1) return Promise.allSettled([one(batch[0])]);
      try {
        const results = await db.write(shopId, (sql) => changeBitrixStatuses(sql, shopId, batch), {
          origin: "bitrix",
          autocommit: true,
        });
        return results.map((value) => ({ status: "fulfilled", value }));
      } catch (error) {
        if (isDatabaseUnavailable(error)) throw error;
        return Promise.allSettled(batch.map(one));
      }
    },
  });
}

/**
 * Bitrix reports a status change of one of its orders. Validates the fields, maps the code,
 * and hands the change to the status writer (createBitrixStatusWriter: the lifecycle service
 * the GraphQL mutation uses, in shop BITRIX_SHOP_ID). Bitrix is the authority on status: moves
 * the panel would refuse are applied and noted on the history row.
 */
export async function orderStatusWebhook(
  body: WebhookBody,
  deps: { bitrixStatuses: BitrixStatusWriter; logger: Logger },
): Promise<WebhookAnswer> {
  const bitrixOrderId = integerField(body, "order_id", { required: true });
  const code = stringField(body, "status", { required: true, maxLength: 16 });
  const changedById = changedByIdField(body);
  const notes = stringField(body, "notes", { maxLength: 2000 })?.trim() || null;
  const status = BITRIX_STATUS[code.trim().toUpperCase()];
  if (!status) {
    throw new WebhookError(
      422,
      `Unknown status code "${code}"; known codes: ${Object.keys(BITRIX_STATUS).join(", ")}`,
      "status",
    );
  }
  const result = await deps.bitrixStatuses.submit({ bitrixOrderId, status, changedById, notes });
  switch (result.outcome) {
    case "not_found":
      return { status: 200, body: { status: "skipped", reason: "Order not found" } };
    case "unchanged":
      return { status: 200, body: { status: "unchanged", order_id: result.orderId } };
    case "changed":
      if (result.outOfOrder) {
        deps.logger.info(
          { orderId: result.orderId, from: result.oldStatus, to: result.newStatus },
          "applied an out-of-order status from Bitrix",
        );
      }
      return { status: 200, body: { status: "success", order_id: result.orderId } };
  }
}
