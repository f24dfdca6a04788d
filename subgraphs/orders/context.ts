import type { SubgraphContext } from "../../core/context";
import { childrenLoader, rowLoader } from "../../core/loaders";
import * as orders from "./orders";

export function createOrdersLoaders(context: Omit<SubgraphContext, "loaders">) {
  return {
    orderById: rowLoader(context, orders.findByIds, (row) => row.id),
    itemsByOrderId: childrenLoader(context, orders.findItems, (row) => row.orderId),
    historyByOrderId: childrenLoader(context, orders.findHistory, (row) => row.orderId),
  };
}

export type OrdersContext = SubgraphContext<ReturnType<typeof createOrdersLoaders>>;
