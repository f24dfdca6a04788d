import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import sharp from "sharp";
import { startTestStack, PROD_SHOP, type TestStack } from "../../../test/harness";
import * as images from "../../../test/image-fixtures";
import { createUpload, freePort, put, putUpload } from "../../../test/uploads-client";
import { storeOf } from "../../../core/uploads/service";

/**
 * The same uploads against a real S3-compatible server over HTTP (s3rver, started here):
 * the client PUTs to a presigned bucket URL, the first attach processes the original, and the
 * bucket holds the variants only.
 */
let t: TestStack;
let s3: S3rver;
let s3Dir: string;
let productId: string;
const BUCKET = "cvety-test";
const admin = () => t.token(PROD_SHOP, "ADMIN");

beforeAll(async () => {
  s3Dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3rver-"));
  s3 = new S3rver({
    port: await freePort(),
    address: "127.0.0.1",
    silent: true,
    directory: s3Dir,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  const { port } = await s3.run();
  t = await startTestStack({
    env: {
      PORT: String(await freePort()),
      UPLOAD_SWEEP_MS: "0",
      S3_BUCKET: BUCKET,
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_REGION: "us-east-1",
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
      S3_FORCE_PATH_STYLE: "true",
    },
  });
  productId = String(
    (
      await t.ownerQuery("select id from product where shop_id = $1 and archived_at is null order by id limit 1", [
        PROD_SHOP,
      ])
    ).rows[0].id,
  );
});

afterAll(async () => {
  await t?.stop();
  await s3?.close();
  fs.rmSync(s3Dir, { recursive: true, force: true });
});

const keysOf = async (uploadId: string) => (await storeOf(t.config).list("")).filter((key) => key.includes(uploadId));

const ADD_IMAGE = `mutation($productId: ID!, $uploadId: ID!) {
  addProductImage(productId: $productId, input: { uploadId: $uploadId }) { images { url thumbnailUrl variants { name width height } } }
}`;

it("a photo PUT to a presigned bucket URL becomes a product image with WebP variants; the original and its EXIF are gone", async () => {
  const photo = await images.phoneJpeg(2000, 1500);
  const upload = await createUpload(t, admin(), "PRODUCT_IMAGE", "image/jpeg", photo.length);
  expect(upload.uploadUrl).toMatch(
    new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${BUCKET}/incoming/${PROD_SHOP}/${upload.id}\\?.*X-Amz-Signature=`),
  );
  const answer = await putUpload(upload, photo);
  expect(answer.status).toBe(200);
  expect(await keysOf(upload.id)).toEqual([`incoming/${PROD_SHOP}/${upload.id}`]);

  const added = await t.graphql(ADD_IMAGE, { productId, uploadId: upload.id }, { token: admin() });
  expect(added.errors).toBeUndefined();
  const image = added.data.addProductImage.images.at(-1);
  expect(image.variants).toEqual([
    { name: "thumb", width: 240, height: 320 },
    { name: "large", width: 1200, height: 1600 },
  ]);
  expect((await keysOf(upload.id)).sort()).toEqual([
    `public/${PROD_SHOP}/${upload.id}/large.webp`,
    `public/${PROD_SHOP}/${upload.id}/thumb.webp`,
  ]);
  // without S3_PUBLIC_URL, public images are read through our origin, streamed from the bucket
  const response = await fetch(image.thumbnailUrl);
  expect([
    response.status,
    response.headers.get("content-type"),
    response.headers.get("x-content-type-options"),
  ]).toEqual([200, "image/webp", "nosniff"]);
  expect((await sharp(Buffer.from(await response.arrayBuffer())).metadata()).exif).toBeUndefined();
});

it("an order photo is read through a presigned, expiring bucket URL", async () => {
  const order = (
    await t.ownerQuery(
      `select id, courier_id from "order" where shop_id = $1 and courier_id is not null and status not in ('DELIVERED', 'CANCELLED') order by id limit 1`,
      [PROD_SHOP],
    )
  ).rows[0];
  const orderId = String(order.id);
  const courier = t.token(PROD_SHOP, "COURIER", { userId: String(order.courier_id) });
  const bytes = await images.png();
  const upload = await createUpload(t, courier, "ORDER_PHOTO", "image/png", bytes.length);
  expect((await putUpload(upload, bytes)).status).toBe(200);
  const added = await t.graphql(
    `mutation($o: ID!, $u: ID!) { addOrderPhoto(orderId: $o, uploadId: $u, kind: DELIVERY_PROOF) { photos { url urlExpiresAt } } }`,
    { o: orderId, u: upload.id },
    { token: courier },
  );
  expect(added.errors).toBeUndefined();
  const photo = added.data.addOrderPhoto.photos.at(-1);
  expect(photo.url).toMatch(/X-Amz-Expires=3600/);
  const read = await fetch(photo.url);
  expect(read.status).toBe(200);
  expect((await sharp(Buffer.from(await read.arrayBuffer())).metadata()).format).toBe("webp");
});

it("more bytes than announced are refused at attach and deleted from the bucket; attaching before the PUT is a CONFLICT", async () => {
  const bytes = await images.png();
  const upload = await createUpload(t, admin(), "PRODUCT_IMAGE", "image/png", bytes.length - 1);
  const early = await t.graphql(ADD_IMAGE, { productId, uploadId: upload.id }, { token: admin() });
  expect(early.errors?.[0].extensions?.code).toBe("CONFLICT");
  // R2 and AWS already refuse this PUT (the presigned signature covers content-length); s3rver
  // does not check it, so this is the server's own check of the stored size
  expect(new URL(upload.uploadUrl).searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host");
  await put(upload.uploadUrl, { ...upload.uploadHeaders, "content-length": bytes.length }, bytes);
  const attach = await t.graphql(ADD_IMAGE, { productId, uploadId: upload.id }, { token: admin() });
  expect(attach.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "uploadId" });
  expect(await keysOf(upload.id)).toEqual([]);
});

it("a file that is not an image is refused at attach and deleted from the bucket", async () => {
  const upload = await createUpload(t, admin(), "PRODUCT_IMAGE", "image/jpeg", images.NOT_AN_IMAGE.length);
  expect((await putUpload(upload, images.NOT_AN_IMAGE)).status).toBe(200);
  const attach = await t.graphql(ADD_IMAGE, { productId, uploadId: upload.id }, { token: admin() });
  expect(attach.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "not_an_image" });
  expect(await keysOf(upload.id)).toEqual([]);
  const again = await t.graphql(ADD_IMAGE, { productId, uploadId: upload.id }, { token: admin() });
  expect(again.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
});
