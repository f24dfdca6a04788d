import type { SubgraphContext } from "../../core/context";
import { sqlLoaders } from "../../core/loaders";
import * as products from "./products";
import * as bitrixOutbox from "./bitrix-sync/outbox";

export function createCatalogLoaders(context: Omit<SubgraphContext, "loaders">) {
  return {
    productById: sqlLoaders.row(context, products.findByIds, (row) => row.id),
    imagesByProductId: sqlLoaders.children(context, products.findImages, (row) => row.productId),
    bitrixSyncByProductId: sqlLoaders.row(context, bitrixOutbox.latestForProducts, (row) => row.productId),
  };
}

export type CatalogContext = SubgraphContext<ReturnType<typeof createCatalogLoaders>>;
