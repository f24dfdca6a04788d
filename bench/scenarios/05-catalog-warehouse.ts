import pg from "pg";
import { cpuDuring, ensureBenchUsers, graphqlBody, load, type BenchScenario, type BenchStack } from "../harness";

/**
 * Issue 5: Russian product search through the router on a 10,000-product catalog, and
 * warehouse operations at 20 connections. The catalog and items live in a shop of their own
 * (BENCH_SHOP), created here and removed afterwards, so other scenarios see the seeded data.
 */
const BENCH_SHOP = 90005;
const PRODUCTS = 10_000;
const ITEMS = 20;
const SEARCH_QUERY = `query Search { products(search: "роза", first: 20) { totalCount edges { node { id name price formattedPrice } } } }`;
const SEARCH_PAGE_QUERY = `query SearchPage { products(search: "роза", first: 20) { edges { node { id name price formattedPrice } } } }`;
const PLAIN_QUERY = `query Plain { products(first: 20) { totalCount edges { node { id name price formattedPrice } } } }`;
const RECEIVE = `mutation Receive($id: ID!) { receiveStock(input: { itemId: $id, quantity: 1 }) { id balanceAfter } }`;

const FLOWERS = [
  "Розы",
  "Букет из роз",
  "Роза кустовая",
  "Тюльпаны",
  "Пионы",
  "Хризантемы",
  "Эустома",
  "Гортензия",
  "Лилии",
  "Герберы",
  "Альстромерии",
  "Ирисы",
];
const STYLES = ["«Нежность»", "«Утро»", "«Весна»", "в коробке", "в корзине", "микс", "премиум", "классика"];

/** Runs `run` and reports the CPU the stack's processes spent per request, and each process's share with PostgreSQL's. */
async function measured(stack: BenchStack, run: () => ReturnType<typeof load>, seconds: number) {
  const { result, cpu, stackSeconds } = await cpuDuring(stack, [], run);
  const requests = result.rps * seconds;
  const perRequest =
    requests === 0
      ? "cpu n/a"
      : `stack CPU ${((stackSeconds * 1000) / requests).toFixed(2)} ms/req over ${stack.pids.length} process${stack.pids.length > 1 ? "es" : ""}`;
  return { ...result, cpu: `${perRequest}; CPU ${cpu}` };
}

async function seedCatalog(databaseUrl: string, ownerDatabaseUrl: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("begin");
    await client.query(`select set_config('app.shop_id', $1, true), set_config('app.origin', 'system', true)`, [
      String(BENCH_SHOP),
    ]);
    await client.query(
      `insert into shop (id, name, slug) values ($1, 'Bench catalog', 'bench-catalog') on conflict do nothing`,
      [BENCH_SHOP],
    );
    await ensureBenchUsers(client, BENCH_SHOP);
    await client.query(
      `insert into product (shop_id, name, description, price, enabled, created_at, updated_at)
       select $1,
              ($2::text[])[1 + i % array_length($2::text[], 1)] || ' ' || ($3::text[])[1 + (i / 12) % array_length($3::text[], 1)] || ', ' || (5 + i % 97) || ' шт',
              'Свежие цветы, собраны флористом. Артикул ' || i,
              (100000 + (i * 7919) % 5000000) / 100 * 100,
              i % 13 <> 7,
              now() - (i || ' minutes')::interval, now()
       from generate_series(1, $4::int) as i`,
      [BENCH_SHOP, FLOWERS, STYLES, PRODUCTS],
    );
    const items = await client.query<{ id: number }>(
      `insert into warehouse_item (shop_id, name, unit, quantity, min_quantity, cost_per_unit, updated_at)
       select $1, 'Bench item ' || i, 'STEM', 0, 0, 1000, now() from generate_series(1, $2::int) as i returning id`,
      [BENCH_SHOP, ITEMS],
    );
    await client.query("commit");
    // as autovacuum would soon after an import; only the owner may (the application role's ANALYZE is skipped)
    const owner = new pg.Client({ connectionString: ownerDatabaseUrl });
    await owner.connect();
    await owner.query("analyze product").finally(() => owner.end());
    return items.rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

async function removeCatalog(databaseUrl: string): Promise<{ operations: number; quantity: number }> {
  // let requests autocannon left in flight commit first
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("begin");
    await client.query(`select set_config('app.shop_id', $1, true), set_config('app.origin', 'system', true)`, [
      String(BENCH_SHOP),
    ]);
    const totals = await client.query<{ operations: number; quantity: number }>(
      `select (select count(*)::int from warehouse_operation where shop_id = $1) as operations,
              (select coalesce(sum(quantity), 0)::int from warehouse_item where shop_id = $1) as quantity`,
      [BENCH_SHOP],
    );
    for (const table of ["warehouse_operation", "warehouse_item", "product", "app_user"]) {
      await client.query(`delete from ${table} where shop_id = $1`, [BENCH_SHOP]);
    }
    await client.query(`delete from shop where id = $1`, [BENCH_SHOP]);
    await client.query("commit");
    return totals.rows[0];
  } finally {
    await client.end();
  }
}

export const scenario: BenchScenario = {
  name: "catalog-warehouse",
  async run({ stack, token, databaseUrl, ownerDatabaseUrl, startStack }) {
    const itemIds = await seedCatalog(databaseUrl, ownerDatabaseUrl);
    // the write load comes from one bench user: its own stack, without the per-user mutation budget
    let writeStack: Awaited<ReturnType<typeof startStack>> | null = null;
    try {
      const headers = { "content-type": "application/json", authorization: `Bearer ${token(BENCH_SHOP)}` };
      const check = await fetch(stack.graphqlUrl, { method: "POST", headers, body: graphqlBody(SEARCH_QUERY) });
      const checked = (await check.json()) as { data?: { products: { totalCount: number } }; errors?: unknown };
      if (!checked.data) throw new Error(`search failed: ${JSON.stringify(checked.errors)}`);
      const matches = checked.data.products.totalCount;

      await load({
        url: stack.graphqlUrl,
        connections: 1,
        durationSeconds: 4,
        headers,
        body: graphqlBody(SEARCH_QUERY),
      });
      const search1 = await measured(
        stack,
        () =>
          load({ url: stack.graphqlUrl, connections: 1, durationSeconds: 8, headers, body: graphqlBody(SEARCH_QUERY) }),
        8,
      );
      const search10 = await load({
        url: stack.graphqlUrl,
        connections: 10,
        durationSeconds: 8,
        headers,
        body: graphqlBody(SEARCH_QUERY),
      });
      const page1 = await measured(
        stack,
        () =>
          load({
            url: stack.graphqlUrl,
            connections: 1,
            durationSeconds: 8,
            headers,
            body: graphqlBody(SEARCH_PAGE_QUERY),
          }),
        8,
      );
      const plain1 = await measured(
        stack,
        () =>
          load({ url: stack.graphqlUrl, connections: 1, durationSeconds: 8, headers, body: graphqlBody(PLAIN_QUERY) }),
        8,
      );

      writeStack = await startStack({ RATE_LIMIT_MUTATIONS_PER_MINUTE: "0", STOCK_CONSUMER_POLL_MS: "0" });
      const writeUrl = writeStack.graphqlUrl;
      const probe = (await (
        await fetch(writeUrl, { method: "POST", headers, body: graphqlBody(RECEIVE, { id: String(itemIds[0]) }) })
      ).json()) as { data?: unknown; errors?: unknown };
      if (!probe.data) throw new Error(`receiveStock failed: ${JSON.stringify(probe.errors)}`);
      const spread = itemIds.map((id) => ({
        method: "POST" as const,
        path: "/graphql",
        headers,
        body: graphqlBody(RECEIVE, { id: String(id) }),
      }));
      const warmup = await load({ url: writeUrl, connections: 20, durationSeconds: 5, requests: spread });
      // a fixed list that autocannon serialises once and cycles through (a per-request
      // setupRequest costs the load generator CPU on the same two cores)
      const ops = await measured(
        writeStack!,
        () => load({ url: writeUrl, connections: 20, durationSeconds: 10, requests: spread }),
        10,
      );
      const hot = await measured(
        writeStack!,
        () =>
          load({
            url: writeUrl,
            connections: 20,
            durationSeconds: 8,
            headers,
            body: graphqlBody(RECEIVE, { id: String(itemIds[0]) }),
          }),
        8,
      );
      await writeStack.stop();
      writeStack = null;
      const totals = await removeCatalog(databaseUrl);
      return [
        {
          scenario: `products(search: "роза", first: 20), router, ${PRODUCTS} products, 1 conn`,
          p50: search1.p50,
          p99: search1.p99,
          rps: search1.rps,
          target: "p50 ≤ 15 ms",
          met: search1.p50 <= 15 && search1.errors + search1.non2xx === 0,
          notes: `${matches} matches; errors ${search1.errors + search1.non2xx}; ${search1.cpu}`,
        },
        {
          scenario: `products(search: "роза"), router, 10 conn`,
          p50: search10.p50,
          p99: search10.p99,
          rps: search10.rps,
          notes: `errors ${search10.errors + search10.non2xx}`,
        },
        {
          scenario: `products(search: "роза", first: 20) without totalCount, 1 conn`,
          p50: page1.p50,
          p99: page1.p99,
          rps: page1.rps,
          target: "p50 ≤ 15 ms",
          met: page1.p50 <= 15 && page1.errors + page1.non2xx === 0,
          notes: `errors ${page1.errors + page1.non2xx}; ${page1.cpu}`,
        },
        {
          scenario: `products(first: 20) with totalCount, no search (reference), 1 conn`,
          p50: plain1.p50,
          p99: plain1.p99,
          rps: plain1.rps,
          notes: `search / plain p50 ratio ${(search1.p50 / Math.max(plain1.p50, 0.001)).toFixed(2)}; ${plain1.cpu}`,
        },
        {
          scenario: `receiveStock, router, 20 conn over ${ITEMS} items (stack without the per-user mutation budget)`,
          p50: ops.p50,
          p99: ops.p99,
          rps: ops.rps,
          target: "≥ 800 ops/s",
          met: ops.rps >= 800 && ops.errors + ops.non2xx === 0,
          notes: `errors ${ops.errors + ops.non2xx}; ${ops.cpu}`,
        },
        {
          scenario: `receiveStock, router, 20 conn on one item`,
          p50: hot.p50,
          p99: hot.p99,
          rps: hot.rps,
          notes: `errors ${hot.errors + hot.non2xx}; ${totals.operations} operations, item total ${totals.quantity} (must match: ${totals.operations === totals.quantity ? "yes" : "NO"}); warm-up ${Math.round(warmup.rps)} ops/s; ${hot.cpu}`,
        },
      ];
    } catch (error) {
      await writeStack?.stop();
      await removeCatalog(databaseUrl).catch(() => undefined);
      throw error;
    }
  },
};
