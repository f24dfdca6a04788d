import type { Resolvers } from "./__generated__/resolvers-types";
import { parseId } from "../../core/pagination";
import { linesOf } from "./consumption";
import * as service from "./service";

export const resolvers: Resolvers = {
  Query: {
    warehouseItems: (_parent, args, context) => service.warehouseItems(context, args),
    warehouseItem: (_parent, args, context) => service.warehouseItem(context, args.id),
    lowStockItems: (_parent, _args, context) => service.lowStock(context),
    warehouseOperations: (_parent, args, context) => service.warehouseOperations(context, args),
    stockConsumptions: (_parent, args, context) => service.stockConsumptions(context, args),
  },
  Mutation: {
    createWarehouseItem: (_parent, { input }, context) => service.createWarehouseItem(context, input),
    updateWarehouseItem: (_parent, { id, input }, context) => service.updateWarehouseItem(context, id, input),
    receiveStock: (_parent, { input }, context) => service.receiveStock(context, input),
    writeOffStock: (_parent, { input }, context) => service.writeOffStock(context, input),
    adjustStock: (_parent, { input }, context) => service.adjustStock(context, input),
    consumeStock: (_parent, { input }, context) => service.orderMovement(context, "CONSUME", input),
    returnStock: (_parent, { input }, context) => service.orderMovement(context, "RETURN", input),
    setProductComposition: (_parent, { productId, lines }, context) =>
      service.setProductComposition(context, productId, lines),
  },
  WarehouseItem: {
    lowStock: (item) => item.quantity < item.minQuantity,
    costPerUnit: (item, _args, context) => service.visibleCost(context, item.costPerUnit),
  },
  WarehouseOperation: {
    item: (operation, _args, context) => service.itemOf(context, operation.itemId),
    costPerUnit: (operation, _args, context) => service.visibleCost(context, operation.costPerUnit),
  },
  RecipeLine: {
    item: (line, _args, context) => service.itemOf(context, line.itemId),
  },
  StockConsumption: {
    lines: (consumption) => linesOf(consumption),
    hasShortfall: (consumption) => consumption.shortfallUnits > 0,
  },
  StockConsumptionLine: {
    item: (line, _args, context) => service.itemOf(context, line.itemId),
  },
  Product: {
    // The warehouse holds no product rows: the reference itself is the product, and its
    // stock and recipe are read from the caller's shop only, so another shop's id yields 0 and [].
    __resolveReference: (reference) => ({ id: reference.id }),
    stock: (product, _args, context) => context.loaders.stockByProductId.load(parseId(product.id)),
    composition: (product, _args, context) => context.loaders.recipeByProductId.load(parseId(product.id)),
  },
  Order: {
    __resolveReference: (reference) => ({ id: reference.id }),
    stockConsumption: (order, _args, context) => context.loaders.consumptionByOrderId.load(parseId(order.id)),
  },
};
