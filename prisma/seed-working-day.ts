import type { Tx } from "../core/db";
import type { OrderStatus, PaymentMethod } from "./generated/client";
import { FIRST_NAMES, LAST_NAMES, STREETS } from "./seed-data";

/**
 * A dispatcher's day in the demo data: a second courier, today's orders (in the shop's time
 * zone, Asia/Almaty) with delivery windows, assigned to the two couriers, two pickups, and
 * payments on the orders that were paid (Kaspi mostly; a cancelled paid order owes a refund).
 * "Today" is the day the seed runs, so `deliveries(date: <today>)` shows something at once.
 */

const TODAY_ORDERS = 12;
const ALMATY_OFFSET_HOURS = 5;
const LIFECYCLE: OrderStatus[] = ["NEW", "PAID", "ACCEPTED", "ASSEMBLED", "IN_DELIVERY", "DELIVERED"];
const TODAY_STATUSES: OrderStatus[] = [
  "DELIVERED",
  "DELIVERED",
  "IN_DELIVERY",
  "IN_DELIVERY",
  "ASSEMBLED",
  "ASSEMBLED",
  "ACCEPTED",
  "ACCEPTED",
  "PAID",
  "PAID",
  "NEW",
  "ACCEPTED",
];

interface SeedShop {
  id: number;
  emailDomain: string;
  bitrix: boolean;
}

/** Midnight of today in Almaty (UTC+5, no daylight saving), as an instant. */
function almatyMidnight(now = new Date()): number {
  const local = new Date(now.getTime() + ALMATY_OFFSET_HOURS * 3_600_000);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - ALMATY_OFFSET_HOURS * 3_600_000;
}

type WorkingDayDeps = {
  courierPasswordHash: string;
  products: { id: number; name: string; price: number }[];
  clients: { id: number }[];
  pick: <T>(list: readonly T[]) => T;
};

export async function seedWorkingDay(tx: Tx, shop: SeedShop, deps: WorkingDayDeps) {
  const second = await tx.user.create({
    data: {
      shopId: shop.id,
      email: `courier2@${shop.emailDomain}`,
      name: `${deps.pick(FIRST_NAMES)} (courier 2)`,
      role: "COURIER",
      passwordHash: deps.courierPasswordHash,
    },
  });
  const first = await tx.user.findFirstOrThrow({ where: { shopId: shop.id, email: `courier@${shop.emailDomain}` } });
  const midnight = almatyMidnight();
  for (let index = 0; index < TODAY_ORDERS; index += 1) {
    const data = todayOrder(shop, deps, [first.id, second.id], midnight, index);
    const order = await tx.order.create({ data });
    const path = LIFECYCLE.slice(0, LIFECYCLE.indexOf(data.status) + 1);
    await tx.orderHistory.createMany({
      data: statusHistory(shop.id, order.id, path, data.createdAt, () => "seed"),
    });
  }
}

/** Today's order number `index`: placed the evening before, a few minutes apart; two are pickups. */
function todayOrder(
  shop: SeedShop,
  deps: WorkingDayDeps,
  [firstCourier, secondCourier]: [number, number],
  midnight: number,
  index: number,
) {
  const created = new Date(midnight - 6 * 3_600_000 + index * 7 * 60_000);
  const status = TODAY_STATUSES[index];
  const pickup = index === 6 || index === 10;
  const from = new Date(midnight + (10 + (index % 10)) * 3_600_000);
  const product = deps.products[(index * 7) % deps.products.length];
  const quantity = 1 + (index % 2);
  const fee = pickup ? 0 : 150_000;
  return {
    shopId: shop.id,
    status,
    bitrixOrderId: shop.bitrix ? 130000 + index : null,
    total: product.price * quantity + fee,
    clientId: deps.clients[index % deps.clients.length].id,
    recipientName: `${deps.pick(FIRST_NAMES)} ${deps.pick(LAST_NAMES)}`,
    recipientPhone: `+7705${String(1000000 + index * 7919).padStart(7, "0")}`,
    deliveryKind: pickup ? ("PICKUP" as const) : ("DELIVERY" as const),
    deliveryFee: fee,
    deliveryAddress: pickup ? null : `Алматы, ${deps.pick(STREETS)}, ${10 + index}, кв. ${1 + index * 3}`,
    deliveryFrom: from,
    deliveryTo: new Date(from.getTime() + 2 * 3_600_000),
    courierId: pickup || status === "NEW" ? null : index % 2 ? secondCourier : firstCourier,
    cardText: index % 3 ? "С любовью!" : null,
    createdAt: created,
    updatedAt: created,
    items: {
      create: [{ shopId: shop.id, productId: product.id, quantity, price: product.price, productName: product.name }],
    },
  };
}

/** An order's history rows along `path`, half an hour apart from `createdAt`; the first says the order was created. */
export function statusHistory(
  shopId: number,
  orderId: number,
  path: OrderStatus[],
  createdAt: Date,
  changedBy: (step: number) => string,
) {
  return path.map((status, step) => ({
    shopId,
    orderId,
    oldStatus: step === 0 ? null : path[step - 1],
    newStatus: status,
    changedBy: changedBy(step),
    notes: step === 0 ? "Заказ создан" : null,
    createdAt: new Date(createdAt.getTime() + step * 1_800_000),
  }));
}

/**
 * Payments of the seeded orders: every order past NEW paid its total (Kaspi, some cash or
 * card), a cancelled order that had been paid too, and every other of those refunded.
 */
export async function seedPayments(tx: Tx, shop: SeedShop) {
  const orders = await tx.order.findMany({
    where: { shopId: shop.id, status: { not: "NEW" } },
    orderBy: { id: "asc" },
    select: { id: true, status: true, total: true },
  });
  const paidCancelled = new Set(
    (
      await tx.orderHistory.findMany({
        where: { shopId: shop.id, newStatus: "PAID", order: { status: "CANCELLED" } },
        select: { orderId: true },
      })
    ).map((row) => row.orderId),
  );
  const methods: PaymentMethod[] = ["KASPI", "KASPI", "KASPI", "CASH", "CARD"];
  const rows = orders
    .filter((order) => order.status !== "CANCELLED" || paidCancelled.has(order.id))
    .map((order, index) => ({
      shopId: shop.id,
      orderId: order.id,
      kind: "PAYMENT" as const,
      method: methods[index % methods.length],
      amount: order.total,
      externalId: methods[index % methods.length] === "KASPI" ? `kaspi-${shop.id}-${order.id}` : null,
      createdBy: "seed",
    }));
  const refunds = rows
    .filter((row) => paidCancelled.has(row.orderId))
    .filter((_, index) => index % 2 === 0)
    .map((row) => ({
      ...row,
      kind: "REFUND" as const,
      externalId: row.externalId ? `${row.externalId}-refund` : null,
    }));
  await tx.payment.createMany({ data: [...rows, ...refunds] });
}
