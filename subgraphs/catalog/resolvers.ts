import type { Resolvers } from "./__generated__/resolvers-types";
import { inTenant, requireViewer } from "../../core/context";
import { parseId } from "../../core/pagination";
import { formatTenge } from "../../core/money";
import { notFound } from "../../core/errors";
import { listProducts } from "./products";

export const resolvers: Resolvers = {
  Query: {
    shop: async (_parent, _args, context) => {
      const shop = await inTenant(context, (tx, viewer) => tx.shop.findUnique({ where: { id: viewer.shopId } }));
      if (!shop) throw notFound("Shop", requireViewer(context).shopId);
      return shop;
    },
    products: (_parent, args, context) => inTenant(context, (tx, viewer) => listProducts(tx, viewer.shopId, args)),
    product: (_parent, args, context) => context.loaders.productById.load(parseId(args.id)),
  },
  Product: {
    __resolveReference: (reference, context) => context.loaders.productById.load(parseId(reference.id)),
    formattedPrice: (product) => formatTenge(product.price),
    images: (product, _args, context) => context.loaders.imagesByProductId.load(product.id),
  },
};
