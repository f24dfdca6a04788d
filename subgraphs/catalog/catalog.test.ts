import { startTestStack, PROD_SHOP, DEV_SHOP, type TestStack } from "../../test/harness";

/** Catalog management through the router: mutations, refusals, roles, tenancy, Russian search. */

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ env: { STOCK_CONSUMER_POLL_MS: "0" } });
});
afterAll(() => t?.stop());

const PRODUCT_FIELDS = `id name price formattedPrice description enabled archivedAt bitrixProductId images { id url position isMain }`;

async function create(input: Record<string, unknown>, token = t.token(PROD_SHOP)) {
  const result = await t.graphql(
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { ${PRODUCT_FIELDS} } }`,
    { input },
    { token },
  );
  return result;
}

async function createOk(input: Record<string, unknown>, token?: string) {
  const result = await create(input, token);
  expect(result.errors).toBeUndefined();
  return result.data.createProduct;
}

function codeOf(result: { errors?: { extensions?: Record<string, any> }[] }) {
  return result.errors?.[0]?.extensions?.code;
}

describe("createProduct", () => {
  it("creates a product with a trimmed name, formatted price and ordered images", async () => {
    const product = await createOk({
      name: "   Букет  «Тест»  ",
      price: 495000,
      description: " Нежный ",
      imageUrls: ["https://cdn.cvety.kz/a.jpg", "https://cdn.cvety.kz/b.jpg"],
    });
    expect(product).toMatchObject({
      name: "Букет «Тест»",
      price: 495000,
      formattedPrice: "4 950 ₸",
      description: "Нежный",
      enabled: true,
      archivedAt: null,
    });
    expect(product.images.map((i: any) => [i.url, i.position, i.isMain])).toEqual([
      ["https://cdn.cvety.kz/a.jpg", 0, true],
      ["https://cdn.cvety.kz/b.jpg", 1, false],
    ]);
    const read = await t.graphql(`query($id: ID!) { product(id: $id) { name formattedPrice } }`, { id: product.id });
    expect(read.data.product).toEqual({ name: "Букет «Тест»", formattedPrice: "4 950 ₸" });
  });

  it("accepts a price of 0 and formats tiyn", async () => {
    expect((await createOk({ name: "Открытка бесплатно", price: 0 })).formattedPrice).toBe("0 ₸");
    expect((await createOk({ name: "Лента", price: 123456 })).formattedPrice).toBe("1 234,56 ₸");
  });

  it.each([
    ["an empty name", { name: "   ", price: 100 }, "name"],
    ["a name of 201 characters", { name: "я".repeat(201), price: 100 }, "name"],
    ["a negative price", { name: "Букет", price: -1 }, "price"],
    ["an http image", { name: "Букет", price: 100, imageUrls: ["http://cdn.cvety.kz/a.jpg"] }, "imageUrls[0]"],
    [
      "a javascript: image",
      { name: "Букет", price: 100, imageUrls: ["https://ok.kz/a.jpg", "javascript:alert(1)"] },
      "imageUrls[1]",
    ],
    ["a relative image", { name: "Букет", price: 100, imageUrls: ["/a.jpg"] }, "imageUrls[0]"],
    [
      "21 images",
      { name: "Букет", price: 100, imageUrls: Array.from({ length: 21 }, (_, i) => `https://ok.kz/${i}.jpg`) },
      "imageUrls",
    ],
  ])("refuses %s with BAD_USER_INPUT naming the field", async (_name, input, field) => {
    const result = await create(input);
    expect(codeOf(result)).toBe("BAD_USER_INPUT");
    expect(result.errors![0].extensions!.field).toBe(field);
  });

  it("refuses a price that is not an Int at validation", async () => {
    const result = await create({ name: "Букет", price: 12.5 });
    expect(codeOf(result)).toBe("BAD_USER_INPUT");
  });

  it.each(["FLORIST", "COURIER"] as const)("refuses %s with FORBIDDEN and writes nothing", async (role) => {
    const result = await create({ name: `Запрещено ${role}`, price: 100 }, t.token(PROD_SHOP, role));
    expect(codeOf(result)).toBe("FORBIDDEN");
    const search = await t.graphql(`{ products(search: "Запрещено") { totalCount } }`);
    expect(search.data.products.totalCount).toBe(0);
  });

  it("lets a MANAGER create; refuses an anonymous caller", async () => {
    await createOk({ name: "Букет менеджера", price: 100 }, t.token(PROD_SHOP, "MANAGER"));
    const anonymous = await create({ name: "Аноним", price: 100 }, null as unknown as string);
    expect(codeOf(anonymous)).toBe("UNAUTHENTICATED");
  });
});

describe("updateProduct, setProductEnabled, archiveProduct", () => {
  it("changes only the given fields", async () => {
    const product = await createOk({ name: "Для правки", price: 100000, description: "Старое" });
    const result = await t.graphql(
      `mutation($id: ID!) { updateProduct(id: $id, input: { price: 250000 }) { name price formattedPrice description } }`,
      { id: product.id },
    );
    expect(result.data.updateProduct).toEqual({
      name: "Для правки",
      price: 250000,
      formattedPrice: "2 500 ₸",
      description: "Старое",
    });
    const renamed = await t.graphql(
      `mutation($id: ID!) { updateProduct(id: $id, input: { name: "  Новое имя ", description: "" }) { name description price } }`,
      { id: product.id },
    );
    expect(renamed.data.updateProduct).toEqual({ name: "Новое имя", description: null, price: 250000 });
  });

  it.each([
    ["an empty name", `{ name: "" }`, "BAD_USER_INPUT"],
    ["a negative price", `{ price: -5 }`, "BAD_USER_INPUT"],
  ])("refuses %s", async (_name, input, code) => {
    const product = await createOk({ name: "Не трогать", price: 100 });
    const result = await t.graphql(`mutation($id: ID!) { updateProduct(id: $id, input: ${input}) { id } }`, {
      id: product.id,
    });
    expect(codeOf(result)).toBe(code);
    const read = await t.graphql(`query($id: ID!) { product(id: $id) { name price } }`, { id: product.id });
    expect(read.data.product).toEqual({ name: "Не трогать", price: 100 });
  });

  it("NOT_FOUND for an unknown id, BAD_USER_INPUT for a malformed one", async () => {
    expect(codeOf(await t.graphql(`mutation { updateProduct(id: "999999", input: { price: 1 }) { id } }`))).toBe(
      "NOT_FOUND",
    );
    expect(codeOf(await t.graphql(`mutation { setProductEnabled(id: "abc", enabled: true) { id } }`))).toBe(
      "BAD_USER_INPUT",
    );
    expect(codeOf(await t.graphql(`mutation { archiveProduct(id: "999999") { id } }`))).toBe("NOT_FOUND");
  });

  it("disables and enables a product; the enabled filter follows", async () => {
    const product = await createOk({ name: "Выключаемый букет", price: 100 });
    const off = await t.graphql(`mutation($id: ID!) { setProductEnabled(id: $id, enabled: false) { enabled } }`, {
      id: product.id,
    });
    expect(off.data.setProductEnabled.enabled).toBe(false);
    const disabled = await t.graphql(`{ products(search: "Выключаемый", enabled: false) { edges { node { id } } } }`);
    expect(disabled.data.products.edges.map((e: any) => e.node.id)).toEqual([product.id]);
    const enabled = await t.graphql(`{ products(search: "Выключаемый", enabled: true) { totalCount } }`);
    expect(enabled.data.products.totalCount).toBe(0);
    const on = await t.graphql(`mutation($id: ID!) { setProductEnabled(id: $id, enabled: true) { enabled } }`, {
      id: product.id,
    });
    expect(on.data.setProductEnabled.enabled).toBe(true);
  });

  it("archives: gone from products, still readable by id and through orders; further edits are refused", async () => {
    // a seeded product that orders point at
    const { rows } = await t.ownerQuery(
      `select oi.product_id, oi.order_id, p.name from order_item oi join product p on p.id = oi.product_id where oi.shop_id = $1 order by oi.id limit 1`,
      [PROD_SHOP],
    );
    const productId = String(rows[0].product_id);
    const archived = await t.graphql(`mutation($id: ID!) { archiveProduct(id: $id) { archivedAt enabled } }`, {
      id: productId,
    });
    expect(archived.errors).toBeUndefined();
    expect(archived.data.archiveProduct.archivedAt).not.toBeNull();
    expect(archived.data.archiveProduct.enabled).toBe(false);
    const again = await t.graphql(`mutation($id: ID!) { archiveProduct(id: $id) { archivedAt } }`, { id: productId });
    expect(again.data.archiveProduct.archivedAt).toBe(archived.data.archiveProduct.archivedAt);

    const list = await t.graphql(`{ products(first: 100) { totalCount edges { node { id } } } }`);
    expect(list.data.products.edges.map((e: any) => e.node.id)).not.toContain(productId);
    const byId = await t.graphql(`query($id: ID!) { product(id: $id) { id name archivedAt } }`, { id: productId });
    expect(byId.data.product.name).toBe(rows[0].name);
    const order = await t.graphql(`query($id: ID!) { order(id: $id) { items { product { id name archivedAt } } } }`, {
      id: String(rows[0].order_id),
    });
    expect(order.errors).toBeUndefined();
    expect(order.data.order.items.map((i: any) => i.product.id)).toContain(productId);

    const edit = await t.graphql(`mutation($id: ID!) { setProductEnabled(id: $id, enabled: true) { id } }`, {
      id: productId,
    });
    expect(codeOf(edit)).toBe("CONFLICT");
  });

  it.each(["FLORIST", "COURIER"] as const)("refuses %s every edit with FORBIDDEN", async (role) => {
    const product = await createOk({ name: "Роль", price: 100 });
    const token = t.token(PROD_SHOP, role);
    for (const mutation of [
      `mutation($id: ID!) { updateProduct(id: $id, input: { price: 1 }) { id } }`,
      `mutation($id: ID!) { setProductEnabled(id: $id, enabled: false) { id } }`,
      `mutation($id: ID!) { archiveProduct(id: $id) { id } }`,
      `mutation($id: ID!) { addProductImage(productId: $id, url: "https://ok.kz/x.jpg") { id } }`,
    ]) {
      expect(codeOf(await t.graphql(mutation, { id: product.id }, { token }))).toBe("FORBIDDEN");
    }
    const read = await t.graphql(
      `query($id: ID!) { product(id: $id) { price enabled archivedAt images { id } } }`,
      { id: product.id },
      { token },
    );
    expect(read.data.product).toEqual({ price: 100, enabled: true, archivedAt: null, images: [] });
  });
});

describe("images", () => {
  const IMAGES = `images { id url position isMain }`;

  it("adds, makes main, reorders and removes images", async () => {
    const product = await createOk({ name: "С картинками", price: 100, imageUrls: ["https://ok.kz/1.jpg"] });
    const id = product.id;
    const added = await t.graphql(
      `mutation($id: ID!) { addProductImage(productId: $id, url: "https://ok.kz/2.jpg") { ${IMAGES} } }`,
      { id },
    );
    expect(added.data.addProductImage.images.map((i: any) => [i.url, i.isMain])).toEqual([
      ["https://ok.kz/1.jpg", true],
      ["https://ok.kz/2.jpg", false],
    ]);
    const third = await t.graphql(
      `mutation($id: ID!) { addProductImage(productId: $id, url: "https://ok.kz/3.jpg", isMain: true) { ${IMAGES} } }`,
      { id },
    );
    const images = third.data.addProductImage.images;
    expect(images[0]).toMatchObject({ url: "https://ok.kz/3.jpg", isMain: true, position: 2 });
    expect(images.filter((i: any) => i.isMain)).toHaveLength(1);

    const [first, second] = [...images].sort((a: any, b: any) => a.position - b.position);
    const setMain = await t.graphql(
      `mutation($imageId: ID!) { setMainProductImage(imageId: $imageId) { ${IMAGES} } }`,
      { imageId: second.id },
    );
    expect(setMain.data.setMainProductImage.images[0].id).toBe(second.id);

    const order = [images[0].id, second.id, first.id];
    const reordered = await t.graphql(
      `mutation($id: ID!, $ids: [ID!]!) { reorderProductImages(productId: $id, imageIds: $ids) { ${IMAGES} } }`,
      { id, ids: order },
    );
    expect(reordered.errors).toBeUndefined();
    const byPosition = [...reordered.data.reorderProductImages.images].sort(
      (a: any, b: any) => a.position - b.position,
    );
    expect(byPosition.map((i: any) => i.id)).toEqual(order);
    expect(byPosition.map((i: any) => i.position)).toEqual([0, 1, 2]);

    const removed = await t.graphql(`mutation($imageId: ID!) { removeProductImage(imageId: $imageId) { ${IMAGES} } }`, {
      imageId: second.id,
    });
    const rest = removed.data.removeProductImage.images;
    expect(rest.map((i: any) => i.id).sort()).toEqual([images[0].id, first.id].sort());
    expect(rest.filter((i: any) => i.isMain)).toHaveLength(1);
    expect(rest.map((i: any) => i.position).sort()).toEqual([0, 1]);
  });

  it("refuses bad URLs, duplicate URLs and bad reorder lists", async () => {
    const product = await createOk({
      name: "Картинки-отказы",
      price: 100,
      imageUrls: ["https://ok.kz/a.jpg", "https://ok.kz/b.jpg"],
    });
    const other = await createOk({ name: "Чужие картинки", price: 100, imageUrls: ["https://ok.kz/c.jpg"] });
    const id = product.id;
    const [a, b] = product.images.map((i: any) => i.id);
    for (const url of [
      "http://ok.kz/x.jpg",
      "ftp://ok.kz/x.jpg",
      "not a url",
      "https://user:pw@ok.kz/x.jpg",
      `https://ok.kz/${"x".repeat(2001)}`,
    ]) {
      const result = await t.graphql(
        `mutation($id: ID!, $url: String!) { addProductImage(productId: $id, url: $url) { id } }`,
        { id, url },
      );
      expect(codeOf(result)).toBe("BAD_USER_INPUT");
      expect(result.errors![0].extensions!.field).toBe("url");
    }
    expect(
      codeOf(
        await t.graphql(`mutation($id: ID!) { addProductImage(productId: $id, url: "https://ok.kz/a.jpg") { id } }`, {
          id,
        }),
      ),
    ).toBe("CONFLICT");
    const reorder = (ids: string[]) =>
      t.graphql(`mutation($id: ID!, $ids: [ID!]!) { reorderProductImages(productId: $id, imageIds: $ids) { id } }`, {
        id,
        ids,
      });
    expect(codeOf(await reorder([a]))).toBe("BAD_USER_INPUT");
    expect(codeOf(await reorder([a, a]))).toBe("BAD_USER_INPUT");
    expect(codeOf(await reorder([a, b, other.images[0].id]))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.graphql(`mutation { removeProductImage(imageId: "99999999") { id } }`))).toBe("NOT_FOUND");
    expect(codeOf(await t.graphql(`mutation { setMainProductImage(imageId: "99999999") { id } }`))).toBe("NOT_FOUND");
  });
});

describe("tenancy: shop 8 cannot see or touch shop 17008's catalog", () => {
  it("every mutation on another shop's product or image is NOT_FOUND and changes nothing", async () => {
    const product = await createOk({
      name: "Только для 17008",
      price: 700000,
      imageUrls: ["https://ok.kz/t1.jpg", "https://ok.kz/t2.jpg"],
    });
    const dev = t.token(DEV_SHOP, "ADMIN");
    const imageId = product.images[1].id;
    const attempts = [
      [`mutation($id: ID!) { updateProduct(id: $id, input: { price: 1, name: "взлом" }) { id } }`, { id: product.id }],
      [`mutation($id: ID!) { setProductEnabled(id: $id, enabled: false) { id } }`, { id: product.id }],
      [`mutation($id: ID!) { archiveProduct(id: $id) { id } }`, { id: product.id }],
      [
        `mutation($id: ID!) { addProductImage(productId: $id, url: "https://evil.kz/x.jpg") { id } }`,
        { id: product.id },
      ],
      [`mutation($imageId: ID!) { removeProductImage(imageId: $imageId) { id } }`, { imageId }],
      [`mutation($imageId: ID!) { setMainProductImage(imageId: $imageId) { id } }`, { imageId }],
      [
        `mutation($id: ID!, $ids: [ID!]!) { reorderProductImages(productId: $id, imageIds: $ids) { id } }`,
        { id: product.id, ids: [imageId, product.images[0].id] },
      ],
    ] as const;
    for (const [mutation, variables] of attempts) {
      const result = await t.graphql(mutation, variables, { token: dev });
      expect(codeOf(result)).toBe("NOT_FOUND");
    }
    const read = await t.graphql(`query($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`, { id: product.id });
    expect(read.data.product).toEqual(product);
    expect(
      (await t.graphql(`query($id: ID!) { product(id: $id) { id } }`, { id: product.id }, { token: dev })).data.product,
    ).toBeNull();
    const search = await t.graphql(`{ products(search: "Только для 17008") { totalCount } }`, {}, { token: dev });
    expect(search.data.products.totalCount).toBe(0);
  });

  it("a product created by shop 8 belongs to shop 8 only", async () => {
    const dev = t.token(DEV_SHOP, "ADMIN");
    const product = await createOk({ name: "Девелоперский букет", price: 100 }, dev);
    expect(
      (await t.graphql(`query($id: ID!) { product(id: $id) { id } }`, { id: product.id })).data.product,
    ).toBeNull();
    expect(
      (await t.graphql(`query($id: ID!) { product(id: $id) { id } }`, { id: product.id }, { token: dev })).data.product
        .id,
    ).toBe(product.id);
  });
});

describe("products: Russian search, filters, sorting", () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    ids = {};
    for (const [key, name, price, description] of [
      ["roses", "Розы красные «Поиск», 15 шт", 900000, null],
      ["rose", "РОЗА белая «Поиск»", 300000, null],
      ["bouquet", "Букет из роз «Поиск»", 1200000, null],
      ["eucalyptus", "Эвкалипт «Поиск»", 200000, "Ветки без роз? Нет, с розой внутри"],
      ["tulips", "Тюльпаны «Поиск»", 500000, "Весенние"],
      ["percent", "Скидка 50% «Поиск»", 100000, null],
    ] as const) {
      ids[key] = (await createOk({ name, price, description })).id;
    }
  });

  async function search(text: string, extra = "") {
    const result = await t.graphql(
      `query($s: String) { products(search: $s, first: 100${extra}) { totalCount edges { node { id name } } } }`,
      { s: text },
    );
    expect(result.errors).toBeUndefined();
    return result.data.products.edges.map((e: any) => e.node.id) as string[];
  }

  it("«роза» finds «Розы», «РОЗА», «роз» and a description «с розой»", async () => {
    const found = await search("роза");
    expect(found).toEqual(expect.arrayContaining([ids.roses, ids.rose, ids.bouquet, ids.eucalyptus]));
    expect(found).not.toContain(ids.tulips);
  });

  it("is case-insensitive and matches other word forms", async () => {
    expect(await search("РОЗЫ")).toEqual(expect.arrayContaining([ids.roses, ids.rose, ids.bouquet]));
    expect(await search("розой")).toEqual(expect.arrayContaining([ids.roses, ids.rose, ids.bouquet, ids.eucalyptus]));
    expect(await search("Роз")).toEqual(expect.arrayContaining([ids.roses, ids.rose, ids.bouquet]));
    expect(await search("тюльпан")).toContain(ids.tulips);
    expect(await search("весенний")).toContain(ids.tulips);
  });

  it("finds part of a word while typing, and treats % literally", async () => {
    expect(await search("эвкал")).toContain(ids.eucalyptus);
    expect(await search("50%")).toEqual([ids.percent]);
    expect(await search("%")).toEqual([ids.percent]);
    expect(await search("гладиолус")).toEqual([]);
  });

  it("the seeded catalog: «роза» finds the rose bouquets and not the tulips", async () => {
    const result = await t.graphql(`{ products(search: "роза", first: 100) { edges { node { name } } } }`);
    const names: string[] = result.data.products.edges.map((e: any) => e.node.name);
    expect(names.some((n) => n.startsWith("Букет из") && n.includes("красных роз"))).toBe(true);
    expect(names.some((n) => n.startsWith("Розы «Нежность»"))).toBe(true);
    expect(names.some((n) => n.startsWith("Тюльпаны"))).toBe(false);
  });

  it("counts matches whether totalCount is asked directly or through a fragment", async () => {
    const direct = await t.graphql(`{ products(search: "Поиск", first: 2) { totalCount edges { node { id } } } }`);
    expect(direct.data.products.totalCount).toBe(6);
    const viaFragment = await t.graphql(
      `{ products(search: "Поиск", first: 2) { ...Count } } fragment Count on ProductConnection { ... on ProductConnection { totalCount } }`,
    );
    expect(viaFragment.data.products.totalCount).toBe(6);
    const pageOnly = await t.graphql(
      `{ products(search: "Поиск", first: 2) { pageInfo { hasNextPage } edges { node { id } } } }`,
    );
    expect(pageOnly.data.products).toMatchObject({ pageInfo: { hasNextPage: true } });
    expect(pageOnly.data.products.edges).toHaveLength(2);
  });

  it("refuses a search longer than 200 characters", async () => {
    const result = await t.graphql(`query($s: String) { products(search: $s) { totalCount } }`, {
      s: "роза ".repeat(50) + "x".repeat(20),
    });
    expect(codeOf(result)).toBe("BAD_USER_INPUT");
  });

  it("filters by price range and refuses an inverted or negative range", async () => {
    const found = await search("Поиск", ", minPrice: 300000, maxPrice: 900000");
    expect(found.sort()).toEqual([ids.roses, ids.rose, ids.tulips].sort());
    expect(codeOf(await t.graphql(`{ products(minPrice: 5, maxPrice: 1) { totalCount } }`))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.graphql(`{ products(minPrice: -1) { totalCount } }`))).toBe("BAD_USER_INPUT");
  });

  /**
   * Pairs of neighbours out of name order, ties by id. Names compare as the database collates
   * them (its locale decides where «Роза» and «роза» go), asked pair by pair here rather than
   * from the code's query.
   */
  async function outOfNameOrder(seen: any[]): Promise<string[]> {
    const { rows } = await t.ownerQuery<{ pair: string }>(
      `select a || ' > ' || b as pair from unnest($1::text[], $2::text[], $3::int[], $4::int[]) as p(a, b, ia, ib)
        where not (a < b or (a = b and ia < ib))`,
      [
        seen.slice(0, -1).map((p) => p.name),
        seen.slice(1).map((p) => p.name),
        seen.slice(0, -1).map((p) => Number(p.id)),
        seen.slice(1).map((p) => Number(p.id)),
      ],
    );
    return rows.map((row) => row.pair);
  }

  it.each([
    ["NAME", null],
    ["PRICE_ASC", (a: any, b: any) => a.price <= b.price],
    ["PRICE_DESC", (a: any, b: any) => a.price >= b.price],
    ["NEWEST", (a: any, b: any) => a.createdAt >= b.createdAt],
  ])("sort %s pages through the whole catalog in order without overlap", async (sort, inOrder) => {
    const seen: any[] = [];
    let after: string | null = null;
    let total = 0;
    for (let page = 0; page < 20; page += 1) {
      const result: any = await t.graphql(
        `query($after: String) { products(first: 17, after: $after, sort: ${sort}) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name price createdAt } } } }`,
        { after },
      );
      expect(result.errors).toBeUndefined();
      total = result.data.products.totalCount;
      seen.push(...result.data.products.edges.map((e: any) => e.node));
      if (!result.data.products.pageInfo.hasNextPage) break;
      after = result.data.products.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((p) => p.id)).size).toBe(total);
    expect(seen.length).toBeGreaterThan(17); // more than one page
    if (inOrder) for (let i = 1; i < seen.length; i += 1) expect(inOrder(seen[i - 1], seen[i])).toBe(true);
    else expect(await outOfNameOrder(seen)).toEqual([]);
  });

  it("refuses a cursor of another sort order or a forged cursor", async () => {
    const byName = await t.graphql(`{ products(first: 2, sort: NAME) { pageInfo { endCursor } } }`);
    const cursor = byName.data.products.pageInfo.endCursor;
    expect(
      codeOf(
        await t.graphql(`query($a: String) { products(after: $a, sort: PRICE_ASC) { totalCount } }`, { a: cursor }),
      ),
    ).toBe("BAD_USER_INPUT");
    expect(
      codeOf(await t.graphql(`query($a: String) { products(after: $a, sort: NEWEST) { totalCount } }`, { a: cursor })),
    ).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.graphql(`{ products(after: "garbage") { totalCount } }`))).toBe("BAD_USER_INPUT");
  });
});
