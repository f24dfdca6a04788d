import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../../test/harness";
import { postWebhook } from "../../test/order-fixtures";

/**
 * shopStats reads a daily rollup that triggers keep in step with orders, lines and payments
 * (migration 20261207030000_order_stats_rollup). Here: concurrent writers on the same day's rollup
 * rows (the status webhook, status changes, edits, payments, cancellations, raw SQL) finish without
 * a deadlock, and every figure equals a straight sum afterwards; a cascade delete and a shop's time
 * zone change keep it exact too.
 */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.stop());

const STATS = `query($from: Date!, $to: Date!) { shopStats(from: $from, to: $to) {
  orderCount revenueBigInt byDay { date orderCount revenueBigInt }
  byStatus { key orderCount revenueBigInt } bySource { key orderCount revenueBigInt }
  byDeliveryKind { key orderCount revenueBigInt } byPayment { key orderCount revenueBigInt }
  topProducts(limit: 100) { product { id } quantity revenueBigInt }
} }`;

const byKey = (groups: { key: string }[]) => [...groups].sort((a, b) => a.key.localeCompare(b.key));

/** Every figure of shopStats as a straight sum over the shop's orders, lines and payments. */
async function straight(shopId: number, from: string, to: string) {
  const counted = `select o.*, to_char((o.created_at at time zone s.timezone)::date, 'YYYY-MM-DD') as day,
      case when coalesce((select sum(case when p.kind = 'PAYMENT' then p.amount else -p.amount end) from payment p where p.order_id = o.id), 0) >= o.total
           then 'PAID' else 'UNPAID' end as payment
    from "order" o join shop s on s.id = o.shop_id
    where o.shop_id = $1 and o.status <> 'CANCELLED' and (o.created_at at time zone s.timezone)::date between $2 and $3`;
  const group = async (key: string) =>
    (
      await t.ownerQuery(
        `select ${key} as key, count(*)::int as "orderCount", sum(total)::bigint as "revenueBigInt" from (${counted}) o
         group by 1 order by 1`,
        [shopId, from, to],
      )
    ).rows.map((row) => ({ ...row, revenueBigInt: Number(row.revenueBigInt) }));
  const products = await t.ownerQuery(
    `select i.product_id::text as id, sum(i.quantity)::int as quantity, sum(i.quantity * i.price::bigint)::bigint as revenue
     from order_item i join (${counted}) o on o.id = i.order_id group by 1 order by 1`,
    [shopId, from, to],
  );
  return {
    byDay: await group("day"),
    byStatus: await group("status::text"),
    bySource: await group("case when bitrix_order_id is null then 'PANEL' else 'BITRIX' end"),
    byDeliveryKind: await group("delivery_kind::text"),
    byPayment: await group("payment"),
    products: products.rows.map((row) => ({ id: row.id, quantity: row.quantity, revenueBigInt: Number(row.revenue) })),
  };
}

async function expectExact(shopId: number, from: string, to: string) {
  const result = await t.graphql(STATS, { from, to }, { token: t.token(shopId) });
  expect(result.errors).toBeUndefined();
  const stats = result.data.shopStats;
  const expected = await straight(shopId, from, to);
  const days = stats.byDay
    .filter((day: any) => day.orderCount !== 0)
    .map((day: any) => ({ key: day.date, orderCount: day.orderCount, revenueBigInt: day.revenueBigInt }));
  expect(days).toEqual(expected.byDay);
  for (const name of ["byStatus", "bySource", "byDeliveryKind", "byPayment"] as const)
    expect(byKey(stats[name])).toEqual(expected[name]);
  const products = stats.topProducts
    .map((row: any) => ({ id: row.product.id, quantity: row.quantity, revenueBigInt: row.revenueBigInt }))
    .sort((a: any, b: any) => a.id.localeCompare(b.id));
  expect(products).toEqual(expected.products.filter((row) => row.quantity !== 0));
  expect(stats.orderCount).toBe(expected.byStatus.reduce((sum, g) => sum + g.orderCount, 0));
  return stats;
}

async function today(): Promise<{ from: string; to: string }> {
  const { rows } = await t.ownerQuery(
    `select to_char(d - 1, 'YYYY-MM-DD') as "from", to_char(d + 1, 'YYYY-MM-DD') as "to"
     from (select (now() at time zone 'Asia/Almaty')::date as d) x`,
  );
  return rows[0];
}

async function createOrders(count: number): Promise<{ id: string; total: number; version: number }[]> {
  const products = (await t.graphql(`{ products(first: 3, enabled: true) { edges { node { id } } } }`)).data.products
    .edges;
  const orders = [];
  for (let i = 0; i < count; i += 1) {
    const result = await t.graphql(
      `mutation($input: CreateOrderInput!) { createOrder(input: $input) { id total version } }`,
      {
        input: {
          items: [{ productId: products[i % products.length].node.id, quantity: 1 + (i % 3) }],
          customer: { phone: `+7701700${String(1000 + i)}` },
          deliveryKind: i % 4 === 0 ? "PICKUP" : "DELIVERY",
        },
      },
    );
    expect(result.errors).toBeUndefined();
    orders.push(result.data.createOrder);
  }
  return orders;
}

describe("shopStats' rollup", () => {
  it("concurrent status changes, webhooks, edits, payments and cancellations on one day: no deadlock, exact figures", async () => {
    const range = await today();
    const orders = await createOrders(24);
    const ids = orders.map((order) => Number(order.id));
    // half of them came from Bitrix, so the status webhook finds them
    await t.ownerQuery(`update "order" set bitrix_order_id = 7700000 + id where id = any($1) and id % 2 = 0`, [ids]);
    const products = (await t.graphql(`{ products(first: 3, enabled: true) { edges { node { id } } } }`)).data.products
      .edges;
    const codes: unknown[] = [];
    const graphql = async (query: string, variables: Record<string, unknown>) => {
      const result = await t.graphql(query, variables);
      for (const error of result.errors ?? []) codes.push(error.extensions?.code ?? error.message);
    };
    const work = orders.flatMap((order, i) => {
      const id = Number(order.id);
      const steps: Promise<unknown>[] = [
        id % 2 === 0
          ? postWebhook(t, {
              order_id: 7_700_000 + id,
              status: ["AP", "CO", "RF", "PD"][i % 4],
              changed_by_id: 1,
            }).then(
              (answer) =>
                answer.status === 200 || codes.push(`webhook ${answer.status} ${JSON.stringify(answer.body)}`),
            )
          : graphql(
              `
                mutation ($id: ID!, $s: OrderStatus!) {
                  updateOrderStatus(id: $id, status: $s) {
                    id
                  }
                }
              `,
              {
                id: order.id,
                s: ["ACCEPTED", "CANCELLED", "PAID"][i % 3],
              },
            ),
        graphql(
          `
            mutation ($id: ID!, $input: RecordPaymentInput!) {
              recordPayment(orderId: $id, input: $input) {
                id
              }
            }
          `,
          {
            id: order.id,
            input: { method: "KASPI", amount: i % 3 === 0 ? order.total : Math.ceil(order.total / 2) },
          },
        ),
        graphql(
          `
            mutation ($id: ID!, $input: UpdateOrderInput!) {
              updateOrder(id: $id, input: $input) {
                id
              }
            }
          `,
          {
            id: order.id,
            input: {
              expectedVersion: order.version,
              items: [{ productId: products[(i + 1) % products.length].node.id, quantity: 2 + (i % 2) }],
              deliveryFee: 50_000,
            },
          },
        ),
      ];
      return steps;
    });
    // raw writers too, touching many of the same orders in one statement each, in both id orders
    const raw = [
      t.ownerQuery(`update "order" set total = total + 100 where id = any($1)`, [ids]),
      t.ownerQuery(`update "order" set created_at = created_at + interval '1 second' where id = any($1)`, [
        [...ids].reverse(),
      ]),
      t.ownerQuery(`update "order" set status = 'NEW' where id = any($1) and status = 'CANCELLED'`, [ids]),
    ];
    await Promise.all([...work, ...raw]);
    // business refusals (a stale version, a transition the lifecycle forbids) are fine; a deadlock or
    // any other failure of the database is not
    const failures = codes.filter((code) => code === "INTERNAL_SERVER_ERROR" || /deadlock|webhook/i.test(String(code)));
    expect(failures).toEqual([]);
    expect(codes.length).toBeLessThan(work.length / 2);
    await expectExact(PROD_SHOP, range.from, range.to);
  });

  it("stays exact when an order is deleted with its lines and payments, and when an order comes back from CANCELLED", async () => {
    const range = await today();
    const [gone, back] = await createOrders(2);
    await t.graphql(
      `mutation($id: ID!, $input: RecordPaymentInput!) { recordPayment(orderId: $id, input: $input) { id } }`,
      {
        id: gone.id,
        input: { method: "CASH", amount: gone.total },
      },
    );
    await t.ownerQuery(`update "order" set status = 'CANCELLED' where id = $1`, [back.id]);
    await expectExact(PROD_SHOP, range.from, range.to);
    await t.ownerQuery(`delete from "order" where id = $1`, [gone.id]);
    await t.ownerQuery(`update "order" set status = 'ACCEPTED' where id = $1`, [back.id]);
    await t.ownerQuery(`update order_item set quantity = quantity + 5, product_name = 'renamed' where order_id = $1`, [
      back.id,
    ]);
    await expectExact(PROD_SHOP, range.from, range.to);
  });

  it("stays exact when orders, lines and payments arrive in one statement (as the order webhook writes them), and lines later", async () => {
    const range = await today();
    const { rows } = await t.ownerQuery(
      `with made as (
         insert into "order" (shop_id, status, total, delivery_kind, created_at, updated_at)
         select $1, 'NEW', 3000 * g, 'DELIVERY', now(), now() from generate_series(1, 3) g returning id, total
       ),
       lines as (
         insert into order_item (shop_id, order_id, product_id, quantity, price, product_name)
         select $1, m.id, p.id, 3, 1000, 'one statement' from made m,
                lateral (select id from product where shop_id = $1 order by id limit 1) p
       ),
       paid as (insert into payment (shop_id, order_id, kind, method, amount, created_by) select $1, id, 'PAYMENT', 'CASH', total, 'test' from made)
       select id from made order by id`,
      [PROD_SHOP],
    );
    const stats = await expectExact(PROD_SHOP, range.from, range.to);
    expect(stats.byPayment.find((group: any) => group.key === "PAID").orderCount).toBeGreaterThanOrEqual(3);
    await t.ownerQuery(
      `insert into order_item (shop_id, order_id, product_id, quantity, price, product_name)
       select $1, $2, id, 2, 500, 'added later' from product where shop_id = $1 order by id desc limit 1`,
      [PROD_SHOP, rows[0].id],
    );
    await expectExact(PROD_SHOP, range.from, range.to);
  });

  it("moves a shop's orders to other days when the shop's time zone changes", async () => {
    await t.ownerQuery(
      `insert into "order" (shop_id, status, total, created_at, updated_at) values ($1, 'NEW', 5000, '2024-02-10T20:30:00Z', now())`,
      [DEV_SHOP],
    );
    const before = await expectExact(DEV_SHOP, "2024-02-10", "2024-02-11");
    expect(before.byDay.map((day: any) => day.orderCount)).toEqual([0, 1]); // 01:30 on the 11th in Almaty
    await t.ownerQuery(`update shop set timezone = 'Europe/London' where id = $1`, [DEV_SHOP]);
    try {
      const after = await expectExact(DEV_SHOP, "2024-02-10", "2024-02-11");
      expect(after.byDay.map((day: any) => day.orderCount)).toEqual([1, 0]);
    } finally {
      await t.ownerQuery(`update shop set timezone = 'Asia/Almaty' where id = $1`, [DEV_SHOP]);
    }
  });

  it("the rollup tables are behind the tenant wall: another shop's rows are invisible to the application role", async () => {
    const rows = await t.stack.db.withTenant(DEV_SHOP, (tx) =>
      tx.$queryRawUnsafe<{ shops: number[] }[]>(
        `select array(select distinct shop_id from order_stats_rollup union select distinct shop_id from product_sales_rollup
           union select distinct shop_id from order_stats_state union select distinct shop_id from product_sales_state) as shops`,
      ),
    );
    expect(rows[0].shops).toEqual([DEV_SHOP]);
  });
});
