import type { Order, OrderPhoto } from "../../prisma/generated/client";
import { inTenant, requireViewer } from "../../core/context";
import { badUserInput, notFound } from "../../core/errors";
import { requirePermission } from "../../core/permissions";
import { parseId } from "../../core/pagination";
import * as uploads from "../../core/uploads/service";
import type { OrdersContext } from "./context";
import { addOrderPhoto as addPhotoByUrl, annotate } from "./service";

/** Order photos from uploads: attached in the annotation's transaction, read through signed URLs, deleted with their files. */

type PhotoArgs = {
  id?: string | null;
  orderId?: string | null;
  url?: string | null;
  uploadId?: string | null;
  kind?: string | null;
  input?: { url?: string | null; uploadId?: string | null; kind: string } | null;
};

function orderIdOf(args: PhotoArgs): number {
  const given = [args.id, args.orderId].filter((id) => id !== null && id !== undefined);
  if (given.length !== 1 || (args.id && args.orderId && args.id !== args.orderId))
    throw badUserInput("Give the order's id as id or orderId", "orderId");
  return parseId(given[0]!, "orderId");
}

export async function addOrderPhoto(context: OrdersContext, args: PhotoArgs): Promise<Order> {
  const viewer = requireViewer(context);
  requirePermission(viewer, "order.annotate");
  const orderId = orderIdOf(args);
  const kind = args.kind ?? args.input?.kind;
  if (!kind) throw badUserInput("kind is required: what the photo shows", "kind");
  const source = uploads.photoSource(args, args.input);
  if ("url" in source) return addPhotoByUrl(context, orderId, source.url, kind);
  const upload = await uploads.readyUpload(context, viewer, source.uploadId, "ORDER_PHOTO");
  // the row keeps the private key's path; readers get a freshly signed URL (photoUrls)
  const large = uploads.variantsOf(upload).find((variant) => variant.name === "large")!;
  return annotate(
    context,
    orderId,
    { kind: "PHOTO", url: `upload:${large.key}`, photoKind: kind, author: viewer.userId, uploadId: upload.id },
    (tx) => uploads.claimUpload(tx, viewer.shopId, upload.id),
  );
}

/** Removes a photo; its history entry stays (without the photo), its files are deleted once the removal commits. */
export async function removeOrderPhoto(context: OrdersContext, photoId: number): Promise<Order> {
  requirePermission(requireViewer(context), "order.write");
  let released: Awaited<ReturnType<typeof uploads.releaseUpload>> | null = null;
  const order = await inTenant(context, async (tx, viewer) => {
    const photo = await tx.orderPhoto.findFirst({ where: { id: photoId, shopId: viewer.shopId } });
    if (!photo) throw notFound("Order photo", photoId);
    await tx.orderPhoto.delete({ where: { id: photo.id } });
    if (photo.uploadId) released = await uploads.releaseUpload(tx, viewer.shopId, photo.uploadId);
    return tx.order.update({ where: { id: photo.orderId }, data: { updatedAt: new Date() } });
  });
  await uploads.deleteStored(context, released);
  return order;
}

/** The photo's variants with signed URLs; empty for a photo attached by URL. */
export async function photoVariants(context: OrdersContext, photo: OrderPhoto): Promise<uploads.VariantView[]> {
  if (!photo.uploadId) return [];
  return uploads.variantViews(
    context.config,
    (await context.loaders.uploadById.load(photo.uploadId)) ?? { variants: [] },
  );
}

export async function photoVariant(
  context: OrdersContext,
  photo: OrderPhoto,
  name: "thumb" | "large",
): Promise<uploads.VariantView | null> {
  return (await photoVariants(context, photo)).find((variant) => variant.name === name) ?? null;
}
