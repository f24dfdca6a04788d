import type { SubgraphContext } from "../../core/context";
import { sqlLoaders } from "../../core/loaders";
import * as orders from "./orders";
import * as payments from "./payments";
import { findUploads } from "../../core/uploads/service";

export function createOrdersLoaders(context: Omit<SubgraphContext, "loaders">) {
  return {
    orderById: sqlLoaders.row(context, orders.findByIds, (row) => row.id),
    itemsByOrderId: sqlLoaders.children(context, orders.findItems, (row) => row.orderId),
    historyByOrderId: sqlLoaders.children(context, orders.findHistory, (row) => row.orderId),
    notesByOrderId: sqlLoaders.children(context, orders.findNotes, (row) => row.orderId),
    photosByOrderId: sqlLoaders.children(context, orders.findPhotos, (row) => row.orderId),
    photoById: sqlLoaders.row(context, orders.findPhotosByIds, (row) => row.id),
    uploadById: sqlLoaders.row(context, findUploads, (row) => row.id),
    clientById: sqlLoaders.row(context, orders.findClientsByIds, (row) => row.id),
    paymentsByOrderId: sqlLoaders.children(context, payments.findPayments, (row) => row.orderId),
    paymentTotals: sqlLoaders.value<number, payments.PaymentTotals>(
      context,
      payments.paymentTotals,
      payments.NO_PAYMENTS,
    ),
    clientTotals: sqlLoaders.value<number, orders.ClientTotals>(context, orders.clientTotals, {
      orderCount: 0,
      totalSpent: 0,
      lastOrderAt: null,
    }),
  };
}

export type OrdersContext = SubgraphContext<ReturnType<typeof createOrdersLoaders>>;
