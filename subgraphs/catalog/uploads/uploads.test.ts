import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../../../test/harness";
import * as images from "../../../test/image-fixtures";
import { createUpload, freePort, put, putUpload } from "../../../test/uploads-client";
import { reconcileStoredFiles, sweepUploads } from "../../../core/uploads/sweep";
import { signedFileUrl } from "../../../core/uploads/signed-urls";

/**
 * Uploads on the local store, end to end through the router: createUpload, the PUT on our
 * origin, processing, attaching, serving, deleting and sweeping, and every bad input of
 * issue 22, each checked on disk for files left behind.
 */
let t: TestStack;
let dir: string;
let productId: string;
let devProductId: string;
const admin = () => t.token(PROD_SHOP, "ADMIN");

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "uploads-"));
  const port = await freePort();
  t = await startTestStack({ env: { PORT: String(port), UPLOADS_DIR: dir, UPLOAD_SWEEP_MS: "0" } });
  productId = String(
    (
      await t.ownerQuery("select id from product where shop_id = $1 and archived_at is null order by id limit 1", [
        PROD_SHOP,
      ])
    ).rows[0].id,
  );
  devProductId = String(
    (await t.ownerQuery("select id from product where shop_id = $1 order by id limit 1", [DEV_SHOP])).rows[0].id,
  );
});

afterAll(async () => {
  await t?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every file the store holds for an upload, partial files included. */
function filesOf(uploadId: string): string[] {
  const all = fs.readdirSync(dir, { recursive: true, withFileTypes: true });
  return all
    .filter((entry) => entry.isFile() && path.join(entry.parentPath, entry.name).includes(uploadId))
    .map((entry) => entry.name);
}

async function uploaded(
  bytes: Buffer,
  contentType = "image/jpeg",
  purpose: "PRODUCT_IMAGE" | "ORDER_PHOTO" = "PRODUCT_IMAGE",
  token = admin(),
) {
  const upload = await createUpload(t, token, purpose, contentType, bytes.length);
  return { upload, answer: await putUpload(upload, bytes) };
}

const ADD_IMAGE = `mutation($productId: ID!, $uploadId: ID) {
  addProductImage(productId: $productId, uploadId: $uploadId) { id images { id url uploaded: thumbnailUrl variants { name url width height contentType } } }
}`;

describe("a phone photo, from upload to product image", () => {
  it("is stored as WebP variants, turned upright, its EXIF (GPS) gone, the original deleted, and served public and immutable", async () => {
    const photo = await images.phoneJpeg(2400, 1800);
    const { upload, answer } = await uploaded(photo);
    expect(upload.uploadUrl).toMatch(new RegExp(`^${t.config.uploads.publicUrl}/uploads/${upload.id}\\?`));
    expect(upload.uploadHeaders).toEqual({ "content-type": "image/jpeg" });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: upload.id, status: "READY", format: "jpeg" });
    expect(filesOf(upload.id).sort()).toEqual(["large.webp", "thumb.webp"]);

    const added = await t.graphql(ADD_IMAGE, { productId, uploadId: upload.id }, { token: admin() });
    expect(added.errors).toBeUndefined();
    const image = added.data.addProductImage.images.at(-1);
    expect(
      image.variants.map((v: { name: string; width: number; height: number }) => [v.name, v.width, v.height]),
    ).toEqual([
      ["thumb", 240, 320],
      ["large", 1200, 1600],
    ]);
    expect(image.url).toBe(image.variants[1].url);
    const response = await fetch(image.uploaded);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/webp");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const served = Buffer.from(await response.arrayBuffer());
    const metadata = await sharp(served).metadata();
    expect([metadata.format, metadata.width, metadata.height, metadata.exif, metadata.orientation]).toEqual([
      "webp",
      240,
      320,
      undefined,
      undefined,
    ]);
    expect(served.includes(Buffer.from("iPhone"))).toBe(false);
  });

  it.each([
    ["PNG", () => images.png(), "image/png", "png"],
    ["WebP", () => images.webp(), "image/webp", "webp"],
    ["HEIC from an iPhone", () => images.heic(), "image/heic", "heic"],
  ])("accepts %s", async (_name, make, contentType, format) => {
    const bytes = await make();
    expect(bytes).not.toBeNull(); // HEIC needs heif-enc (Debian libheif-examples; .ci/run installs it)
    const { upload, answer } = await uploaded(bytes!, contentType);
    expect(answer.body).toMatchObject({ status: "READY", format });
    expect(filesOf(upload.id).sort()).toEqual(["large.webp", "thumb.webp"]);
  });

  it("removing the image deletes its files", async () => {
    const { upload } = await uploaded(await images.png());
    const added = await t.graphql(ADD_IMAGE, { productId, uploadId: upload.id }, { token: admin() });
    const imageId = added.data.addProductImage.images.at(-1).id;
    expect(filesOf(upload.id)).toHaveLength(2);
    const removed = await t.graphql(
      `mutation($id: ID!) { removeProductImage(imageId: $id) { id } }`,
      { id: imageId },
      { token: admin() },
    );
    expect(removed.errors).toBeUndefined();
    expect(filesOf(upload.id)).toEqual([]);
    expect((await t.ownerQuery("select count(*)::int as n from upload where id = $1", [upload.id])).rows[0].n).toBe(0);
  });
});

describe("bad input: a clear error, nothing left behind", () => {
  it.each([
    ["a file that is not an image, whatever its header says", () => images.NOT_AN_IMAGE, 422, "not_an_image"],
    ["an SVG (scripts) sent as a JPEG", () => images.SVG, 422, "svg"],
    ["a decompression bomb (100,000 × 100,000 PNG of a few KB)", () => images.pngBomb(), 422, "too_many_pixels"],
    ["a truncated JPEG", () => images.truncatedJpeg(), 422, "corrupt"],
  ])("refuses %s", async (_name, make, status, reason) => {
    const bytes = await make();
    const { upload, answer } = await uploaded(bytes);
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ reason, error: expect.any(String) });
    expect(filesOf(upload.id)).toEqual([]);
    const attach = await t.graphql(ADD_IMAGE, { productId, uploadId: upload.id }, { token: admin() });
    expect(attach.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("refuses an SVG, another type or more than 15 MB already at createUpload", async () => {
    for (const [contentType, byteSize, field] of [
      ["image/svg+xml", 100, "contentType"],
      ["application/pdf", 100, "contentType"],
      ["image/jpeg", 15 * 1024 * 1024 + 1, "byteSize"],
      ["image/jpeg", 0, "byteSize"],
    ] as const) {
      const result = await t.graphql(
        `mutation($input: CreateUploadInput!) { createUpload(input: $input) { id } }`,
        { input: { purpose: "PRODUCT_IMAGE", contentType, byteSize } },
        { token: admin() },
      );
      expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
  });

  it("refuses more bytes than announced: by Content-Length at once, and mid-stream when sent chunked", async () => {
    const bytes = await images.phoneJpeg();
    const byLength = await createUpload(t, admin(), "PRODUCT_IMAGE", "image/jpeg", bytes.length - 10);
    const first = await putUpload(byLength, bytes);
    expect([first.status, first.body.reason]).toEqual([413, "too_large"]);
    expect(filesOf(byLength.id)).toEqual([]);

    const streamed = await createUpload(t, admin(), "PRODUCT_IMAGE", "image/jpeg", 100_000);
    const { Readable } = await import("node:stream");
    // chunked: no Content-Length; 2 MB arrive against 100 KB announced
    const endless = Readable.from(
      (function* () {
        for (let i = 0; i < 32; i++) yield Buffer.alloc(64 * 1024, i);
      })(),
    );
    const second = await put(streamed.uploadUrl, streamed.uploadHeaders, endless);
    expect([second.status, second.body.reason]).toEqual([413, "too_large"]);
    expect(filesOf(streamed.id)).toEqual([]);
  });

  it("refuses fewer bytes than announced", async () => {
    const bytes = await images.png();
    const upload = await createUpload(t, admin(), "PRODUCT_IMAGE", "image/png", bytes.length + 100);
    const answer = await put(
      upload.uploadUrl,
      upload.uploadHeaders,
      (await import("node:stream")).Readable.from([bytes]),
    );
    expect([answer.status, answer.body.reason]).toEqual([400, "incomplete"]);
    expect(filesOf(upload.id)).toEqual([]);
  });

  it("refuses a PUT after expiry, a second PUT, and a forged URL", async () => {
    const bytes = await images.png();
    const late = await createUpload(t, admin(), "PRODUCT_IMAGE", "image/png", bytes.length);
    await t.ownerQuery("update upload set expires_at = now() - interval '1 second' where id = $1", [late.id]);
    const expired = await putUpload(late, bytes);
    expect([expired.status, expired.body.reason]).toEqual([410, "expired"]);
    expect(filesOf(late.id)).toEqual([]);

    const { upload, answer } = await uploaded(bytes, "image/png");
    expect(answer.status).toBe(200);
    const again = await putUpload(upload, await images.webp());
    expect([again.status, again.body.reason]).toEqual([409, "already_received"]);
    expect(filesOf(upload.id).sort()).toEqual(["large.webp", "thumb.webp"]);

    const fresh = await createUpload(t, admin(), "PRODUCT_IMAGE", "image/png", bytes.length);
    const forged = await putUpload(
      { ...fresh, uploadUrl: fresh.uploadUrl.replace(`shop=${PROD_SHOP}`, `shop=${DEV_SHOP}`) },
      bytes,
    );
    expect(forged.status).toBe(403);
    expect(filesOf(fresh.id)).toEqual([]);
  });

  it("an upload of another shop cannot be attached (NOT_FOUND), nor one of another user (FORBIDDEN), nor one attached already (CONFLICT)", async () => {
    const { upload } = await uploaded(await images.png());
    const otherShop = await t.graphql(
      ADD_IMAGE,
      { productId: devProductId, uploadId: upload.id },
      { token: t.token(DEV_SHOP, "ADMIN") },
    );
    expect(otherShop.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const otherUser = await t.graphql(
      ADD_IMAGE,
      { productId, uploadId: upload.id },
      { token: t.token(PROD_SHOP, "MANAGER") },
    );
    expect(otherUser.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const first = await t.graphql(ADD_IMAGE, { productId, uploadId: upload.id }, { token: admin() });
    expect(first.errors).toBeUndefined();
    const twice = await t.graphql(ADD_IMAGE, { productId, uploadId: upload.id }, { token: admin() });
    expect(twice.errors?.[0].extensions?.code).toBe("CONFLICT");
    const images_ = (
      await t.ownerQuery("select count(*)::int as n from product_image where upload_id = $1", [upload.id])
    ).rows[0].n;
    expect(images_).toBe(1);
  });

  it("a florist may upload order photos but not product images; an order photo upload cannot become a product image", async () => {
    const florist = t.token(PROD_SHOP, "FLORIST");
    const refused = await t.graphql(
      `mutation($input: CreateUploadInput!) { createUpload(input: $input) { id } }`,
      { input: { purpose: "PRODUCT_IMAGE", contentType: "image/png", byteSize: 10 } },
      { token: florist },
    );
    expect(refused.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const { upload } = await uploaded(await images.png(), "image/png", "ORDER_PHOTO", admin());
    const wrong = await t.graphql(ADD_IMAGE, { productId, uploadId: upload.id }, { token: admin() });
    expect(wrong.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "uploadId" });
  });
});

describe("order photos", () => {
  const ADD_PHOTO = `mutation($orderId: ID!, $input: AddOrderPhotoInput!) {
    addOrderPhoto(orderId: $orderId, input: $input) { id photos { id url urlExpiresAt thumbnailUrl kind variants { name url expiresAt } } }
  }`;
  let orderId: string;
  let courierId: number;
  beforeAll(async () => {
    const order = (
      await t.ownerQuery(
        `select id, courier_id from "order" where shop_id = $1 and courier_id is not null and status not in ('DELIVERED', 'CANCELLED') order by id limit 1`,
        [PROD_SHOP],
      )
    ).rows[0];
    [orderId, courierId] = [String(order.id), order.courier_id];
  });

  it("a courier's delivery proof is readable only through a signed, expiring URL; removing it deletes its files", async () => {
    const courier = t.token(PROD_SHOP, "COURIER", { userId: String(courierId) });
    const { upload, answer } = await uploaded(await images.phoneJpeg(), "image/jpeg", "ORDER_PHOTO", courier);
    expect(answer.status).toBe(200);
    const added = await t.graphql(
      ADD_PHOTO,
      { orderId, input: { uploadId: upload.id, kind: "DELIVERY_PROOF" } },
      { token: courier },
    );
    expect(added.errors).toBeUndefined();
    const photo = added.data.addOrderPhoto.photos.at(-1);
    expect(photo.url).toContain("/files/private/");
    expect(new Date(photo.urlExpiresAt).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    const signed = await fetch(photo.thumbnailUrl);
    expect(signed.status).toBe(200);
    expect(signed.headers.get("cache-control")).toMatch(/^private, max-age=\d+, immutable$/);
    const unsigned = await fetch(photo.url.split("?")[0]);
    expect(unsigned.status).toBe(403);
    const tampered = await fetch(photo.url.replace(/signature=[^&]+/, "signature=AAAA"));
    expect(tampered.status).toBe(403);
    const key = new URL(photo.url).pathname.slice("/files/".length);
    const stale = signedFileUrl(t.config.uploads.publicUrl, t.config.uploads.signingSecret, key, -120);
    expect((await fetch(stale.url)).status).toBe(403);

    // another shop neither sees the order's photos nor can attach the upload
    const dev = await t.graphql(
      `query($id: ID!) { order(id: $id) { photos { url } } }`,
      { id: orderId },
      { token: t.token(DEV_SHOP, "ADMIN") },
    );
    expect(dev.data?.order ?? null).toBeNull();

    const removed = await t.graphql(
      `mutation($id: ID!) { removeOrderPhoto(id: $id) { id photos { id } } }`,
      { id: photo.id },
      { token: admin() },
    );
    expect(removed.errors).toBeUndefined();
    expect(removed.data.removeOrderPhoto.photos.map((p: { id: string }) => p.id)).not.toContain(photo.id);
    expect(filesOf(upload.id)).toEqual([]);
  });

  it("URLs stay accepted, in the flat form too", async () => {
    const result = await t.graphql(
      `mutation($id: ID!) { addOrderPhoto(id: $id, url: "https://cdn.example.com/a.jpg", kind: OTHER) { photos { url variants { name } } } }`,
      { id: orderId },
      { token: admin() },
    );
    expect(result.data.addOrderPhoto.photos.at(-1)).toEqual({ url: "https://cdn.example.com/a.jpg", variants: [] });
    const both = await t.graphql(
      `mutation($id: ID!) { addOrderPhoto(id: $id, url: "https://cdn.example.com/b.jpg", uploadId: "x", kind: OTHER) { id } }`,
      { id: orderId },
      { token: admin() },
    );
    expect(both.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("the sweep and the metrics", () => {
  it("deletes uploads never attached after a day, with their files; attached ones stay", async () => {
    const { upload: forgotten } = await uploaded(await images.png(), "image/png");
    const pending = await createUpload(t, admin(), "PRODUCT_IMAGE", "image/png", 1000);
    const { upload: kept } = await uploaded(await images.png(), "image/png");
    await t.graphql(ADD_IMAGE, { productId, uploadId: kept.id }, { token: admin() });
    const deps = {
      config: t.config,
      db: t.stack.db,
      logger: (await import("../../../core/logger")).createLogger("silent"),
    };
    expect(await sweepUploads(deps, new Date(Date.now() + 60_000))).toBe(0);
    expect(filesOf(forgotten.id)).toHaveLength(2);
    const swept = await sweepUploads(deps, new Date(Date.now() + 25 * 3600_000));
    expect(swept).toBeGreaterThanOrEqual(2);
    expect(filesOf(forgotten.id)).toEqual([]);
    const left = await t.ownerQuery("select id::text from upload where id = any($1::uuid[])", [
      [forgotten.id, pending.id, kept.id],
    ]);
    expect(left.rows.map((row) => row.id)).toEqual([kept.id]);
    expect(filesOf(kept.id)).toHaveLength(2);
  });

  it("deletes stored files whose upload row is gone (a crash between a row's delete and its files'), and only those", async () => {
    const { upload: orphan } = await uploaded(await images.png(), "image/png");
    const { upload: kept } = await uploaded(await images.png(), "image/png");
    const { upload: otherShop } = await uploaded(await images.png(), "image/png", "PRODUCT_IMAGE", t.token(DEV_SHOP));
    expect(filesOf(orphan.id)).toHaveLength(2);
    await t.ownerQuery("delete from upload where id = $1", [orphan.id]);
    const deps = {
      config: t.config,
      db: t.stack.db,
      logger: (await import("../../../core/logger")).createLogger("silent"),
    };
    expect(await reconcileStoredFiles(deps)).toBe(2);
    expect(filesOf(orphan.id)).toEqual([]);
    expect(filesOf(kept.id)).toHaveLength(2);
    expect(filesOf(otherShop.id)).toHaveLength(2);
    expect(await reconcileStoredFiles(deps)).toBe(0);
  });

  it("/metrics shows bytes stored and uploads by outcome", async () => {
    const text = await (await fetch(`${t.origin}/metrics`)).text();
    expect(text).toMatch(/upload_stored_bytes\{purpose="PRODUCT_IMAGE"\} [1-9]\d*/);
    expect(text).toMatch(/uploads_total\{purpose="PRODUCT_IMAGE",outcome="ready"\} [1-9]/);
    expect(text).toMatch(/uploads_total\{purpose="PRODUCT_IMAGE",outcome="rejected_not_an_image"\} [1-9]/);
  });

  it("the catalog subgraph's own /metrics shows them too (docker-compose runs it as a process of its own)", async () => {
    const response = await fetch(new URL("/metrics", t.stack.subgraphs.catalog.url));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/upload_stored_bytes\{purpose="PRODUCT_IMAGE"\} [1-9]\d*/);
    expect(text).toMatch(/uploads_total\{purpose="PRODUCT_IMAGE",outcome="ready"\} [1-9]/);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
  });
});
