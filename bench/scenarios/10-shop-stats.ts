import pg from "pg";
import { ensureBenchUsers, graphqlBody, inBenchShop, load, type BenchScenario } from "../harness";

/**
 * Issue 20: shopStats over a busy year through the router: 100,000 orders (one line each, a
 * third paid) in a shop of their own (BENCH_SHOP, created here and removed afterwards), the
 * whole year with topProducts. Target p50 ≤ 50 ms.
 */
const BENCH_SHOP = 90021;
const ORDERS = 100_000;
const QUERY = `query Stats { shopStats(from: "2025-01-01", to: "2025-12-31") {
  orderCount revenueBigInt averageOrder byDay { date orderCount revenueBigInt } topProducts(limit: 10) { productName quantity revenueBigInt }
  byStatus { key orderCount } bySource { key orderCount } byDeliveryKind { key orderCount } byPayment { key orderCount revenueBigInt } } }`;

async function seedOrders(databaseUrl: string, ownerDatabaseUrl: string) {
  await inBenchShop(databaseUrl, BENCH_SHOP, async (client) => {
    await client.query(
      `insert into shop (id, name, slug) values ($1, 'Bench stats', 'bench-stats') on conflict do nothing`,
      [BENCH_SHOP],
    );
    await ensureBenchUsers(client, BENCH_SHOP);
    await client.query(
      `insert into product (shop_id, name, price, updated_at) select $1, 'Bench bouquet ' || i, 1000000 + i * 1000, now() from generate_series(1, 50) i`,
      [BENCH_SHOP],
    );
    await client.query(
      `insert into "order" (shop_id, status, total, created_at, updated_at, bitrix_order_id)
       select $1, (array['NEW','PAID','ACCEPTED','ASSEMBLED','IN_DELIVERY','DELIVERED','CANCELLED'])[1 + i % 7]::"OrderStatus",
              1000000 + (i * 7919) % 5000000, timestamptz '2025-01-01 00:00+05' + (i * 315.36 || ' seconds')::interval, now(),
              case when i % 3 = 0 then 5000000 + i end
       from generate_series(1, $2::int) i`,
      [BENCH_SHOP, ORDERS],
    );
    await client.query(
      `insert into order_item (shop_id, order_id, product_id, quantity, price, product_name)
       select o.shop_id, o.id, p.id, 1 + o.id % 3, o.total, p.name
       from "order" o join lateral (select id, name from product where shop_id = $1 order by id offset o.id % 50 limit 1) p on true
       where o.shop_id = $1`,
      [BENCH_SHOP],
    );
    await client.query(
      `insert into payment (shop_id, order_id, method, amount, created_by)
       select shop_id, id, 'KASPI', total, 'bench' from "order" where shop_id = $1 and id % 3 = 0`,
      [BENCH_SHOP],
    );
  });
  const owner = new pg.Client({ connectionString: ownerDatabaseUrl });
  await owner.connect();
  await owner.query(`vacuum analyze "order"`).finally(() => owner.end());
}

async function removeOrders(databaseUrl: string) {
  await inBenchShop(databaseUrl, BENCH_SHOP, async (client) => {
    for (const table of ["payment", "order_item", "order_history", "order", "product", "app_user"]) {
      await client.query(`delete from "${table}" where shop_id = $1`, [BENCH_SHOP]);
    }
    await client.query("delete from shop where id = $1", [BENCH_SHOP]);
  });
}

export const scenario: BenchScenario = {
  name: "shop-stats",
  async run({ stack, token, databaseUrl, ownerDatabaseUrl }) {
    await seedOrders(databaseUrl, ownerDatabaseUrl);
    try {
      const headers = { "content-type": "application/json", authorization: `Bearer ${token(BENCH_SHOP)}` };
      const body = graphqlBody(QUERY);
      const probe = (await (await fetch(stack.graphqlUrl, { method: "POST", headers, body })).json()) as {
        data?: { shopStats: { orderCount: number } };
        errors?: unknown;
      };
      if (!probe.data) throw new Error(`shopStats failed: ${JSON.stringify(probe.errors)}`);
      await load({ url: stack.graphqlUrl, connections: 1, durationSeconds: 3, headers, body });
      const result = await load({ url: stack.graphqlUrl, connections: 1, durationSeconds: 8, headers, body });
      return [
        {
          scenario: `shopStats(a year) + topProducts, ${ORDERS} orders, router, 1 conn`,
          p50: result.p50,
          p99: result.p99,
          rps: result.rps,
          target: "p50 ≤ 50 ms",
          met: result.p50 <= 50 && result.errors + result.non2xx === 0,
          notes: `${probe.data.shopStats.orderCount} orders counted; errors ${result.errors + result.non2xx}`,
        },
      ];
    } finally {
      await removeOrders(databaseUrl);
    }
  },
};
