import { startTestStack, PROD_SHOP, DEV_SHOP, TEST_WEBHOOK_SECRET, type TestStack } from "../../../test/harness";
import { parseBitrixPrice } from "../../../core/webhooks";

/** POST /api/v1/webhooks/product-sync: Bitrix's product changes, through real HTTP and PostgreSQL. */

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ env: { STOCK_CONSUMER_POLL_MS: "0" } });
  // records the app.origin of every product write, as the Bitrix outbox trigger will read it
  await t.ownerQuery(`
    create table test_product_origin (product_id int, origin text);
    create function test_record_origin() returns trigger language plpgsql as $$
    begin insert into test_product_origin values (new.id, current_setting('app.origin', true)); return new; end $$;
    create trigger test_product_origin after insert or update on product for each row execute function test_record_origin();`);
});
afterAll(() => t?.stop());

const PATH = "/api/v1/webhooks/product-sync";

async function post(body: unknown, options: { secret?: string | null; contentType?: string; raw?: string } = {}) {
  const headers: Record<string, string> = { "content-type": options.contentType ?? "application/json" };
  if (options.secret !== null) headers["x-webhook-secret"] = options.secret ?? TEST_WEBHOOK_SECRET;
  const response = await fetch(`${t.origin}${PATH}`, {
    method: "POST",
    headers,
    body: options.raw ?? JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function productRow(bitrixProductId: number, shopId = PROD_SHOP) {
  const { rows } = await t.ownerQuery(
    `select p.id, p.name, p.price, p.description, p.enabled,
            (select url from product_image i where i.product_id = p.id and i.is_main) as main_image,
            (select count(*)::int from product_image i where i.product_id = p.id) as images
     from product p where shop_id = $1 and bitrix_product_id = $2`,
    [shopId, bitrixProductId],
  );
  return rows[0];
}

describe("refusals", () => {
  it("401 without or with a wrong secret, and writes nothing", async () => {
    expect((await post({ product_id: 900001, name: "X", price: 100 }, { secret: null })).status).toBe(401);
    const wrong = await post({ product_id: 900001, name: "X", price: 100 }, { secret: "nope" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatch(/X-Webhook-Secret/);
    expect(await productRow(900001)).toBeUndefined();
  });

  it.each([
    ["a body that is not JSON", { raw: "{not json" }, undefined],
    ["an empty body", { raw: "" }, undefined],
    ["a JSON array", { raw: "[1,2]" }, undefined],
    ["no product_id", { body: { name: "X", price: 100 } }, "product_id"],
    ["product_id as text", { body: { product_id: "abc", name: "X" } }, "product_id"],
    ["product_id 0", { body: { product_id: 0, name: "X" } }, "product_id"],
    ["name as a number", { body: { product_id: 900002, name: 5 } }, "name"],
    ["enabled = maybe", { body: { product_id: 900002, enabled: "maybe" } }, "enabled"],
    ["image as an object", { body: { product_id: 900002, image: { url: "x" } } }, "image"],
  ])("400 for %s, naming the field", async (_name, request: { raw?: string; body?: unknown }, field) => {
    const result = await post(request.body, { raw: request.raw });
    expect(result.status).toBe(400);
    expect(typeof result.body.error).toBe("string");
    if (field) {
      expect(result.body.field).toBe(field);
      expect(result.body.error).toContain(field);
    }
  });

  it("413 for a body over 64 KiB", async () => {
    const result = await fetch(`${t.origin}${PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-webhook-secret": TEST_WEBHOOK_SECRET },
      body: JSON.stringify({ product_id: 900003, description: "я".repeat(70_000) }),
    });
    expect(result.status).toBe(413);
    expect(await productRow(900003)).toBeUndefined();
  });

  it.each([
    ["text", "пять тысяч"],
    ["a negative number", -5],
    ["a fraction of a tiyn", 12.5],
    ["three decimals", "5 000,505 ₸"],
    ["a boolean", true],
    ["an absurd amount", "99999999999 ₸"],
  ])("422 for a price that is %s, naming price, and writes nothing", async (_name, price) => {
    const result = await post({ product_id: 900004, name: "Букет", price });
    expect(result.status).toBe(422);
    expect(result.body.field).toBe("price");
    expect(result.body.error).toMatch(/price/);
    expect(await productRow(900004)).toBeUndefined();
  });

  it("422 for a new product without a name or price, or an http image", async () => {
    const noName = await post({ product_id: 900005, price: 100 });
    expect(noName).toMatchObject({ status: 422, body: { field: "name" } });
    const noPrice = await post({ product_id: 900005, name: "Букет" });
    expect(noPrice).toMatchObject({ status: 422, body: { field: "price" } });
    const blankName = await post({ product_id: 900005, name: "   ", price: 100 });
    expect(blankName).toMatchObject({ status: 422, body: { field: "name" } });
    const httpImage = await post({ product_id: 900005, name: "Букет", price: 100, image: "http://cdn/x.jpg" });
    expect(httpImage).toMatchObject({ status: 422, body: { field: "image" } });
    expect(await productRow(900005)).toBeUndefined();
  });
});

describe("upserts", () => {
  it("creates a new product of shop BITRIX_SHOP_ID (created: true) with origin bitrix", async () => {
    const result = await post({
      product_id: 900100,
      name: "  Букет из Bitrix ",
      price: "5 000 ₸",
      image: "https://cdn.cvety.kz/b/900100.jpg",
      description: "Из CRM",
      enabled: "Y",
    });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ status: "success", product_id: expect.any(Number), created: true });
    const row = await productRow(900100);
    expect(row).toMatchObject({
      id: result.body.product_id,
      name: "Букет из Bitrix",
      price: 500000,
      description: "Из CRM",
      enabled: true,
      main_image: "https://cdn.cvety.kz/b/900100.jpg",
      images: 1,
    });
    const origins = await t.ownerQuery(`select distinct origin from test_product_origin where product_id = $1`, [
      row.id,
    ]);
    expect(origins.rows.map((r) => r.origin)).toEqual(["bitrix"]);
    // visible through the API with its Bitrix id
    const api = await t.graphql(
      `query($id: ID!) { product(id: $id) { name formattedPrice bitrixProductId images { url isMain } } }`,
      { id: String(row.id) },
    );
    expect(api.data.product).toEqual({
      name: "Букет из Bitrix",
      formattedPrice: "5 000 ₸",
      bitrixProductId: 900100,
      images: [{ url: "https://cdn.cvety.kz/b/900100.jpg", isMain: true }],
    });
  });

  it("updates an existing seeded product (created: false); a partial body changes only what it carries", async () => {
    const before = await productRow(668826);
    const result = await post({ product_id: 668826, price: 650000 });
    expect(result).toEqual({ status: 200, body: { status: "success", product_id: before.id, created: false } });
    const after = await productRow(668826);
    expect(after).toEqual({ ...before, price: 650000 });

    const disabled = await post({ product_id: 668826, enabled: "N" });
    expect(disabled.body.created).toBe(false);
    expect(await productRow(668826)).toEqual({ ...before, price: 650000, enabled: false });
  });

  it("reads every price spelling", async () => {
    for (const [price, tiyn] of [
      ["5 000 ₸", 500000],
      ["5\u00a0000\u00a0₸", 500000],
      ["5\u2009000 ₸", 500000],
      ["4 950,50 ₸", 495050],
      ["4950.5 тг", 495050],
      ["12000", 1200000],
      [777700, 777700],
      ["0 ₸", 0],
    ] as const) {
      expect(parseBitrixPrice(price)).toBe(tiyn);
    }
    const result = await post({ product_id: 668827, price: "4 950,50 ₸" });
    expect(result.status).toBe(200);
    expect((await productRow(668827)).price).toBe(495050);
  });

  it("replaces the main image with Bitrix's picture and keeps the others", async () => {
    const before = await productRow(668828);
    const result = await post({ product_id: 668828, image: "https://cdn.cvety.kz/new-main.jpg" });
    expect(result.status).toBe(200);
    const after = await productRow(668828);
    expect(after).toEqual({ ...before, main_image: "https://cdn.cvety.kz/new-main.jpg" });
  });

  it("accepts a form-encoded body as Bitrix's PHP sends it", async () => {
    const form = new URLSearchParams({
      product_id: "900200",
      name: "Форма",
      price: "3 500 ₸",
      enabled: "N",
    }).toString();
    const result = await post(undefined, { raw: form, contentType: "application/x-www-form-urlencoded" });
    expect(result.status).toBe(200);
    expect(result.body.created).toBe(true);
    expect(await productRow(900200)).toMatchObject({ name: "Форма", price: 350000, enabled: false });
  });

  it("a redelivery of the same body is created: false and changes nothing", async () => {
    const body = { product_id: 900300, name: "Дважды", price: 100000 };
    const first = await post(body);
    const second = await post(body);
    expect(first.body.created).toBe(true);
    expect(second.body).toEqual({ status: "success", product_id: first.body.product_id, created: false });
    const { rows } = await t.ownerQuery(`select count(*)::int as n from product where bitrix_product_id = 900300`);
    expect(rows[0].n).toBe(1);
  });

  it("concurrent first deliveries of one product create it once", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => post({ product_id: 900400, name: "Гонка", price: 100 })),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.product_id)).size).toBe(1);
  });

  it("stores every delivery for operators, without the secret", async () => {
    await post({ product_id: 900500, name: "Журнал", price: 100 });
    // the delivery is recorded right after the answer is sent
    let rows: any[] = [];
    for (let attempt = 0; attempt < 50 && rows.length === 0; attempt += 1) {
      if (attempt) await new Promise((resolve) => setTimeout(resolve, 100));
      ({ rows } = await t.ownerQuery(
        `select status_code, headers, response from webhook_delivery where endpoint = $1 and raw_body like '%900500%'`,
        [PATH],
      ));
    }
    expect(rows).toHaveLength(1);
    expect(rows[0].status_code).toBe(200);
    expect(JSON.stringify(rows[0].headers)).not.toContain(TEST_WEBHOOK_SECRET);
  });
});

describe("tenancy", () => {
  it("only ever touches shop BITRIX_SHOP_ID: shop 8's product with the same Bitrix id is left alone", async () => {
    const { rows } = await t.ownerQuery(
      `insert into product (shop_id, name, price, bitrix_product_id, updated_at) values ($1, 'Dev-товар', 100, 900600, now()) returning id`,
      [DEV_SHOP],
    );
    const result = await post({ product_id: 900600, name: "Прод-товар", price: 200 });
    expect(result.body.created).toBe(true);
    expect(result.body.product_id).not.toBe(rows[0].id);
    expect(await productRow(900600, DEV_SHOP)).toMatchObject({ id: rows[0].id, name: "Dev-товар", price: 100 });
    expect(await productRow(900600, PROD_SHOP)).toMatchObject({ name: "Прод-товар", price: 200 });
    // and shop 8's admins cannot see the product Bitrix created
    const dev = await t.graphql(
      `query($id: ID!) { product(id: $id) { id } }`,
      { id: String(result.body.product_id) },
      { token: t.token(DEV_SHOP) },
    );
    expect(dev.data.product).toBeNull();
  });

  it("admin mutations write with origin user", async () => {
    const created = await t.graphql(`mutation { createProduct(input: { name: "Админский", price: 100 }) { id } }`);
    const { rows } = await t.ownerQuery(`select distinct origin from test_product_origin where product_id = $1`, [
      Number(created.data.createProduct.id),
    ]);
    expect(rows.map((r) => r.origin)).toEqual(["user"]);
  });
});
