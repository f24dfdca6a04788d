import type { SubgraphDefinition } from "../../core/subgraph-server";
import { createOrdersLoaders } from "./context";
import { resolvers } from "./resolvers";

export const ordersSubgraph: SubgraphDefinition<ReturnType<typeof createOrdersLoaders>> = {
  name: "orders",
  resolvers,
  createLoaders: createOrdersLoaders,
};
