import { startTestStack, type TestStack } from "../harness";

/**
 * Every entity reference and list-of-children field is batched per request: the number of
 * SQL statements for the board query must not grow with the page size.
 */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.stop());

const BOARD = `query($first: Int!) { orders(first: $first) { edges { node { items { product { name stock } } history { newStatus } } } } }`;

async function statementsFor(first: number): Promise<{ statements: number; orders: number; items: number }> {
  await t.graphql(BOARD, { first }); // warm caches (query plans, prepared metadata) outside the count
  const before = t.stack.db.statementCount();
  const result = await t.graphql(BOARD, { first });
  const statements = t.stack.db.statementCount() - before;
  expect(result.errors).toBeUndefined();
  const edges = result.data.orders.edges;
  return { statements, orders: edges.length, items: edges.reduce((n: number, e: any) => n + e.node.items.length, 0) };
}

it("the board query's SQL statement count does not grow with the page size", async () => {
  const small = await statementsFor(5);
  const large = await statementsFor(50);
  expect(small.orders).toBe(5);
  expect(large.orders).toBe(50);
  expect(large.items).toBeGreaterThan(small.items);
  expect(large.statements).toBe(small.statements);
  // one tenant transaction per batch: list + count, items, history, products, images-free, stock
  expect(large.statements).toBeLessThanOrEqual(30);
});
