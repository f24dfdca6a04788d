import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../../test/harness";
import {
  assignDirectly,
  courierToken,
  expectChain,
  historyOf,
  orderPicker,
  seededCouriers,
} from "../../test/order-fixtures";
import type { Role } from "../../core/auth";

let t: TestStack;
const pick = orderPicker(() => t);
let products: { id: string; price: number; name: string }[];
let devProductId: string;

const CREATE = `mutation($input: CreateOrderInput!) {
  createOrder(input: $input) {
    id status total bitrixOrderId recipientName recipientPhone deliveryAddress deliveryFrom deliveryTo cardText comment
    items { quantity price product { id name price } }
    history { oldStatus newStatus changedBy kind }
    customer { id phone name }
  }
}`;

function create(input: Record<string, unknown>, options: { role?: Role; shop?: number } = {}) {
  return t.graphql(CREATE, { input }, { token: t.token(options.shop ?? PROD_SHOP, options.role ?? "ADMIN") });
}

function baseInput(overrides: Record<string, unknown> = {}) {
  return {
    items: [
      { productId: products[0].id, quantity: 2 },
      { productId: products[1].id, quantity: 1 },
    ],
    customer: { name: "Айгерим Серикова", phone: "+7 701 555 12 34" },
    recipient: { name: "Дана Абенова", phone: "8 (702) 111-22-33" },
    deliveryAddress: "Алматы, Абая 10, кв. 5",
    deliveryFrom: "2026-12-01T10:00:00.000Z",
    deliveryTo: "2026-12-01T12:00:00.000Z",
    cardText: "С днём рождения!",
    comment: "позвонить за час",
    ...overrides,
  };
}

beforeAll(async () => {
  t = await startTestStack();
  const result = await t.graphql(`{ products(first: 5, enabled: true) { edges { node { id price name } } } }`);
  products = result.data.products.edges.map((edge: any) => edge.node);
  const dev = await t.graphql(
    `{ products(first: 1, enabled: true) { edges { node { id } } } }`,
    {},
    { token: t.token(DEV_SHOP) },
  );
  devProductId = dev.data.products.edges[0].node.id;
});
afterAll(() => t?.stop());

describe("createOrder", () => {
  it("prices items from the catalog, computes the total, creates the customer and the first history entry", async () => {
    const result = await create(baseInput());
    expect(result.errors).toBeUndefined();
    const order = result.data.createOrder;
    expect(order.status).toBe("NEW");
    expect(order.total).toBe(products[0].price * 2 + products[1].price);
    expect(order.items).toEqual([
      {
        quantity: 2,
        price: products[0].price,
        product: { id: products[0].id, name: products[0].name, price: products[0].price },
      },
      {
        quantity: 1,
        price: products[1].price,
        product: { id: products[1].id, name: products[1].name, price: products[1].price },
      },
    ]);
    expect(order.history).toEqual([
      { oldStatus: null, newStatus: "NEW", changedBy: t.userId(PROD_SHOP, "ADMIN"), kind: "STATUS" },
    ]);
    expect(order.customer).toMatchObject({ phone: "+77015551234", name: "Айгерим Серикова" });
    expect(order.recipientPhone).toBe("+77021112233");
    expect(order).toMatchObject({
      recipientName: "Дана Абенова",
      cardText: "С днём рождения!",
      deliveryTo: "2026-12-01T12:00:00.000Z",
    });
  });

  it("keeps each item's price as it was when ordered", async () => {
    const created = await create(baseInput({ items: [{ productId: products[2].id, quantity: 1 }] }));
    const orderId = created.data.createOrder.id;
    await t.stack.db.withTenant(PROD_SHOP, (tx) =>
      tx.product.update({ where: { id: Number(products[2].id) }, data: { price: { increment: 100_00 } } }),
    );
    const later = await t.graphql(`query($id: ID!) { order(id: $id) { total items { price product { price } } } }`, {
      id: orderId,
    });
    expect(later.data.order.items[0].price).toBe(products[2].price);
    expect(later.data.order.items[0].product.price).toBe(products[2].price + 100_00);
    expect(later.data.order.total).toBe(products[2].price);
  });

  it("reuses the customer's profile by phone, however the phone is written", async () => {
    const first = await create(baseInput({ customer: { name: "Ержан", phone: "87019990011" } }));
    const second = await create(baseInput({ customer: { phone: "+7 (701) 999-00-11" } }));
    expect(first.errors).toBeUndefined();
    expect(second.data.createOrder.customer.id).toBe(first.data.createOrder.customer.id);
    expect(second.data.createOrder.customer.name).toBe("Ержан");
  });

  it("concurrent first orders of a new customer share one profile", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => create(baseInput({ customer: { phone: "+77017770000" } }))),
    );
    expect(results.every((r) => !r.errors)).toBe(true);
    expect(new Set(results.map((r) => r.data.createOrder.customer.id)).size).toBe(1);
  });

  it("accepts a Bitrix id once per shop", async () => {
    const first = await create(baseInput({ bitrixOrderId: 777001 }));
    expect(first.data.createOrder.bitrixOrderId).toBe(777001);
    const again = await create(baseInput({ bitrixOrderId: 777001 }));
    expect(again.errors?.[0].extensions).toMatchObject({ code: "CONFLICT", field: "input.bitrixOrderId" });
    // another shop may use the same number
    const other = await create(
      { ...baseInput({ bitrixOrderId: 777001 }), items: [{ productId: devProductId, quantity: 1 }] },
      { shop: DEV_SHOP },
    );
    expect(other.errors).toBeUndefined();
  });

  const disabledProduct = async () => {
    const row = await t.stack.db.withTenant(PROD_SHOP, (tx) =>
      tx.product.update({ where: { id: Number(products[4].id) }, data: { enabled: false } }),
    );
    return String(row.id);
  };

  it.each<[string, () => Promise<Record<string, unknown>> | Record<string, unknown>, string, RegExp]>([
    ["no items", () => baseInput({ items: [] }), "input.items", /at least one item/],
    [
      "quantity 0",
      () => baseInput({ items: [{ productId: products[0].id, quantity: 0 }] }),
      "input.items[0].quantity",
      /at least 1/,
    ],
    [
      "negative quantity",
      () =>
        baseInput({
          items: [
            { productId: products[0].id, quantity: 1 },
            { productId: products[1].id, quantity: -3 },
          ],
        }),
      "input.items[1].quantity",
      /at least 1/,
    ],
    [
      "huge quantity",
      () => baseInput({ items: [{ productId: products[0].id, quantity: 100000 }] }),
      "input.items[0].quantity",
      /at most 999/,
    ],
    [
      "unknown product",
      () => baseInput({ items: [{ productId: "99999999", quantity: 1 }] }),
      "input.items[0].productId",
      /does not exist/,
    ],
    [
      "malformed product id",
      () => baseInput({ items: [{ productId: "rose", quantity: 1 }] }),
      "input.items[0].productId",
      /positive integer/,
    ],
    [
      "another shop's product",
      () => baseInput({ items: [{ productId: devProductId, quantity: 1 }] }),
      "input.items[0].productId",
      /does not exist/,
    ],
    [
      "disabled product",
      async () => baseInput({ items: [{ productId: await disabledProduct(), quantity: 1 }] }),
      "input.items[0].productId",
      /not available/,
    ],
    [
      "window ending before it starts",
      () => baseInput({ deliveryFrom: "2026-12-01T12:00:00Z", deliveryTo: "2026-12-01T10:00:00Z" }),
      "input.deliveryTo",
      /ends before it starts/,
    ],
    [
      "customer phone not a phone",
      () => baseInput({ customer: { phone: "call me" } }),
      "input.customer.phone",
      /phone number/,
    ],
    [
      "customer phone too short",
      () => baseInput({ customer: { phone: "+7701" } }),
      "input.customer.phone",
      /10 to 15 digits/,
    ],
    [
      "recipient phone not a phone",
      () => baseInput({ recipient: { phone: "abc" } }),
      "input.recipient.phone",
      /phone number/,
    ],
    ["card text too long", () => baseInput({ cardText: "x".repeat(1001) }), "input.cardText", /at most 1000/],
    [
      "comment with control characters",
      () => baseInput({ comment: "a\u0000b" }),
      "input.comment",
      /control characters/,
    ],
    ["bitrixOrderId negative", () => baseInput({ bitrixOrderId: -1 }), "input.bitrixOrderId", /positive/],
  ])("refuses %s with BAD_USER_INPUT naming the field", async (_name, input, field, message) => {
    const countBefore = (await t.graphql(`{ orders(first: 1) { totalCount } }`)).data.orders.totalCount;
    const result = await create(await input());
    expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    expect(result.errors?.[0].message).toMatch(message);
    expect((await t.graphql(`{ orders(first: 1) { totalCount } }`)).data.orders.totalCount).toBe(countBefore);
  });

  it("a price or total sent by the client is not part of the input", async () => {
    const result = await create({ ...baseInput(), total: 1 });
    expect(result.errors?.[0].extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
  });

  it.each<Role>(["FLORIST", "COURIER"])("%s may not create orders", async (role) => {
    expect((await create(baseInput(), { role })).errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });
});

describe("notes and photos", () => {
  const NOTE = `mutation($id: ID!, $text: String!) { addOrderNote(id: $id, text: $text) { id notes { text author } history { kind oldStatus newStatus notes changedBy } } }`;
  const PHOTO = `mutation($id: ID!, $url: String!, $kind: OrderPhotoKind!) {
    addOrderPhoto(id: $id, url: $url, kind: $kind) { id photos { url kind createdBy } history { kind notes photo { url kind } } }
  }`;

  it("a note shows on the order and in its history, at the current status", async () => {
    const order = await pick(PROD_SHOP, "ACCEPTED");
    const result = await t.graphql(
      NOTE,
      { id: String(order.id), text: "  без лилий, аллергия  " },
      { token: t.token(PROD_SHOP, "FLORIST") },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.addOrderNote.notes.at(-1)).toEqual({
      text: "без лилий, аллергия",
      author: t.userId(PROD_SHOP, "FLORIST"),
    });
    expect(result.data.addOrderNote.history.at(-1)).toEqual({
      kind: "NOTE",
      oldStatus: "ACCEPTED",
      newStatus: "ACCEPTED",
      notes: "без лилий, аллергия",
      changedBy: t.userId(PROD_SHOP, "FLORIST"),
    });
    expectChain(await historyOf(t, PROD_SHOP, order.id));
  });

  it("a photo shows on the order and in its history", async () => {
    const order = await pick(PROD_SHOP, "IN_DELIVERY");
    const url = "https://cdn.cvety.kz/proof/123.jpg";
    const [courier] = await seededCouriers(t, PROD_SHOP);
    await assignDirectly(t, PROD_SHOP, order.id, courier.id);
    const result = await t.graphql(
      PHOTO,
      { id: String(order.id), url, kind: "DELIVERY_PROOF" },
      { token: courierToken(t, PROD_SHOP, courier.id) },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.addOrderPhoto.photos).toEqual([{ url, kind: "DELIVERY_PROOF", createdBy: String(courier.id) }]);
    expect(result.data.addOrderPhoto.history.at(-1)).toEqual({
      kind: "PHOTO",
      notes: "Photo added: DELIVERY_PROOF",
      photo: { url, kind: "DELIVERY_PROOF" },
    });
  });

  it("notes and photos interleave with status changes in one chain", async () => {
    const order = await pick(PROD_SHOP, "PAID");
    const id = String(order.id);
    await Promise.all([
      t.graphql(NOTE, { id, text: "one" }),
      t.graphql(`mutation($id: ID!) { updateOrderStatus(id: $id, status: ACCEPTED) { id } }`, { id }),
      t.graphql(PHOTO, { id, url: "https://example.com/a.jpg", kind: "ASSEMBLED_BOUQUET" }),
      t.graphql(NOTE, { id, text: "two" }),
    ]);
    const history = await historyOf(t, PROD_SHOP, order.id);
    expectChain(history);
    expect(
      history
        .slice(-4)
        .map((h) => h.kind)
        .sort(),
    ).toEqual(["NOTE", "NOTE", "PHOTO", "STATUS"]);
  });

  it.each<[string, string]>([
    ["not a URL", "photo.jpg"],
    ["javascript:", "javascript:alert(1)"],
    ["file:", "file:///etc/passwd"],
    ["credentials", "https://user:pass@example.com/a.jpg"],
    ["too long", `https://example.com/${"a".repeat(2100)}`],
    ["empty", " "],
  ])("refuses a photo URL that is %s", async (_name, url) => {
    const order = await pick(PROD_SHOP, "ASSEMBLED");
    const result = await t.graphql(PHOTO, { id: String(order.id), url, kind: "ASSEMBLED_BOUQUET" });
    expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "url" });
    expect(
      (await t.graphql(`query($id: ID!) { order(id: $id) { photos { id } } }`, { id: String(order.id) })).data.order
        .photos,
    ).toEqual([]);
  });

  it("refuses an unknown photo kind, an empty note and a note over 2000 characters", async () => {
    const order = await pick(PROD_SHOP, "ASSEMBLED");
    const kind = await t.graphql(PHOTO, { id: String(order.id), url: "https://example.com/a.jpg", kind: "SELFIE" });
    expect(kind.errors?.[0].extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    for (const text of ["   ", "x".repeat(2001)]) {
      const result = await t.graphql(NOTE, { id: String(order.id), text });
      expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "text" });
    }
  });

  it("another shop can neither annotate nor see an order's notes and photos", async () => {
    const order = await pick(PROD_SHOP, "ASSEMBLED");
    await t.graphql(NOTE, { id: String(order.id), text: "private" });
    const dev = t.token(DEV_SHOP);
    expect(
      (await t.graphql(NOTE, { id: String(order.id), text: "x" }, { token: dev })).errors?.[0].extensions?.code,
    ).toBe("NOT_FOUND");
    const photo = await t.graphql(
      PHOTO,
      { id: String(order.id), url: "https://example.com/x.jpg", kind: "OTHER" },
      { token: dev },
    );
    expect(photo.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const seen = await t.graphql(
      `query($id: ID!) { order(id: $id) { notes { text } photos { url } } }`,
      { id: String(order.id) },
      { token: dev },
    );
    expect(seen.data.order).toBeNull();
    const mine = await t.graphql(`query($id: ID!) { order(id: $id) { notes { text } photos { url } } }`, {
      id: String(order.id),
    });
    expect(mine.data.order).toEqual({ notes: [{ text: "private" }], photos: [] });
  });
});

describe("orders filters", () => {
  const LIST = `query($first: Int, $status: [OrderStatus!], $createdFrom: DateTime, $createdTo: DateTime, $deliveryDate: String, $customerPhone: String, $search: String, $after: String) {
    orders(first: $first, status: $status, createdFrom: $createdFrom, createdTo: $createdTo, deliveryDate: $deliveryDate, customerPhone: $customerPhone, search: $search, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id status createdAt deliveryFrom recipientName bitrixOrderId } }
    }
  }`;

  it("newest first by default, paginated without overlap", async () => {
    const first = await t.graphql(LIST, { first: 10 });
    const nodes = first.data.orders.edges.map((e: any) => e.node);
    const times = nodes.map((n: any) => n.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const next = await t.graphql(LIST, { first: 10, after: first.data.orders.pageInfo.endCursor });
    const ids = new Set(nodes.map((n: any) => n.id));
    expect(next.data.orders.edges.some((e: any) => ids.has(e.node.id))).toBe(false);
    expect(next.data.orders.edges[0].node.createdAt <= times.at(-1)).toBe(true);
  });

  it("refuses a cursor it did not hand out, including one shaped right but holding the wrong types", async () => {
    const forged = [
      Buffer.from(JSON.stringify(["not a time", 1])).toString("base64url"),
      Buffer.from(JSON.stringify([5, "x"])).toString("base64url"),
      "garbage",
    ];
    for (const after of forged) {
      const result = await t.graphql(LIST, { first: 5, after });
      expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    }
  });

  it("by a list of statuses", async () => {
    const result = await t.graphql(LIST, { first: 100, status: ["DELIVERED", "CANCELLED"] });
    expect(result.data.orders.totalCount).toBeGreaterThan(50);
    expect(result.data.orders.edges.every((e: any) => ["DELIVERED", "CANCELLED"].includes(e.node.status))).toBe(true);
  });

  it("by creation date range", async () => {
    const all = await t.graphql(LIST, { first: 100 });
    const nodes = all.data.orders.edges.map((e: any) => e.node);
    const createdFrom = nodes[60].createdAt;
    const createdTo = nodes[20].createdAt;
    const result = await t.graphql(LIST, { first: 100, createdFrom, createdTo });
    const got = result.data.orders.edges.map((e: any) => e.node.createdAt);
    expect(got.length).toBeGreaterThanOrEqual(39);
    expect(got.every((c: string) => c >= createdFrom && c < createdTo)).toBe(true);
    const backwards = await t.graphql(LIST, { createdFrom: createdTo, createdTo: createdFrom });
    expect(backwards.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "createdTo" });
  });

  it("by delivery date in the shop's time zone (Asia/Almaty)", async () => {
    // 2026-12-03 20:30 UTC is 2026-12-04 01:30 in Almaty (UTC+5)
    const late = await create(
      baseInput({ deliveryFrom: "2026-12-03T20:30:00.000Z", deliveryTo: "2026-12-03T22:00:00.000Z" }),
    );
    const early = await create(
      baseInput({ deliveryFrom: "2026-12-03T18:30:00.000Z", deliveryTo: "2026-12-03T19:00:00.000Z" }),
    );
    const dec4 = await t.graphql(LIST, { first: 100, deliveryDate: "2026-12-04" });
    const ids = dec4.data.orders.edges.map((e: any) => e.node.id);
    expect(ids).toContain(late.data.createOrder.id);
    expect(ids).not.toContain(early.data.createOrder.id);
    for (const deliveryDate of ["2026-13-01", "tomorrow", "2026-02-30"]) {
      const bad = await t.graphql(LIST, { deliveryDate });
      expect(bad.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "deliveryDate" });
    }
  });

  it("by customer phone (any notation)", async () => {
    await create(baseInput({ customer: { phone: "+77015550099" } }));
    await create(baseInput({ customer: { phone: "+77015550099" } }));
    const result = await t.graphql(LIST, { customerPhone: "8 701 555 00 99" });
    expect(result.data.orders.totalCount).toBe(2);
    const bad = await t.graphql(LIST, { customerPhone: "nope" });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "customerPhone" });
  });

  it("by customer phone needs customer.read: a florist gets FORBIDDEN", async () => {
    const result = await t.graphql(LIST, { customerPhone: "+77015550099" }, { token: t.token(PROD_SHOP, "FLORIST") });
    expect(result.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });

  it("search by recipient name (part, any case) or Bitrix id", async () => {
    await create(baseInput({ recipient: { name: "Зарина Уникальная" }, bitrixOrderId: 888123 }));
    const byName = await t.graphql(LIST, { search: "уникальн" });
    expect(byName.data.orders.edges.map((e: any) => e.node.recipientName)).toEqual(["Зарина Уникальная"]);
    const byBitrix = await t.graphql(LIST, { search: "888123" });
    expect(byBitrix.data.orders.edges.map((e: any) => e.node.bitrixOrderId)).toEqual([888123]);
    // LIKE wildcards in a search are characters, not patterns
    for (const wildcard of ["%", "_", "\\"]) {
      const literal = await t.graphql(LIST, { first: 100, search: wildcard });
      expect(literal.errors).toBeUndefined();
      expect(literal.data.orders.edges.every((e: any) => (e.node.recipientName ?? "").includes(wildcard))).toBe(true);
    }
    const tooLong = await t.graphql(LIST, { search: "x".repeat(101) });
    expect(tooLong.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "search" });
  });

  it("filters never reach another shop's orders", async () => {
    const result = await t.graphql(LIST, { first: 100, search: "888123" }, { token: t.token(DEV_SHOP) });
    expect(result.data.orders.totalCount).toBe(0);
    const byPhone = await t.graphql(LIST, { customerPhone: "+77015550099" }, { token: t.token(DEV_SHOP) });
    expect(byPhone.data.orders.totalCount).toBe(0);
  });
});

describe("clientProfile", () => {
  const PROFILE = `query($phone: String!) { clientProfile(phone: $phone) { id phone name orderCount totalSpent lastOrderAt orders(first: 10) { totalCount edges { node { id total status } } } } }`;

  it("a customer's orders and totals (cancelled orders do not count as spent)", async () => {
    const phone = "+77015553311";
    const a = await create(baseInput({ customer: { name: "Мадина", phone } }));
    const b = await create(baseInput({ customer: { phone }, items: [{ productId: products[3].id, quantity: 3 }] }));
    const c = await create(baseInput({ customer: { phone }, items: [{ productId: products[0].id, quantity: 1 }] }));
    await t.graphql(`mutation($id: ID!) { updateOrderStatus(id: $id, status: CANCELLED) { id } }`, {
      id: c.data.createOrder.id,
    });
    const result = await t.graphql(PROFILE, { phone: "8 701 555 33 11" });
    expect(result.errors).toBeUndefined();
    const profile = result.data.clientProfile;
    expect(profile).toMatchObject({ phone, name: "Мадина", orderCount: 3 });
    expect(profile.totalSpent).toBe(a.data.createOrder.total + b.data.createOrder.total);
    expect(profile.orders.totalCount).toBe(3);
    expect(profile.orders.edges.map((e: any) => e.node.id)).toEqual([c, b, a].map((r) => r.data.createOrder.id));
    expect(new Date(profile.lastOrderAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("null for an unknown phone; BAD_USER_INPUT for a malformed one", async () => {
    expect((await t.graphql(PROFILE, { phone: "+77000000000" })).data.clientProfile).toBeNull();
    expect((await t.graphql(PROFILE, { phone: "x" })).errors?.[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "phone",
    });
  });

  it("customer phones are sensitive: a florist gets FORBIDDEN for the profile, the order's customer and recipient phone", async () => {
    const florist = t.token(PROD_SHOP, "FLORIST");
    expect((await t.graphql(PROFILE, { phone: "+77015553311" }, { token: florist })).errors?.[0].extensions?.code).toBe(
      "FORBIDDEN",
    );
    const order = await pick(PROD_SHOP, "ACCEPTED");
    const result = await t.graphql(
      `query($id: ID!) { order(id: $id) { id status customer { phone } recipientPhone } }`,
      { id: String(order.id) },
      { token: florist },
    );
    expect(result.data.order).toMatchObject({
      id: String(order.id),
      status: "ACCEPTED",
      customer: null,
      recipientPhone: null,
    });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN", "FORBIDDEN"]);
    const [assigned] = await seededCouriers(t, PROD_SHOP);
    await assignDirectly(t, PROD_SHOP, order.id, assigned.id);
    const courier = await t.graphql(
      `query($id: ID!) { order(id: $id) { customer { phone } recipientPhone } }`,
      { id: String(order.id) },
      { token: courierToken(t, PROD_SHOP, assigned.id) },
    );
    expect(courier.errors).toBeUndefined();
    expect(courier.data.order.customer.phone).toMatch(/^\+7/);
  });

  it("another shop does not see the customer", async () => {
    expect(
      (await t.graphql(PROFILE, { phone: "+77015553311" }, { token: t.token(DEV_SHOP) })).data.clientProfile,
    ).toBeNull();
  });
});
