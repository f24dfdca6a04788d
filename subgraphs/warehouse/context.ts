import type { SubgraphContext } from "../../core/context";
import { sqlLoaders } from "../../core/loaders";
import * as stock from "./stock";

export function createWarehouseLoaders(context: Omit<SubgraphContext, "loaders">) {
  return {
    stockByProductId: sqlLoaders.value(context, stock.assemblableByProductIds, 0),
  };
}

export type WarehouseContext = SubgraphContext<ReturnType<typeof createWarehouseLoaders>>;
