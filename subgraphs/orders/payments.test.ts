import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../../test/harness";
import { historyOf, orderPicker } from "../../test/order-fixtures";

let t: TestStack;
const pick = orderPicker(() => t);

const FIELDS = `id status total paidAmount refundedAmount refundDue paymentStatus payments { kind method amount externalId createdBy }`;
const PAY = `mutation($id: ID!, $input: RecordPaymentInput!) { recordPayment(orderId: $id, input: $input) { ${FIELDS} } }`;
const REFUND = `mutation($id: ID!, $input: RecordPaymentInput!) { recordRefund(orderId: $id, input: $input) { ${FIELDS} } }`;

async function load(id: number | string) {
  return (
    await t.graphql(`query($id: ID!) { order(id: $id) { ${FIELDS} history { kind newStatus notes } } }`, {
      id: String(id),
    })
  ).data.order;
}
function pay(id: number | string, input: Record<string, unknown>, token?: string) {
  return t.graphql(PAY, { id: String(id), input }, token ? { token } : {});
}

/** A NEW order without payments, created here so its total is known. */
async function newOrder(): Promise<{ id: string; total: number }> {
  const products = await t.graphql(`{ products(first: 1, enabled: true) { edges { node { id } } } }`);
  const result = await t.graphql(`mutation($input: CreateOrderInput!) { createOrder(input: $input) { id total } }`, {
    input: {
      items: [{ productId: products.data.products.edges[0].node.id, quantity: 2 }],
      customer: { phone: "+77017000001" },
      deliveryFee: 100_000,
    },
  });
  return result.data.createOrder;
}

beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.stop());

describe("recordPayment", () => {
  it("a part payment leaves the order NEW and PARTIALLY_PAID; the rest moves it to PAID through the lifecycle (one STATUS entry)", async () => {
    const order = await newOrder();
    const part = await pay(order.id, { method: "CASH", amount: 100_000 });
    expect(part.errors).toBeUndefined();
    expect(part.data.recordPayment).toMatchObject({
      status: "NEW",
      paidAmount: 100_000,
      paymentStatus: "PARTIALLY_PAID",
    });
    const rest = await pay(order.id, { method: "KASPI", amount: order.total - 100_000, externalId: "kaspi-777-1" });
    expect(rest.errors).toBeUndefined();
    expect(rest.data.recordPayment).toMatchObject({
      status: "PAID",
      paidAmount: order.total,
      paymentStatus: "PAID",
      refundDue: 0,
    });
    expect(rest.data.recordPayment.payments.map((p: any) => [p.method, p.amount, p.externalId])).toEqual([
      ["CASH", 100_000, null],
      ["KASPI", order.total - 100_000, "kaspi-777-1"],
    ]);
    const history = await historyOf(t, PROD_SHOP, Number(order.id));
    expect(history.filter((h) => h.kind === "STATUS").map((h) => h.newStatus)).toEqual(["NEW", "PAID"]);
    expect(history.at(-1)!.notes).toMatch(/paid in full/);
  });

  it("the same externalId again is answered with the order, not recorded twice (also when sent at once)", async () => {
    const order = await newOrder();
    const input = { method: "KASPI", amount: 50_000, externalId: "kaspi-dup-1" };
    const results = await Promise.all(Array.from({ length: 5 }, () => pay(order.id, input)));
    expect(results.every((r) => !r.errors)).toBe(true);
    const after = await load(order.id);
    expect(after.payments).toHaveLength(1);
    expect(after.paidAmount).toBe(50_000);
  });

  it("an externalId recorded for another order is a CONFLICT naming the field", async () => {
    const first = await newOrder();
    const second = await newOrder();
    await pay(first.id, { method: "KASPI", amount: 10_000, externalId: "kaspi-other-1" });
    const result = await pay(second.id, { method: "KASPI", amount: 10_000, externalId: "kaspi-other-1" });
    expect(result.errors?.[0].extensions).toMatchObject({ code: "CONFLICT", field: "input.externalId" });
    expect((await load(second.id)).payments).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ["an amount over what is still due", { method: "CASH", amount: 999_999_999 }, "input.amount", /still due/],
    ["an amount of 0", { method: "CASH", amount: 0 }, "input.amount", /above 0/],
    ["a negative amount", { method: "CARD", amount: -500 }, "input.amount", /above 0/],
    [
      "an externalId over 200 characters",
      { method: "KASPI", amount: 100, externalId: "k".repeat(201) },
      "input.externalId",
      /at most 200/,
    ],
  ])("refuses %s, recording nothing", async (_name, input, field, message) => {
    const order = await newOrder();
    const result = await pay(order.id, input);
    expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    expect(result.errors?.[0].message).toMatch(message);
    expect((await load(order.id)).payments).toEqual([]);
  });

  it("refuses an unknown method, a payment on a cancelled order, and roles that do not take payments", async () => {
    const order = await newOrder();
    expect((await pay(order.id, { method: "BITCOIN", amount: 100 })).errors?.[0].extensions?.code).toMatch(
      /BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/,
    );
    const cancelled = await pick(PROD_SHOP, "CANCELLED");
    expect((await pay(cancelled.id, { method: "CASH", amount: 100 })).errors?.[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "orderId",
    });
    for (const role of ["FLORIST", "COURIER"] as const) {
      expect(
        (await pay(order.id, { method: "CASH", amount: 100 }, t.token(PROD_SHOP, role))).errors?.[0].extensions?.code,
      ).toBe("FORBIDDEN");
    }
  });

  it("another shop can neither pay nor see this shop's payments", async () => {
    const order = await newOrder();
    await pay(order.id, { method: "KASPI", amount: 1_000, externalId: "kaspi-tenant-1" });
    const foreign = await pay(order.id, { method: "CASH", amount: 1 }, t.token(DEV_SHOP));
    expect(foreign.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const seen = await t.graphql(
      `query($id: ID!) { order(id: $id) { payments { id } } }`,
      { id: order.id },
      { token: t.token(DEV_SHOP) },
    );
    expect(seen.data.order).toBeNull();
    // the same external id is free in another shop
    const devOrder = (
      await t.ownerQuery(`select id, total from "order" where shop_id = $1 and status = 'NEW' order by id limit 1`, [
        DEV_SHOP,
      ])
    ).rows[0];
    const dev = await pay(
      devOrder.id,
      { method: "KASPI", amount: 1_000, externalId: "kaspi-tenant-1" },
      t.token(DEV_SHOP),
    );
    expect(dev.errors).toBeUndefined();
  });
});

describe("cancelling a paid order", () => {
  it("records that a refund is due (history note, refundDue); refunds up to it make it REFUNDED", async () => {
    const order = await newOrder();
    await pay(order.id, { method: "KASPI", amount: order.total, externalId: "kaspi-refund-1" });
    const cancelled = await t.graphql(
      `mutation($id: ID!) { updateOrderStatus(id: $id, status: CANCELLED) { ${FIELDS} history { notes } } }`,
      { id: order.id },
    );
    expect(cancelled.data.updateOrderStatus).toMatchObject({
      status: "CANCELLED",
      paymentStatus: "PAID",
      refundDue: order.total,
    });
    expect(cancelled.data.updateOrderStatus.history.at(-1).notes).toMatch(/refund due: [\d ]+ ₸/);
    const over = await t.graphql(REFUND, { id: order.id, input: { method: "KASPI", amount: order.total + 1 } });
    expect(over.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.amount" });
    const half = await t.graphql(REFUND, { id: order.id, input: { method: "KASPI", amount: 1_000 } });
    expect(half.data.recordRefund).toMatchObject({
      paymentStatus: "PARTIALLY_PAID",
      refundDue: order.total - 1_000,
      refundedAmount: 1_000,
    });
    const rest = await t.graphql(REFUND, {
      id: order.id,
      input: { method: "KASPI", amount: order.total - 1_000, externalId: "kaspi-refund-1-back" },
    });
    expect(rest.data.recordRefund).toMatchObject({
      paymentStatus: "REFUNDED",
      refundDue: 0,
      refundedAmount: order.total,
    });
  });

  it("an unpaid order cancelled owes nothing; a refund of an order that is not cancelled is refused", async () => {
    const order = await newOrder();
    const refused = await t.graphql(REFUND, { id: order.id, input: { method: "CASH", amount: 100 } });
    expect(refused.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "orderId" });
    const cancelled = await t.graphql(
      `mutation($id: ID!) { updateOrderStatus(id: $id, status: CANCELLED) { paymentStatus refundDue history { notes } } }`,
      { id: order.id },
    );
    expect(cancelled.data.updateOrderStatus).toMatchObject({ paymentStatus: "UNPAID", refundDue: 0 });
    expect(cancelled.data.updateOrderStatus.history.at(-1).notes ?? "").not.toMatch(/refund/);
  });

  it("a Bitrix cancellation (RF) of a paid order records the refund due too", async () => {
    const order = await pick(PROD_SHOP, "PAID");
    const response = await fetch(`${t.origin}/api/v1/webhooks/order-status-sync`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-webhook-secret": t.config.webhookSecrets[0] },
      body: JSON.stringify({ order_id: order.bitrixOrderId, status: "RF" }),
    });
    expect(response.status).toBe(200);
    const after = await load(order.id);
    expect(after.refundDue).toBe(after.paidAmount);
    expect(after.refundDue).toBeGreaterThan(0);
    expect(after.history.at(-1).notes).toMatch(/refund due/);
  });
});
