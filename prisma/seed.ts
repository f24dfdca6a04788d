import bcrypt from "bcryptjs";
import type { Prisma as PrismaClient, Tx } from "../core/db";
import type { OrderStatus, WarehouseUnit } from "./generated/client";
import { seedPayments, seedWorkingDay, statusHistory } from "./seed-working-day";
import {
  BOUQUETS,
  CARD_TEXTS,
  COMMENTS,
  FIRST_NAMES,
  LAST_NAMES,
  ROLE_PASSWORDS,
  SHOPS,
  STREETS,
  WAREHOUSE_ITEMS,
  type WarehouseKey,
} from "./seed-data";

/**
 * Seeds the demo shops. Deterministic: the same PRNG seed and base date give the same rows,
 * so tests and screenshots are stable. Runs in a single transaction.
 */

const BASE_DATE = Date.UTC(2026, 10, 20, 6, 0, 0); // 2026-11-20 11:00 Almaty
const ORDERS_PER_SHOP = 320;
const LIFECYCLE: OrderStatus[] = ["NEW", "PAID", "ACCEPTED", "ASSEMBLED", "IN_DELIVERY", "DELIVERED"];
const STATUS_MIX: OrderStatus[] = [
  "NEW",
  "PAID",
  "ACCEPTED",
  "ASSEMBLED",
  "IN_DELIVERY",
  "DELIVERED",
  "DELIVERED",
  "DELIVERED",
  "CANCELLED",
];

function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Shop = (typeof SHOPS)[number];
type PasswordHashes = Record<keyof typeof ROLE_PASSWORDS, string>;
/** One shop's seeding: its transaction, and its own PRNG so each shop's rows are stable. */
interface ShopSeed {
  tx: Tx;
  shop: Shop;
  random: () => number;
  pick: <T>(list: readonly T[]) => T;
}

export async function seed(prisma: PrismaClient, options: { passwordCost?: number } = {}) {
  const passwordHashes = Object.fromEntries(
    await Promise.all(
      Object.entries(ROLE_PASSWORDS).map(async ([role, password]) => [
        role,
        await bcrypt.hash(password, options.passwordCost ?? 10),
      ]),
    ),
  ) as PasswordHashes;
  await prisma.$transaction(
    async (tx) => {
      for (const shop of SHOPS) await seedShop(tx, shop, passwordHashes);
    },
    { timeout: 120_000 },
  );
}

async function seedShop(tx: Tx, shop: Shop, passwordHashes: PasswordHashes) {
  const random = prng(shop.id);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const s: ShopSeed = { tx, shop, random, pick };
  // origin "seed": demo data is not pushed to Bitrix (the outbox triggers skip it)
  await tx.$queryRaw`select set_config('app.shop_id', ${String(shop.id)}, true), set_config('app.origin', 'seed', true)`;
  await tx.shop.create({ data: { id: shop.id, name: shop.name, slug: shop.slug } });
  await tx.user.createMany({
    data: (Object.keys(ROLE_PASSWORDS) as (keyof typeof ROLE_PASSWORDS)[]).map((role) => ({
      shopId: shop.id,
      email: `${role.toLowerCase()}@${shop.emailDomain}`,
      name: `${pick(FIRST_NAMES)} (${role.toLowerCase()})`,
      role,
      passwordHash: passwordHashes[role],
    })),
  });
  const itemIdByKey = await seedWarehouse(s);
  const products = await seedProducts(s, itemIdByKey);
  const clients = await tx.clientProfile.createManyAndReturn({
    data: Array.from({ length: 80 }, (_, index) => ({
      shopId: shop.id,
      phone: `+7701${String(shop.id % 1000).padStart(3, "0")}${String(index).padStart(4, "0")}`,
      name: `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`,
    })),
  });
  await seedOrders(s, products, clients);
  await seedWorkingDay(tx, shop, {
    courierPasswordHash: passwordHashes.COURIER,
    products: products.filter((p) => p.enabled),
    clients,
    pick,
  });
  await seedPayments(tx, shop);
}

/** The warehouse items with their opening stock received 90 days ago; their ids by key. */
async function seedWarehouse({ tx, shop }: ShopSeed): Promise<Map<WarehouseKey, number>> {
  const items = await tx.warehouseItem.createManyAndReturn({
    data: WAREHOUSE_ITEMS.map((item) => ({
      shopId: shop.id,
      name: item.name,
      unit: item.unit as WarehouseUnit,
      quantity: item.quantity,
      minQuantity: item.minQuantity,
      costPerUnit: item.costPerUnit,
    })),
  });
  await tx.warehouseOperation.createMany({
    data: items.map((item) => ({
      shopId: shop.id,
      itemId: item.id,
      type: "RECEIVE" as const,
      delta: item.quantity,
      balanceAfter: item.quantity,
      costPerUnit: item.costPerUnit,
      reason: "Начальный остаток",
      createdBy: "seed",
      createdAt: new Date(BASE_DATE - 90 * 86_400_000),
    })),
  });
  return new Map<WarehouseKey, number>(WAREHOUSE_ITEMS.map((item, index) => [item.key, items[index].id]));
}

/** A product per bouquet and stem count, priced from its flowers, with one to three images and its recipe. */
async function seedProducts({ tx, shop }: ShopSeed, itemIdByKey: Map<WarehouseKey, number>) {
  const productSpecs = BOUQUETS.flatMap((bouquet) => bouquet.counts.map((count) => ({ bouquet, count })));
  const products = await tx.product.createManyAndReturn({
    data: productSpecs.map(({ bouquet, count }, index) => {
      const flowerCost = WAREHOUSE_ITEMS.find((i) => i.key === bouquet.flower)!.costPerUnit;
      const price = Math.round((flowerCost * count * 2.2 + 300000) / 50000) * 50000;
      return {
        shopId: shop.id,
        name: bouquet.name.replace("{n}", String(count)),
        description: bouquet.description,
        price,
        enabled: index % 13 !== 7,
        bitrixProductId: shop.bitrix ? 668800 + index : null,
        createdAt: new Date(BASE_DATE - (productSpecs.length - index) * 86_400_000),
      };
    }),
  });
  await tx.productImage.createMany({
    data: products.flatMap((product, index) =>
      Array.from({ length: 1 + (index % 3) }, (_, position) => ({
        shopId: shop.id,
        productId: product.id,
        url: `https://cdn.cvety.kz/${shop.slug}/products/${product.id}-${position + 1}.jpg`,
        position,
        isMain: position === 0,
      })),
    ),
  });
  await tx.recipeItem.createMany({
    data: products.flatMap((product, index) => {
      const { bouquet, count } = productSpecs[index];
      return [
        { shopId: shop.id, productId: product.id, itemId: itemIdByKey.get(bouquet.flower)!, quantity: count },
        ...bouquet.extras.map(([key, quantity]) => ({
          shopId: shop.id,
          productId: product.id,
          itemId: itemIdByKey.get(key)!,
          quantity,
        })),
      ];
    }),
  });
  return products;
}

type SeededProduct = Awaited<ReturnType<typeof seedProducts>>[number];

/** ORDERS_PER_SHOP orders over the weeks before BASE_DATE in the STATUS_MIX, with their lines and history. */
async function seedOrders({ tx, shop, random, pick }: ShopSeed, products: SeededProduct[], clients: { id: number }[]) {
  const orderRows = Array.from({ length: ORDERS_PER_SHOP }, (_, index) => {
    const status = STATUS_MIX[index % STATUS_MIX.length];
    const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
      product: pick(products),
      quantity: 1 + Math.floor(random() * 2),
    }));
    const createdAt = new Date(
      BASE_DATE - (ORDERS_PER_SHOP - index) * 3 * 3_600_000 - Math.floor(random() * 3_000_000),
    );
    const deliveryFrom = new Date(createdAt.getTime() + (4 + Math.floor(random() * 40)) * 3_600_000);
    return { index, status, lines, createdAt, deliveryFrom, client: pick(clients) };
  });
  const orders = await tx.order.createManyAndReturn({
    data: orderRows.map((row) => ({
      shopId: shop.id,
      status: row.status,
      bitrixOrderId: shop.bitrix ? 120000 + row.index : null,
      total: row.lines.reduce((sum, line) => sum + line.product.price * line.quantity, 0),
      clientId: row.client.id,
      recipientName: `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`,
      recipientPhone: `+7702${String(Math.floor(random() * 10_000_000)).padStart(7, "0")}`,
      deliveryAddress: `Алматы, ${pick(STREETS)}, ${1 + Math.floor(random() * 200)}, кв. ${1 + Math.floor(random() * 150)}`,
      deliveryFrom: row.deliveryFrom,
      deliveryTo: new Date(row.deliveryFrom.getTime() + 2 * 3_600_000),
      cardText: pick(CARD_TEXTS),
      comment: pick(COMMENTS),
      createdAt: row.createdAt,
      updatedAt: row.createdAt,
    })),
  });
  await tx.orderItem.createMany({
    data: orders.flatMap((order, index) =>
      orderRows[index].lines.map((line) => ({
        shopId: shop.id,
        orderId: order.id,
        productId: line.product.id,
        quantity: line.quantity,
        price: line.product.price,
        productName: line.product.name,
      })),
    ),
  });
  await tx.orderHistory.createMany({
    data: orders.flatMap((order, index) => {
      const target = orderRows[index].status;
      const path: OrderStatus[] =
        target === "CANCELLED"
          ? ["NEW", ...(index % 2 ? (["PAID"] as OrderStatus[]) : []), "CANCELLED"]
          : LIFECYCLE.slice(0, LIFECYCLE.indexOf(target) + 1);
      return statusHistory(shop.id, order.id, path, order.createdAt, (step) =>
        step === 0 ? "system" : shop.bitrix && step % 2 === 0 ? "bitrix" : "seed",
      );
    }),
  });
}
