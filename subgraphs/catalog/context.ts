import type { SubgraphContext } from "../../core/context";
import { sqlLoaders } from "../../core/loaders";
import * as products from "./products";

export function createCatalogLoaders(context: Omit<SubgraphContext, "loaders">) {
  return {
    productById: sqlLoaders.row(context, products.findByIds, (row) => row.id),
    imagesByProductId: sqlLoaders.children(context, products.findImages, (row) => row.productId),
  };
}

export type CatalogContext = SubgraphContext<ReturnType<typeof createCatalogLoaders>>;
