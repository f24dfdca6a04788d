import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../../test/harness";
import { assignDirectly, courierToken, historyOf, orderPicker, seededCouriers } from "../../test/order-fixtures";

let t: TestStack;
const pick = orderPicker(() => t);
let couriers: { id: number; name: string }[];
let devCourier: { id: number };

beforeAll(async () => {
  t = await startTestStack();
  couriers = await seededCouriers(t, PROD_SHOP);
  [devCourier] = await seededCouriers(t, DEV_SHOP);
});
afterAll(() => t?.stop());

const ASSIGN = `mutation($orderId: ID!, $courierId: ID) {
  assignCourier(orderId: $orderId, courierId: $courierId) { id version courier { id name role } history { kind changes { field old new } } }
}`;
const DELIVERIES = `query($date: Date!, $courierId: ID) {
  deliveries(date: $date, courierId: $courierId) { id deliveryKind deliveryFrom status courier { id } items { productName quantity } }
}`;

/** Today in Almaty, as the seed computed it. */
function almatyToday(): string {
  return new Date(Date.now() + 5 * 3_600_000).toISOString().slice(0, 10);
}

describe("assignCourier", () => {
  it("assigns a courier of the shop, shows the catalog's User, writes one EDIT entry; null unassigns", async () => {
    const order = await pick(PROD_SHOP, "ASSEMBLED");
    const result = await t.graphql(ASSIGN, { orderId: String(order.id), courierId: String(couriers[1].id) });
    expect(result.errors).toBeUndefined();
    expect(result.data.assignCourier.courier).toEqual({
      id: String(couriers[1].id),
      name: couriers[1].name,
      role: "COURIER",
    });
    expect(result.data.assignCourier.history.at(-1)).toEqual({
      kind: "EDIT",
      changes: [{ field: "courier", old: null, new: String(couriers[1].id) }],
    });
    const again = await t.graphql(ASSIGN, { orderId: String(order.id), courierId: String(couriers[1].id) });
    expect(again.data.assignCourier.history).toHaveLength(result.data.assignCourier.history.length);
    const unassigned = await t.graphql(ASSIGN, { orderId: String(order.id), courierId: null });
    expect(unassigned.data.assignCourier.courier).toBeNull();
    expect(unassigned.data.assignCourier.history.at(-1).changes).toEqual([
      { field: "courier", old: String(couriers[1].id), new: null },
    ]);
  });

  it.each<[string, () => string, RegExp]>([
    ["an unknown courier id", () => "99999999", /no user 99999999/],
    ["another shop's courier", () => String(devCourier.id), /no user/],
    ["a malformed courier id", () => "abc", /positive integer/],
  ])("refuses %s with BAD_USER_INPUT naming courierId, changing nothing", async (_name, courierId, message) => {
    const order = await pick(PROD_SHOP, "ACCEPTED");
    const before = await historyOf(t, PROD_SHOP, order.id);
    const result = await t.graphql(ASSIGN, { orderId: String(order.id), courierId: courierId() });
    expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "courierId" });
    expect(result.errors?.[0].message).toMatch(message);
    expect(await historyOf(t, PROD_SHOP, order.id)).toHaveLength(before.length);
  });

  it("refuses a user who is not a COURIER", async () => {
    const order = await pick(PROD_SHOP, "ACCEPTED");
    const { rows } = await t.ownerQuery(`select id from app_user where shop_id = $1 and role = 'FLORIST' limit 1`, [
      PROD_SHOP,
    ]);
    const result = await t.graphql(ASSIGN, { orderId: String(order.id), courierId: String(rows[0].id) });
    expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "courierId" });
    expect(result.errors?.[0].message).toMatch(/FLORIST, not a COURIER/);
  });

  it("refuses a deactivated courier, changing nothing", async () => {
    const order = await pick(PROD_SHOP, "ACCEPTED");
    const before = await historyOf(t, PROD_SHOP, order.id);
    const { rows } = await t.ownerQuery(
      `insert into app_user (shop_id, email, name, role, password_hash, deactivated_at)
       values ($1, 'gone-courier@cvety.kz', 'Ушедший курьер', 'COURIER', 'x', now()) returning id`,
      [PROD_SHOP],
    );
    const result = await t.graphql(ASSIGN, { orderId: String(order.id), courierId: String(rows[0].id) });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "courierId",
      reason: "DEACTIVATED",
    });
    expect(result.errors?.[0].message).toMatch(/deactivated/);
    expect(await historyOf(t, PROD_SHOP, order.id)).toHaveLength(before.length);
  });

  it("refuses a final order, saying its status, and a role that does not dispatch", async () => {
    const delivered = await pick(PROD_SHOP, "DELIVERED");
    const result = await t.graphql(ASSIGN, { orderId: String(delivered.id), courierId: String(couriers[0].id) });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "orderId",
      currentStatus: "DELIVERED",
    });
    const order = await pick(PROD_SHOP, "ACCEPTED");
    for (const role of ["FLORIST", "COURIER"] as const) {
      const refused = await t.graphql(
        ASSIGN,
        { orderId: String(order.id), courierId: String(couriers[0].id) },
        { token: t.token(PROD_SHOP, role) },
      );
      expect(refused.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    }
  });

  it("another shop cannot assign this shop's order, nor see its courier", async () => {
    const order = await pick(PROD_SHOP, "PAID");
    const result = await t.graphql(
      ASSIGN,
      { orderId: String(order.id), courierId: String(devCourier.id) },
      { token: t.token(DEV_SHOP) },
    );
    expect(result.errors?.[0].extensions?.code).toMatch(/NOT_FOUND|BAD_USER_INPUT/);
    const entity = await t.graphql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id name } } }`,
      { r: [{ __typename: "User", id: String(couriers[0].id) }] },
      { token: t.token(DEV_SHOP) },
    );
    expect(entity.data?._entities?.[0] ?? null).toBeNull();
  });
});

describe("deliveries", () => {
  it("lists the day's orders in the shop's time zone: deliveries by window start, then pickups", async () => {
    const result = await t.graphql(DELIVERIES, { date: almatyToday() });
    expect(result.errors).toBeUndefined();
    const list = result.data.deliveries;
    expect(list.length).toBeGreaterThanOrEqual(12);
    const kinds = list.map((o: any) => o.deliveryKind);
    expect(kinds.indexOf("PICKUP")).toBeGreaterThan(kinds.lastIndexOf("DELIVERY"));
    const starts = list.filter((o: any) => o.deliveryKind === "DELIVERY").map((o: any) => o.deliveryFrom);
    expect([...starts].sort()).toEqual(starts);
    for (const order of list) {
      const local = new Date(new Date(order.deliveryFrom).getTime() + 5 * 3_600_000).toISOString().slice(0, 10);
      expect(local).toBe(almatyToday());
      expect(order.status).not.toBe("CANCELLED");
    }
  });

  it("an instant just before midnight in Almaty belongs to that day, not to the next", async () => {
    const order = await pick(PROD_SHOP, "PAID");
    // 2026-12-10 23:30 Almaty = 18:30 UTC; 2026-12-11 00:30 Almaty = 2026-12-10 19:30 UTC
    await t.stack.db.withTenant(PROD_SHOP, (tx) =>
      tx.order.update({ where: { id: order.id }, data: { deliveryFrom: new Date("2026-12-10T18:30:00Z") } }),
    );
    const late = await pick(PROD_SHOP, "PAID");
    await t.stack.db.withTenant(PROD_SHOP, (tx) =>
      tx.order.update({ where: { id: late.id }, data: { deliveryFrom: new Date("2026-12-10T19:30:00Z") } }),
    );
    const tenth = (await t.graphql(DELIVERIES, { date: "2026-12-10" })).data.deliveries.map((o: any) => Number(o.id));
    const eleventh = (await t.graphql(DELIVERIES, { date: "2026-12-11" })).data.deliveries.map((o: any) =>
      Number(o.id),
    );
    expect(tenth).toContain(order.id);
    expect(tenth).not.toContain(late.id);
    expect(eleventh).toContain(late.id);
  });

  it("by courier", async () => {
    const result = await t.graphql(DELIVERIES, { date: almatyToday(), courierId: String(couriers[0].id) });
    expect(result.data.deliveries.length).toBeGreaterThan(0);
    expect(result.data.deliveries.every((o: any) => o.courier?.id === String(couriers[0].id))).toBe(true);
  });

  it.each(["2026-13-01", "2026-02-30", "today", "2026-1-5"])("refuses the date %s", async (date) => {
    const result = await t.graphql(DELIVERIES, { date });
    expect(result.errors?.[0].extensions?.code).toMatch(/BAD_USER_INPUT/);
    expect(result.errors?.[0].message).toMatch(/YYYY-MM-DD/);
  });

  it("counts the same number of SQL statements for a day of 12 orders and a day of 40", async () => {
    const QUERY = `query($date: Date!) { deliveries(date: $date) { id courier { id name } items { productName product { name } } payments { amount } paidAmount paymentStatus history { kind } } }`;
    const measure = async (date: string) => {
      const before = t.stack.db.statementCount();
      const result = await t.graphql(QUERY, { date });
      expect(result.errors).toBeUndefined();
      return { statements: t.stack.db.statementCount() - before, orders: result.data.deliveries.length };
    };
    const small = await measure(almatyToday());
    // move 40 more orders to a day of their own
    const ids = (
      await t.ownerQuery(
        `select id from "order" where shop_id = $1 and status = 'DELIVERED' order by id desc limit 40`,
        [PROD_SHOP],
      )
    ).rows.map((r) => r.id);
    await t.ownerQuery(
      `update "order" set delivery_from = '2026-12-20T06:00:00Z'::timestamptz + (id % 10) * interval '1 hour' where id = any($1::int[])`,
      [ids],
    );
    const large = await measure("2026-12-20");
    expect(large.orders).toBe(40);
    expect(small.orders).toBeGreaterThanOrEqual(12);
    expect(large.statements).toBe(small.statements);
  });
});

describe("a COURIER sees only the orders assigned to them", () => {
  const LIST = `{ orders(first: 100) { totalCount edges { node { id courier { id } } } } }`;

  it("in lists, by id, by Bitrix id, in deliveries and entity references", async () => {
    const [mine, theirs] = couriers;
    const token = courierToken(t, PROD_SHOP, mine.id);
    const list = await t.graphql(LIST, {}, { token });
    expect(list.errors).toBeUndefined();
    expect(list.data.orders.totalCount).toBeGreaterThan(0);
    expect(list.data.orders.edges.every((e: any) => e.node.courier?.id === String(mine.id))).toBe(true);
    const other = await pick(PROD_SHOP, "IN_DELIVERY");
    await assignDirectly(t, PROD_SHOP, other.id, theirs.id);
    const byId = await t.graphql(`query($id: ID!) { order(id: $id) { id } }`, { id: String(other.id) }, { token });
    expect(byId.data.order).toBeNull();
    const byBitrix = await t.graphql(
      `query($b: Int!) { orderByBitrixId(bitrixOrderId: $b) { id } }`,
      { b: other.bitrixOrderId },
      { token },
    );
    expect(byBitrix.data.orderByBitrixId).toBeNull();
    const day = await t.graphql(DELIVERIES, { date: almatyToday() }, { token });
    expect(day.data.deliveries.length).toBeGreaterThan(0);
    expect(day.data.deliveries.every((o: any) => o.courier?.id === String(mine.id))).toBe(true);
    const theirsDay = await t.graphql(DELIVERIES, { date: almatyToday(), courierId: String(theirs.id) }, { token });
    expect(theirsDay.data.deliveries).toEqual([]);
    const entity = await t.graphql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id } } }`,
      { r: [{ __typename: "Order", id: String(other.id) }] },
      { token },
    );
    expect(entity.data?._entities?.[0] ?? null).toBeNull();
  });

  it("cannot change another courier's order, and may change their own", async () => {
    const [mine, theirs] = couriers;
    const order = await pick(PROD_SHOP, "ASSEMBLED");
    await assignDirectly(t, PROD_SHOP, order.id, theirs.id);
    const UPDATE = `mutation($id: ID!) { updateOrderStatus(id: $id, status: IN_DELIVERY) { id status } }`;
    const refused = await t.graphql(UPDATE, { id: String(order.id) }, { token: courierToken(t, PROD_SHOP, mine.id) });
    expect(refused.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const photo = await t.graphql(
      `mutation($id: ID!) { addOrderPhoto(id: $id, url: "https://example.com/x.jpg", kind: OTHER) { id } }`,
      { id: String(order.id) },
      { token: courierToken(t, PROD_SHOP, mine.id) },
    );
    expect(photo.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const allowed = await t.graphql(UPDATE, { id: String(order.id) }, { token: courierToken(t, PROD_SHOP, theirs.id) });
    expect(allowed.data.updateOrderStatus.status).toBe("IN_DELIVERY");
  });

  it("the rule is the database's: a courier's transaction sees no other order even without a condition in the query", async () => {
    const [mine] = couriers;
    const scoped = t.stack.db.forViewer({ userId: String(mine.id), role: "COURIER" });
    const seen = await scoped.read(PROD_SHOP, (sql) =>
      sql<{ courierId: number | null }>(`select courier_id from "order"`),
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((row) => row.courierId === mine.id)).toBe(true);
    const history = await scoped.withTenant(
      PROD_SHOP,
      (tx) =>
        tx.$queryRaw<
          { n: bigint }[]
        >`select count(*) as n from order_history h join "order" o on o.id = h.order_id where o.courier_id is distinct from ${mine.id}`,
    );
    expect(Number(history[0].n)).toBe(0);
    const items = await scoped.read(PROD_SHOP, (sql) =>
      sql<{ n: number }>(
        `select count(*)::int as n from order_item i where i.order_id not in (select id from "order" where courier_id = $1)`,
        [mine.id],
      ),
    );
    expect(items[0].n).toBe(0);
    // a courier token with a user id that is not a number sees nothing at all
    const fake = t.stack.db.forViewer({ userId: "test-courier", role: "COURIER" });
    expect(await fake.read(PROD_SHOP, (sql) => sql(`select id from "order"`))).toEqual([]);
  });
});
