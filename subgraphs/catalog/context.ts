import type { SubgraphContext } from "../../core/context";
import { sqlLoaders } from "../../core/loaders";
import * as products from "./products";
import * as bitrixOutbox from "./bitrix-sync/outbox";
import { findUsersByIds } from "./users";
import { findUploads } from "../../core/uploads/service";

export function createCatalogLoaders(context: Omit<SubgraphContext, "loaders">) {
  return {
    productById: sqlLoaders.row(context, products.findByIds, (row) => row.id),
    imagesByProductId: sqlLoaders.children(context, products.findImages, (row) => row.productId),
    userById: sqlLoaders.row(context, findUsersByIds, (row) => row.id),
    bitrixSyncByProductId: sqlLoaders.row(context, bitrixOutbox.latestForProducts, (row) => row.productId),
    uploadById: sqlLoaders.row(context, findUploads, (row) => row.id),
  };
}

export type CatalogContext = SubgraphContext<ReturnType<typeof createCatalogLoaders>>;
