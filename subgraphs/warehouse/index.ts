import type { SubgraphDefinition } from "../../core/subgraph-server";
import { createWarehouseLoaders } from "./context";
import { resolvers } from "./resolvers";

export const warehouseSubgraph: SubgraphDefinition<ReturnType<typeof createWarehouseLoaders>> = {
  name: "warehouse",
  resolvers,
  createLoaders: createWarehouseLoaders,
};
