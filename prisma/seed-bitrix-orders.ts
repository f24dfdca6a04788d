import { loadConfig } from "../core/config";
import type { Database } from "../core/db";
import { createLogger } from "../core/logger";
import type { WebhookInput } from "../core/webhooks";
import { WEBHOOKS } from "../router/webhooks";
import { ordersInternalOperations } from "../subgraphs/orders/internal-operations";

/**
 * Demo orders of shop 17008 that arrived from Bitrix through the order webhook's own path: each
 * body goes to the orders subgraph's internal operation the router forwards
 * POST /api/v1/webhooks/order-sync to (read field by field, synced, and stored as a delivery
 * operators can list and replay). A new order, one paid by Kaspi, and one that Bitrix changed
 * after it arrived (two versions).
 */
const SHOP = 17008;
export const ORDER_SYNC_ENDPOINT = "/api/v1/webhooks/order-sync";

function body(orderId: number, status: string, updatedAt: string, extra: Record<string, unknown> = {}) {
  return {
    order_id: orderId,
    status,
    updated_at: updatedAt,
    customer: { name: "Гульнара Сейткали", phone: "+7 701 555 20 26" },
    recipient: { name: "Алия", phone: "+7 702 555 20 27" },
    delivery: {
      kind: "DELIVERY",
      address: "Алматы, ул. Жибек Жолы 50",
      from: "2026-11-26T14:00:00+05:00",
      to: "2026-11-26T16:00:00+05:00",
      fee: "1 500 ₸",
    },
    card_text: "С любовью!",
    comment: "Заказ из Bitrix",
    items: [
      { product_id: 668800, name: "Букет из Bitrix", quantity: 1, price: "15 000 ₸" },
      { product_id: 668801, name: "Открытка", quantity: 2, price: "500 ₸" },
    ],
    payments: [] as unknown[],
    ...extra,
  };
}

export const SEEDED_BITRIX_ORDERS = [
  body(190001, "N", "2026-11-25T09:00:00+05:00"),
  body(190002, "PD", "2026-11-25T10:00:00+05:00", {
    payments: [{ method: "KASPI", amount: "17 500 ₸", external_id: "kaspi-seed-190002" }],
  }),
  body(190003, "N", "2026-11-25T11:00:00+05:00"),
  body(190003, "AP", "2026-11-25T11:30:00+05:00", {
    comment: "Позвонить получателю за час",
    delivery: { kind: "PICKUP", fee: 0 },
  }),
];

export async function seedBitrixOrders(db: Database): Promise<void> {
  const config = loadConfig({ BITRIX_SHOP_ID: String(SHOP) });
  const logger = createLogger("warn", "cvety-seed");
  const operations = ordersInternalOperations({ config, db, logger });
  const operation = operations.handlers[WEBHOOKS[ORDER_SYNC_ENDPOINT].operation];
  try {
    for (const body of SEEDED_BITRIX_ORDERS) {
      const rawBody = JSON.stringify(body);
      const input: WebhookInput = {
        endpoint: ORDER_SYNC_ENDPOINT,
        fields: JSON.parse(rawBody),
        delivery: { headers: { "content-type": "application/json", "user-agent": "cvety-graph seed" }, rawBody },
      };
      const answer = await operation(input, { viewer: null, requestId: "seed", config, db, logger });
      if (answer.status !== 200)
        throw new Error(`seed: Bitrix order ${body.order_id} was refused: ${JSON.stringify(answer.body)}`);
    }
  } finally {
    await operations.stop?.();
  }
}
