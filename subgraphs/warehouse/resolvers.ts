import type { Resolvers } from "./__generated__/resolvers-types";
import type { WarehouseContext } from "./context";
import type { SqlReader, Tx } from "../../core/db";
import type { Viewer } from "../../core/auth";
import { inTenant, requireViewer } from "../../core/context";
import { parseId } from "../../core/pagination";
import { badUserInput, notFound } from "../../core/errors";
import { can, requirePermission, type Permission } from "../../core/permissions";
import { integerInRange, optionalText } from "../../core/validation";
import { applyCount, applyMovement, checkOrder, listOperations } from "./operations";
import { createItem, listItems, lowStockItems, updateItem } from "./stock";
import { setComposition } from "./recipes";
import { linesOf, listConsumptions } from "./consumption";

/** Runs a warehouse change in the caller's shop after checking the role. */
function change<T>(
  context: WarehouseContext,
  permission: Permission,
  work: (tx: Tx, viewer: Viewer) => Promise<T>,
): Promise<T> {
  requirePermission(requireViewer(context), permission);
  return inTenant(context, work);
}

/** Purchase costs are for ADMIN and MANAGER: other roles read null. */
function visibleCost(context: WarehouseContext, cost: number | null): number | null {
  return context.viewer && can(context.viewer.role, "warehouse.cost") ? cost : null;
}

/**
 * Runs a stock movement on the raw write path, in the caller's shop, after checking the role.
 * A movement is one statement (operations.ts), so it commits on its own in one round trip.
 */
function move<T>(context: WarehouseContext, work: (sql: SqlReader, viewer: Viewer) => Promise<T>): Promise<T> {
  const viewer = requireViewer(context);
  requirePermission(viewer, "warehouse.write");
  return context.db.write(viewer.shopId, (sql) => work(sql, viewer), { autocommit: true });
}

function optionalId(id: string | number | null | undefined, field: string): number | null {
  return id === null || id === undefined ? null : parseId(id, field);
}

export const resolvers: Resolvers = {
  Query: {
    warehouseItems: (_parent, args, context) => inTenant(context, (tx, viewer) => listItems(tx, viewer.shopId, args)),
    warehouseItem: (_parent, args, context) => context.loaders.itemById.load(parseId(args.id)),
    lowStockItems: (_parent, _args, context) => inTenant(context, (tx, viewer) => lowStockItems(tx, viewer.shopId)),
    warehouseOperations: (_parent, args, context) =>
      inTenant(context, (tx, viewer) =>
        listOperations(tx, viewer.shopId, {
          first: args.first,
          after: args.after,
          itemId: args.itemId ? parseId(args.itemId, "itemId") : null,
          orderId: args.orderId ? parseId(args.orderId, "orderId") : null,
          types: args.types,
          from: args.from,
          to: args.to,
        }),
      ),
    stockConsumptions: (_parent, args, context) =>
      inTenant(context, (tx, viewer) => listConsumptions(tx, viewer.shopId, args)),
  },
  Mutation: {
    createWarehouseItem: (_parent, { input }, context) =>
      change(context, "warehouse.items", (tx, viewer) => createItem(tx, viewer.shopId, input)),
    updateWarehouseItem: (_parent, { id, input }, context) =>
      change(context, "warehouse.items", (tx, viewer) => updateItem(tx, viewer.shopId, parseId(id), input)),
    receiveStock: (_parent, { input }, context) => {
      if (input.costPerUnit !== null && input.costPerUnit !== undefined)
        requirePermission(requireViewer(context), "warehouse.cost");
      return move(context, (sql, viewer) =>
        applyMovement(sql, viewer.shopId, {
          itemId: parseId(input.itemId, "itemId"),
          type: "RECEIVE",
          delta: integerInRange(input.quantity, "quantity", 1, 1_000_000),
          costPerUnit:
            input.costPerUnit === null || input.costPerUnit === undefined
              ? null
              : integerInRange(input.costPerUnit, "costPerUnit", 0, 1_000_000_000),
          note: optionalText(input.note, "note", 1000),
          createdBy: viewer.userId,
        }),
      );
    },
    writeOffStock: (_parent, { input }, context) =>
      move(context, (sql, viewer) => {
        const note = optionalText(input.note, "note", 1000);
        if (input.reason === "OTHER" && !note) throw badUserInput("note is required when the reason is OTHER", "note");
        return applyMovement(sql, viewer.shopId, {
          itemId: parseId(input.itemId, "itemId"),
          type: "WRITE_OFF",
          delta: -integerInRange(input.quantity, "quantity", 1, 1_000_000),
          reason: input.reason,
          note,
          createdBy: viewer.userId,
        });
      }),
    adjustStock: (_parent, { input }, context) =>
      move(context, (sql, viewer) =>
        applyCount(sql, viewer.shopId, {
          itemId: parseId(input.itemId, "itemId"),
          countedQuantity: integerInRange(input.countedQuantity, "countedQuantity", 0, 100_000_000),
          note: optionalText(input.note, "note", 1000),
          createdBy: viewer.userId,
        }),
      ),
    consumeStock: (_parent, { input }, context) =>
      move(context, async (sql, viewer) =>
        applyMovement(sql, viewer.shopId, {
          itemId: parseId(input.itemId, "itemId"),
          type: "CONSUME",
          delta: -integerInRange(input.quantity, "quantity", 1, 1_000_000),
          orderId: await checkOrder(sql, viewer.shopId, optionalId(input.orderId, "orderId")),
          note: optionalText(input.note, "note", 1000),
          createdBy: viewer.userId,
        }),
      ),
    returnStock: (_parent, { input }, context) =>
      move(context, async (sql, viewer) =>
        applyMovement(sql, viewer.shopId, {
          itemId: parseId(input.itemId, "itemId"),
          type: "RETURN",
          delta: integerInRange(input.quantity, "quantity", 1, 1_000_000),
          orderId: await checkOrder(sql, viewer.shopId, optionalId(input.orderId, "orderId")),
          note: optionalText(input.note, "note", 1000),
          createdBy: viewer.userId,
        }),
      ),
    setProductComposition: async (_parent, { productId, lines }, context) => {
      const id = parseId(productId, "productId");
      await change(context, "catalog.write", (tx, viewer) =>
        setComposition(
          tx,
          viewer.shopId,
          id,
          lines.map((line, index) => ({
            itemId: parseId(line.itemId, `lines[${index}].itemId`),
            quantity: line.quantity,
          })),
        ),
      );
      return { id };
    },
  },
  WarehouseItem: {
    lowStock: (item) => item.quantity < item.minQuantity,
    costPerUnit: (item, _args, context) => visibleCost(context, item.costPerUnit),
  },
  WarehouseOperation: {
    item: async (operation, _args, context) => {
      const item = await context.loaders.itemById.load(operation.itemId);
      if (!item) throw notFound("Warehouse item", operation.itemId);
      return item;
    },
    costPerUnit: (operation, _args, context) => visibleCost(context, operation.costPerUnit),
  },
  RecipeLine: {
    item: async (line, _args, context) => {
      const item = await context.loaders.itemById.load(line.itemId);
      if (!item) throw notFound("Warehouse item", line.itemId);
      return item;
    },
  },
  StockConsumption: {
    lines: (consumption) => linesOf(consumption),
    hasShortfall: (consumption) => consumption.shortfallUnits > 0,
  },
  StockConsumptionLine: {
    item: async (line, _args, context) => {
      const item = await context.loaders.itemById.load(line.itemId);
      if (!item) throw notFound("Warehouse item", line.itemId);
      return item;
    },
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
