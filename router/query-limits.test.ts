import { getOperationAST, parse } from "graphql";
import { apiSchema } from "../test/security/schema-probe";
import { BOARD_QUERY } from "../bench/scenarios/01-board-query";
import { exceededLimit, measureOperation, QUERY_LIMITS } from "./query-limits";

const schema = apiSchema();
const measure = (query: string, variables: Record<string, unknown> = {}, ignoreIntrospection = true) => {
  const document = parse(query);
  return measureOperation(document, getOperationAST(document)!, { schema, variables, ignoreIntrospection });
};

describe("measureOperation", () => {
  it("measures the board query: depth 6, cost 1 + 50 × (edge + node + 10 items × 2 + 10 history)", () => {
    expect(measure(BOARD_QUERY)).toEqual({
      depth: 6,
      aliases: 0,
      rootFields: 1,
      fields: 12,
      cost: 1 + 50 * (1 + 1 + 10 * 2 + 10),
    });
    expect(exceededLimit(measure(BOARD_QUERY))).toBeNull();
  });

  it("weights a connection by its page size, from a literal or a variable, default 20", () => {
    const query = `query($n: Int) { products(first: $n) { edges { node { id images { url } } } } }`;
    expect(measure(query, { n: 100 }).cost).toBe(1 + 100 * (1 + 1 + 10));
    expect(measure(query, {}).cost).toBe(1 + 20 * (1 + 1 + 10));
    expect(measure(`{ products(first: 5) { totalCount } }`).cost).toBe(1);
  });

  it("takes a variable's default when the request leaves it out (issue 17 row 5)", () => {
    const nested = (n: string) =>
      `query${n} { orders(first: $n) { edges { node { customer { orders(first: $n) { edges { node { id } } } } } } } }`;
    const literal = measure(nested("").replace("query", "").replaceAll("$n", "100")).cost;
    expect(measure(nested("($n: Int = 100)")).cost).toBe(literal);
    expect(exceededLimit(measure(nested("($n: Int = 100)")))?.limit).toBe("cost");
    // a value given wins over the default
    expect(measure(nested("($n: Int = 100)"), { n: 2 }).cost).toBe(measure(nested("($n: Int)"), { n: 2 }).cost);
  });

  it("counts aliases inside introspection even when introspection itself is left out (issue 17 row 9)", () => {
    const aliased = `{ __schema { ${Array.from({ length: 50 }, (_, i) => `t${i}: types { name }`).join(" ")} } }`;
    expect(measure(aliased, {}, true).aliases).toBe(50);
    expect(exceededLimit(measure(aliased, {}, true))?.limit).toBe("aliases");
  });

  it("counts through fragments and inline fragments, once per use", () => {
    const query = `
      query { a: orders(first: 2) { ...O } b: orders(first: 2) { ...O } }
      fragment O on OrderConnection { edges { node { ... on Order { x: id history { id } } } } }`;
    expect(measure(query)).toMatchObject({ depth: 5, aliases: 4, rootFields: 2 });
    expect(measure(query).cost).toBe(2 * (1 + 2 * (1 + 1 + 10)));
  });

  it("does not blow up on nested fragment spreads (a fragment bomb) and stops at cycles", () => {
    let query = "query { ...F0 }\n";
    for (let i = 0; i < 30; i++) query += `fragment F${i} on Query { shop { id } ...F${i + 1} ...F${i + 1} }\n`;
    query += "fragment F30 on Query { __typename }";
    const started = Date.now();
    const result = measure(query);
    expect(Date.now() - started).toBeLessThan(500);
    expect(result.fields).toBeGreaterThan(QUERY_LIMITS.fields);
    const cyclic = measure(`query { ...A } fragment A on Query { shop { id } ...B } fragment B on Query { ...A }`);
    expect(cyclic.depth).toBe(2);
  });

  it("leaves introspection out when it is allowed, counts it otherwise", () => {
    const query = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }`;
    expect(measure(query, {}, true).depth).toBe(0);
    expect(measure(query, {}, false).depth).toBe(11);
  });

  it.each([
    [
      "nothing for a 7-deep product image query",
      `{ orders { edges { node { items { product { images { url } } } } } } }`,
      null,
    ],
    ["aliases", `{ shop { ${Array.from({ length: 31 }, (_, i) => `a${i}: id`).join(" ")} } }`, "aliases"],
    [
      "rootFields",
      `{ shop { id } me { id } orders { totalCount } products { totalCount } warehouseItems { totalCount } ${Array.from({ length: 11 }, (_, i) => `s${i}: shop { id }`).join(" ")} }`,
      "rootFields",
    ],
    ["cost", `{ orders(first: 100) { edges { node { items { product { images { url } } } } } } }`, "cost"],
    ["fields", `{ shop { ${Array.from({ length: 501 }, () => "id").join(" ")} } }`, "fields"],
  ])("names the limit a query exceeds: %s", (_name, query, limit) => {
    expect(exceededLimit(measure(query))?.limit ?? null).toBe(limit);
  });

  it("a deep query is refused for depth, with a message naming the limit", () => {
    const deep = `{ orders { edges { node { items { product { id } } customer { orders { edges { node { items { product { images { url } } } } } } } } } } }`;
    const exceeded = exceededLimit(measure(deep));
    expect(exceeded).toMatchObject({ limit: "depth", max: QUERY_LIMITS.depth, actual: 11 });
    expect(exceeded!.message).toBe("Query depth 11 exceeds the limit of 10");
  });
});
