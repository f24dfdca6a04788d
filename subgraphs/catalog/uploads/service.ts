import type { Product } from "../../../prisma/generated/client";
import { changeInTenant, inTenant, requireViewer } from "../../../core/context";
import { requirePermission } from "../../../core/permissions";
import { parseId } from "../../../core/pagination";
import { notFound } from "../../../core/errors";
import { httpsUrl } from "../../../core/validation";
import * as uploads from "../../../core/uploads/service";
import { variantUrl } from "../../../core/uploads/service";
import type { CatalogContext } from "../context";
import * as products from "../product-rules";

/** The catalog's upload use cases: creating uploads, attaching them to products, deleting images. */

export function createUpload(context: CatalogContext, input: uploads.CreateUploadInput) {
  return uploads.createUpload(context, requireViewer(context), input);
}

type ImageArgs = {
  productId: string;
  url?: string | null;
  uploadId?: string | null;
  isMain?: boolean | null;
  input?: { url?: string | null; uploadId?: string | null; isMain?: boolean | null } | null;
};

/** Adds an image by URL, or by upload: the upload is checked (and, from a bucket, processed) first, then claimed in the image's transaction. */
export async function addProductImage(context: CatalogContext, args: ImageArgs): Promise<Product> {
  const viewer = requireViewer(context);
  requirePermission(viewer, "catalog.write");
  const productId = parseId(args.productId, "productId");
  const isMain = args.isMain ?? args.input?.isMain ?? false;
  const source = uploads.photoSource(args, args.input);
  if ("url" in source)
    return inTenant(context, (tx) =>
      products.addImage(tx, viewer.shopId, productId, { url: httpsUrl(source.url, "url") }, isMain),
    );
  const upload = await uploads.readyUpload(context, viewer, source.uploadId, "PRODUCT_IMAGE");
  const large = uploads.variantsOf(upload).find((variant) => variant.name === "large")!;
  const { url } = await variantUrl(context.config, large);
  return inTenant(context, async (tx) => {
    await uploads.claimUpload(tx, viewer.shopId, upload.id);
    return products.addImage(tx, viewer.shopId, productId, { url, uploadId: upload.id }, isMain);
  });
}

/** Removes an image; an uploaded image's row goes in the same transaction and its files once it commits. */
export async function removeProductImage(context: CatalogContext, imageId: number): Promise<Product> {
  let released: Awaited<ReturnType<typeof uploads.releaseUpload>> | null = null;
  const product = await changeInTenant(context, "catalog.write", async (tx, viewer) => {
    const image = await tx.productImage.findFirst({ where: { id: imageId, shopId: viewer.shopId } });
    if (!image) throw notFound("Product image", imageId);
    const changed = await products.removeImage(tx, viewer.shopId, imageId);
    if (image.uploadId) released = await uploads.releaseUpload(tx, viewer.shopId, image.uploadId);
    return changed;
  });
  await uploads.deleteStored(context, released);
  return product;
}
