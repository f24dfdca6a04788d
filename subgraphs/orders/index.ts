import type { SubgraphDefinition } from "../../core/subgraph-server";
import { createOrdersLoaders } from "./context";
import { ordersInternalOperations } from "./internal-operations";
import { resolvers } from "./resolvers";

export const ordersSubgraph: SubgraphDefinition<ReturnType<typeof createOrdersLoaders>> = {
  name: "orders",
  resolvers,
  createLoaders: createOrdersLoaders,
  internalOperations: ordersInternalOperations,
};
