/**
 * The role matrix end to end, driven by core/permissions.ts: every mutation of the
 * supergraph for every role, every sensitive field for every role. A mutation or a
 * sensitive-looking field added later fails here until it is classified in the matrix.
 */
import fs from "node:fs";
import path from "node:path";
import {
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
} from "graphql";
import { startTestStack, PROD_SHOP, type TestStack } from "../harness";
import { ROLES, type Role } from "../../core/auth";
import {
  can,
  FIELD_PERMISSIONS,
  MUTATION_PERMISSIONS,
  NULL_WITHOUT_PERMISSION,
  PERMISSIONS,
  PUBLIC,
  renderRoleMatrix,
  type Permission,
} from "../../core/permissions";
import { apiSchema, argumentsFor, rootOperation, type KnownValues } from "./schema-probe";
import { databaseFingerprint } from "./db-fingerprint";

const schema = apiSchema();
const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {});

let t: TestStack;
let known: KnownValues = () => undefined;
/** a COURIER sees only the orders assigned to them: the role's token is a real courier's, with orders */
let courierId: string;
const tokenOf = (role: Role) =>
  role === "COURIER" ? t.token(PROD_SHOP, role, { userId: courierId }) : t.token(PROD_SHOP, role);
beforeAll(async () => {
  t = await startTestStack();
  // real values of the caller's own shop, so an allowed role really reaches the field: a
  // customer whose order the shop's first courier carries
  const { rows } = await t.ownerQuery(
    `select c.phone, o.courier_id from client_profile c join "order" o on o.client_id = c.id
      where c.shop_id = $1 and o.courier_id = (select min(u.id) from app_user u where u.shop_id = $1 and u.role = 'COURIER') limit 1`,
    [PROD_SHOP],
  );
  courierId = String(rows[0].courier_id);
  known = (name) => (name === "phone" ? rows[0]?.phone : undefined);
});
afterAll(() => t?.stop());

describe("the matrix covers the schema", () => {
  it("every mutation of the supergraph is in MUTATION_PERMISSIONS with a known permission", () => {
    const missing = mutations.filter((name) => !(name in MUTATION_PERMISSIONS));
    expect(missing).toEqual([]);
    for (const permission of Object.values(MUTATION_PERMISSIONS)) {
      expect(permission === PUBLIC || permission in PERMISSIONS).toBe(true);
    }
  });

  it("every field about phones or costs, and every field returning a customer, is in FIELD_PERMISSIONS", () => {
    const unlisted: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__")) continue;
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        const sensitive = /phone|cost/i.test(field.name) || getNamedType(field.type).name === "ClientProfile";
        // a mutation is gated as a whole by MUTATION_PERMISSIONS, which must name a permission for it
        const gatedMutation = type.name === "Mutation" && (MUTATION_PERMISSIONS[field.name] ?? PUBLIC) !== PUBLIC;
        if (sensitive && !gatedMutation && !(coordinate in FIELD_PERMISSIONS)) unlisted.push(coordinate);
      }
    }
    expect(unlisted).toEqual([]);
  });

  it("every coordinate of FIELD_PERMISSIONS names a field of the supergraph (a rename must not drop a gate)", () => {
    const absent = Object.keys(FIELD_PERMISSIONS).filter((coordinate) => {
      const [typeName, fieldName] = coordinate.split(".");
      const type = schema.getType(typeName);
      return !isObjectType(type) || !(fieldName in type.getFields());
    });
    expect(absent).toEqual([]);
  });

  it("docs/security.md shows the matrix exactly as the code has it", () => {
    const doc = fs.readFileSync(path.resolve(__dirname, "..", "..", "docs", "security.md"), "utf8");
    expect(doc).toContain(renderRoleMatrix());
  });
});

function forbiddenByMatrix(
  errors: { message: string; extensions?: Record<string, unknown> }[] | undefined,
  permission: string,
) {
  return (errors ?? []).filter(
    (e) => e.extensions?.code === "FORBIDDEN" && e.message.includes(`may not ${permission}`),
  );
}

describe("mutations", () => {
  const cases = mutations.flatMap((mutation) => ROLES.map((role) => [mutation, role] as [string, Role]));

  it("a role without the permission is refused before anything changes", async () => {
    const before = await databaseFingerprint((sql, params) => t.ownerQuery(sql, params));
    let refused = 0;
    for (const [mutation, role] of cases) {
      const permission = MUTATION_PERMISSIONS[mutation];
      if (permission === PUBLIC || can(role, permission as Permission)) continue;
      const result = await t.graphql(
        rootOperation(schema, "mutation", mutation, known, { depth: 1 }),
        {},
        { token: t.token(PROD_SHOP, role) },
      );
      expect({
        mutation,
        role,
        data: result.data ?? null,
        forbidden: forbiddenByMatrix(result.errors, permission).length,
      }).toEqual({ mutation, role, data: null, forbidden: 1 });
      refused += 1;
    }
    expect(refused).toBeGreaterThan(0);
    expect(await databaseFingerprint((sql, params) => t.ownerQuery(sql, params))).toEqual(before);
  });

  it("a role with the permission gets past the matrix (to the service's own checks)", async () => {
    for (const [mutation, role] of cases) {
      const permission = MUTATION_PERMISSIONS[mutation];
      if (permission === PUBLIC || !can(role, permission as Permission)) continue;
      const result = await t.graphql(
        rootOperation(schema, "mutation", mutation, known, { depth: 1 }),
        {},
        { token: t.token(PROD_SHOP, role) },
      );
      expect({ mutation, role, refused: forbiddenByMatrix(result.errors, permission).map((e) => e.message) }).toEqual({
        mutation,
        role,
        refused: [],
      });
      expect(result.status).toBeLessThan(500);
    }
  });

  it("public mutations need no token", async () => {
    for (const mutation of mutations.filter((m) => MUTATION_PERMISSIONS[m] === PUBLIC)) {
      const result = await t.graphql(
        rootOperation(schema, "mutation", mutation, known, { depth: 1 }),
        {},
        { token: null },
      );
      expect(result.errors?.map((e) => e.message) ?? []).not.toContain("A valid bearer token is required");
    }
  });

  it("a mutation missing from the matrix is refused for everyone, ADMIN included", async () => {
    const saved = MUTATION_PERMISSIONS.login;
    // the router and the subgraphs run in this process and share the object
    delete MUTATION_PERMISSIONS.login;
    try {
      const result = await t.graphql(
        `mutation { login(email: "admin@cvety.kz", password: "admin-dev-password") { token } }`,
        {},
        { token: t.token(PROD_SHOP, "ADMIN") },
      );
      expect(result.errors?.[0].extensions?.code).toBe("FORBIDDEN");
      expect(result.errors?.[0].message).toMatch(/not in the role matrix/);
    } finally {
      MUTATION_PERMISSIONS.login = saved;
    }
  });
});

/**
 * The shortest way from Query to `typeName` through fields whose required arguments have
 * real values, avoiding other sensitive fields (unless they need the same permission).
 */
function pathTo(typeName: string, permission: Permission): GraphQLField<unknown, unknown>[] | null {
  const queue: { type: GraphQLObjectType; path: GraphQLField<unknown, unknown>[] }[] = [
    { type: schema.getQueryType()!, path: [] },
  ];
  const seen = new Set<string>();
  while (queue.length) {
    const { type, path } = queue.shift()!;
    if (type.name === typeName) return path;
    if (seen.has(type.name) || path.length > 6) continue;
    seen.add(type.name);
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      const gate = FIELD_PERMISSIONS[`${type.name}.${field.name}`];
      const fillable = field.args.every((a) => !isNonNullType(a.type) || known(a.name, a) !== undefined);
      if (isObjectType(named) && fillable && (gate === undefined || gate === permission))
        queue.push({ type: named, path: [...path, field] });
    }
  }
  return null;
}

function queryFor(coordinate: string): string {
  const [typeName, fieldName] = coordinate.split(".");
  const route = pathTo(typeName, FIELD_PERMISSIONS[coordinate])!;
  const target = (
    isObjectType(schema.getType(typeName)) ? (schema.getType(typeName) as GraphQLObjectType) : null
  )!.getFields()[fieldName];
  let inner = `${fieldName}${argumentsFor(target, known)}${isLeafType(getNamedType(target.type)) ? "" : " { __typename }"}`;
  for (const field of [...route].reverse())
    inner = `${field.name}${argumentsFor(field, known).replace(/first: \d+/, "first: 20")} { __typename ${inner} }`;
  return `{ ${inner} }`;
}

function valuesOf(data: unknown, fieldName: string): unknown[] {
  const found: unknown[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) {
        if (key === fieldName) found.push(child);
        walk(child);
      }
    }
  };
  walk(data);
  return found;
}

describe("sensitive fields", () => {
  const cases = Object.keys(FIELD_PERMISSIONS).flatMap((coordinate) =>
    ROLES.map((role) => [coordinate, role] as [string, Role]),
  );

  it.each(cases)("%s as %s", async (coordinate, role) => {
    const permission = FIELD_PERMISSIONS[coordinate];
    const fieldName = coordinate.split(".")[1];
    const result = await t.graphql(queryFor(coordinate), {}, { token: tokenOf(role) });
    const values = valuesOf(result.data, fieldName).filter((v) => v !== null);
    if (can(role, permission)) {
      expect(result.errors ?? []).toEqual([]);
      expect(values.length).toBeGreaterThan(0);
    } else if (NULL_WITHOUT_PERMISSION.has(coordinate)) {
      expect(result.errors ?? []).toEqual([]);
      expect(values).toEqual([]);
      expect(valuesOf(result.data, fieldName).length).toBeGreaterThan(0);
    } else {
      expect(forbiddenByMatrix(result.errors, permission).length).toBeGreaterThan(0);
      expect(values).toEqual([]);
    }
  });
});
