import pg from "pg";
import { loadConfig } from "../../core/config";
import { signToken } from "../../core/auth";
import type { LoadTargets } from "./load";

/**
 * What the rolling-restart test and the drill need to know about a database to run their load
 * against it: the environment every part shares, the admin's token, the Bitrix shop's orders
 * and products, and where the shop's board feed stands.
 */
export const BITRIX_SHOP = 17008;
export const DRILL_JWT_SECRET = "drill-jwt-secret";
export const DRILL_WEBHOOK_SECRET = "drill-webhook-secret";

/** The environment of every part: same secrets, rate limits off (the load is one address), quiet logs. */
export function partEnvironment(databaseUrl: string, appDatabaseUrl: string, extra: Record<string, string> = {}) {
  return {
    NODE_ENV: "test",
    DATABASE_URL: databaseUrl,
    APP_DATABASE_URL: appDatabaseUrl,
    APP_DATABASE_PASSWORD: loadConfig({ NODE_ENV: "test" }).appDatabasePassword,
    JWT_SECRET: DRILL_JWT_SECRET,
    WEBHOOK_SECRET: DRILL_WEBHOOK_SECRET,
    LOG_LEVEL: process.env.DRILL_LOG_LEVEL ?? "silent",
    RATE_LIMIT_LOGIN_PER_MINUTE: "0",
    RATE_LIMIT_WEBHOOK_PER_MINUTE: "0",
    RATE_LIMIT_MUTATIONS_PER_MINUTE: "0",
    BITRIX_SYNC_BUSY_CPU_PRESSURE: "0",
    ...extra,
  };
}

/** The load's targets in the Bitrix shop, read as the owner. */
export async function loadTargets(owner: pg.Pool, origin: string, orderCount = 40): Promise<LoadTargets> {
  const admin = await owner.query<{ id: number }>(
    `select id from app_user where shop_id = $1 and role = 'ADMIN' and deactivated_at is null order by id limit 1`,
    [BITRIX_SHOP],
  );
  const orders = await owner.query<{ id: number; bitrix_order_id: number; status: string }>(
    `select id, bitrix_order_id, status::text from "order" where shop_id = $1 and bitrix_order_id is not null
      and status not in ('DELIVERED', 'CANCELLED') order by id limit $2`,
    [BITRIX_SHOP, orderCount],
  );
  const products = await owner.query<{ id: number }>(
    `select id from product where shop_id = $1 and bitrix_product_id is not null order by id limit 20`,
    [BITRIX_SHOP],
  );
  return {
    origin,
    adminToken: signToken(
      { userId: String(admin.rows[0].id), shopId: BITRIX_SHOP, role: "ADMIN" },
      DRILL_JWT_SECRET,
      3_600,
    ),
    webhookSecret: DRILL_WEBHOOK_SECRET,
    orders: orders.rows.map((row) => ({ id: String(row.id), bitrixOrderId: row.bitrix_order_id, status: row.status })),
    products: products.rows.map((row) => String(row.id)),
  };
}

/** The newest event of the shop's board feed (core/status-feed.ts order): where a new board starts. */
export async function newestBoardEvent(owner: pg.Pool, shopId = BITRIX_SHOP): Promise<string> {
  const { rows } = await owner.query<{ id: string }>(
    `select id::text from order_history where shop_id = $1 and kind in ('STATUS', 'EDIT')
      order by xact_id desc, id desc limit 1`,
    [shopId],
  );
  return rows[0].id;
}
