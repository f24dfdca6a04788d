import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../../test/harness";

/**
 * The client base through the router: search by any part of a name or phone, the two sorts,
 * lifetime figures kept in step with orders (created, re-priced, cancelled), notes and tags,
 * roles, bad input and tenancy.
 */
let t: TestStack;
let productId: string;
beforeAll(async () => {
  t = await startTestStack();
  const result = await t.graphql(`{ products(first: 1, enabled: true) { edges { node { id } } } }`);
  productId = result.data.products.edges[0].node.id;
});
afterAll(() => t?.stop());

const LIST = `query($search: String, $sort: ClientSort, $first: Int, $after: String, $tag: String) {
  clients(search: $search, sort: $sort, first: $first, after: $after, tag: $tag) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id name phone notes tags orderCount totalSpent lastOrderAt } }
  }
}`;
const UPDATE = `mutation($id: ID!, $input: UpdateClientProfileInput!) { updateClientProfile(id: $id, input: $input) { id name notes tags } }`;
const codeOf = (result: { errors?: { extensions?: Record<string, any> }[] }) => result.errors?.[0]?.extensions?.code;
const fieldOf = (result: { errors?: { extensions?: Record<string, any> }[] }) => result.errors?.[0]?.extensions?.field;

async function list(variables: Record<string, unknown>, token = t.token(PROD_SHOP)) {
  const result = await t.graphql(LIST, variables, { token });
  expect(result.errors).toBeUndefined();
  return result.data.clients;
}
const phonesOf = (page: any) => page.edges.map((e: any) => e.node.phone);

async function order(phone: string, name: string | null, quantity = 1) {
  const result = await t.graphql(
    `mutation($input: CreateOrderInput!) { createOrder(input: $input) { id total customer { id } } }`,
    { input: { items: [{ productId, quantity }], customer: { name, phone }, deliveryAddress: "Алматы" } },
  );
  expect(result.errors).toBeUndefined();
  return result.data.createOrder;
}

describe("search", () => {
  beforeAll(async () => {
    await order("+7 701 123 45 67", "Зейнегуль Серикбаева");
    await order("+7 702 765 43 21", "ЖАНАРГУЛЬ Темирбекова");
    // the other shop's client with a matching name and phone must never show
    await t.ownerQuery(
      "insert into client_profile (shop_id, phone, name) values ($1, '+77011234599', 'Зейнегуль Чужая')",
      [DEV_SHOP],
    );
  });

  it.each([
    ["a part of the first name in another case", "зейнег", ["+77011234567"]],
    ["a part of a word in capitals", "ТЕМИРБЕК", ["+77027654321"]],
    ["the whole phone in national form", "8 701 123-45-67", ["+77011234567"]],
    ["the international prefix", "+7701123", ["+77011234567"]],
    ["a middle part written with dashes", "123-45", ["+77011234567"]],
    ["a national prefix alone", "8 702", ["+77027654321"]],
  ])("finds by %s", async (_name, search, phones) => {
    const page = await list({ search });
    expect(phonesOf(page)).toEqual(phones);
    expect(page.totalCount).toBe(phones.length);
  });

  it("a LIKE pattern is text, not a wildcard", async () => {
    expect((await list({ search: "%" })).totalCount).toBe(0);
    expect((await list({ search: "_" })).totalCount).toBe(0);
  });

  it("another shop's clients are invisible, in search and by id", async () => {
    const theirs = (
      await t.ownerQuery("select id from client_profile where shop_id = $1 and name = 'Зейнегуль Чужая'", [DEV_SHOP])
    ).rows[0].id;
    expect(phonesOf(await list({ search: "Чужая" }))).toEqual([]);
    const update = await t.graphql(UPDATE, { id: String(theirs), input: { notes: "взлом" } });
    expect(codeOf(update)).toBe("NOT_FOUND");
    expect((await t.ownerQuery("select notes from client_profile where id = $1", [theirs])).rows[0].notes).toBeNull();
    const devPage = await list({ search: "Зейнегуль" }, t.token(DEV_SHOP));
    expect(phonesOf(devPage)).toEqual(["+77011234599"]);
  });
});

describe("figures and sorting", () => {
  it("keeps order count, spending and last order in step with orders created, re-priced and cancelled", async () => {
    const first = await order("+7 705 000 00 01", "Спендер", 3);
    const second = await order("+7 705 000 00 01", null, 1);
    const read = async () => (await list({ search: "7050000001" })).edges[0].node;
    expect(await read()).toMatchObject({ orderCount: 2, totalSpent: first.total + second.total });
    await t.ownerQuery(`update "order" set total = total + 100000 where id = $1`, [second.id]);
    expect((await read()).totalSpent).toBe(first.total + second.total + 100000);
    const cancel = await t.graphql(`mutation($id: ID!) { updateOrderStatus(id: $id, status: CANCELLED) { id } }`, {
      id: first.id,
    });
    expect(cancel.errors).toBeUndefined();
    expect(await read()).toMatchObject({ orderCount: 2, totalSpent: second.total + 100000 });
    // the stored figures equal a straight sum over the orders, for every client of the shop
    const { rows } = await t.ownerQuery(
      `select c.id from client_profile c left join "order" o on o.client_id = c.id
       group by c.id, c.order_count, c.total_spent, c.last_order_at
       having c.order_count <> count(o.id) or c.total_spent <> coalesce(sum(o.total) filter (where o.status <> 'CANCELLED'), 0)
           or c.last_order_at is distinct from max(o.created_at)`,
    );
    expect(rows).toEqual([]);
  });

  it("adds the orders of one statement to their clients' figures (as the order webhook's batch writes them)", async () => {
    const first = await order("+7 705 000 00 02", "Пакетный", 1);
    const other = await order("+7 705 000 00 03", "Второй", 1);
    const clientOf = async (id: string) =>
      (await t.ownerQuery(`select client_id from "order" where id = $1`, [id])).rows[0].client_id;
    const [a, b] = [await clientOf(first.id), await clientOf(other.id)];
    await t.ownerQuery(
      `insert into "order" (shop_id, status, total, client_id, created_at, updated_at)
       values ($1, 'NEW', 1000, $2, now() + interval '1 hour', now()), ($1, 'CANCELLED', 500, $2, now(), now()),
              ($1, 'NEW', 700, $3, now() - interval '1 day', now()), ($1, 'NEW', 300, $2, now(), now())`,
      [PROD_SHOP, a, b],
    );
    const figures = await t.ownerQuery(
      `select id, order_count, total_spent::int as total_spent, last_order_at from client_profile where id = any($1) order by id`,
      [[a, b]],
    );
    const expected = await t.ownerQuery(
      `select client_id as id, count(*)::int as order_count,
              coalesce(sum(total) filter (where status <> 'CANCELLED'), 0)::int as total_spent, max(created_at) as last_order_at
       from "order" where client_id = any($1) group by client_id order by client_id`,
      [[a, b]],
    );
    expect(figures.rows).toEqual(expected.rows);
    expect(figures.rows.find((row) => row.id === a)).toMatchObject({
      order_count: 4,
      total_spent: first.total + 1000 + 300,
    });
  });

  it("sorts by total spent and by last order, and pages through either with cursors", async () => {
    for (const sort of ["TOTAL_SPENT", "LAST_ORDER"]) {
      const seen: any[] = [];
      let after: string | null = null;
      do {
        const page: any = await list({ sort, first: 7, after });
        seen.push(...page.edges.map((e: any) => e.node));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      const total = (
        await t.ownerQuery("select count(*)::int as n from client_profile where shop_id = $1", [PROD_SHOP])
      ).rows[0].n;
      expect(seen).toHaveLength(total);
      expect(new Set(seen.map((c) => c.id)).size).toBe(total);
      const keys = seen.map((c) =>
        sort === "TOTAL_SPENT" ? c.totalSpent : c.lastOrderAt ? Date.parse(c.lastOrderAt) : -Infinity,
      );
      expect(keys).toEqual([...keys].sort((a, b) => b - a));
    }
  });
});

describe("notes and tags", () => {
  it("a MANAGER sets notes and tags; the list filters by tag; FLORIST and COURIER may not", async () => {
    const client = (await list({ search: "Серикбаева" })).edges[0].node;
    const manager = t.token(PROD_SHOP, "MANAGER");
    const updated = await t.graphql(
      UPDATE,
      { id: client.id, input: { notes: " аллергия на лилии ", tags: ["VIP", " VIP", "постоянная"] } },
      { token: manager },
    );
    expect(updated.data.updateClientProfile).toEqual({
      id: client.id,
      name: "Зейнегуль Серикбаева",
      notes: "аллергия на лилии",
      tags: ["VIP", "постоянная"],
    });
    expect(phonesOf(await list({ tag: "VIP" }))).toEqual([client.phone]);
    const cleared = await t.graphql(UPDATE, { id: client.id, input: { notes: "" } }, { token: manager });
    expect(cleared.data.updateClientProfile).toMatchObject({ notes: null, tags: ["VIP", "постоянная"] });
    for (const role of ["FLORIST", "COURIER"] as const) {
      expect(
        codeOf(await t.graphql(UPDATE, { id: client.id, input: { notes: "x" } }, { token: t.token(PROD_SHOP, role) })),
      ).toBe("FORBIDDEN");
      expect(codeOf(await t.graphql(LIST, {}, { token: t.token(PROD_SHOP, role) }))).toBe("FORBIDDEN");
    }
  });

  it.each([
    ["too many tags", { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, "input.tags"],
    ["an empty tag", { tags: ["VIP", "  "] }, "input.tags[1]"],
    ["notes of 2001 characters", { notes: "x".repeat(2001) }, "input.notes"],
    ["a cleared name", { name: null }, "input.name"],
  ])("refuses %s naming the field; nothing changes", async (_name, input, field) => {
    const client = (await list({ search: "Темирбекова" })).edges[0].node;
    const result = await t.graphql(UPDATE, { id: client.id, input });
    expect([codeOf(result), fieldOf(result)]).toEqual(["BAD_USER_INPUT", field]);
    expect((await list({ search: "Темирбекова" })).edges[0].node).toEqual(client);
  });

  it("refuses a search of 101 characters and a cursor it did not make", async () => {
    const long = await t.graphql(LIST, { search: "а".repeat(101) });
    expect([codeOf(long), fieldOf(long)]).toEqual(["BAD_USER_INPUT", "search"]);
    const cursor = await t.graphql(LIST, { after: "bm90LWEtY3Vyc29y" });
    expect([codeOf(cursor), fieldOf(cursor)]).toEqual(["BAD_USER_INPUT", "after"]);
  });
});
