import type { Resolvers } from "./__generated__/resolvers-types";
import type { CatalogContext } from "./context";
import type { Tx } from "../../core/db";
import { inTenant, requireViewer } from "../../core/context";
import { parseId, selectsField } from "../../core/pagination";
import { formatTenge } from "../../core/money";
import { notFound, unauthenticated } from "../../core/errors";
import { requirePermission } from "../../core/permissions";
import { listProducts } from "./products";
import { retrySync, syncQueue } from "./bitrix-sync/service";
import * as service from "./product-service";
import * as uploads from "./uploads/service";
import { JSONObjectResolver } from "graphql-scalars";
import { variantViews } from "../../core/uploads/service";

/** Runs a catalog change for an ADMIN or MANAGER, in the caller's shop, with origin "user". */
function editCatalog<T>(context: CatalogContext, work: (tx: Tx, shopId: number) => Promise<T>): Promise<T> {
  requirePermission(requireViewer(context), "catalog.write");
  return inTenant(context, (tx, viewer) => work(tx, viewer.shopId));
}
import { findUser, signIn } from "./users";
import * as staff from "./staff/staff";

export const resolvers: Resolvers = {
  JSONObject: JSONObjectResolver,
  Query: {
    me: async (_parent, _args, context) => {
      const user = await inTenant(context, (tx, viewer) => findUser(tx, viewer.shopId, viewer.userId));
      if (!user) throw unauthenticated("The token names no user of its shop; sign in again");
      return user;
    },
    shop: async (_parent, _args, context) => {
      const shop = await inTenant(context, (tx, viewer) => tx.shop.findUnique({ where: { id: viewer.shopId } }));
      if (!shop) throw notFound("Shop", requireViewer(context).shopId);
      return shop;
    },
    products: (_parent, args, context, info) => {
      const { shopId } = requireViewer(context);
      return context.db.read(shopId, (sql) => listProducts(sql, shopId, args, selectsField(info, "totalCount")));
    },
    product: (_parent, args, context) => context.loaders.productById.load(parseId(args.id)),
    bitrixSyncQueue: (_parent, args, context) => syncQueue(context, args),
    users: (_parent, args, context) => staff.listUsers(context, args),
    viewerAccess: (_parent, _args, context) => staff.viewerAccess(context),
  },
  Mutation: {
    retryBitrixSync: (_parent, args, context) => retrySync(context, args.id),
    createProduct: (_parent, { input }, context) =>
      editCatalog(context, (tx, shopId) => service.createProduct(tx, shopId, input)),
    updateProduct: (_parent, { id, input }, context) =>
      editCatalog(context, (tx, shopId) => service.updateProduct(tx, shopId, parseId(id), input)),
    setProductEnabled: (_parent, { id, enabled }, context) =>
      editCatalog(context, (tx, shopId) => service.setProductEnabled(tx, shopId, parseId(id), enabled)),
    archiveProduct: (_parent, { id }, context) =>
      editCatalog(context, (tx, shopId) => service.archiveProduct(tx, shopId, parseId(id))),
    createUpload: (_parent, { input }, context) => uploads.createUpload(context, input),
    addProductImage: (_parent, args, context) => uploads.addProductImage(context, args),
    removeProductImage: (_parent, { imageId }, context) =>
      uploads.removeProductImage(context, parseId(imageId, "imageId")),
    reorderProductImages: (_parent, { productId, imageIds }, context) =>
      editCatalog(context, (tx, shopId) =>
        service.reorderImages(
          tx,
          shopId,
          parseId(productId, "productId"),
          imageIds.map((id) => parseId(id, "imageIds")),
        ),
      ),
    setMainProductImage: (_parent, { imageId }, context) =>
      editCatalog(context, (tx, shopId) => service.setMainImage(tx, shopId, parseId(imageId, "imageId"))),
    login: (_parent, args, context) => signIn(context, args.email, args.password),
    setPassword: (_parent, args, context) => staff.setPasswordWithToken(context, args.token, args.password),
    createUser: (_parent, { input }, context) => staff.createUser(context, input),
    changeUserRole: (_parent, args, context) => staff.changeUserRole(context, args.id, args.role),
    deactivateUser: (_parent, args, context) => staff.deactivateUser(context, args.id),
    changePassword: (_parent, args, context) => staff.changePassword(context, args.oldPassword, args.newPassword),
  },
  User: {
    __resolveReference: (reference, context) => context.loaders.userById.load(parseId(reference.id)),
    active: (user) => user.deactivatedAt === null,
    setPasswordToken: (user) => user.setPasswordToken ?? null,
    // the parent came from a verified sign-in or token, so its shop is the one to read
    shop: async (user, _args, context) => {
      const shop = await context.db.withTenant(user.shopId, (tx) => tx.shop.findUnique({ where: { id: user.shopId } }));
      if (!shop) throw notFound("Shop", user.shopId);
      return shop;
    },
  },
  Product: {
    __resolveReference: (reference, context) => context.loaders.productById.load(parseId(reference.id)),
    formattedPrice: (product) => formatTenge(product.price),
    images: (product, _args, context) => context.loaders.imagesByProductId.load(product.id),
    bitrixSync: (product, _args, context) => context.loaders.bitrixSyncByProductId.load(product.id),
  },
  ProductImage: {
    variants: async (image, _args, context) =>
      image.uploadId
        ? variantViews(context.config, (await context.loaders.uploadById.load(image.uploadId)) ?? { variants: [] })
        : [],
    thumbnailUrl: async (image, _args, context) => {
      if (!image.uploadId) return null;
      const variants = await variantViews(
        context.config,
        (await context.loaders.uploadById.load(image.uploadId)) ?? { variants: [] },
      );
      return variants.find((variant) => variant.name === "thumb")?.url ?? null;
    },
  },
  Upload: {
    id: (issued) => issued.upload.id,
    purpose: (issued) => issued.upload.purpose,
    contentType: (issued) => issued.upload.contentType,
    byteSize: (issued) => issued.upload.byteSize,
    status: (issued) => issued.upload.status,
    expiresAt: (issued) => issued.upload.expiresAt,
    rejection: (issued) => issued.upload.rejection,
  },
  BitrixSync: {
    product: async (entry, _args, context) => (await context.loaders.productById.load(entry.productId))!,
    lastHttpStatus: (entry) => entry.lastStatus,
    nextAttemptAt: (entry) => (entry.state === "PENDING" ? entry.nextAttemptAt : null),
  },
};
