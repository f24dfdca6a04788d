import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../../test/harness";
import { expectChain, historyOf, orderPicker } from "../../test/order-fixtures";
import { attached, boardClient, collect } from "../../test/board-client";

let t: TestStack;
const pick = orderPicker(() => t);
let products: { id: string; price: number; name: string }[];
let devProductId: string;

const FIELDS = `id version status total deliveryFee deliveryKind deliveryAddress deliveryFrom deliveryTo cardText comment recipientName recipientPhone
  items { productName quantity price product { id } } history { kind oldStatus newStatus changedBy changes { field old new } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateOrderInput!) { updateOrder(id: $id, input: $input) { ${FIELDS} } }`;

async function load(id: number, token?: string) {
  const result = await t.graphql(
    `query($id: ID!) { order(id: $id) { ${FIELDS} } }`,
    { id: String(id) },
    token ? { token } : {},
  );
  return result.data.order;
}

function update(id: number, input: Record<string, unknown>, token?: string) {
  return t.graphql(UPDATE, { id: String(id), input }, token ? { token } : {});
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

describe("updateOrder", () => {
  it("changes the address and window, writes one EDIT entry with old and new, and bumps the version", async () => {
    const order = await load((await pick(PROD_SHOP, "ACCEPTED")).id);
    const input = {
      expectedVersion: order.version,
      deliveryAddress: "Алматы, Достык 5",
      deliveryFrom: "2026-12-24T09:00:00.000Z",
      deliveryTo: "2026-12-24T11:00:00.000Z",
    };
    const result = await update(Number(order.id), input);
    expect(result.errors).toBeUndefined();
    const edited = result.data.updateOrder;
    expect(edited).toMatchObject({
      deliveryAddress: "Алматы, Достык 5",
      deliveryFrom: input.deliveryFrom,
      deliveryTo: input.deliveryTo,
      status: "ACCEPTED",
    });
    expect(edited.version).toBeGreaterThan(order.version);
    expect(edited.history).toHaveLength(order.history.length + 1);
    expect(edited.history.at(-1)).toEqual({
      kind: "EDIT",
      oldStatus: "ACCEPTED",
      newStatus: "ACCEPTED",
      changedBy: t.userId(PROD_SHOP, "ADMIN"),
      changes: [
        { field: "deliveryAddress", old: order.deliveryAddress, new: "Алматы, Достык 5" },
        { field: "deliveryFrom", old: order.deliveryFrom, new: input.deliveryFrom },
        { field: "deliveryTo", old: order.deliveryTo, new: input.deliveryTo },
      ],
    });
    expectChain(await historyOf(t, PROD_SHOP, Number(order.id)));
  });

  it("re-prices items from the catalog before ASSEMBLED; total = items + delivery fee", async () => {
    const order = await load((await pick(PROD_SHOP, "NEW")).id);
    const input = {
      expectedVersion: order.version,
      deliveryFee: 150_000,
      items: [
        { productId: products[0].id, quantity: 2 },
        { productId: products[1].id, quantity: 1 },
      ],
    };
    const result = await update(Number(order.id), input);
    expect(result.errors).toBeUndefined();
    const edited = result.data.updateOrder;
    expect(edited.items).toEqual([
      { productName: products[0].name, quantity: 2, price: products[0].price, product: { id: products[0].id } },
      { productName: products[1].name, quantity: 1, price: products[1].price, product: { id: products[1].id } },
    ]);
    expect(edited.deliveryFee).toBe(150_000);
    expect(edited.total).toBe(products[0].price * 2 + products[1].price + 150_000);
    const fields = edited.history.at(-1).changes.map((c: any) => c.field);
    expect(fields).toEqual(["deliveryFee", "items", "total"]);
  });

  it("the same values again change nothing and write no history", async () => {
    const order = await load((await pick(PROD_SHOP, "PAID")).id);
    const result = await update(Number(order.id), {
      expectedVersion: order.version,
      deliveryAddress: order.deliveryAddress,
      cardText: order.cardText,
    });
    expect(result.errors).toBeUndefined();
    expect(result.data.updateOrder.version).toBe(order.version);
    expect(result.data.updateOrder.history).toHaveLength(order.history.length);
  });

  it("an empty string clears a text field; the recipient's phone is normalised", async () => {
    const order = await load((await pick(PROD_SHOP, "PAID")).id);
    const result = await update(Number(order.id), {
      expectedVersion: order.version,
      comment: "",
      recipient: { name: "Алия", phone: "8 (701) 222-33-44" },
    });
    expect(result.data.updateOrder).toMatchObject({
      comment: null,
      recipientName: "Алия",
      recipientPhone: "+77012223344",
    });
  });

  it("a product renamed after ordering keeps its name on the order (productName)", async () => {
    const order = await load((await pick(PROD_SHOP, "NEW")).id);
    const original = order.items[0];
    await t.ownerQuery(`update product set name = name || ' (новое)' where id = $1`, [Number(original.product.id)]);
    const again = await load(Number(order.id));
    expect(again.items[0].productName).toBe(original.productName);
  });

  describe("concurrent edits never lose a write silently", () => {
    it("a stale edit is refused with CONFLICT (STALE_ORDER), naming the field and the current version", async () => {
      const order = await load((await pick(PROD_SHOP, "ACCEPTED")).id);
      const first = await update(Number(order.id), { expectedVersion: order.version, cardText: "первая правка" });
      expect(first.errors).toBeUndefined();
      const stale = await update(Number(order.id), { expectedVersion: order.version, cardText: "вторая правка" });
      expect(stale.errors?.[0].extensions).toMatchObject({
        code: "CONFLICT",
        reason: "STALE_ORDER",
        field: "input.expectedVersion",
        currentVersion: first.data.updateOrder.version,
      });
      expect((await load(Number(order.id))).cardText).toBe("первая правка");
    });

    it("of ten edits sent at once with the same version exactly one applies", async () => {
      const order = await load((await pick(PROD_SHOP, "ACCEPTED")).id);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          update(Number(order.id), { expectedVersion: order.version, comment: `правка ${i}` }),
        ),
      );
      const applied = results.filter((r) => !r.errors);
      expect(applied).toHaveLength(1);
      expect(results.filter((r) => r.errors).every((r) => r.errors![0].extensions?.reason === "STALE_ORDER")).toBe(
        true,
      );
      const after = await load(Number(order.id));
      expect(after.comment).toBe(applied[0].data.updateOrder.comment);
      expect(after.history.filter((h: any) => h.kind === "EDIT")).toHaveLength(1);
    });

    it("a status change in between makes the edit stale too", async () => {
      const order = await load((await pick(PROD_SHOP, "PAID")).id);
      await t.graphql(`mutation($id: ID!) { updateOrderStatus(id: $id, status: ACCEPTED) { id } }`, { id: order.id });
      const result = await update(Number(order.id), { expectedVersion: order.version, comment: "x" });
      expect(result.errors?.[0].extensions?.reason).toBe("STALE_ORDER");
    });
  });

  describe("rules by status and role", () => {
    it.each(["DELIVERED", "CANCELLED"])("refuses any edit of a %s order", async (status) => {
      const order = await load((await pick(PROD_SHOP, status)).id);
      const result = await update(Number(order.id), { expectedVersion: order.version, comment: "поздно" });
      expect(result.errors?.[0].extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        field: "id",
        currentStatus: status,
      });
      expect((await load(Number(order.id))).history).toHaveLength(order.history.length);
    });

    it.each(["ASSEMBLED", "IN_DELIVERY"])("refuses items once %s, but takes the address", async (status) => {
      const order = await load((await pick(PROD_SHOP, status)).id);
      const items = await update(Number(order.id), {
        expectedVersion: order.version,
        items: [{ productId: products[0].id, quantity: 1 }],
      });
      expect(items.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.items" });
      const address = await update(Number(order.id), {
        expectedVersion: order.version,
        deliveryAddress: "Алматы, Сатпаева 1",
      });
      expect(address.errors).toBeUndefined();
    });

    it("a florist may edit the card text and comment, nothing else; a courier nothing", async () => {
      const order = await load((await pick(PROD_SHOP, "ACCEPTED")).id);
      const florist = t.token(PROD_SHOP, "FLORIST");
      // a florist's selection: no phones (customer.read)
      const card = await t.graphql(
        `mutation($id: ID!, $input: UpdateOrderInput!) { updateOrder(id: $id, input: $input) { version cardText } }`,
        { id: order.id, input: { expectedVersion: order.version, cardText: "С юбилеем!" } },
        { token: florist },
      );
      expect(card.errors).toBeUndefined();
      expect(card.data.updateOrder.cardText).toBe("С юбилеем!");
      const address = await update(
        Number(order.id),
        { expectedVersion: card.data.updateOrder.version, deliveryAddress: "x" },
        florist,
      );
      expect(address.errors?.[0].extensions?.code).toBe("FORBIDDEN");
      expect(address.errors?.[0].message).toMatch(/deliveryAddress/);
      const courier = await update(
        Number(order.id),
        { expectedVersion: card.data.updateOrder.version, cardText: "x" },
        t.token(PROD_SHOP, "COURIER"),
      );
      expect(courier.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    });
  });

  describe("bad input: a coded error naming the field, nothing changed", () => {
    it.each<[string, (version: number) => Record<string, unknown>, string]>([
      [
        "another shop's product",
        (v) => ({ expectedVersion: v, items: [{ productId: devProductId, quantity: 1 }] }),
        "input.items[0].productId",
      ],
      [
        "an unknown product",
        (v) => ({ expectedVersion: v, items: [{ productId: "99999999", quantity: 1 }] }),
        "input.items[0].productId",
      ],
      [
        "quantity 0",
        (v) => ({ expectedVersion: v, items: [{ productId: products[0].id, quantity: 0 }] }),
        "input.items[0].quantity",
      ],
      [
        "negative quantity",
        (v) => ({ expectedVersion: v, items: [{ productId: products[0].id, quantity: -1 }] }),
        "input.items[0].quantity",
      ],
      [
        "quantity over 999",
        (v) => ({ expectedVersion: v, items: [{ productId: products[0].id, quantity: 1000 }] }),
        "input.items[0].quantity",
      ],
      ["no items", (v) => ({ expectedVersion: v, items: [] }), "input.items"],
      [
        "a window ending before it starts",
        (v) => ({ expectedVersion: v, deliveryFrom: "2026-12-24T12:00:00Z", deliveryTo: "2026-12-24T10:00:00Z" }),
        "input.deliveryTo",
      ],
      [
        "a start after the order's own end",
        (v) => ({ expectedVersion: v, deliveryFrom: "2099-12-24T12:00:00Z" }),
        "input.deliveryFrom",
      ],
      ["a fee below 0", (v) => ({ expectedVersion: v, deliveryFee: -1 }), "input.deliveryFee"],
      [
        "a recipient phone that is not one",
        (v) => ({ expectedVersion: v, recipient: { phone: "позвонить" } }),
        "input.recipient.phone",
      ],
      [
        "an address over 500 characters",
        (v) => ({ expectedVersion: v, deliveryAddress: "x".repeat(501) }),
        "input.deliveryAddress",
      ],
      ["a version below 1", () => ({ expectedVersion: 0, comment: "x" }), "input.expectedVersion"],
    ])("refuses %s", async (_name, input, field) => {
      const order = await load((await pick(PROD_SHOP, "NEW")).id);
      const result = await update(Number(order.id), input(order.version));
      expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
      const after = await load(Number(order.id));
      expect(after).toEqual(order);
    });

    it("an unknown order is NOT_FOUND; another shop's order looks the same", async () => {
      expect((await update(99_999_999, { expectedVersion: 1, comment: "x" })).errors?.[0].extensions?.code).toBe(
        "NOT_FOUND",
      );
      const order = await load((await pick(PROD_SHOP, "NEW")).id);
      const foreign = await update(
        Number(order.id),
        { expectedVersion: order.version, comment: "x" },
        t.token(DEV_SHOP),
      );
      expect(foreign.errors?.[0].extensions?.code).toBe("NOT_FOUND");
      expect(await load(Number(order.id))).toEqual(order);
    });
  });

  it("the edit is on the live board as it happens, with what changed; another shop's board does not get it", async () => {
    const order = await load((await pick(PROD_SHOP, "ACCEPTED")).id);
    const board = boardClient(t, t.token(PROD_SHOP));
    const other = boardClient(t, t.token(DEV_SHOP));
    try {
      const events = collect(
        board,
        `subscription { orderStatusChanged { kind oldStatus newStatus order { id deliveryAddress } changes { field new } } }`,
      );
      const foreign = collect(other, `subscription { orderStatusChanged { kind order { id } } }`);
      await attached(t, PROD_SHOP, 1);
      await attached(t, DEV_SHOP, 1);
      await update(Number(order.id), { expectedVersion: order.version, deliveryAddress: "Алматы, Гоголя 1" });
      const mine = (e: any) => e.orderStatusChanged?.order?.id === order.id;
      await events.until((self) => self.data.some(mine), 10_000, "the edit");
      expect(events.data.find(mine).orderStatusChanged).toEqual({
        kind: "EDIT",
        oldStatus: "ACCEPTED",
        newStatus: "ACCEPTED",
        order: { id: order.id, deliveryAddress: "Алматы, Гоголя 1" },
        changes: [{ field: "deliveryAddress", new: "Алматы, Гоголя 1" }],
      });
      expect(foreign.data.some(mine)).toBe(false);
      events.unsubscribe();
      foreign.unsubscribe();
    } finally {
      await board.dispose();
      await other.dispose();
    }
  });
});
