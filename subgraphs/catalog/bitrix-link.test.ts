import { startTestStack, PROD_SHOP, DEV_SHOP, type TestStack } from "../../test/harness";
import { startFakeBitrix, type FakeBitrix } from "../../test/fake-bitrix";

/**
 * Products linked to Bitrix both ways: createProduct / updateProduct take bitrixProductId
 * (unique per shop), and a linked product's changes reach Bitrix through the outbox.
 */

let t: TestStack;
let fake: FakeBitrix;

beforeAll(async () => {
  fake = await startFakeBitrix();
  t = await startTestStack({
    env: {
      BITRIX_BASE_URL: fake.url,
      BITRIX_API_TOKEN: "link-test-token",
      BITRIX_SYNC_POLL_MS: "50",
      BITRIX_SYNC_GATHER_MS: "0",
    },
  });
});
afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

let nextBitrixId = 660_000_000;
const FIELDS = "id name bitrixProductId";

async function create(input: Record<string, unknown>, shopId = PROD_SHOP) {
  return t.graphql(
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { ${FIELDS} } }`,
    { input },
    { token: t.token(shopId) },
  );
}

async function update(id: string, input: Record<string, unknown>, shopId = PROD_SHOP) {
  return t.graphql(
    `mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { ${FIELDS} } }`,
    { id, input },
    { token: t.token(shopId) },
  );
}

const errorOf = (result: { errors?: { message: string; extensions?: Record<string, any> }[] }) => result.errors?.[0];

describe("createProduct with bitrixProductId", () => {
  it("links the new product, and its creation is pushed to Bitrix", async () => {
    const bitrixId = nextBitrixId++;
    const created = await create({ name: "Связанный букет", price: 700000, bitrixProductId: bitrixId });
    expect(created.errors).toBeUndefined();
    expect(created.data.createProduct).toMatchObject({ name: "Связанный букет", bitrixProductId: bitrixId });
    const [request] = await fake
      .waitForRequests(1)
      .then(() => fake.requests.filter((r) => r.path.endsWith(`/${bitrixId}`)));
    expect(request).toMatchObject({ method: "PUT", body: { name: "Связанный букет", price: "7 000 ₸", enabled: "Y" } });
  });

  it("a Bitrix id another product of the shop has is a CONFLICT naming that product; nothing is created", async () => {
    const bitrixId = nextBitrixId++;
    const first = await create({ name: "Первый", price: 100, bitrixProductId: bitrixId });
    const again = await create({ name: "Второй", price: 100, bitrixProductId: bitrixId });
    expect(errorOf(again)?.extensions).toMatchObject({
      code: "CONFLICT",
      field: "input.bitrixProductId",
      productId: Number(first.data.createProduct.id),
    });
    expect(errorOf(again)?.message).toContain(`Bitrix product ${bitrixId}`);
    const rows = await t.ownerQuery(`select count(*)::int as n from product where name = 'Второй'`);
    expect(rows.rows[0].n).toBe(0);
  });

  it.each([0, -5])("refuses %d as a Bitrix id (BAD_USER_INPUT naming the field)", async (value) => {
    const result = await create({ name: "Плохой", price: 100, bitrixProductId: value });
    expect(errorOf(result)?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.bitrixProductId" });
  });

  it("unique per shop: another shop may use the same Bitrix id and never learns of the other's product", async () => {
    const bitrixId = nextBitrixId++;
    const prod = await create({ name: "Прод", price: 100, bitrixProductId: bitrixId });
    const dev = await create({ name: "Дев", price: 100, bitrixProductId: bitrixId }, DEV_SHOP);
    expect(dev.errors).toBeUndefined();
    expect(dev.data.createProduct.bitrixProductId).toBe(bitrixId);
    expect(prod.errors).toBeUndefined();
    // the other shop's product is neither visible nor changeable
    const foreign = await update(prod.data.createProduct.id, { name: "чужой" }, DEV_SHOP);
    expect(errorOf(foreign)?.extensions?.code).toBe("NOT_FOUND");
    // and a clash inside shop 8 names only shop 8's product
    const clash = await create({ name: "Дев 2", price: 100, bitrixProductId: bitrixId }, DEV_SHOP);
    expect(errorOf(clash)?.extensions).toMatchObject({
      code: "CONFLICT",
      productId: Number(dev.data.createProduct.id),
    });
  });
});

describe("updateProduct with bitrixProductId", () => {
  it("links a product made in the panel; the link and later edits reach Bitrix through the outbox", async () => {
    const made = await create({ name: "Из панели", price: 250000 });
    expect(made.data.createProduct.bitrixProductId).toBeNull();
    const bitrixId = nextBitrixId++;
    const linked = await update(made.data.createProduct.id, { bitrixProductId: bitrixId });
    expect(linked.data.updateProduct.bitrixProductId).toBe(bitrixId);
    const byPath = () => fake.requests.filter((r) => r.path === `/api/v2/products/update-from-railway/${bitrixId}`);
    await expectEventually(() => byPath().length === 1);
    expect(byPath()[0].body).toMatchObject({ name: "Из панели", price: "2 500 ₸" });

    await update(made.data.createProduct.id, { price: 260000 });
    await expectEventually(() => byPath().length === 2);
    expect(byPath()[1].body).toMatchObject({ price: "2 600 ₸" });
    expect(byPath()[1].headers["idempotency-key"]).not.toBe(byPath()[0].headers["idempotency-key"]);
  });

  it("moving the link onto a Bitrix id another product holds is a CONFLICT; the product keeps its link", async () => {
    const a = await create({ name: "A", price: 100, bitrixProductId: nextBitrixId++ });
    const b = await create({ name: "B", price: 100, bitrixProductId: nextBitrixId++ });
    const moved = await update(b.data.createProduct.id, { bitrixProductId: a.data.createProduct.bitrixProductId });
    expect(errorOf(moved)?.extensions).toMatchObject({ code: "CONFLICT", productId: Number(a.data.createProduct.id) });
    const rows = await t.ownerQuery(`select bitrix_product_id from product where id = $1`, [
      Number(b.data.createProduct.id),
    ]);
    expect(rows.rows[0].bitrix_product_id).toBe(b.data.createProduct.bitrixProductId);
  });

  it("the same id again changes nothing", async () => {
    const bitrixId = nextBitrixId++;
    const a = await create({ name: "Тот же", price: 100, bitrixProductId: bitrixId });
    const same = await update(a.data.createProduct.id, { bitrixProductId: bitrixId });
    expect(same.errors).toBeUndefined();
    expect(same.data.updateProduct.bitrixProductId).toBe(bitrixId);
  });
});

async function expectEventually(check: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
