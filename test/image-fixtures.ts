import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import sharp from "sharp";

/** Images made on the spot for the upload tests: real encoders, no binary fixtures in the repo. */

/** A phone-like JPEG: EXIF orientation 6 (rotate 90° clockwise to view) and a GPS position. */
export async function phoneJpeg(
  width = 800,
  height = 600,
  options: { quality?: number; noise?: boolean } = {},
): Promise<Buffer> {
  const base = options.noise
    ? sharp(Buffer.from(Array.from({ length: width * height * 3 }, () => Math.floor(Math.random() * 256))), {
        raw: { width, height, channels: 3 },
      })
    : sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } });
  return base
    .jpeg({ quality: options.quality ?? 90 })
    .withExif({
      IFD0: { Make: "Apple", Model: "iPhone 15" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "43/1 15/1 0/1", GPSLongitudeRef: "E", GPSLongitude: "76/1 56/1 0/1" },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

export function png(width = 640, height = 480): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 20, g: 160, b: 60, alpha: 1 } } })
    .png()
    .toBuffer();
}

export function webp(width = 640, height = 480): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 250, g: 200, b: 0 } } })
    .webp()
    .toBuffer();
}

/** A HEIC (HEVC) still as an iPhone writes, by libheif's heif-enc (Debian's libheif-examples); null when it is not installed. */
export async function heic(width = 400, height = 300): Promise<Buffer | null> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "heic-"));
  try {
    const source = path.join(dir, "in.png");
    await sharp({ create: { width, height, channels: 3, background: { r: 10, g: 90, b: 200 } } })
      .png()
      .toFile(source);
    execFileSync("heif-enc", ["-q", "60", "-o", path.join(dir, "out.heic"), source], { stdio: "ignore" });
    return fs.readFileSync(path.join(dir, "out.heic"));
  } catch {
    return null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const SVG = Buffer.from(
  `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>`,
);

/** A PDF's first bytes: not an image, whatever the name and header say. */
export const NOT_AN_IMAGE = Buffer.concat([Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), Buffer.alloc(2000, 0x41)]);

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A decompression bomb: a PNG of a few KB declaring 100,000 × 100,000 pixels. */
export function pngBomb(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(100_000, 0);
  header.writeUInt32BE(100_000, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, deflate, no filter, no interlace
  const rows = zlib.deflateSync(Buffer.alloc(4 * 1024 * 1024), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", rows),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The first half of a JPEG: a transfer cut short. */
export async function truncatedJpeg(): Promise<Buffer> {
  const whole = await phoneJpeg(400, 300, { noise: true });
  return whole.subarray(0, Math.floor(whole.length / 2));
}
