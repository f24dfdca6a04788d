import type { SubgraphContext } from "../../core/context";
import { rowLoader, sqlLoaders } from "../../core/loaders";
import * as stock from "./stock";
import { findRecipeLines } from "./recipes";
import { consumptionsByOrderIds } from "./consumption";

export function createWarehouseLoaders(context: Omit<SubgraphContext, "loaders">) {
  return {
    stockByProductId: sqlLoaders.value(context, stock.assemblableByProductIds, 0),
    itemById: rowLoader(context, stock.findItemsByIds, (row) => row.id),
    recipeByProductId: sqlLoaders.children(context, findRecipeLines, (row) => row.productId),
    consumptionByOrderId: rowLoader(context, consumptionsByOrderIds, (row) => row.orderId),
  };
}

export type WarehouseContext = SubgraphContext<ReturnType<typeof createWarehouseLoaders>>;
