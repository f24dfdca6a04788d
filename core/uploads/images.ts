import fsp from "node:fs/promises";
import sharp, { type Sharp, type SharpOptions } from "sharp";
import heicDecode from "heic-decode";

/**
 * What an upload's bytes are, judged by their first bytes (never by the name or the
 * Content-Type the client sent), and the WebP variants made from them with sharp.
 */
export type ImageFormat = "jpeg" | "png" | "webp" | "heic";

export class ImageRejected extends Error {
  constructor(
    /** a short machine-readable reason: not_an_image, svg, too_many_pixels, corrupt */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** HEIF brands an iPhone (and other phones) write: HEVC-coded stills and sequences. */
const HEIC_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"]);

export function sniffImage(head: Buffer): ImageFormat | "svg" | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "jpeg";
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "png";
  if (head.toString("latin1", 0, 4) === "RIFF" && head.toString("latin1", 8, 12) === "WEBP") return "webp";
  if (head.toString("latin1", 4, 8) === "ftyp" && HEIC_BRANDS.has(head.toString("latin1", 8, 12))) return "heic";
  const text = head
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trimStart()
    .toLowerCase();
  if (
    text.startsWith("<svg") ||
    (text.startsWith("<?xml") && text.includes("<svg")) ||
    text.startsWith("<!doctype svg")
  )
    return "svg";
  return null;
}

export const VARIANTS = [
  { name: "thumb", size: 320 },
  { name: "large", size: 1600 },
] as const;
export type VariantName = (typeof VARIANTS)[number]["name"];

export interface Variant {
  name: VariantName;
  data: Buffer;
  width: number;
  height: number;
}

export interface ImageLimits {
  /** decoded pixels allowed (a decompression bomb declares far more than any phone takes) */
  maxPixels: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxPixels: 100_000_000 };

function checkPixels(width: number | undefined, height: number | undefined, limits: ImageLimits) {
  if (!width || !height) throw new ImageRejected("corrupt", "The image has no readable dimensions");
  if (width * height > limits.maxPixels) {
    throw new ImageRejected(
      "too_many_pixels",
      `The image is ${width} × ${height} pixels; at most ${limits.maxPixels.toLocaleString("en")} pixels are accepted`,
    );
  }
}

/** heic-decode's `all`: each image's size is known before its pixels are decoded */
type HeicImages = {
  width: number;
  height: number;
  decode(): Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
}[] & { dispose(): void };

/** sharp's view of the file: HEIC decoded by libheif (wasm) first, since sharp's own libvips cannot read HEVC. */
async function openImage(file: string, format: ImageFormat, limits: ImageLimits): Promise<Sharp> {
  const options: SharpOptions = { limitInputPixels: limits.maxPixels, failOn: "error", sequentialRead: true };
  if (format !== "heic") {
    const metadata = await sharp(file, options).metadata();
    checkPixels(metadata.width, metadata.height, limits);
    // EXIF orientation applied, then every metadata block (EXIF with GPS, XMP, ICC) left out of the output
    return sharp(file, options).rotate();
  }
  const images = (await heicDecode.all({ buffer: await fsp.readFile(file) })) as unknown as HeicImages;
  let decoded: { width: number; height: number; data: Uint8ClampedArray };
  try {
    checkPixels(images[0]?.width, images[0]?.height, limits);
    // libheif applies the file's rotation and mirroring while decoding
    decoded = await images[0].decode();
  } finally {
    images.dispose();
  }
  const { width, height, data } = decoded;
  return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
    raw: { width, height, channels: 4 },
    limitInputPixels: limits.maxPixels,
  });
}

/** The WebP variants of an image file, or ImageRejected for anything that is not a whole, sane image. */
export async function makeVariants(
  file: string,
  format: ImageFormat,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): Promise<Variant[]> {
  try {
    const image = await openImage(file, format, limits);
    return await Promise.all(
      VARIANTS.map(async ({ name, size }) => {
        const { data, info } = await image
          .clone()
          .resize({ width: size, height: size, fit: "inside", withoutEnlargement: true })
          // effort 2 of 6: about a third less CPU than the default 4 for a 12 MP photo, slightly larger files
          .webp({ quality: 80, effort: 2 })
          .toBuffer({ resolveWithObject: true });
        return { name, data, width: info.width, height: info.height };
      }),
    );
  } catch (error) {
    if (error instanceof ImageRejected) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/pixel limit/i.test(message))
      throw new ImageRejected("too_many_pixels", "The image has more pixels than accepted");
    throw new ImageRejected("corrupt", `The image could not be decoded (${message.split("\n")[0].slice(0, 120)})`);
  }
}
