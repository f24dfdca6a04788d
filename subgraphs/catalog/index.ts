import type { SubgraphDefinition } from "../../core/subgraph-server";
import { createCatalogLoaders } from "./context";
import { resolvers } from "./resolvers";

export const catalogSubgraph: SubgraphDefinition<ReturnType<typeof createCatalogLoaders>> = {
  name: "catalog",
  resolvers,
  createLoaders: createCatalogLoaders,
};
