import { GraphQLBigInt } from "graphql-scalars";
import type { Resolvers } from "./__generated__/resolvers-types";
import { requireViewer } from "../../core/context";
import { parseId, selectsField } from "../../core/pagination";
import { badUserInput, notFound } from "../../core/errors";
import { requirePermission } from "../../core/permissions";
import { findByBitrixId, listOrders } from "./orders";
import * as service from "./service";
import * as clients from "./clients";
import * as stats from "./stats";
import { paymentStatus, refundDue } from "./payments";
import { CalendarDate } from "../../core/scalars";
import * as photos from "./photos";
import { listStatusChanges, statusChangesByIds, statusFeedHead } from "./status-changes";
import type { StatusChangeRow } from "../../core/status-feed";

export const resolvers: Resolvers = {
  Date: CalendarDate,
  BigInt: GraphQLBigInt,
  Query: {
    deliveries: (_parent, args, context) => service.deliveries(context, args.date, args.courierId),
    orders: (_parent, args, context, info) => {
      const viewer = requireViewer(context);
      return context.db.read(viewer.shopId, (sql) => listOrders(sql, viewer, args, selectsField(info, "totalCount")));
    },
    order: (_parent, args, context) => context.loaders.orderById.load(parseId(args.id)),
    orderByBitrixId: (_parent, args, context) => {
      if (!Number.isInteger(args.bitrixOrderId) || args.bitrixOrderId <= 0) {
        throw badUserInput("bitrixOrderId must be a positive integer", "bitrixOrderId");
      }
      const { shopId } = requireViewer(context);
      return context.db.read(shopId, (sql) => findByBitrixId(sql, shopId, args.bitrixOrderId));
    },
    orderStatusChanges: (_parent, args, context) => {
      const { shopId } = requireViewer(context);
      return context.db.read(shopId, (sql) => listStatusChanges(sql, shopId, args));
    },
    orderStatusFeedHead: (_parent, _args, context) => {
      const { shopId } = requireViewer(context);
      return context.db.read(shopId, (sql) => statusFeedHead(sql, shopId));
    },
    orderStatusChangesByIds: (_parent, args, context) => {
      const viewer = requireViewer(context);
      // an Error item is that item's GraphQL error (see statusChangesByIds); the generated type has no room for it
      return context.db.read(viewer.shopId, (sql) => statusChangesByIds(sql, viewer, args.historyIds)) as Promise<
        StatusChangeRow[]
      >;
    },
    shopStats: (_parent, args, context) => stats.shopStats(context, args.from, args.to),
    clients: (_parent, args, context, info) => clients.listClients(context, args, selectsField(info, "totalCount")),
    clientProfile: (_parent, args, context) => service.clientProfileByPhone(context, args.phone),
  },
  Mutation: {
    updateClientProfile: (_parent, args, context) => clients.updateClientProfile(context, args.id, args.input),
    createOrder: (_parent, args, context) => service.createOrder(context, args.input),
    updateOrderStatus: (_parent, args, context) =>
      service.updateOrderStatus(context, parseId(args.id), args.status, args.notes),
    addOrderNote: (_parent, args, context) => service.addOrderNote(context, parseId(args.id), args.text),
    updateOrder: (_parent, args, context) => service.updateOrder(context, parseId(args.id), args.input),
    assignCourier: (_parent, args, context) =>
      service.assignCourier(context, parseId(args.orderId, "orderId"), args.courierId),
    recordPayment: (_parent, args, context) =>
      service.recordPayment(context, parseId(args.orderId, "orderId"), args.input),
    recordRefund: (_parent, args, context) =>
      service.recordRefund(context, parseId(args.orderId, "orderId"), args.input),
    addOrderPhoto: (_parent, args, context) => photos.addOrderPhoto(context, args),
    removeOrderPhoto: (_parent, args, context) => photos.removeOrderPhoto(context, parseId(args.id)),
  },
  Order: {
    __resolveReference: (reference, context) => context.loaders.orderById.load(parseId(reference.id)),
    items: (order, _args, context) => context.loaders.itemsByOrderId.load(order.id),
    history: (order, _args, context) => context.loaders.historyByOrderId.load(order.id),
    notes: (order, _args, context) => context.loaders.notesByOrderId.load(order.id),
    photos: (order, _args, context) => context.loaders.photosByOrderId.load(order.id),
    customer: (order, _args, context) => {
      requirePermission(requireViewer(context), "customer.read");
      return order.clientId ? context.loaders.clientById.load(order.clientId) : null;
    },
    recipientPhone: (order, _args, context) => {
      requirePermission(requireViewer(context), "customer.read");
      return order.recipientPhone;
    },
    courier: (order) => (order.courierId === null ? null : { __typename: "User", id: String(order.courierId) }),
    payments: (order, _args, context) => context.loaders.paymentsByOrderId.load(order.id),
    paidAmount: async (order, _args, context) => (await context.loaders.paymentTotals.load(order.id)).paid,
    refundedAmount: async (order, _args, context) => (await context.loaders.paymentTotals.load(order.id)).refunded,
    refundDue: async (order, _args, context) => refundDue(order, await context.loaders.paymentTotals.load(order.id)),
    paymentStatus: async (order, _args, context) =>
      paymentStatus(order, await context.loaders.paymentTotals.load(order.id)),
  },
  OrderItem: {
    product: (item) => ({ __typename: "Product", id: String(item.productId) }),
  },
  OrderStatusChange: {
    order: async (change, _args, context) => {
      const order = await context.loaders.orderById.load(change.orderId);
      // history rows cascade with their order, so this only happens if the order vanished mid-request
      if (!order) throw notFound("Order", change.orderId);
      return order;
    },
    at: (change) => change.createdAt,
    historyId: (change) => change.id.toString(),
    changes: (change) => (Array.isArray(change.changes) ? change.changes : []),
  },
  OrderHistoryEntry: {
    id: (entry) => entry.id.toString(),
    photo: (entry, _args, context) => (entry.photoId ? context.loaders.photoById.load(entry.photoId) : null),
    changes: (entry) =>
      Array.isArray(entry.changes)
        ? (entry.changes as unknown as { field: string; old: string | null; new: string | null }[])
        : [],
  },
  OrderNote: {
    id: (entry) => entry.id.toString(),
    text: (entry) => entry.notes ?? "",
    author: (entry) => entry.changedBy,
  },
  OrderPhoto: {
    kind: (photo) => photo.kind as "ASSEMBLED_BOUQUET" | "DELIVERY_PROOF" | "OTHER",
    url: async (photo, _args, context) =>
      photo.uploadId ? ((await photos.photoVariant(context, photo, "large"))?.url ?? "") : photo.url,
    urlExpiresAt: async (photo, _args, context) =>
      photo.uploadId ? ((await photos.photoVariant(context, photo, "large"))?.expiresAt ?? null) : null,
    thumbnailUrl: async (photo, _args, context) => (await photos.photoVariant(context, photo, "thumb"))?.url ?? null,
    variants: (photo, _args, context) => photos.photoVariants(context, photo),
  },
  ShopStats: {
    ...stats.revenueFields("ShopStats"),
    topProducts: async (parent, args, context) =>
      (await stats.topProducts(context, parent, args.limit)).map((row) => ({
        product: { __typename: "Product" as const, id: String(row.productId) },
        productName: row.productName,
        quantity: row.quantity,
        revenue: Number(row.revenue),
      })),
  },
  DayStats: stats.revenueFields("DayStats"),
  GroupStats: stats.revenueFields("GroupStats"),
  ProductSales: stats.revenueFields("ProductSales"),
  ClientProfile: {
    tags: (client) => client.tags ?? [],
    orders: (client, args, context, info) => {
      const viewer = requireViewer(context);
      return context.db.read(viewer.shopId, (sql) =>
        listOrders(sql, viewer, { ...args, clientId: client.id }, selectsField(info, "totalCount")),
      );
    },
    orderCount: async (client, _args, context) => (await context.loaders.clientTotals.load(client.id)).orderCount,
    totalSpent: async (client, _args, context) => (await context.loaders.clientTotals.load(client.id)).totalSpent,
    lastOrderAt: async (client, _args, context) => (await context.loaders.clientTotals.load(client.id)).lastOrderAt,
  },
};
