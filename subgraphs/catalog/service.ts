import type { Tx } from "../../core/db";
import type { BitrixOutbox, ProductImage } from "../../prisma/generated/client";
import { changeInTenant, inTenant, requireViewer } from "../../core/context";
import { parseId } from "../../core/pagination";
import { notFound, unauthenticated } from "../../core/errors";
import { variantViews } from "../../core/uploads/service";
import type { CreateProductInput, QueryProductsArgs, UpdateProductInput } from "./__generated__/resolvers-types";
import type { CatalogContext } from "./context";
import { listProducts } from "./products";
import * as rules from "./product-rules";
import { findUser, type UserRow } from "./users";

/** The catalog subgraph's use cases, context first; resolvers are one line each. */

/** A catalog change by an ADMIN or MANAGER, in the caller's shop, with origin "user". */
function editCatalog<T>(context: CatalogContext, work: (tx: Tx, shopId: number) => Promise<T>): Promise<T> {
  return changeInTenant(context, "catalog.write", (tx, viewer) => work(tx, viewer.shopId));
}

export async function me(context: CatalogContext): Promise<UserRow> {
  const user = await inTenant(context, (tx, viewer) => findUser(tx, viewer.shopId, viewer.userId));
  if (!user) throw unauthenticated("The token names no user of its shop; sign in again");
  return user;
}

/** The caller's shop. */
export async function shop(context: CatalogContext) {
  const found = await inTenant(context, (tx, viewer) => tx.shop.findUnique({ where: { id: viewer.shopId } }));
  if (!found) throw notFound("Shop", requireViewer(context).shopId);
  return found;
}

/** A user's shop: the user came from a verified sign-in or token, so their shop is the one to read. */
export async function shopOfUser(context: CatalogContext, user: UserRow) {
  const found = await context.db.withTenant(user.shopId, (tx) => tx.shop.findUnique({ where: { id: user.shopId } }));
  if (!found) throw notFound("Shop", user.shopId);
  return found;
}

/** A page of the shop's products; the count runs only when the client asks for it. */
export function products(context: CatalogContext, args: Partial<QueryProductsArgs>, withCount: boolean) {
  const { shopId } = requireViewer(context);
  return context.db.read(shopId, (sql) => listProducts(sql, shopId, args, withCount));
}

export function product(context: CatalogContext, id: string | number) {
  return context.loaders.productById.load(parseId(id));
}

/** The product a sync queue entry is about (the entry's foreign key keeps it there). */
export async function productOfSync(context: CatalogContext, entry: BitrixOutbox) {
  return (await context.loaders.productById.load(entry.productId))!;
}

export function createProduct(context: CatalogContext, input: CreateProductInput) {
  return editCatalog(context, (tx, shopId) => rules.createProduct(tx, shopId, input));
}

export function updateProduct(context: CatalogContext, id: string, input: UpdateProductInput) {
  return editCatalog(context, (tx, shopId) => rules.updateProduct(tx, shopId, parseId(id), input));
}

export function setProductEnabled(context: CatalogContext, id: string, enabled: boolean) {
  return editCatalog(context, (tx, shopId) => rules.setProductEnabled(tx, shopId, parseId(id), enabled));
}

export function archiveProduct(context: CatalogContext, id: string) {
  return editCatalog(context, (tx, shopId) => rules.archiveProduct(tx, shopId, parseId(id)));
}

export function reorderProductImages(context: CatalogContext, productId: string, imageIds: string[]) {
  return editCatalog(context, (tx, shopId) =>
    rules.reorderImages(
      tx,
      shopId,
      parseId(productId, "productId"),
      imageIds.map((id) => parseId(id, "imageIds")),
    ),
  );
}

export function setMainProductImage(context: CatalogContext, imageId: string) {
  return editCatalog(context, (tx, shopId) => rules.setMainImage(tx, shopId, parseId(imageId, "imageId")));
}

/** An image's sized variants; an image given by URL (no upload) has none. */
export async function imageVariants(context: CatalogContext, image: ProductImage) {
  if (!image.uploadId) return [];
  return variantViews(context.config, (await context.loaders.uploadById.load(image.uploadId)) ?? { variants: [] });
}

export async function thumbnailUrl(context: CatalogContext, image: ProductImage) {
  const variants = await imageVariants(context, image);
  return variants.find((variant) => variant.name === "thumb")?.url ?? null;
}
