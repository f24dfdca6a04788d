import type { Resolvers } from "./__generated__/resolvers-types";
import { inTenant } from "../../core/context";
import { parseId } from "../../core/pagination";
import { badUserInput } from "../../core/errors";
import { findByBitrixId, listOrders } from "./orders";

export const resolvers: Resolvers = {
  Query: {
    orders: (_parent, args, context) => inTenant(context, (tx, viewer) => listOrders(tx, viewer.shopId, args)),
    order: (_parent, args, context) => context.loaders.orderById.load(parseId(args.id)),
    orderByBitrixId: (_parent, args, context) => {
      if (!Number.isInteger(args.bitrixOrderId) || args.bitrixOrderId <= 0) {
        throw badUserInput("bitrixOrderId must be a positive integer", "bitrixOrderId");
      }
      return inTenant(context, (tx, viewer) => findByBitrixId(tx, viewer.shopId, args.bitrixOrderId));
    },
  },
  Order: {
    __resolveReference: (reference, context) => context.loaders.orderById.load(parseId(reference.id)),
    items: (order, _args, context) => context.loaders.itemsByOrderId.load(order.id),
    history: (order, _args, context) => context.loaders.historyByOrderId.load(order.id),
  },
  OrderItem: {
    product: (item) => ({ __typename: "Product", id: String(item.productId) }),
  },
  OrderHistoryEntry: {
    id: (entry) => entry.id.toString(),
  },
};
