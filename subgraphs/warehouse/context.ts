import type { SubgraphContext } from "../../core/context";
import { valueLoader } from "../../core/loaders";
import * as stock from "./stock";

export function createWarehouseLoaders(context: Omit<SubgraphContext, "loaders">) {
  return {
    stockByProductId: valueLoader(context, stock.assemblableByProductIds, 0),
  };
}

export type WarehouseContext = SubgraphContext<ReturnType<typeof createWarehouseLoaders>>;
