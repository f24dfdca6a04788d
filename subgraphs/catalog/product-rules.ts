import type { Tx } from "../../core/db";
import type { Product } from "../../prisma/generated/client";
import { badUserInput, conflict, notFound } from "../../core/errors";
import { httpsUrl, integerInRange, optionalText, priceInTiyn, requiredName } from "../../core/validation";

/**
 * The catalog's business rules. Every function runs inside the caller's tenant transaction
 * (`db.withTenant(shopId, tx => …)`), so the admin mutations and the Bitrix webhook share one
 * path and one set of checks; who may call them is the caller's business (permissions).
 */

export const MAX_IMAGES_PER_PRODUCT = 20;

export interface NewProduct {
  name: string;
  price: number;
  description?: string | null;
  enabled?: boolean | null;
  imageUrls?: readonly string[] | null;
  bitrixProductId?: number | null;
}

export interface ProductChanges {
  name?: string | null;
  price?: number | null;
  description?: string | null;
  enabled?: boolean | null;
  bitrixProductId?: number | null;
}

/** A Bitrix product id given by a person: positive, and no other product of the shop linked to it. */
async function linkableBitrixId(
  tx: Tx,
  shopId: number,
  value: number | null | undefined,
  productId: number | null,
): Promise<number | undefined> {
  if (value === null || value === undefined) return undefined;
  const id = integerInRange(value, "input.bitrixProductId", 1);
  const other = await tx.product.findFirst({
    where: { shopId, bitrixProductId: id, ...(productId ? { id: { not: productId } } : {}) },
    select: { id: true, name: true },
  });
  if (other) {
    throw conflict(`Bitrix product ${id} is already linked to product ${other.id} (${other.name}) in this shop`, {
      field: "input.bitrixProductId",
      productId: other.id,
    });
  }
  return id;
}

/** A unique violation on (shop, bitrix id) that a concurrent edit won: the same CONFLICT. */
function refuseDuplicateLink(error: unknown, bitrixProductId: number | undefined): never {
  if ((error as { code?: string }).code === "P2002" && bitrixProductId !== undefined) {
    throw conflict(`Bitrix product ${bitrixProductId} is already linked to another product in this shop`, {
      field: "input.bitrixProductId",
    });
  }
  throw error;
}

/** Locks the product row for the rest of the transaction (image positions, concurrent edits). */
async function lockProduct(tx: Tx, shopId: number, id: number): Promise<Product> {
  const locked = await tx.$queryRaw<
    { id: number }[]
  >`select id from product where id = ${id} and shop_id = ${shopId} for update`;
  if (locked.length === 0) throw notFound("Product", id);
  return tx.product.findUniqueOrThrow({ where: { id } });
}

function refuseArchived(product: Product): void {
  if (product.archivedAt)
    throw conflict(`Product ${product.id} is archived; archived products cannot be changed`, { productId: product.id });
}

function checkImageUrls(urls: readonly string[] | null | undefined, field: string): string[] {
  const list = (urls ?? []).map((url, index) => httpsUrl(url, `${field}[${index}]`));
  if (list.length > MAX_IMAGES_PER_PRODUCT)
    throw badUserInput(`A product has at most ${MAX_IMAGES_PER_PRODUCT} images`, field);
  return list;
}

export async function createProduct(tx: Tx, shopId: number, input: NewProduct): Promise<Product> {
  const name = requiredName(input.name, "name");
  const price = priceInTiyn(input.price);
  const description = optionalText(input.description, "description");
  const urls = checkImageUrls(input.imageUrls, "imageUrls");
  const bitrixProductId = await linkableBitrixId(tx, shopId, input.bitrixProductId, null);
  return tx.product
    .create({
      data: {
        shopId,
        name,
        price,
        description,
        enabled: input.enabled ?? true,
        bitrixProductId: bitrixProductId ?? null,
        images: { create: urls.map((url, position) => ({ shopId, url, position, isMain: position === 0 })) },
      },
    })
    .catch((error: unknown) => refuseDuplicateLink(error, bitrixProductId));
}

/** Changes only the fields that are given (null and undefined leave a field as it is). */
export async function updateProduct(tx: Tx, shopId: number, id: number, changes: ProductChanges): Promise<Product> {
  const product = await lockProduct(tx, shopId, id);
  refuseArchived(product);
  return applyChanges(tx, product, changes);
}

async function applyChanges(tx: Tx, product: Product, changes: ProductChanges): Promise<Product> {
  const data: Partial<Pick<Product, "name" | "price" | "description" | "enabled" | "bitrixProductId">> = {};
  const bitrixProductId = await linkableBitrixId(tx, product.shopId, changes.bitrixProductId, product.id);
  if (bitrixProductId !== undefined && bitrixProductId !== product.bitrixProductId)
    data.bitrixProductId = bitrixProductId;
  if (changes.name !== null && changes.name !== undefined) data.name = requiredName(changes.name, "name");
  if (changes.price !== null && changes.price !== undefined) data.price = priceInTiyn(changes.price);
  if (changes.description !== null && changes.description !== undefined)
    data.description = optionalText(changes.description, "description");
  if (changes.enabled !== null && changes.enabled !== undefined) data.enabled = changes.enabled;
  if (Object.keys(data).length === 0) return product;
  return tx.product
    .update({ where: { id: product.id }, data })
    .catch((error: unknown) => refuseDuplicateLink(error, bitrixProductId));
}

export async function setProductEnabled(tx: Tx, shopId: number, id: number, enabled: boolean): Promise<Product> {
  const product = await lockProduct(tx, shopId, id);
  refuseArchived(product);
  if (product.enabled === enabled) return product;
  return tx.product.update({ where: { id }, data: { enabled } });
}

/** Archives (and disables) a product; orders keep referring to it. Idempotent. */
export async function archiveProduct(tx: Tx, shopId: number, id: number): Promise<Product> {
  const product = await lockProduct(tx, shopId, id);
  if (product.archivedAt) return product;
  return tx.product.update({ where: { id }, data: { archivedAt: new Date(), enabled: false } });
}

function touch(tx: Tx, productId: number): Promise<Product> {
  return tx.product.update({ where: { id: productId }, data: { updatedAt: new Date() } });
}

async function imagesOf(tx: Tx, shopId: number, productId: number) {
  return tx.productImage.findMany({ where: { shopId, productId }, orderBy: [{ position: "asc" }, { id: "asc" }] });
}

/** Rewrites positions 0..n-1 in the given order and makes `mainId` (or the first) the main image. */
async function renumber(tx: Tx, shopId: number, productId: number, orderedIds: number[], mainId: number | null) {
  const main = mainId ?? orderedIds[0] ?? null;
  await tx.$executeRaw`
    update product_image i set position = o.position - 1, is_main = (i.id = ${main})
    from unnest(${orderedIds}::int[]) with ordinality as o(id, position)
    where i.id = o.id and i.shop_id = ${shopId} and i.product_id = ${productId}`;
}

/** Adds an image: a checked https URL of an image elsewhere, or an upload's (already claimed) URL. */
export async function addImage(
  tx: Tx,
  shopId: number,
  productId: number,
  image: { url: string; uploadId?: string },
  isMain: boolean,
): Promise<Product> {
  const product = await lockProduct(tx, shopId, productId);
  refuseArchived(product);
  const checked = image.url;
  const images = await imagesOf(tx, shopId, productId);
  if (images.length >= MAX_IMAGES_PER_PRODUCT) {
    throw conflict(`Product ${productId} already has ${MAX_IMAGES_PER_PRODUCT} images; remove one first`, {
      productId,
    });
  }
  if (images.some((image) => image.url === checked))
    throw conflict(`Product ${productId} already has the image ${checked}`, { productId });
  const created = await tx.productImage.create({
    data: { shopId, productId, url: checked, uploadId: image.uploadId ?? null, position: images.length, isMain: false },
  });
  const currentMain = images.find((image) => image.isMain)?.id ?? null;
  await renumber(
    tx,
    shopId,
    productId,
    [...images.map((image) => image.id), created.id],
    isMain ? created.id : currentMain,
  );
  return touch(tx, productId);
}

async function findImage(tx: Tx, shopId: number, imageId: number) {
  const image = await tx.productImage.findFirst({ where: { id: imageId, shopId } });
  if (!image) throw notFound("Product image", imageId);
  return image;
}

/** The product an image of the shop belongs to, locked; refused when archived. */
async function lockProductOfImage(tx: Tx, shopId: number, imageId: number): Promise<Product> {
  const image = await findImage(tx, shopId, imageId);
  const product = await lockProduct(tx, shopId, image.productId);
  refuseArchived(product);
  return product;
}

export async function removeImage(tx: Tx, shopId: number, imageId: number): Promise<Product> {
  const product = await lockProductOfImage(tx, shopId, imageId);
  await tx.productImage.delete({ where: { id: imageId } });
  const rest = await imagesOf(tx, shopId, product.id);
  const mainId = rest.find((r) => r.isMain)?.id ?? null;
  await renumber(tx, shopId, product.id, idsOf(rest), mainId);
  return touch(tx, product.id);
}

const idsOf = (images: { id: number }[]) => images.map((image) => image.id);

export async function reorderImages(tx: Tx, shopId: number, productId: number, imageIds: number[]): Promise<Product> {
  const product = await lockProduct(tx, shopId, productId);
  refuseArchived(product);
  const images = await imagesOf(tx, shopId, productId);
  const current = new Set(images.map((image) => image.id));
  const given = new Set(imageIds);
  if (given.size !== imageIds.length) throw badUserInput("imageIds lists an image more than once", "imageIds");
  const unknown = imageIds.filter((id) => !current.has(id));
  if (unknown.length)
    throw badUserInput(
      `imageIds has ids that are not images of product ${productId}: ${unknown.join(", ")}`,
      "imageIds",
    );
  if (given.size !== current.size) {
    throw badUserInput(
      `imageIds must list all ${current.size} images of product ${productId}, got ${given.size}`,
      "imageIds",
    );
  }
  await renumber(tx, shopId, productId, imageIds, images.find((image) => image.isMain)?.id ?? null);
  return touch(tx, productId);
}

export async function setMainImage(tx: Tx, shopId: number, imageId: number): Promise<Product> {
  const product = await lockProductOfImage(tx, shopId, imageId);
  await renumber(tx, shopId, product.id, idsOf(await imagesOf(tx, shopId, product.id)), imageId);
  return touch(tx, product.id);
}

export interface BitrixProductFields extends ProductChanges {
  bitrixProductId: number;
  /** the main image's URL */
  image?: string | null;
}

/**
 * Creates or updates the shop's product with this Bitrix id. Only the fields present are
 * written; a new product needs a name and a price. A concurrent first delivery of the same
 * product is absorbed by the unique (shop, bitrix id) and retried as an update.
 */
export async function upsertFromBitrix(
  tx: Tx,
  shopId: number,
  fields: BitrixProductFields,
): Promise<{ product: Product; created: boolean }> {
  const imageUrl = fields.image ? httpsUrl(fields.image, "image") : null;
  const existing = await tx.$queryRaw<{ id: number }[]>`
    select id from product where shop_id = ${shopId} and bitrix_product_id = ${fields.bitrixProductId} for update`;
  let product: Product;
  let created = false;
  if (existing.length === 0) {
    if (fields.name === null || fields.name === undefined)
      throw badUserInput("name is required to create a product", "name");
    if (fields.price === null || fields.price === undefined)
      throw badUserInput("price is required to create a product", "price");
    const inserted = await tx.$queryRaw<{ id: number }[]>`
      insert into product (shop_id, name, price, description, enabled, bitrix_product_id, updated_at)
      values (${shopId}, ${requiredName(fields.name, "name")}, ${priceInTiyn(fields.price)}, ${optionalText(fields.description, "description")},
              ${fields.enabled ?? true}, ${fields.bitrixProductId}, now())
      on conflict (shop_id, bitrix_product_id) do nothing
      returning id`;
    if (inserted.length === 0) return upsertFromBitrix(tx, shopId, fields);
    product = await tx.product.findUniqueOrThrow({ where: { id: inserted[0].id } });
    created = true;
  } else {
    product = await applyChanges(tx, await tx.product.findUniqueOrThrow({ where: { id: existing[0].id } }), fields);
  }
  if (imageUrl) product = await setMainImageUrl(tx, shopId, product, imageUrl);
  return { product, created };
}

/** Bitrix sends one picture: it becomes (or replaces) the main image. */
async function setMainImageUrl(tx: Tx, shopId: number, product: Product, url: string): Promise<Product> {
  const images = await imagesOf(tx, shopId, product.id);
  const main = images.find((image) => image.isMain);
  if (main?.url === url) return product;
  const same = images.find((image) => image.url === url);
  if (same) {
    await renumber(tx, shopId, product.id, idsOf(images), same.id);
  } else if (main) {
    await tx.productImage.update({ where: { id: main.id }, data: { url } });
  } else {
    const created = await tx.productImage.create({
      data: { shopId, productId: product.id, url, position: images.length, isMain: true },
    });
    await renumber(tx, shopId, product.id, [created.id, ...idsOf(images)], created.id);
  }
  return touch(tx, product.id);
}
