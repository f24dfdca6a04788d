import type { TestStack } from "./harness";
import { TEST_WEBHOOK_SECRET } from "./harness";

/** Helpers for tests of orders, their lifecycle and the Bitrix status webhook. */

export const ORDER_STATUS_WEBHOOK = "/api/v1/webhooks/order-status-sync";

export interface OrderRow {
  id: number;
  status: string;
  bitrixOrderId: number | null;
}

export interface HistoryRow {
  id: bigint;
  oldStatus: string | null;
  newStatus: string;
  changedBy: string;
  changedById: string | null;
  notes: string | null;
  kind: string;
  previousHistoryId: bigint | null;
}

/**
 * Hands out seeded orders of a shop in a given status, each at most once per test file, so
 * tests that change orders never step on each other.
 */
export function orderPicker(t: () => TestStack) {
  const taken = new Set<number>();
  return async function pick(shopId: number, status: string): Promise<OrderRow> {
    const rows = await t().stack.db.withTenant(shopId, (tx) =>
      tx.order.findMany({
        where: { shopId, status: status as never },
        orderBy: { id: "asc" },
        select: { id: true, status: true, bitrixOrderId: true },
      }),
    );
    const row = rows.find((candidate) => !taken.has(candidate.id));
    if (!row) throw new Error(`no unused ${status} order left in shop ${shopId}`);
    taken.add(row.id);
    return row;
  };
}

export function historyOf(t: TestStack, shopId: number, orderId: number): Promise<HistoryRow[]> {
  return t.stack.db.withTenant(shopId, (tx) =>
    tx.orderHistory.findMany({
      where: { orderId },
      orderBy: { id: "asc" },
      select: {
        id: true,
        oldStatus: true,
        newStatus: true,
        changedBy: true,
        changedById: true,
        notes: true,
        kind: true,
        previousHistoryId: true,
      },
    }),
  );
}

export async function statusOf(t: TestStack, shopId: number, orderId: number): Promise<string | undefined> {
  const order = await t.stack.db.withTenant(shopId, (tx) =>
    tx.order.findFirst({ where: { id: orderId }, select: { status: true } }),
  );
  return order?.status;
}

/** Each entry's oldStatus is the previous entry's newStatus, and each points at the previous entry. */
export function expectChain(history: HistoryRow[]): void {
  for (let index = 1; index < history.length; index += 1) {
    if (
      history[index].oldStatus !== history[index - 1].newStatus ||
      history[index].previousHistoryId !== history[index - 1].id
    ) {
      throw new Error(
        `history chain broken at entry ${index}: ${JSON.stringify(history.map((h) => [String(h.id), h.oldStatus, h.newStatus, String(h.previousHistoryId)]))}`,
      );
    }
  }
}

export async function postWebhook(
  t: TestStack,
  body: unknown,
  options: { secret?: string | null; contentType?: string; path?: string; raw?: string | Buffer } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const contentType = options.contentType ?? "application/json";
  const payload =
    options.raw ??
    (contentType.includes("x-www-form-urlencoded")
      ? new URLSearchParams(
          Object.entries(body as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)]),
        ).toString()
      : JSON.stringify(body));
  const secret = options.secret === undefined ? TEST_WEBHOOK_SECRET : options.secret;
  const response = await fetch(`${t.origin}${options.path ?? ORDER_STATUS_WEBHOOK}`, {
    method: "POST",
    headers: { "content-type": contentType, ...(secret !== null ? { "x-webhook-secret": secret } : {}) },
    body: payload,
  });
  const text = await response.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** The shop's seeded COURIER users, by id (the first is courier@…). */
export async function seededCouriers(t: TestStack, shopId: number): Promise<{ id: number; name: string }[]> {
  return t.stack.db.withTenant(shopId, (tx) =>
    tx.user.findMany({ where: { shopId, role: "COURIER" }, orderBy: { id: "asc" }, select: { id: true, name: true } }),
  );
}

/** Assigns an order to a courier directly in the database (no history entry): test set-up only. */
export async function assignDirectly(
  t: TestStack,
  shopId: number,
  orderId: number,
  courierId: number | null,
): Promise<void> {
  await t.stack.db.withTenant(shopId, (tx) => tx.order.update({ where: { id: orderId }, data: { courierId } }));
}

/** A token of a real courier of the shop: COURIER row-level security needs the user's id. */
export function courierToken(t: TestStack, shopId: number, courierId: number): string {
  return t.token(shopId, "COURIER", { userId: String(courierId) });
}
