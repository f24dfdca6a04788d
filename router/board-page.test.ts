/**
 * GET /board over HTTP: the page and its two assets from this origin, a strict CSP, compressed
 * and cacheable; and the feed head the page loads behind (orderStatusFeedHead), per shop.
 */
import http from "node:http";
import zlib from "node:zlib";
import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../test/harness";
import { attached, boardClient, collect, feedSettled } from "../test/board-client";
import { ROLE_PASSWORDS } from "../prisma/seed-data";
import { orderPicker } from "../test/order-fixtures";
import { boardContentSecurityPolicy } from "./board-page";

let t: TestStack;
const pick = orderPicker(() => t);

beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

const MAX_SCRIPT_GZIPPED = 100 * 1024;

/** A GET that leaves the body as sent (fetch would decompress it). */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on("error", reject);
  });
}

describe("GET /board", () => {
  it("serves the page, which loads only its own script and stylesheet", async () => {
    const response = await fetch(`${t.origin}/board`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await response.text();
    expect(html).toContain('<html lang="ru">');
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
      .map((match) => match[1])
      .filter((url) => !url.startsWith("#"));
    expect(sources.sort()).toEqual(["/board/app.css", "/board/app.js"]);
    expect(html).not.toMatch(/<script>|<style|\sstyle="|\son[a-z]+="/);
  });

  it("sends a strict Content-Security-Policy: own origin only, the socket to this host, no inline code", async () => {
    const response = await fetch(`${t.origin}/board`);
    const policy = response.headers.get("content-security-policy")!;
    const host = new URL(t.origin).host;
    expect(policy.split("; ")).toEqual([
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      `img-src 'self' https: ${new URL(t.config.uploads.publicUrl).origin}`,
      `connect-src 'self' ws://${host} wss://${host}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]);
    expect(policy).not.toContain("unsafe");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("never writes a hostile Host header into the policy", () => {
    for (const host of ["evil.test; script-src *", "a b", "x'y", ""]) {
      expect(boardContentSecurityPolicy(host)).toContain("connect-src 'self'; ");
    }
    expect(boardContentSecurityPolicy("[::1]:4000")).toContain("ws://[::1]:4000 wss://[::1]:4000");
  });

  it("serves the script gzipped within 100 KB, and answers 304 to a known ETag", async () => {
    const response = await rawGet(`${t.origin}/board/app.js`, { "accept-encoding": "gzip, deflate, br" });
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(response.headers["content-encoding"]).toBe("gzip");
    const gzipped = response.body;
    expect(gzipped.length).toBeLessThanOrEqual(MAX_SCRIPT_GZIPPED);
    expect(zlib.gunzipSync(gzipped).toString()).toContain("orderStatusChanged");
    const again = await fetch(`${t.origin}/board/app.js`, {
      headers: { "if-none-match": String(response.headers.etag) },
    });
    expect(again.status).toBe(304);
    const css = await fetch(`${t.origin}/board/app.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
  });

  it("redirects /board/ to /board and answers other paths under it with a JSON 404", async () => {
    const slash = await fetch(`${t.origin}/board/`, { redirect: "manual" });
    expect(slash.status).toBe(301);
    expect(slash.headers.get("location")).toBe("/board");
    const missing = await fetch(`${t.origin}/board/secrets.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: expect.stringContaining("/board/secrets.js") });
  });
});

describe("orderStatusFeedHead", () => {
  const HEAD = "query { orderStatusFeedHead }";

  it("needs a token", async () => {
    const response = await t.graphql(HEAD, {}, { token: null });
    expect(response.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("is the shop's newest settled change: a board subscribing behind it gets what came later, and nothing of another shop", async () => {
    await feedSettled(t.stack.db, PROD_SHOP);
    const before = await t.graphql(HEAD);
    const head = before.data.orderStatusFeedHead as string;
    expect(head).toMatch(/^\d+$/);
    const devHead = (await t.graphql(HEAD, {}, { token: t.token(DEV_SHOP) })).data.orderStatusFeedHead;
    expect(devHead).not.toBe(head);

    const order = await pick(PROD_SHOP, "NEW");
    const moved = await t.graphql(`mutation($id: ID!) { updateOrderStatus(id: $id, status: PAID) { id } }`, {
      id: String(order.id),
    });
    expect(moved.errors).toBeUndefined();
    await feedSettled(t.stack.db, PROD_SHOP);
    const after = (await t.graphql(HEAD)).data.orderStatusFeedHead as string;
    expect(after).not.toBe(head);
    // another shop's head did not move
    expect((await t.graphql(HEAD, {}, { token: t.token(DEV_SHOP) })).data.orderStatusFeedHead).toBe(devHead);

    const client = boardClient(t, t.token(PROD_SHOP));
    try {
      const events = collect(
        client,
        "subscription($after: ID) { orderStatusChanged(after: $after) { historyId newStatus order { id } } }",
        { after: head },
      );
      await events.atLeast(1);
      expect(events.data[0].orderStatusChanged).toEqual({
        historyId: after,
        newStatus: "PAID",
        order: { id: String(order.id) },
      });
    } finally {
      await client.dispose();
    }
  });

  it("a courier replaying behind other couriers' changes reaches the live stream, and the shop's other boards do not stall", async () => {
    const login = async (email: string, password: string) =>
      (
        await t.graphql(
          `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { id } } }`,
          { e: email, p: password },
          { token: null },
        )
      ).data.login;
    const courier = await login("courier@cvety.kz", ROLE_PASSWORDS.COURIER);
    const manager = await login("manager@cvety.kz", ROLE_PASSWORDS.MANAGER);
    await feedSettled(t.stack.db, PROD_SHOP);
    const head = (await t.graphql(HEAD, {}, { token: manager.token })).data.orderStatusFeedHead;
    const admin = boardClient(t, t.token(PROD_SHOP));
    const courierClient = boardClient(t, courier.token);
    try {
      const live = collect(admin, "subscription { orderStatusChanged { historyId order { id } } }");
      await attached(t, PROD_SHOP, 1);
      // changes the courier may not see, committed behind the head the courier resumes from
      const others = (
        await t.ownerQuery(
          `select id from "order" where shop_id = $1 and status = 'NEW' and courier_id is null order by id desc limit 3`,
          [PROD_SHOP],
        )
      ).rows;
      for (const order of others) {
        expect(
          (
            await t.graphql(
              `mutation($id: ID!) { updateOrderStatus(id: $id, status: PAID) { id } }`,
              { id: String(order.id) },
              { token: manager.token },
            )
          ).errors,
        ).toBeUndefined();
      }
      await live.atLeast(others.length);
      const replay = collect(
        courierClient,
        "subscription($after: ID) { orderStatusChanged(after: $after) { historyId order { id courier { id } } } }",
        { after: head },
      );
      await attached(t, PROD_SHOP, 2);
      const mine = (
        await t.ownerQuery(
          `select id from "order" where shop_id = $1 and status = 'ACCEPTED' and courier_id is distinct from $2 order by id desc limit 1`,
          [PROD_SHOP, Number(courier.user.id)],
        )
      ).rows[0];
      const assigned = await t.graphql(
        `mutation($o: ID!, $c: ID) { assignCourier(orderId: $o, courierId: $c) { id } }`,
        { o: String(mine.id), c: courier.user.id },
        { token: manager.token },
      );
      expect(assigned.errors).toBeUndefined();
      await replay.atLeast(1);
      expect(replay.data.map((event) => event.orderStatusChanged.order.id)).toEqual([String(mine.id)]);
      await live.atLeast(others.length + 1);
    } finally {
      await admin.dispose();
      await courierClient.dispose();
    }
  });
});
