import { startTestStack, PROD_SHOP, DEV_SHOP, type TestStack } from "../../test/harness";
import { signViewer } from "../../core/subgraph-signature";

/** Warehouse items, stock movements, recipes and roles, through the router. */

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ env: { STOCK_CONSUMER_POLL_MS: "0" } });
});
afterAll(() => t?.stop());

const OPERATION = `id type delta balanceAfter costPerUnit reason note orderId createdBy createdAt item { id name quantity }`;

function codeOf(result: { errors?: { extensions?: Record<string, any> }[] }) {
  return result.errors?.[0]?.extensions?.code;
}

async function newItem(name: string, quantity = 0, extra: Record<string, unknown> = {}) {
  const created = await t.graphql(
    `mutation($input: CreateWarehouseItemInput!) { createWarehouseItem(input: $input) { id name unit quantity minQuantity costPerUnit lowStock } }`,
    {
      input: { name, unit: "STEM", minQuantity: 10, costPerUnit: 1000, ...extra },
    },
  );
  expect(created.errors).toBeUndefined();
  const item = created.data.createWarehouseItem;
  if (quantity > 0) {
    const received = await t.graphql(
      `mutation($id: ID!, $q: Int!) { receiveStock(input: { itemId: $id, quantity: $q }) { balanceAfter } }`,
      { id: item.id, q: quantity },
    );
    expect(received.data.receiveStock.balanceAfter).toBe(quantity);
  }
  return item;
}

async function quantityOf(itemId: string, token?: string) {
  const result = await t.graphql(
    `query($id: ID!) { warehouseItem(id: $id) { quantity } }`,
    { id: itemId },
    token ? { token } : {},
  );
  return result.data.warehouseItem?.quantity as number | undefined;
}

async function operationsOf(itemId: string) {
  const result = await t.graphql(
    `query($id: ID!) { warehouseOperations(itemId: $id, first: 100) { totalCount edges { node { ${OPERATION} } } } }`,
    { id: itemId },
  );
  expect(result.errors).toBeUndefined();
  return result.data.warehouseOperations;
}

describe("items", () => {
  it("creates an item with quantity 0; duplicates, empty names and negative levels are refused", async () => {
    const item = await newItem("  Ранункулюс  ");
    expect(item).toMatchObject({
      name: "Ранункулюс",
      unit: "STEM",
      quantity: 0,
      minQuantity: 10,
      costPerUnit: 1000,
      lowStock: true,
    });
    const duplicate = await t.graphql(
      `mutation { createWarehouseItem(input: { name: "Ранункулюс", unit: STEM }) { id } }`,
    );
    expect(codeOf(duplicate)).toBe("CONFLICT");
    expect(codeOf(await t.graphql(`mutation { createWarehouseItem(input: { name: " ", unit: STEM }) { id } }`))).toBe(
      "BAD_USER_INPUT",
    );
    expect(
      codeOf(
        await t.graphql(`mutation { createWarehouseItem(input: { name: "X", unit: STEM, minQuantity: -1 }) { id } }`),
      ),
    ).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.graphql(`mutation { createWarehouseItem(input: { name: "X", unit: KILO }) { id } }`))).toBe(
      "GRAPHQL_VALIDATION_FAILED",
    );
  });

  it("updates name, level and cost; refuses a name taken by another item", async () => {
    const item = await newItem("Маттиола");
    const updated = await t.graphql(
      `mutation($id: ID!) { updateWarehouseItem(id: $id, input: { name: "Маттиола белая", minQuantity: 3, costPerUnit: 2500 }) { name minQuantity costPerUnit quantity } }`,
      { id: item.id },
    );
    expect(updated.data.updateWarehouseItem).toEqual({
      name: "Маттиола белая",
      minQuantity: 3,
      costPerUnit: 2500,
      quantity: 0,
    });
    expect(
      codeOf(
        await t.graphql(`mutation($id: ID!) { updateWarehouseItem(id: $id, input: { name: "Эвкалипт" }) { id } }`, {
          id: item.id,
        }),
      ),
    ).toBe("CONFLICT");
    expect(
      codeOf(await t.graphql(`mutation { updateWarehouseItem(id: "99999", input: { minQuantity: 1 }) { id } }`)),
    ).toBe("NOT_FOUND");
  });

  it("costs are visible to ADMIN and MANAGER only", async () => {
    const query = `{ warehouseItems(first: 100) { edges { node { name costPerUnit } } } }`;
    for (const role of ["ADMIN", "MANAGER"] as const) {
      const result = await t.graphql(query, {}, { token: t.token(PROD_SHOP, role) });
      expect(result.data.warehouseItems.edges.find((e: any) => e.node.name === "Эвкалипт").node.costPerUnit).toBe(
        20000,
      );
    }
    for (const role of ["FLORIST", "COURIER"] as const) {
      const result = await t.graphql(query, {}, { token: t.token(PROD_SHOP, role) });
      expect(result.errors).toBeUndefined();
      expect(result.data.warehouseItems.edges.every((e: any) => e.node.costPerUnit === null)).toBe(true);
    }
  });

  it("lowStockItems lists items under their minimum, and follows write-offs", async () => {
    const low = await t.graphql(`{ lowStockItems { name quantity minQuantity lowStock } }`);
    expect(low.data.lowStockItems.map((i: any) => i.name)).toContain("Писташ");
    expect(low.data.lowStockItems.every((i: any) => i.lowStock && i.quantity < i.minQuantity)).toBe(true);
    const item = await newItem("Скабиоза", 12);
    expect((await t.graphql(`{ lowStockItems { name } }`)).data.lowStockItems.map((i: any) => i.name)).not.toContain(
      "Скабиоза",
    );
    await t.graphql(
      `mutation($id: ID!) { writeOffStock(input: { itemId: $id, quantity: 5, reason: WILTED }) { id } }`,
      { id: item.id },
    );
    expect((await t.graphql(`{ lowStockItems { name } }`)).data.lowStockItems.map((i: any) => i.name)).toContain(
      "Скабиоза",
    );
  });

  it("only ADMIN and MANAGER create or edit items", async () => {
    for (const role of ["FLORIST", "COURIER"] as const) {
      const result = await t.graphql(
        `mutation { createWarehouseItem(input: { name: "Нельзя", unit: STEM }) { id } }`,
        {},
        { token: t.token(PROD_SHOP, role) },
      );
      expect(codeOf(result)).toBe("FORBIDDEN");
    }
  });
});

describe("operations", () => {
  it("RECEIVE adds, records who and the cost, and averages the item's cost", async () => {
    const item = await newItem("Фрезия", 0, { costPerUnit: 1000 });
    const first = await t.graphql(
      `mutation($id: ID!) { receiveStock(input: { itemId: $id, quantity: 10, costPerUnit: 1000, note: "Поставщик А" }) { ${OPERATION} } }`,
      { id: item.id },
    );
    expect(first.data.receiveStock).toMatchObject({
      type: "RECEIVE",
      delta: 10,
      balanceAfter: 10,
      costPerUnit: 1000,
      note: "Поставщик А",
      createdBy: t.userId(PROD_SHOP, "ADMIN"),
      item: { quantity: 10 },
    });
    const second = await t.graphql(
      `mutation($id: ID!) { receiveStock(input: { itemId: $id, quantity: 30, costPerUnit: 2000 }) { balanceAfter costPerUnit } }`,
      { id: item.id },
    );
    expect(second.data.receiveStock).toEqual({ balanceAfter: 40, costPerUnit: 2000 });
    const after = await t.graphql(`query($id: ID!) { warehouseItem(id: $id) { quantity costPerUnit } }`, {
      id: item.id,
    });
    expect(after.data.warehouseItem).toEqual({ quantity: 40, costPerUnit: 1750 });
  });

  it("a FLORIST receives without a cost; naming a cost is FORBIDDEN", async () => {
    const item = await newItem("Статица");
    const florist = t.token(PROD_SHOP, "FLORIST");
    const ok = await t.graphql(
      `mutation($id: ID!) { receiveStock(input: { itemId: $id, quantity: 4 }) { balanceAfter costPerUnit createdBy } }`,
      { id: item.id },
      { token: florist },
    );
    expect(ok.data.receiveStock).toEqual({
      balanceAfter: 4,
      costPerUnit: null,
      createdBy: t.userId(PROD_SHOP, "FLORIST"),
    });
    const withCost = await t.graphql(
      `mutation($id: ID!) { receiveStock(input: { itemId: $id, quantity: 4, costPerUnit: 1 }) { id } }`,
      { id: item.id },
      { token: florist },
    );
    expect(codeOf(withCost)).toBe("FORBIDDEN");
    expect(await quantityOf(item.id)).toBe(4);
  });

  it("WRITE_OFF subtracts with a reason; more than available is refused naming the item and what is there", async () => {
    const item = await newItem("Роза «Эксплорер»", 8);
    const ok = await t.graphql(
      `mutation($id: ID!) { writeOffStock(input: { itemId: $id, quantity: 3, reason: DAMAGED, note: "сломаны" }) { ${OPERATION} } }`,
      { id: item.id },
    );
    expect(ok.data.writeOffStock).toMatchObject({
      type: "WRITE_OFF",
      delta: -3,
      balanceAfter: 5,
      reason: "DAMAGED",
      note: "сломаны",
      costPerUnit: null,
    });
    const tooMany = await t.graphql(
      `mutation($id: ID!) { writeOffStock(input: { itemId: $id, quantity: 6, reason: WILTED }) { id } }`,
      { id: item.id },
    );
    expect(codeOf(tooMany)).toBe("CONFLICT");
    expect(tooMany.errors![0].message).toContain("Роза «Эксплорер»");
    expect(tooMany.errors![0].message).toMatch(/5 stem available, 6 requested/);
    expect(tooMany.errors![0].extensions).toMatchObject({
      reason: "INSUFFICIENT_STOCK",
      available: 5,
      requested: 6,
      itemId: Number(item.id),
    });
    expect(await quantityOf(item.id)).toBe(5);
    expect((await operationsOf(item.id)).totalCount).toBe(2);
  });

  it.each([
    ["quantity 0", `{ itemId: $id, quantity: 0, reason: WILTED }`, "quantity"],
    ["a negative quantity", `{ itemId: $id, quantity: -4, reason: WILTED }`, "quantity"],
    ["OTHER without a note", `{ itemId: $id, quantity: 1, reason: OTHER }`, "note"],
  ])("WRITE_OFF refuses %s with BAD_USER_INPUT", async (_name, input, field) => {
    const item = await newItem(`Отказ ${field} ${Math.random()}`, 5);
    const result = await t.graphql(`mutation($id: ID!) { writeOffStock(input: ${input}) { id } }`, { id: item.id });
    expect(codeOf(result)).toBe("BAD_USER_INPUT");
    expect(result.errors![0].extensions!.field).toBe(field);
    expect(await quantityOf(item.id)).toBe(5);
  });

  it("ADJUST sets the counted quantity and records the difference, up or down", async () => {
    const item = await newItem("Астильба", 20);
    const down = await t.graphql(
      `mutation($id: ID!) { adjustStock(input: { itemId: $id, countedQuantity: 17, note: "пересчёт" }) { type delta balanceAfter reason note } }`,
      { id: item.id },
    );
    expect(down.data.adjustStock).toEqual({
      type: "ADJUST",
      delta: -3,
      balanceAfter: 17,
      reason: "INVENTORY_COUNT",
      note: "пересчёт",
    });
    const up = await t.graphql(
      `mutation($id: ID!) { adjustStock(input: { itemId: $id, countedQuantity: 25 }) { delta balanceAfter } }`,
      { id: item.id },
    );
    expect(up.data.adjustStock).toEqual({ delta: 8, balanceAfter: 25 });
    expect(
      codeOf(
        await t.graphql(`mutation($id: ID!) { adjustStock(input: { itemId: $id, countedQuantity: -1 }) { id } }`, {
          id: item.id,
        }),
      ),
    ).toBe("BAD_USER_INPUT");
    expect(
      codeOf(await t.graphql(`mutation { adjustStock(input: { itemId: "99999", countedQuantity: 1 }) { id } }`)),
    ).toBe("NOT_FOUND");
  });

  it("CONSUME and RETURN by hand, optionally for one of the shop's orders", async () => {
    const item = await newItem("Вероника", 10);
    const { rows } = await t.ownerQuery(`select id from "order" where shop_id = $1 order by id limit 1`, [PROD_SHOP]);
    const orderId = String(rows[0].id);
    const consumed = await t.graphql(
      `mutation($id: ID!, $order: ID) { consumeStock(input: { itemId: $id, quantity: 4, orderId: $order }) { type delta balanceAfter orderId } }`,
      { id: item.id, order: orderId },
    );
    expect(consumed.data.consumeStock).toEqual({ type: "CONSUME", delta: -4, balanceAfter: 6, orderId });
    const returned = await t.graphql(
      `mutation($id: ID!) { returnStock(input: { itemId: $id, quantity: 1, note: "не пригодилась" }) { type delta balanceAfter orderId } }`,
      { id: item.id },
    );
    expect(returned.data.returnStock).toEqual({ type: "RETURN", delta: 1, balanceAfter: 7, orderId: null });
    const tooMany = await t.graphql(`mutation($id: ID!) { consumeStock(input: { itemId: $id, quantity: 8 }) { id } }`, {
      id: item.id,
    });
    expect(codeOf(tooMany)).toBe("CONFLICT");
    const byOrder = await t.graphql(
      `query($order: ID) { warehouseOperations(orderId: $order) { edges { node { delta item { name } } } } }`,
      { order: orderId },
    );
    expect(byOrder.data.warehouseOperations.edges).toEqual([{ node: { delta: -4, item: { name: "Вероника" } } }]);
    const { rows: devOrders } = await t.ownerQuery(`select id from "order" where shop_id = $1 limit 1`, [DEV_SHOP]);
    const foreign = await t.graphql(
      `mutation($id: ID!, $order: ID) { consumeStock(input: { itemId: $id, quantity: 1, orderId: $order }) { id } }`,
      { id: item.id, order: String(devOrders[0].id) },
    );
    expect(codeOf(foreign)).toBe("NOT_FOUND");
    expect(await quantityOf(item.id)).toBe(7);
  });

  it("an unknown item is NOT_FOUND for every operation", async () => {
    for (const mutation of [
      `mutation { receiveStock(input: { itemId: "99999", quantity: 1 }) { id } }`,
      `mutation { writeOffStock(input: { itemId: "99999", quantity: 1, reason: LOST }) { id } }`,
      `mutation { consumeStock(input: { itemId: "99999", quantity: 1 }) { id } }`,
      `mutation { returnStock(input: { itemId: "99999", quantity: 1 }) { id } }`,
    ]) {
      expect(codeOf(await t.graphql(mutation))).toBe("NOT_FOUND");
    }
  });

  it("COURIER reads the warehouse but runs no operation; FLORIST and MANAGER do", async () => {
    const item = await newItem("Гвоздика", 10);
    const courier = t.token(PROD_SHOP, "COURIER");
    for (const mutation of [
      `mutation($id: ID!) { receiveStock(input: { itemId: $id, quantity: 1 }) { id } }`,
      `mutation($id: ID!) { writeOffStock(input: { itemId: $id, quantity: 1, reason: LOST }) { id } }`,
      `mutation($id: ID!) { adjustStock(input: { itemId: $id, countedQuantity: 0 }) { id } }`,
      `mutation($id: ID!) { consumeStock(input: { itemId: $id, quantity: 1 }) { id } }`,
      `mutation($id: ID!) { returnStock(input: { itemId: $id, quantity: 1 }) { id } }`,
    ]) {
      expect(codeOf(await t.graphql(mutation, { id: item.id }, { token: courier }))).toBe("FORBIDDEN");
    }
    expect(await quantityOf(item.id, courier)).toBe(10);
    for (const role of ["FLORIST", "MANAGER"] as const) {
      const result = await t.graphql(
        `mutation($id: ID!) { writeOffStock(input: { itemId: $id, quantity: 1, reason: WILTED }) { createdBy } }`,
        { id: item.id },
        { token: t.token(PROD_SHOP, role) },
      );
      expect(result.data.writeOffStock.createdBy).toBe(t.userId(PROD_SHOP, role));
    }
    expect(await quantityOf(item.id)).toBe(8);
  });

  it("100 parallel operations on one item lose no update", async () => {
    const item = await newItem("Параллельная роза", 500);
    const florist = t.token(PROD_SHOP, "FLORIST");
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        i % 2 === 0
          ? t.graphql(
              `mutation($id: ID!) { receiveStock(input: { itemId: $id, quantity: 3 }) { id } }`,
              { id: item.id },
              { token: florist },
            )
          : t.graphql(
              `mutation($id: ID!) { writeOffStock(input: { itemId: $id, quantity: 7, reason: WILTED }) { id } }`,
              { id: item.id },
              { token: florist },
            ),
      ),
    );
    expect(results.filter((r) => r.errors)).toEqual([]);
    expect(await quantityOf(item.id)).toBe(500 + 50 * 3 - 50 * 7);
    expect((await operationsOf(item.id)).totalCount).toBe(101);
    // the operations form one unbroken chain: each balance is the previous one plus its delta
    const { rows } = await t.ownerQuery(
      `select delta, balance_after from warehouse_operation where item_id = $1 order by id`,
      [Number(item.id)],
    );
    expect(rows).toHaveLength(101);
    for (let i = 1; i < rows.length; i += 1)
      expect(rows[i].balance_after).toBe(rows[i - 1].balance_after + rows[i].delta);
    expect(rows[100].balance_after).toBe(300);
  });

  it("parallel write-offs never take the quantity below zero: exactly what was there succeeds", async () => {
    const item = await newItem("Последние гортензии", 30);
    const results = await Promise.all(
      Array.from({ length: 60 }, () =>
        t.graphql(
          `mutation($id: ID!) { writeOffStock(input: { itemId: $id, quantity: 1, reason: DAMAGED }) { balanceAfter } }`,
          { id: item.id },
        ),
      ),
    );
    expect(results.filter((r) => !r.errors)).toHaveLength(30);
    expect(results.filter((r) => r.errors).every((r) => codeOf(r) === "CONFLICT")).toBe(true);
    expect(await quantityOf(item.id)).toBe(0);
    const balances = results
      .filter((r) => !r.errors)
      .map((r) => r.data.writeOffStock.balanceAfter)
      .sort((a, b) => a - b);
    expect(balances).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});

describe("operations list", () => {
  it("filters by item, type and time, pages without overlap, and refuses an empty window", async () => {
    const item = await newItem("Лизиантус", 50);
    const start = new Date().toISOString();
    for (let i = 0; i < 5; i += 1) {
      await t.graphql(
        `mutation($id: ID!) { writeOffStock(input: { itemId: $id, quantity: 1, reason: WILTED }) { id } }`,
        { id: item.id },
      );
      await t.graphql(`mutation($id: ID!) { returnStock(input: { itemId: $id, quantity: 2 }) { id } }`, {
        id: item.id,
      });
    }
    const query = `query($id: ID, $types: [WarehouseOperationType!], $from: DateTime, $to: DateTime, $after: String) {
      warehouseOperations(itemId: $id, types: $types, from: $from, to: $to, first: 3, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id type createdBy } } } }`;
    const writeOffs = await t.graphql(query, { id: item.id, types: ["WRITE_OFF"] });
    expect(writeOffs.data.warehouseOperations.totalCount).toBe(5);
    const both = await t.graphql(query, { id: item.id, types: ["WRITE_OFF", "RETURN"], from: start });
    expect(both.data.warehouseOperations.totalCount).toBe(10);
    const all: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await t.graphql(query, { id: item.id, after });
      all.push(...page.data.warehouseOperations.edges.map((e: any) => e.node.id));
      if (!page.data.warehouseOperations.pageInfo.hasNextPage) break;
      after = page.data.warehouseOperations.pageInfo.endCursor;
    }
    expect(all).toHaveLength(11);
    expect(new Set(all).size).toBe(11);
    expect([...all].map(Number)).toEqual([...all].map(Number).sort((a, b) => b - a));
    const past = await t.graphql(query, { id: item.id, to: start });
    expect(past.data.warehouseOperations.totalCount).toBe(1);
    expect(codeOf(await t.graphql(query, { id: item.id, from: start, to: start }))).toBe("BAD_USER_INPUT");
    const bad = await t.graphql(query, { id: item.id, from: "yesterday" });
    expect(codeOf(bad)).toBe("BAD_USER_INPUT");
    expect(bad.errors![0].message).toMatch(/DateTime/);
  });
});

describe("recipes", () => {
  async function productWithRecipe() {
    const created = await t.graphql(
      `mutation { createProduct(input: { name: "Букет с рецептом", price: 100 }) { id } }`,
    );
    return created.data.createProduct.id as string;
  }

  it("sets a composition; Product.composition and Product.stock follow the shelves", async () => {
    const productId = await productWithRecipe();
    const roses = await newItem("Роза для рецепта", 47);
    const ribbon = await newItem("Лента для рецепта", 10, { unit: "METRE" });
    const set = await t.graphql(
      `mutation($id: ID!, $lines: [RecipeLineInput!]!) { setProductComposition(productId: $id, lines: $lines) { id name stock composition { quantity item { name unit } } } }`,
      {
        id: productId,
        lines: [
          { itemId: roses.id, quantity: 15 },
          { itemId: ribbon.id, quantity: 1 },
        ],
      },
    );
    expect(set.errors).toBeUndefined();
    expect(set.data.setProductComposition).toEqual({
      id: productId,
      name: "Букет с рецептом",
      stock: 3,
      composition: [
        { quantity: 15, item: { name: "Роза для рецепта", unit: "STEM" } },
        { quantity: 1, item: { name: "Лента для рецепта", unit: "METRE" } },
      ],
    });
    await t.graphql(`mutation($id: ID!) { writeOffStock(input: { itemId: $id, quantity: 8, reason: LOST }) { id } }`, {
      id: ribbon.id,
    });
    const read = await t.graphql(`query($id: ID!) { product(id: $id) { stock composition { quantity } } }`, {
      id: productId,
    });
    expect(read.data.product.stock).toBe(2);
    const cleared = await t.graphql(
      `mutation($id: ID!) { setProductComposition(productId: $id, lines: []) { stock composition { quantity } } }`,
      { id: productId },
    );
    expect(cleared.data.setProductComposition).toEqual({ stock: 0, composition: [] });
  });

  it("refuses duplicates, zero quantities, unknown items and products, and other roles", async () => {
    const productId = await productWithRecipe();
    const item = await newItem("Ромашка для рецепта", 5);
    const set = (lines: unknown, id = productId, token?: string) =>
      t.graphql(
        `mutation($id: ID!, $lines: [RecipeLineInput!]!) { setProductComposition(productId: $id, lines: $lines) { id } }`,
        { id, lines },
        token ? { token } : {},
      );
    expect(
      codeOf(
        await set([
          { itemId: item.id, quantity: 1 },
          { itemId: item.id, quantity: 2 },
        ]),
      ),
    ).toBe("BAD_USER_INPUT");
    expect(codeOf(await set([{ itemId: item.id, quantity: 0 }]))).toBe("BAD_USER_INPUT");
    expect(codeOf(await set([{ itemId: "99999", quantity: 1 }]))).toBe("BAD_USER_INPUT");
    expect(codeOf(await set([{ itemId: item.id, quantity: 1 }], "99999"))).toBe("NOT_FOUND");
    expect(codeOf(await set(Array.from({ length: 51 }, (_, i) => ({ itemId: String(i + 1), quantity: 1 }))))).toBe(
      "BAD_USER_INPUT",
    );
    for (const role of ["FLORIST", "COURIER"] as const) {
      expect(codeOf(await set([{ itemId: item.id, quantity: 1 }], productId, t.token(PROD_SHOP, role)))).toBe(
        "FORBIDDEN",
      );
    }
    const read = await t.graphql(`query($id: ID!) { product(id: $id) { composition { quantity } } }`, {
      id: productId,
    });
    expect(read.data.product.composition).toEqual([]);
  });
});

describe("tenancy: shop 8 cannot see or touch shop 17008's warehouse", () => {
  const dev = () => t.token(DEV_SHOP, "ADMIN");

  it("items, operations, low stock and consumption lists are confined to the shop", async () => {
    const item = await newItem("Секретная роза 17008", 9);
    expect(await quantityOf(item.id, dev())).toBeUndefined();
    const lists = await t.graphql(
      `{ warehouseItems(first: 100) { edges { node { name } } } lowStockItems { name } warehouseOperations(first: 100) { edges { node { item { name } } } } stockConsumptions { totalCount } }`,
      {},
      { token: dev() },
    );
    expect(lists.errors).toBeUndefined();
    expect(JSON.stringify(lists.data)).not.toContain("Секретная");
    const ops = await t.graphql(
      `query($id: ID) { warehouseOperations(itemId: $id) { totalCount } }`,
      { id: item.id },
      { token: dev() },
    );
    expect(ops.data.warehouseOperations.totalCount).toBe(0);
  });

  it("every operation on another shop's item is NOT_FOUND and changes nothing", async () => {
    const item = await newItem("Чужая роза 17008", 9);
    for (const mutation of [
      `mutation($id: ID!) { receiveStock(input: { itemId: $id, quantity: 1 }) { id } }`,
      `mutation($id: ID!) { writeOffStock(input: { itemId: $id, quantity: 1, reason: LOST }) { id } }`,
      `mutation($id: ID!) { adjustStock(input: { itemId: $id, countedQuantity: 0 }) { id } }`,
      `mutation($id: ID!) { consumeStock(input: { itemId: $id, quantity: 1 }) { id } }`,
      `mutation($id: ID!) { returnStock(input: { itemId: $id, quantity: 1 }) { id } }`,
      `mutation($id: ID!) { updateWarehouseItem(id: $id, input: { name: "взлом" }) { id } }`,
    ]) {
      expect(codeOf(await t.graphql(mutation, { id: item.id }, { token: dev() }))).toBe("NOT_FOUND");
    }
    expect(await quantityOf(item.id)).toBe(9);
    expect((await operationsOf(item.id)).totalCount).toBe(1);
  });

  it("recipes: another shop's product is NOT_FOUND, another shop's item is refused", async () => {
    const { rows } = await t.ownerQuery(
      `select p.id as product_id, r.item_id from product p join recipe_item r on r.product_id = p.id where p.shop_id = $1 limit 1`,
      [PROD_SHOP],
    );
    const set = (productId: string, itemId: string) =>
      t.graphql(
        `mutation($p: ID!, $i: ID!) { setProductComposition(productId: $p, lines: [{ itemId: $i, quantity: 1 }]) { id } }`,
        { p: productId, i: itemId },
        { token: dev() },
      );
    const { rows: devItems } = await t.ownerQuery(`select id from warehouse_item where shop_id = $1 limit 1`, [
      DEV_SHOP,
    ]);
    expect(codeOf(await set(String(rows[0].product_id), String(devItems[0].id)))).toBe("NOT_FOUND");
    const devProduct = await t.graphql(
      `mutation { createProduct(input: { name: "Dev рецепт", price: 1 }) { id } }`,
      {},
      { token: dev() },
    );
    expect(codeOf(await set(devProduct.data.createProduct.id, String(rows[0].item_id)))).toBe("BAD_USER_INPUT");
  });

  it("the Product and Order entity references resolve nothing of another shop", async () => {
    const { rows } = await t.ownerQuery(
      `select p.id from product p where p.shop_id = $1 and exists (select 1 from recipe_item r where r.product_id = p.id) limit 1`,
      [PROD_SHOP],
    );
    const { rows: orders } = await t.ownerQuery(`select id from "order" where shop_id = $1 limit 1`, [PROD_SHOP]);
    const representations = [
      { __typename: "Product", id: String(rows[0].id) },
      { __typename: "Order", id: String(orders[0].id) },
    ];
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { stock composition { quantity } } ... on Order { stockConsumption { id } } } }`;
    const ask = async (shopId: number) => {
      const response = await fetch(t.stack.subgraphs.warehouse.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...signViewer({ userId: "entity-test", shopId, role: "ADMIN" }, "r1", t.config.subgraphSecret),
        },
        body: JSON.stringify({ query, variables: { r: representations } }),
      });
      return (await response.json()) as any;
    };
    const own = await ask(PROD_SHOP);
    expect(own.errors).toBeUndefined();
    expect(own.data._entities[0].composition.length).toBeGreaterThan(0);
    const foreign = await ask(DEV_SHOP);
    expect(foreign.errors).toBeUndefined();
    expect(foreign.data._entities).toEqual([{ stock: 0, composition: [] }, { stockConsumption: null }]);
  });
});
