import pg from "pg";
import { ensureBenchUsers, graphqlBody, inBenchShop, load, type BenchRow, type BenchScenario } from "../harness";

/**
 * Issue 20: the client base through the router, 50,000 clients in a shop of their own
 * (BENCH_SHOP, created here and removed afterwards): search by a part of a name and of a phone,
 * with totalCount, and the plain list by last order. Target p50 ≤ 15 ms.
 */
const BENCH_SHOP = 90020;
const CLIENTS = 50_000;
const FIRST = [
  "Айгерим",
  "Ержан",
  "Дана",
  "Асель",
  "Нурлан",
  "Камила",
  "Данияр",
  "Мадина",
  "Тимур",
  "Алия",
  "Руслан",
  "Жанар",
];
const LAST = [
  "Серикова",
  "Нурланов",
  "Абенова",
  "Темирбеков",
  "Ахметова",
  "Касымов",
  "Жумабаева",
  "Оспанов",
  "Бекова",
  "Исаев",
];
const QUERIES: [string, string][] = [
  ["a part of a name", "серик"],
  ["a part of a phone, national form", "8 701 55"],
  ["four digits of a phone", "4567"],
];
const LIST = `query Clients($search: String) { clients(search: $search, first: 20) { totalCount edges { node { id name phone tags lastOrderAt } } } }`;

async function seedClients(databaseUrl: string, ownerDatabaseUrl: string) {
  await inBenchShop(databaseUrl, BENCH_SHOP, async (client) => {
    await client.query(
      `insert into shop (id, name, slug) values ($1, 'Bench clients', 'bench-clients') on conflict do nothing`,
      [BENCH_SHOP],
    );
    await ensureBenchUsers(client, BENCH_SHOP);
    await client.query(
      `insert into client_profile (shop_id, phone, name, tags, order_count, total_spent, last_order_at, updated_at)
       select $1, '+7' || (700 + i % 8)::text || lpad(((i * 7919) % 10000000)::text, 7, '0'),
              ($2::text[])[1 + i % array_length($2::text[], 1)] || ' ' || ($3::text[])[1 + (i / 12) % array_length($3::text[], 1)],
              case when i % 50 = 0 then array['VIP'] else '{}' end,
              i % 7, (i % 7) * 1500000, case when i % 7 = 0 then null else now() - (i || ' minutes')::interval end, now()
       from generate_series(1, $4::int) as i
       on conflict do nothing`,
      [BENCH_SHOP, FIRST, LAST, CLIENTS],
    );
  });
  const owner = new pg.Client({ connectionString: ownerDatabaseUrl });
  await owner.connect();
  await owner.query("analyze client_profile").finally(() => owner.end());
}

async function removeClients(databaseUrl: string) {
  await inBenchShop(databaseUrl, BENCH_SHOP, async (client) => {
    for (const table of ["client_profile", "app_user"])
      await client.query(`delete from ${table} where shop_id = $1`, [BENCH_SHOP]);
    await client.query("delete from shop where id = $1", [BENCH_SHOP]);
  });
}

export const scenario: BenchScenario = {
  name: "clients",
  async run({ stack, token, databaseUrl, ownerDatabaseUrl }) {
    await seedClients(databaseUrl, ownerDatabaseUrl);
    try {
      const headers = { "content-type": "application/json", authorization: `Bearer ${token(BENCH_SHOP)}` };
      const rows: BenchRow[] = [];
      for (const [label, search] of [...QUERIES, ["no search (by last order)", null] as [string, null]]) {
        const body = graphqlBody(LIST, { search });
        const probe = (await (await fetch(stack.graphqlUrl, { method: "POST", headers, body })).json()) as {
          data?: { clients: { totalCount: number } };
          errors?: unknown;
        };
        if (!probe.data) throw new Error(`clients failed: ${JSON.stringify(probe.errors)}`);
        await load({ url: stack.graphqlUrl, connections: 1, durationSeconds: 2, headers, body });
        const result = await load({ url: stack.graphqlUrl, connections: 1, durationSeconds: 6, headers, body });
        rows.push({
          scenario: `clients(search: ${search === null ? "none" : JSON.stringify(search)}, first: 20) + totalCount, ${CLIENTS} clients, router, 1 conn (${label})`,
          p50: result.p50,
          p99: result.p99,
          rps: result.rps,
          target: "p50 ≤ 15 ms",
          met: result.p50 <= 15 && result.errors + result.non2xx === 0,
          notes: `${probe.data.clients.totalCount} matches; errors ${result.errors + result.non2xx}`,
        });
      }
      return rows;
    } finally {
      await removeClients(databaseUrl);
    }
  },
};
