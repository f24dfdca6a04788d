import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../harness";
import { signViewer } from "../../core/subgraph-signature";

/**
 * A shop 8 token must not see shop 17008's rows: by id, in a list, by Bitrix id, or through
 * an entity reference resolved by a subgraph (`_entities`, as the router would forward it).
 */
let t: TestStack;
let prodProductId: string;
let prodOrderId: string;
let devProductId: string;

beforeAll(async () => {
  t = await startTestStack();
  const { rows: products } = await t.ownerQuery<{ id: number; shop_id: number }>(
    "select distinct on (shop_id) id, shop_id from product order by shop_id, id",
  );
  prodProductId = String(products.find((p) => p.shop_id === PROD_SHOP)!.id);
  devProductId = String(products.find((p) => p.shop_id === DEV_SHOP)!.id);
  const { rows: orders } = await t.ownerQuery<{ id: number }>(
    'select id from "order" where shop_id = $1 order by id limit 1',
    [PROD_SHOP],
  );
  prodOrderId = String(orders[0].id);
});
afterAll(() => t?.stop());

const devToken = () => t.token(DEV_SHOP, "ADMIN");

async function entities(
  subgraph: "catalog" | "orders" | "warehouse",
  shopId: number,
  representations: object[],
  selection: string,
) {
  const response = await fetch(t.stack.subgraphs[subgraph].url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...signViewer({ userId: "u", shopId, role: "ADMIN" }, "test", t.config.subgraphSecret),
    },
    body: JSON.stringify({
      query: `query($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`,
      variables: { r: representations },
    }),
  });
  return (await response.json()) as { data?: { _entities: unknown[] }; errors?: unknown[] };
}

it("another shop's product and order by id are null", async () => {
  const result = await t.graphql(
    `query($p: ID!, $o: ID!) { product(id: $p) { id name } order(id: $o) { id } }`,
    { p: prodProductId, o: prodOrderId },
    { token: devToken() },
  );
  expect(result.errors).toBeUndefined();
  expect(result.data).toEqual({ product: null, order: null });
  // the same ids resolve for their own shop, so the null above is tenancy, not a bad id
  const own = await t.graphql(`query($p: ID!, $o: ID!) { product(id: $p) { id } order(id: $o) { id } }`, {
    p: prodProductId,
    o: prodOrderId,
  });
  expect(own.data).toEqual({ product: { id: prodProductId }, order: { id: prodOrderId } });
});

it("another shop's order by Bitrix id is null", async () => {
  const own = await t.graphql(`{ orderByBitrixId(bitrixOrderId: 120005) { id bitrixOrderId } }`);
  expect(own.data.orderByBitrixId).toMatchObject({ bitrixOrderId: 120005 });
  const other = await t.graphql(`{ orderByBitrixId(bitrixOrderId: 120005) { id } }`, {}, { token: devToken() });
  expect(other.errors).toBeUndefined();
  expect(other.data.orderByBitrixId).toBeNull();
});

it("lists hold only the caller's shop, all pages, with the right totals", async () => {
  const { rows } = await t.ownerQuery<{ products: string; orders: string; items: string }>(
    `select (select count(*) from product where shop_id = $1 and archived_at is null) as products,
            (select count(*) from "order" where shop_id = $1) as orders,
            (select count(*) from warehouse_item where shop_id = $1) as items`,
    [DEV_SHOP],
  );
  const seen = new Set<string>();
  let after: string | null = null;
  let total = 0;
  do {
    const page: any = await t.graphql(
      `query($after: String) { products(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
      { after },
      { token: devToken() },
    );
    total = page.data.products.totalCount;
    for (const edge of page.data.products.edges) seen.add(edge.node.id);
    after = page.data.products.pageInfo.hasNextPage ? page.data.products.pageInfo.endCursor : null;
  } while (after);
  expect(total).toBe(Number(rows[0].products));
  expect(seen.size).toBe(total);
  const { rows: owned } = await t.ownerQuery<{ id: number }>("select id from product where shop_id = $1", [DEV_SHOP]);
  const ownedIds = new Set(owned.map((r) => String(r.id)));
  expect([...seen].every((id) => ownedIds.has(id))).toBe(true);
  expect(seen.has(prodProductId)).toBe(false);

  const orders = await t.graphql(
    `{ orders(first: 100) { totalCount edges { node { id } } } warehouseItems(first: 100) { totalCount } }`,
    {},
    { token: devToken() },
  );
  expect(orders.data.orders.totalCount).toBe(Number(rows[0].orders));
  expect(orders.data.warehouseItems.totalCount).toBe(Number(rows[0].items));
  expect(orders.data.orders.edges.map((e: any) => e.node.id)).not.toContain(prodOrderId);
});

it("entity references of another shop resolve to null in catalog and orders", async () => {
  const products = await entities(
    "catalog",
    DEV_SHOP,
    [
      { __typename: "Product", id: prodProductId },
      { __typename: "Product", id: devProductId },
    ],
    "... on Product { id name }",
  );
  expect(products.errors).toBeUndefined();
  expect(products.data!._entities).toEqual([null, { id: devProductId, name: expect.any(String) }]);
  const orders = await entities(
    "orders",
    DEV_SHOP,
    [{ __typename: "Order", id: prodOrderId }],
    "... on Order { id status }",
  );
  expect(orders.data!._entities).toEqual([null]);
});

it("the warehouse computes stock of another shop's product from the caller's shelves only", async () => {
  const own = await entities(
    "warehouse",
    PROD_SHOP,
    [{ __typename: "Product", id: prodProductId }],
    "... on Product { stock }",
  );
  expect((own.data!._entities[0] as { stock: number }).stock).toBeGreaterThan(0);
  const other = await entities(
    "warehouse",
    DEV_SHOP,
    [{ __typename: "Product", id: prodProductId }],
    "... on Product { stock }",
  );
  expect(other.data!._entities).toEqual([{ stock: 0 }]);
});

it("a shop's order items resolve products of that shop only", async () => {
  const result = await t.graphql(
    `{ orders(first: 30) { edges { node { items { product { id name } } } } } }`,
    {},
    { token: devToken() },
  );
  expect(result.errors).toBeUndefined();
  const ids = result.data.orders.edges.flatMap((e: any) => e.node.items.map((i: any) => Number(i.product.id)));
  const { rows } = await t.ownerQuery<{ n: string }>(
    "select count(*) as n from product where id = any($1::int[]) and shop_id <> $2",
    [ids, DEV_SHOP],
  );
  expect(ids.length).toBeGreaterThan(0);
  expect(Number(rows[0].n)).toBe(0);
});
