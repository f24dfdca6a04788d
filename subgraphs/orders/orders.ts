import type { Tx } from "../../core/db";
import type { OrderStatus, Prisma } from "../../prisma/generated/client";
import { decodeCursor, pageSize, toConnection } from "../../core/pagination";

/** Data access for orders. Every query names the shop; RLS is the second wall. */

export function findByIds(tx: Tx, ids: readonly number[], shopId: number) {
  return tx.order.findMany({ where: { shopId, id: { in: [...ids] } } });
}

export function findByBitrixId(tx: Tx, shopId: number, bitrixOrderId: number) {
  return tx.order.findUnique({ where: { shopId_bitrixOrderId: { shopId, bitrixOrderId } } });
}

export function findItems(tx: Tx, orderIds: readonly number[], shopId: number) {
  return tx.orderItem.findMany({ where: { shopId, orderId: { in: [...orderIds] } }, orderBy: { id: "asc" } });
}

export function findHistory(tx: Tx, orderIds: readonly number[], shopId: number) {
  return tx.orderHistory.findMany({ where: { shopId, orderId: { in: [...orderIds] } }, orderBy: { id: "asc" } });
}

export interface OrderFilter {
  first?: number | null;
  after?: string | null;
  status?: readonly OrderStatus[] | null;
}

/** A page of the shop's orders, newest first, keyset-paginated on (createdAt, id). */
export async function listOrders(tx: Tx, shopId: number, filter: OrderFilter) {
  const size = pageSize(filter.first);
  const cursor = decodeCursor(filter.after, 2);
  const where: Prisma.OrderWhereInput = {
    shopId,
    ...(filter.status?.length ? { status: { in: [...filter.status] } } : {}),
  };
  const after: Prisma.OrderWhereInput = cursor
    ? {
        OR: [
          { createdAt: { lt: new Date(cursor[0]) } },
          { createdAt: new Date(cursor[0]), id: { lt: Number(cursor[1]) } },
        ],
      }
    : {};
  const [rows, totalCount] = await Promise.all([
    tx.order.findMany({ where: { AND: [where, after] }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: size + 1 }),
    tx.order.count({ where }),
  ]);
  return toConnection(rows, size, totalCount, (row) => [row.createdAt.toISOString(), row.id]);
}
