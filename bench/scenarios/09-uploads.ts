import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { percentile, type BenchRow, type BenchScenario, type BenchStack } from "../harness";
import { put } from "../../test/uploads-client";

/**
 * Photo uploads on the local store, in the docker-compose topology (the router in a process of
 * its own, proxying PUTs to the catalog). Rows: the router's RSS growth while 10 uploads of
 * 15 MB stream through it at once (target ≤ 50 MB: it never holds an upload), and how long a
 * 5 MB phone JPEG takes from PUT to variants stored (the PUT answers once they are; target
 * p50 ≤ 1.5 s).
 */
const CONCURRENT = 10;
const SEQUENTIAL = 12;

function rssBytes(pid: number): number {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"))!;
  return Number(line.replace(/\D+/g, "")) * 1024;
}

/** A camera-sized JPEG of noise (worst case for the decoder), its quality chosen for about `megabytes`. */
function photo(sigma: number, quality: number): Promise<Buffer> {
  return sharp({
    create: {
      width: 4032,
      height: 3024,
      channels: 3,
      background: "#808080",
      noise: { type: "gaussian", mean: 128, sigma },
    },
  })
    .jpeg({ quality })
    .toBuffer();
}

/** The seeded admin's token, by signing in (seeded ids shift as the seed grows). */
async function signIn(stack: BenchStack): Promise<string> {
  const response = await fetch(stack.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: `mutation { login(email: "admin@cvety.kz", password: "admin-dev-password") { token } }`,
    }),
  });
  const body = (await response.json()) as { data?: { login: { token: string } }; errors?: unknown };
  if (!body.data) throw new Error(`login failed: ${JSON.stringify(body.errors)}`);
  return body.data.login.token;
}

async function createUpload(
  token: string,
  stack: BenchStack,
  byteSize: number,
): Promise<{ uploadUrl: string; uploadHeaders: Record<string, string> }> {
  const response = await fetch(stack.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: `mutation($input: CreateUploadInput!) { createUpload(input: $input) { uploadUrl uploadHeaders } }`,
      variables: { input: { purpose: "PRODUCT_IMAGE", contentType: "image/jpeg", byteSize } },
    }),
  });
  const body = (await response.json()) as {
    data?: { createUpload: { uploadUrl: string; uploadHeaders: Record<string, string> } };
    errors?: unknown;
  };
  if (!body.data) throw new Error(`createUpload failed: ${JSON.stringify(body.errors)}`);
  return body.data.createUpload;
}

async function memoryRow(token: string, stack: BenchStack): Promise<BenchRow> {
  const big = await photo(90, 98);
  const uploads = await Promise.all(Array.from({ length: CONCURRENT }, () => createUpload(token, stack, big.length)));
  const baseline = rssBytes(stack.pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(stack.pid))), 10);
  const started = Date.now();
  const answers = await Promise.all(
    uploads.map((upload) => put(upload.uploadUrl, { ...upload.uploadHeaders, "content-length": big.length }, big)),
  );
  clearInterval(sampler);
  const ok = answers.filter((answer) => answer.status === 200).length;
  const growthMb = (peak - baseline) / 1024 / 1024;
  return {
    scenario: `uploads: ${CONCURRENT} concurrent ${(big.length / 1e6).toFixed(1)} MB PUTs, router RSS growth`,
    notes: `router RSS ${(baseline / 1048576).toFixed(0)} → peak ${(peak / 1048576).toFixed(0)} MB (+${growthMb.toFixed(1)} MB); ${ok}/${CONCURRENT} stored in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    target: "RSS growth ≤ 50 MB, all stored",
    met: growthMb <= 50 && ok === CONCURRENT,
  };
}

async function latencyRow(token: string, stack: BenchStack): Promise<BenchRow> {
  const phone = await photo(27, 85);
  const seconds: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const upload = await createUpload(token, stack, phone.length);
    const started = process.hrtime.bigint();
    const answer = await put(upload.uploadUrl, { ...upload.uploadHeaders, "content-length": phone.length }, phone);
    if (answer.status !== 200) throw new Error(`upload ${i} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  const sorted = [...seconds].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  return {
    scenario: `uploads: ${(phone.length / 1e6).toFixed(1)} MB 12 MP JPEG, PUT until variants stored`,
    p50: p50 * 1000,
    p99: percentile(sorted, 99) * 1000,
    notes: `${SEQUENTIAL} uploads one after another; the PUT answers once both WebP variants are stored (transfer over loopback included)`,
    target: "p50 ≤ 1500 ms",
    met: p50 <= 1.5,
  };
}

export const scenario: BenchScenario = {
  name: "uploads",
  ownStacks: true,
  async run(context) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-uploads-"));
    const stack = await context.startStack({ UPLOADS_DIR: dir, UPLOAD_SWEEP_MS: "0" }, "split");
    try {
      const token = await signIn(stack);
      return [await memoryRow(token, stack), await latencyRow(token, stack)];
    } finally {
      await stack.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
