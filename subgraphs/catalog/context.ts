import type { SubgraphContext } from "../../core/context";
import { childrenLoader, rowLoader } from "../../core/loaders";
import * as products from "./products";

export function createCatalogLoaders(context: Omit<SubgraphContext, "loaders">) {
  return {
    productById: rowLoader(context, products.findByIds, (row) => row.id),
    imagesByProductId: childrenLoader(context, products.findImages, (row) => row.productId),
  };
}

export type CatalogContext = SubgraphContext<ReturnType<typeof createCatalogLoaders>>;
