import { parse, type FragmentDefinitionNode, type OperationDefinitionNode } from "graphql";
import { decodeCursor, encodeCursor, pageSize, parseId, selectsField, toConnection } from "./pagination";

/** The thrown GraphQL error's extensions, or "no error". */
function extensionsOf(run: () => unknown): unknown {
  try {
    run();
    return "no error";
  } catch (error) {
    return (error as { extensions?: unknown }).extensions;
  }
}

describe("pageSize", () => {
  it("is 20 when the client asks for no size, and what it asks for from 1 to 100", () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(null)).toBe(20);
    expect(pageSize(1)).toBe(1);
    expect(pageSize(100)).toBe(100);
  });

  it.each([0, -1, 101, 1.5, Number.NaN])("refuses first: %p as BAD_USER_INPUT naming first", (first) => {
    expect(extensionsOf(() => pageSize(first))).toEqual({ code: "BAD_USER_INPUT", field: "first" });
  });
});

describe("cursors", () => {
  it("round-trip the sort key values, strings and numbers alike", () => {
    const values = ["Роза «Ред Наоми»", 42];
    const cursor = encodeCursor(values);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/); // opaque and URL-safe
    expect(decodeCursor(cursor, 2)).toEqual(values);
  });

  it("no cursor decodes to null (the first page)", () => {
    expect(decodeCursor(null, 2)).toBeNull();
    expect(decodeCursor(undefined, 2)).toBeNull();
  });

  it.each([
    ["garbage", "garbage!"],
    ["not JSON", Buffer.from("{").toString("base64url")],
    ["an object", Buffer.from('{"a":1}').toString("base64url")],
    ["the wrong number of values", encodeCursor(["a", 1, 2])],
    ["a value that is neither string nor number", Buffer.from("[null, 1]").toString("base64url")],
    ["an empty string", ""],
  ])("refuses %s as BAD_USER_INPUT naming after", (_name, cursor) => {
    expect(extensionsOf(() => decodeCursor(cursor, 2))).toEqual({ code: "BAD_USER_INPUT", field: "after" });
  });
});

describe("toConnection", () => {
  const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];

  it("the extra fetched row only says there is a next page", () => {
    const connection = toConnection(rows, 2, 7, (row) => [row.id]);
    expect(connection.edges.map((edge) => edge.node)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(connection.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor([2]) });
    expect(connection.totalCount).toBe(7);
    expect(decodeCursor(connection.edges[0].cursor, 1)).toEqual([1]);
  });

  it("a last page has no next page; an empty one no end cursor", () => {
    expect(toConnection(rows, 3, 3, (row) => [row.id]).pageInfo).toEqual({
      hasNextPage: false,
      endCursor: encodeCursor([3]),
    });
    expect(toConnection([], 3, 0, () => [0])).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
      totalCount: 0,
    });
  });
});

describe("parseId", () => {
  it.each([
    ["1", 1],
    [7, 7],
    ["2147483647", 2_147_483_647],
  ])("reads %p as %p", (id, expected) => {
    expect(parseId(id)).toBe(expected);
  });

  it.each(["0", "-1", "1.5", "abc", "", " 1", "1e3", "2147483648", "99999999999", 0, -3, 2.5])(
    "refuses %p as BAD_USER_INPUT naming the field",
    (id) => {
      expect(extensionsOf(() => parseId(id, "orderId"))).toEqual({ code: "BAD_USER_INPUT", field: "orderId" });
    },
  );

  it("quotes at most 40 characters of a bad id in the message", () => {
    try {
      parseId("x".repeat(1000));
      throw new Error("parseId accepted a bad id");
    } catch (error) {
      expect((error as Error).message).toBe(`id must be a positive integer id, got "${"x".repeat(40)}"`);
    }
  });
});

describe("selectsField", () => {
  /** the resolver info of the query's first root field */
  function infoOf(query: string) {
    const document = parse(query);
    const operation = document.definitions.find((d) => d.kind === "OperationDefinition") as OperationDefinitionNode;
    const fragments = Object.fromEntries(
      document.definitions
        .filter((d): d is FragmentDefinitionNode => d.kind === "FragmentDefinition")
        .map((d) => [d.name.value, d]),
    );
    return { fieldNodes: [operation.selectionSet.selections[0]] as any, fragments };
  }

  it.each([
    ["directly", "{ products { totalCount edges { cursor } } }", true],
    ["through an inline fragment", "{ products { ... on ProductConnection { totalCount } } }", true],
    ["through a named fragment", "{ products { ...Count } } fragment Count on ProductConnection { totalCount }", true],
    [
      "through nested fragments",
      "{ products { ...A } } fragment A on ProductConnection { ...B } fragment B on ProductConnection { totalCount }",
      true,
    ],
    ["not at all", "{ products { edges { cursor } } }", false],
    ["only deeper down, on another type", "{ products { edges { node { totalCount } } } }", false],
    [
      "not, through fragments that spread each other",
      "{ products { ...A } } fragment A on ProductConnection { ...B } fragment B on ProductConnection { ...A }",
      false,
    ],
  ])("sees totalCount selected %s: %p", (_name, query, expected) => {
    expect(selectsField(infoOf(query), "totalCount")).toBe(expected);
  });
});
