import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../../test/harness";

/**
 * shopStats through the router, compared with a straight sum over the orders after random
 * orders, edits, re-pricing and cancellations, including orders on both sides of midnight in
 * Almaty (UTC+5); roles, bad input and tenancy.
 */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.stop());

const STATS = `query($from: Date!, $to: Date!) { shopStats(from: $from, to: $to) {
  orderCount revenue averageOrder byDay { date orderCount revenue }
  topProducts(limit: 3) { product { id } productName quantity revenue }
  byStatus { key orderCount revenue } bySource { key orderCount revenue } byDeliveryKind { key orderCount revenue } byPayment { key orderCount revenue }
} }`;
const codeOf = (result: { errors?: { extensions?: Record<string, any> }[] }) => result.errors?.[0]?.extensions?.code;
const fieldOf = (result: { errors?: { extensions?: Record<string, any> }[] }) => result.errors?.[0]?.extensions?.field;

let seed = 20;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;

async function insertOrder(
  shopId: number,
  createdAt: string,
  total: number,
  status = "NEW",
  bitrixOrderId: number | null = null,
): Promise<number> {
  const { rows } = await t.ownerQuery(
    `insert into "order" (shop_id, status, total, created_at, updated_at, bitrix_order_id) values ($1, $2, $3, $4, $4, $5) returning id`,
    [shopId, status, total, createdAt, bitrixOrderId],
  );
  const product = (await t.ownerQuery("select id, name from product where shop_id = $1 order by id limit 3", [shopId]))
    .rows[Math.floor(random() * 3)];
  await t.ownerQuery(
    "insert into order_item (shop_id, order_id, product_id, quantity, price, product_name) values ($1, $2, $3, $4, $5, $6)",
    [shopId, rows[0].id, product.id, 1 + Math.floor(random() * 3), total, product.name],
  );
  return rows[0].id;
}

/** The figures as a straight sum over every order of the shop, days read in Almaty. */
async function straight(from: string, to: string) {
  const { rows } = await t.ownerQuery(
    `select to_char((created_at at time zone 'Asia/Almaty')::date, 'YYYY-MM-DD') as day, count(*)::int as n, sum(total)::bigint as revenue
     from "order" where shop_id = $1 and status <> 'CANCELLED' and (created_at at time zone 'Asia/Almaty')::date between $2 and $3
     group by 1`,
    [PROD_SHOP, from, to],
  );
  return new Map(rows.map((row: any) => [row.day, { orderCount: row.n, revenue: Number(row.revenue) }]));
}

describe("shopStats", () => {
  it("counts an order at 23:59:59 in Almaty on that day and one at 00:00 on the next, whatever UTC says", async () => {
    await insertOrder(PROD_SHOP, "2025-03-09T18:59:59.999Z", 111_00); // 23:59:59.999 on 9 March in Almaty
    await insertOrder(PROD_SHOP, "2025-03-09T19:00:00.000Z", 222_00); // 00:00 on 10 March in Almaty
    const result = await t.graphql(STATS, { from: "2025-03-09", to: "2025-03-10" });
    expect(result.errors).toBeUndefined();
    expect(result.data.shopStats.byDay).toEqual([
      { date: "2025-03-09", orderCount: 1, revenue: 111_00 },
      { date: "2025-03-10", orderCount: 1, revenue: 222_00 },
    ]);
    expect(result.data.shopStats).toMatchObject({ orderCount: 2, revenue: 333_00, averageOrder: 166_50 });
  });

  it("equals a straight sum over random orders after edits, re-pricing and cancellations", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 150; i += 1) {
      const at = new Date(Date.UTC(2025, 4, 1) + Math.floor(random() * 31 * 86_400_000)).toISOString();
      ids.push(
        await insertOrder(
          PROD_SHOP,
          at,
          1_000_00 + Math.floor(random() * 50_000_00),
          random() < 0.2 ? "DELIVERED" : "NEW",
          random() < 0.3 ? 900_000 + i : null,
        ),
      );
    }
    for (const id of ids.filter(() => random() < 0.3))
      await t.ownerQuery(`update "order" set total = total + 12345 where id = $1`, [id]);
    for (const id of ids.filter(() => random() < 0.15))
      await t.ownerQuery(`update "order" set status = 'CANCELLED' where id = $1`, [id]);
    for (const id of ids.filter(() => random() < 0.1))
      await t.ownerQuery(`update "order" set created_at = created_at + interval '9 hours' where id = $1`, [id]);
    const result = await t.graphql(STATS, { from: "2025-05-01", to: "2025-05-31" });
    expect(result.errors).toBeUndefined();
    const stats = result.data.shopStats;
    const expected = await straight("2025-05-01", "2025-05-31");
    expect(stats.byDay).toHaveLength(31);
    for (const day of stats.byDay)
      expect({ date: day.date, ...(expected.get(day.date) ?? { orderCount: 0, revenue: 0 }) }).toEqual(day);
    const orderCount = [...expected.values()].reduce((sum, day) => sum + day.orderCount, 0);
    const revenue = [...expected.values()].reduce((sum, day) => sum + day.revenue, 0);
    expect(stats).toMatchObject({ orderCount, revenue, averageOrder: Math.floor(revenue / orderCount) });
    for (const groups of [stats.byStatus, stats.bySource, stats.byDeliveryKind, stats.byPayment]) {
      expect(groups.reduce((sum: number, g: any) => sum + g.orderCount, 0)).toBe(orderCount);
      expect(groups.reduce((sum: number, g: any) => sum + g.revenue, 0)).toBe(revenue);
    }
    expect(stats.byStatus.map((g: any) => g.key)).not.toContain("CANCELLED");
    expect(stats.bySource.map((g: any) => g.key).sort()).toEqual(["BITRIX", "PANEL"]);
    const top = stats.topProducts;
    expect(top.length).toBeGreaterThan(0);
    const { rows } = await t.ownerQuery(
      `select i.product_id, sum(i.quantity)::int as q from order_item i join "order" o on o.id = i.order_id
       where o.shop_id = $1 and o.status <> 'CANCELLED' and (o.created_at at time zone 'Asia/Almaty')::date between '2025-05-01' and '2025-05-31'
       group by 1 order by 2 desc limit 1`,
      [PROD_SHOP],
    );
    expect(top[0]).toMatchObject({ product: { id: String(rows[0].product_id) }, quantity: rows[0].q });
  });

  it("a day without orders is there with zeros; an empty range answers zeros", async () => {
    const result = await t.graphql(STATS, { from: "2019-01-01", to: "2019-01-03" });
    expect(result.data.shopStats).toMatchObject({ orderCount: 0, revenue: 0, averageOrder: 0, topProducts: [] });
    expect(result.data.shopStats.byDay.map((d: any) => d.date)).toEqual(["2019-01-01", "2019-01-02", "2019-01-03"]);
  });

  it.each([
    ["a reversed range", { from: "2025-05-02", to: "2025-05-01" }, "to"],
    ["a range of 367 days", { from: "2025-01-01", to: "2026-01-02" }, "to"],
  ])("refuses %s naming the field", async (_name, variables, field) => {
    const result = await t.graphql(STATS, variables);
    expect([codeOf(result), fieldOf(result)]).toEqual(["BAD_USER_INPUT", field]);
  });

  it.each(["2025-02-30", "yesterday", "2025-5-1"])("refuses %j, which is not a date", async (date) => {
    const result = await t.graphql(STATS, { from: date, to: "2025-05-31" });
    expect(codeOf(result)).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0].message).toMatch(/Date/);
  });

  it("accepts 366 days (a leap year)", async () => {
    const result = await t.graphql(STATS, { from: "2024-01-01", to: "2024-12-31" });
    expect(result.data.shopStats.byDay).toHaveLength(366);
  });

  it("a revenue past GraphQL's Int answers VALUE_TOO_LARGE on `revenue` and the exact sum on `revenueBigInt`", async () => {
    for (const hour of ["04", "05", "06"]) await insertOrder(PROD_SHOP, `2018-06-01T${hour}:00:00Z`, 1_000_000_000);
    const range = { from: "2018-06-01", to: "2018-06-01" };
    const asInt = await t.graphql(
      "query($from: Date!, $to: Date!) { shopStats(from: $from, to: $to) { revenue } }",
      range,
    );
    expect(asInt.errors?.[0]).toMatchObject({
      extensions: { code: "VALUE_TOO_LARGE", field: "revenue" },
      message: expect.stringContaining("ShopStats.revenueBigInt"),
    });
    const exact = await t.graphql(
      `query($from: Date!, $to: Date!) { shopStats(from: $from, to: $to) {
        orderCount revenueBigInt averageOrder byDay { revenueBigInt } byStatus { key revenueBigInt }
        topProducts(limit: 3) { quantity revenueBigInt } } }`,
      range,
    );
    expect(exact.errors).toBeUndefined();
    const lines = await t.ownerQuery(
      `select sum(i.quantity * i.price::bigint)::text as revenue from order_item i join "order" o on o.id = i.order_id
       where o.shop_id = $1 and o.created_at >= '2018-06-01T00:00:00+05' and o.created_at < '2018-06-02T00:00:00+05'`,
      [PROD_SHOP],
    );
    const stats = exact.data.shopStats;
    expect(stats).toMatchObject({ orderCount: 3, revenueBigInt: 3_000_000_000, averageOrder: 1_000_000_000 });
    expect(stats.byDay).toEqual([{ revenueBigInt: 3_000_000_000 }]);
    expect(stats.byStatus).toEqual([{ key: "NEW", revenueBigInt: 3_000_000_000 }]);
    const productRevenue = stats.topProducts.reduce((sum: number, row: any) => sum + row.revenueBigInt, 0);
    expect(productRevenue).toBe(Number(lines.rows[0].revenue));
  });

  it("is for ADMIN and MANAGER only", async () => {
    expect(
      (await t.graphql(STATS, { from: "2025-05-01", to: "2025-05-02" }, { token: t.token(PROD_SHOP, "MANAGER") }))
        .errors,
    ).toBeUndefined();
    for (const role of ["FLORIST", "COURIER"] as const) {
      expect(
        codeOf(await t.graphql(STATS, { from: "2025-05-01", to: "2025-05-02" }, { token: t.token(PROD_SHOP, role) })),
      ).toBe("FORBIDDEN");
    }
  });

  it("another shop's orders are invisible", async () => {
    const before = (await t.graphql(STATS, { from: "2025-03-09", to: "2025-03-10" }, { token: t.token(DEV_SHOP) })).data
      .shopStats;
    expect(before.orderCount).toBe(0);
    await insertOrder(DEV_SHOP, "2025-03-09T10:00:00Z", 999_00);
    const prod = (await t.graphql(STATS, { from: "2025-03-09", to: "2025-03-10" })).data.shopStats;
    expect(prod.orderCount).toBe(2);
    const dev = (await t.graphql(STATS, { from: "2025-03-09", to: "2025-03-10" }, { token: t.token(DEV_SHOP) })).data
      .shopStats;
    expect(dev).toMatchObject({ orderCount: 1, revenue: 999_00 });
  });
});
