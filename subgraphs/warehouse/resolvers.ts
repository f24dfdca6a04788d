import type { Resolvers } from "./__generated__/resolvers-types";
import { inTenant } from "../../core/context";
import { parseId } from "../../core/pagination";
import { listItems } from "./stock";

export const resolvers: Resolvers = {
  Query: {
    warehouseItems: (_parent, args, context) => inTenant(context, (tx, viewer) => listItems(tx, viewer.shopId, args)),
  },
  Product: {
    // The warehouse holds no product rows: the reference itself is the product, and its
    // stock is computed from the caller's shop only, so another shop's id yields 0.
    __resolveReference: (reference) => ({ id: reference.id }),
    stock: (product, _args, context) => context.loaders.stockByProductId.load(parseId(product.id)),
  },
};
