import type { SubgraphDefinition } from "../../core/subgraph-server";
import { createCatalogLoaders } from "./context";
import { catalogInternalOperations } from "./internal-operations";
import { resolvers } from "./resolvers";
import { uploadRoutes } from "./uploads/http";
import { registerUploadMetrics } from "../../core/uploads/metrics";

export const catalogSubgraph: SubgraphDefinition<ReturnType<typeof createCatalogLoaders>> = {
  name: "catalog",
  resolvers,
  createLoaders: createCatalogLoaders,
  internalOperations: catalogInternalOperations,
  httpRoutes: uploadRoutes,
  registerMetrics: (registry, { db }) => registerUploadMetrics(registry, db),
};
