import type { UploadPurpose } from "../../prisma/generated/client";

/**
 * Where an upload's bytes live in the store. Product images are public (the storefront shows
 * them), order photos private (signed, expiring URLs only); originals wait under incoming/
 * until their variants are made, then go.
 */
export function originalKey(shopId: number, uploadId: string): string {
  return `incoming/${shopId}/${uploadId}`;
}

export function variantKey(purpose: UploadPurpose, shopId: number, uploadId: string, variant: string): string {
  return `${purpose === "PRODUCT_IMAGE" ? "public" : "private"}/${shopId}/${uploadId}/${variant}.webp`;
}

export function isPublicKey(key: string): boolean {
  return key.startsWith("public/");
}

/** One stored variant, as the upload row's `variants` holds it. */
export interface StoredVariant {
  name: string;
  key: string;
  width: number;
  height: number;
  bytes: number;
}

export const VARIANT_CONTENT_TYPE = "image/webp";
