import type { SubgraphDefinition } from "../../core/subgraph-server";
import { createOrdersLoaders } from "./context";
import { ordersInternalOperations } from "./internal-operations";
import { resolvers } from "./resolvers";
import { registerUploadMetrics } from "../../core/uploads/metrics";

export const ordersSubgraph: SubgraphDefinition<ReturnType<typeof createOrdersLoaders>> = {
  name: "orders",
  resolvers,
  createLoaders: createOrdersLoaders,
  internalOperations: ordersInternalOperations,
  // order photos are processed here, when they are attached
  registerMetrics: (registry, { db }) => registerUploadMetrics(registry, db),
};
