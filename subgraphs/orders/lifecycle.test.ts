import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../../test/harness";
import {
  assignDirectly,
  courierToken,
  expectChain,
  historyOf,
  orderPicker,
  seededCouriers,
  statusOf,
} from "../../test/order-fixtures";
import { allowedFrom, allowedNext, LIFECYCLE } from "./lifecycle";
import type { Role } from "../../core/auth";

let t: TestStack;
const pick = orderPicker(() => t);

beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.stop());

const UPDATE = `mutation($id: ID!, $status: OrderStatus!, $notes: String) {
  updateOrderStatus(id: $id, status: $status, notes: $notes) { id status history { oldStatus newStatus changedBy notes kind } }
}`;

async function update(
  orderId: number,
  status: string,
  options: { role?: Role; shop?: number; notes?: string | null } = {},
) {
  const shop = options.shop ?? PROD_SHOP;
  let token = t.token(shop, options.role ?? "ADMIN");
  if (options.role === "COURIER") {
    // a courier sees only the orders assigned to them: give them this one
    const [courier] = await seededCouriers(t, shop);
    await assignDirectly(t, shop, orderId, courier.id);
    token = courierToken(t, shop, courier.id);
  }
  return t.graphql(UPDATE, { id: String(orderId), status, notes: options.notes }, { token });
}

describe("the lifecycle", () => {
  it("allowedFrom is allowedNext read backwards (what the one-statement change is told)", () => {
    expect(allowedFrom("NEW")).toEqual([]);
    expect(allowedFrom("ASSEMBLED")).toEqual(["NEW", "PAID", "ACCEPTED"]);
    expect(allowedFrom("CANCELLED")).toEqual(["NEW", "PAID", "ACCEPTED", "ASSEMBLED", "IN_DELIVERY"]);
    for (const to of [...LIFECYCLE, "CANCELLED" as const]) {
      for (const from of [...LIFECYCLE, "CANCELLED" as const])
        expect(allowedFrom(to).includes(from)).toBe(allowedNext(from).includes(to));
    }
  });

  it("allowedNext follows NEW → PAID → ACCEPTED → ASSEMBLED → IN_DELIVERY → DELIVERED, CANCELLED from any status that is not final", () => {
    expect(allowedNext("NEW")).toEqual(["PAID", "ACCEPTED", "ASSEMBLED", "IN_DELIVERY", "DELIVERED", "CANCELLED"]);
    expect(allowedNext("ASSEMBLED")).toEqual(["IN_DELIVERY", "DELIVERED", "CANCELLED"]);
    expect(allowedNext("IN_DELIVERY")).toEqual(["DELIVERED", "CANCELLED"]);
    expect(allowedNext("DELIVERED")).toEqual([]);
    expect(allowedNext("CANCELLED")).toEqual([]);
  });

  it("moves an order forward one step and records one history row with the user and the notes", async () => {
    const order = await pick(PROD_SHOP, "NEW");
    const result = await update(order.id, "PAID", { notes: "оплачено Kaspi" });
    expect(result.errors).toBeUndefined();
    expect(result.data.updateOrderStatus.status).toBe("PAID");
    expect(result.data.updateOrderStatus.history.at(-1)).toEqual({
      oldStatus: "NEW",
      newStatus: "PAID",
      changedBy: t.userId(PROD_SHOP, "ADMIN"),
      notes: "оплачено Kaspi",
      kind: "STATUS",
    });
    expectChain(await historyOf(t, PROD_SHOP, order.id));
  });

  it("forward moves may skip steps", async () => {
    const order = await pick(PROD_SHOP, "PAID");
    const result = await update(order.id, "IN_DELIVERY");
    expect(result.errors).toBeUndefined();
    expect(result.data.updateOrderStatus.status).toBe("IN_DELIVERY");
  });

  it.each(["NEW", "PAID", "ACCEPTED", "ASSEMBLED", "IN_DELIVERY"])("CANCELLED is allowed from %s", async (status) => {
    const order = await pick(PROD_SHOP, status);
    const result = await update(order.id, "CANCELLED", { role: "MANAGER" });
    expect(result.errors).toBeUndefined();
    expect(result.data.updateOrderStatus.status).toBe("CANCELLED");
  });

  it.each<[string, string, string[]]>([
    ["DELIVERED", "CANCELLED", []],
    ["DELIVERED", "IN_DELIVERY", []],
    ["CANCELLED", "NEW", []],
    ["CANCELLED", "PAID", []],
    ["ASSEMBLED", "PAID", ["IN_DELIVERY", "DELIVERED", "CANCELLED"]],
    ["IN_DELIVERY", "NEW", ["DELIVERED", "CANCELLED"]],
  ])("refuses %s → %s, saying what is allowed next", async (from, to, allowed) => {
    const order = await pick(PROD_SHOP, from);
    const before = await historyOf(t, PROD_SHOP, order.id);
    const result = await update(order.id, to);
    expect(result.errors?.[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "status",
      currentStatus: from,
      allowedNext: allowed,
    });
    expect(result.errors?.[0].message).toContain(
      allowed.length ? `allowed next: ${allowed.join(", ")}` : `${from} is final`,
    );
    expect(await statusOf(t, PROD_SHOP, order.id)).toBe(from);
    expect(await historyOf(t, PROD_SHOP, order.id)).toHaveLength(before.length);
  });

  it("setting the current status again changes nothing and writes no history", async () => {
    const order = await pick(PROD_SHOP, "ACCEPTED");
    const before = await historyOf(t, PROD_SHOP, order.id);
    const result = await update(order.id, "ACCEPTED");
    expect(result.errors).toBeUndefined();
    expect(result.data.updateOrderStatus.status).toBe("ACCEPTED");
    expect(await historyOf(t, PROD_SHOP, order.id)).toHaveLength(before.length);
  });

  it("an unknown order is NOT_FOUND, a malformed id BAD_USER_INPUT, an unknown status a validation error", async () => {
    expect((await update(99_999_999, "PAID")).errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const malformed = await t.graphql(UPDATE, { id: "x1", status: "PAID" });
    expect(malformed.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "id" });
    const unknown = await t.graphql(UPDATE, { id: "1", status: "LOST" });
    expect(unknown.errors?.[0].extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
  });

  it("notes longer than 2000 characters or with control characters are refused", async () => {
    const order = await pick(PROD_SHOP, "NEW");
    for (const notes of ["x".repeat(2001), "a\u0007b"]) {
      const result = await update(order.id, "PAID", { notes });
      expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "notes" });
    }
    expect(await statusOf(t, PROD_SHOP, order.id)).toBe("NEW");
  });
});

describe("roles", () => {
  it.each<[Role, string, string]>([
    ["FLORIST", "PAID", "ACCEPTED"],
    ["FLORIST", "ACCEPTED", "ASSEMBLED"],
    ["COURIER", "ASSEMBLED", "IN_DELIVERY"],
    ["COURIER", "IN_DELIVERY", "DELIVERED"],
    ["MANAGER", "NEW", "PAID"],
    ["MANAGER", "ACCEPTED", "DELIVERED"],
    ["ADMIN", "IN_DELIVERY", "CANCELLED"],
  ])("%s may move %s → %s", async (role, from, to) => {
    const order = await pick(PROD_SHOP, from);
    const result = await update(order.id, to, { role });
    expect(result.errors).toBeUndefined();
    expect(result.data.updateOrderStatus.status).toBe(to);
  });

  it.each<[Role, string, string]>([
    ["FLORIST", "NEW", "PAID"],
    ["FLORIST", "ASSEMBLED", "IN_DELIVERY"],
    ["FLORIST", "NEW", "CANCELLED"],
    ["COURIER", "PAID", "ACCEPTED"],
    ["COURIER", "ACCEPTED", "ASSEMBLED"],
    ["COURIER", "NEW", "CANCELLED"],
  ])("%s may not move %s → %s: FORBIDDEN naming what the role may set", async (role, from, to) => {
    const order = await pick(PROD_SHOP, from);
    const result = await update(order.id, to, { role });
    expect(result.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect(result.errors?.[0].message).toMatch(role === "FLORIST" ? /ACCEPTED, ASSEMBLED/ : /IN_DELIVERY, DELIVERED/);
    expect(await statusOf(t, PROD_SHOP, order.id)).toBe(from);
  });

  it("a role check comes before the lifecycle: a florist gets FORBIDDEN, not a lifecycle hint, for DELIVERED", async () => {
    const order = await pick(PROD_SHOP, "DELIVERED");
    expect((await update(order.id, "DELIVERED", { role: "FLORIST" })).errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });

  it("without a token: UNAUTHENTICATED", async () => {
    const order = await pick(PROD_SHOP, "NEW");
    const result = await t.graphql(UPDATE, { id: String(order.id), status: "PAID" }, { token: null });
    expect(result.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect(await statusOf(t, PROD_SHOP, order.id)).toBe("NEW");
  });
});

describe("concurrency", () => {
  it("50 concurrent changes of one order: a consistent chain, one history row per accepted change, the final status at its head", async () => {
    const order = await pick(PROD_SHOP, "NEW");
    const before = await historyOf(t, PROD_SHOP, order.id);
    const targets = Array.from({ length: 50 }, (_, index) => LIFECYCLE[1 + (index % (LIFECYCLE.length - 1))]);
    const results = await Promise.all(targets.map((status) => update(order.id, status)));
    for (const result of results) {
      if (result.errors) expect(result.errors[0].extensions?.code).toBe("BAD_USER_INPUT");
    }
    const accepted = results.filter((result) => !result.errors && result.data?.updateOrderStatus);
    const history = await historyOf(t, PROD_SHOP, order.id);
    expectChain(history);
    const added = history.slice(before.length);
    expect(added.length).toBeGreaterThan(0);
    // every accepted change that moved the order wrote exactly one row; the rest were refused or "already there"
    expect(added.length).toBeLessThanOrEqual(accepted.length);
    // each added row moved forward along the lifecycle
    for (const row of added)
      expect(LIFECYCLE.indexOf(row.newStatus as never)).toBeGreaterThan(LIFECYCLE.indexOf(row.oldStatus as never));
    expect(await statusOf(t, PROD_SHOP, order.id)).toBe(added.at(-1)!.newStatus);
  });

  it("50 concurrent changes alternating between two managers' choices (cancel races a forward move)", async () => {
    const order = await pick(PROD_SHOP, "PAID");
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        update(order.id, index % 2 ? "CANCELLED" : "ASSEMBLED", { role: "MANAGER" }),
      ),
    );
    const history = await historyOf(t, PROD_SHOP, order.id);
    expectChain(history);
    const final = await statusOf(t, PROD_SHOP, order.id);
    expect(final).toBe(history.at(-1)!.newStatus);
    expect(final).toBe("CANCELLED");
    // at most: PAID → ASSEMBLED → CANCELLED, or PAID → CANCELLED
    expect(history.filter((row) => row.newStatus === "CANCELLED")).toHaveLength(1);
    const codes = results
      .filter((r) => r.errors)
      .map((r) => `${r.errors![0].extensions?.code} ${r.errors![0].message}`);
    expect(codes.filter((c) => !c.startsWith("BAD_USER_INPUT"))).toEqual([]);
  });
});

describe("tenancy", () => {
  it("a shop 8 token can neither change nor see a shop 17008 order", async () => {
    const order = await pick(PROD_SHOP, "NEW");
    for (const role of ["ADMIN", "MANAGER"] as Role[]) {
      const result = await update(order.id, "PAID", { role, shop: DEV_SHOP });
      expect(result.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    }
    const seen = await t.graphql(
      `query($id: ID!) { order(id: $id) { id history { id } } }`,
      { id: String(order.id) },
      { token: t.token(DEV_SHOP) },
    );
    expect(seen.data.order).toBeNull();
    expect(await statusOf(t, PROD_SHOP, order.id)).toBe("NEW");
    expect(await historyOf(t, PROD_SHOP, order.id)).toHaveLength(1);
  });
});
