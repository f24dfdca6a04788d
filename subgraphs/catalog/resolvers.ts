import type { Resolvers } from "./__generated__/resolvers-types";
import { parseId, selectsField } from "../../core/pagination";
import { formatTenge } from "../../core/money";
import { retrySync, syncQueue } from "./bitrix-sync/service";
import * as service from "./service";
import * as uploads from "./uploads/service";
import { JSONObjectResolver } from "graphql-scalars";
import { signIn } from "./users";
import * as staff from "./staff/staff";

export const resolvers: Resolvers = {
  JSONObject: JSONObjectResolver,
  Query: {
    me: (_parent, _args, context) => service.me(context),
    shop: (_parent, _args, context) => service.shop(context),
    products: (_parent, args, context, info) => service.products(context, args, selectsField(info, "totalCount")),
    product: (_parent, args, context) => service.product(context, args.id),
    bitrixSyncQueue: (_parent, args, context) => syncQueue(context, args),
    users: (_parent, args, context) => staff.listUsers(context, args),
    viewerAccess: (_parent, _args, context) => staff.viewerAccess(context),
  },
  Mutation: {
    retryBitrixSync: (_parent, args, context) => retrySync(context, args.id),
    createProduct: (_parent, { input }, context) => service.createProduct(context, input),
    updateProduct: (_parent, { id, input }, context) => service.updateProduct(context, id, input),
    setProductEnabled: (_parent, { id, enabled }, context) => service.setProductEnabled(context, id, enabled),
    archiveProduct: (_parent, { id }, context) => service.archiveProduct(context, id),
    createUpload: (_parent, { input }, context) => uploads.createUpload(context, input),
    addProductImage: (_parent, args, context) => uploads.addProductImage(context, args),
    removeProductImage: (_parent, { imageId }, context) =>
      uploads.removeProductImage(context, parseId(imageId, "imageId")),
    reorderProductImages: (_parent, { productId, imageIds }, context) =>
      service.reorderProductImages(context, productId, imageIds),
    setMainProductImage: (_parent, { imageId }, context) => service.setMainProductImage(context, imageId),
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
    shop: (user, _args, context) => service.shopOfUser(context, user),
  },
  Product: {
    __resolveReference: (reference, context) => service.product(context, reference.id),
    formattedPrice: (product) => formatTenge(product.price),
    images: (product, _args, context) => context.loaders.imagesByProductId.load(product.id),
    bitrixSync: (product, _args, context) => context.loaders.bitrixSyncByProductId.load(product.id),
  },
  ProductImage: {
    variants: (image, _args, context) => service.imageVariants(context, image),
    thumbnailUrl: (image, _args, context) => service.thumbnailUrl(context, image),
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
    product: (entry, _args, context) => service.productOfSync(context, entry),
    lastHttpStatus: (entry) => entry.lastStatus,
    nextAttemptAt: (entry) => (entry.state === "PENDING" ? entry.nextAttemptAt : null),
  },
};
