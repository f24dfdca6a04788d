import type { SubgraphContext } from "../../core/context";
import { childrenLoader, rowLoader, sqlLoaders, valueLoader } from "../../core/loaders";
import * as orders from "./orders";
import * as payments from "./payments";
import { findUploads } from "../../core/uploads/service";

export function createOrdersLoaders(context: Omit<SubgraphContext, "loaders">) {
  return {
    orderById: sqlLoaders.row(context, orders.findByIds, (row) => row.id),
    itemsByOrderId: sqlLoaders.children(context, orders.findItems, (row) => row.orderId),
    historyByOrderId: sqlLoaders.children(context, orders.findHistory, (row) => row.orderId),
    notesByOrderId: childrenLoader(context, orders.findNotes, (row) => row.orderId),
    photosByOrderId: childrenLoader(context, orders.findPhotos, (row) => row.orderId),
    photoById: rowLoader(context, orders.findPhotosByIds, (row) => row.id),
    uploadById: sqlLoaders.row(context, findUploads, (row) => row.id),
    clientById: rowLoader(context, orders.findClientsByIds, (row) => row.id),
    paymentsByOrderId: sqlLoaders.children(context, payments.findPayments, (row) => row.orderId),
    paymentTotals: sqlLoaders.value<number, payments.PaymentTotals>(
      context,
      payments.paymentTotals,
      payments.NO_PAYMENTS,
    ),
    clientTotals: valueLoader<number, orders.ClientTotals>(context, orders.clientTotals, {
      orderCount: 0,
      totalSpent: 0,
      lastOrderAt: null,
    }),
  };
}

export type OrdersContext = SubgraphContext<ReturnType<typeof createOrdersLoaders>>;
