/**
 * A field a role may not read is not searchable, filterable or sortable by that role: no oracle
 * that finds a recipient's phone digit by digit. Generated from the supergraph and
 * core/argument-permissions.ts: every argument must be classified there, and every gated field of
 * FIELD_PERMISSIONS that holds a value one could search for is seeded with a unique value, then
 * looked for through every text search, filter and lookup of the API by every role without the
 * permission (never found) and through the arguments that read it by a role with it (found).
 */
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
} from "graphql";
import { startTestStack, PROD_SHOP, type TestStack } from "../harness";
import { ROLES, type Role } from "../../core/auth";
import { can, FIELD_PERMISSIONS, type Permission } from "../../core/permissions";
import { ARGUMENT_READS, checkArgument, fieldsRead, mayMatch } from "../../core/argument-permissions";
import { apiSchema } from "./schema-probe";

const schema = apiSchema();

interface SchemaArgument {
  coordinate: string;
  parent: string;
  field: GraphQLField<unknown, unknown>;
  argument: GraphQLArgument;
}

/** Every argument of every field the API reads with (mutations are writes, not searches). */
function schemaArguments(): SchemaArgument[] {
  const mutation = schema.getMutationType()?.name;
  return Object.values(schema.getTypeMap())
    .filter((type) => isObjectType(type) && !type.name.startsWith("__") && type.name !== mutation)
    .flatMap((type) =>
      Object.values((type as import("graphql").GraphQLObjectType).getFields()).flatMap((field) =>
        field.args.map((argument) => ({
          coordinate: `${type.name}.${field.name}.${argument.name}`,
          parent: type.name,
          field,
          argument,
        })),
      ),
    );
}

const ARGUMENTS = schemaArguments();

/**
 * Gated fields and the unique values seeded for them; `part` is what a search is given, `whole`
 * what a filter or lookup is given. The entity is what would be found.
 */
interface Probe {
  entity: string;
  id: string;
  values: string[];
  part: string;
  whole: string;
}
const probes: Record<string, Probe> = {};

/** FIELD_PERMISSIONS entries without a value of their own to look for, and why. */
const NO_SEARCHABLE_VALUE: Record<string, string> = {
  "Query.clientProfile":
    "a root field: its argument (phone) is behind the field's own gate, probed as ClientProfile.phone",
  "Query.bitrixSyncQueue": "a root field: its arguments are behind the field's own gate",
  "Query.users": "a root field: its arguments are behind the field's own gate",
  "Query.clients": "a root field: its arguments are behind the field's own gate, probed as ClientProfile.phone",
  "Query.shopStats": "a root field: aggregates, its arguments are dates behind the field's own gate",
  "ClientProfileEdge.node": "the client itself; its values are probed as ClientProfile.phone and Order.customer",
  "Product.bitrixSync":
    "the sync's state: only bitrixSyncQueue(state) filters by it, checked below as a gated non-text argument",
};

const CUSTOMER = { name: "Пробаклиентовна", phone: "+77019384756", part: "9384756" };
const RECIPIENT = { name: "Получатель Проба", phone: "+77052837461", part: "2837461" };
const ITEM_COST = 7391573;
const OPERATION_COST = 8462957;

let t: TestStack;
const tokenOf = (role: Role) => t.token(PROD_SHOP, role);

async function seedProbes() {
  const admin = { token: tokenOf("ADMIN") };
  const { rows } = await t.ownerQuery(`select id from product where shop_id = $1 and archived_at is null limit 1`, [
    PROD_SHOP,
  ]);
  const created = await t.graphql(
    `mutation($input: CreateOrderInput!) { createOrder(input: $input) { id customer { id } } }`,
    {
      input: {
        items: [{ productId: String(rows[0].id), quantity: 1 }],
        customer: { name: CUSTOMER.name, phone: CUSTOMER.phone },
        recipient: { name: RECIPIENT.name, phone: RECIPIENT.phone },
      },
    },
    admin,
  );
  expect(created.errors).toBeUndefined();
  const order = created.data.createOrder;
  probes["Order.recipientPhone"] = {
    entity: "Order",
    id: order.id,
    values: [RECIPIENT.part, RECIPIENT.phone],
    part: RECIPIENT.part,
    whole: RECIPIENT.phone,
  };
  const customerValues = [CUSTOMER.part, CUSTOMER.phone, CUSTOMER.name];
  probes["Order.customer"] = { entity: "Order", id: order.id, values: customerValues, ...phoneForms(CUSTOMER) };
  probes["ClientProfile.phone"] = {
    entity: "ClientProfile",
    id: order.customer.id,
    values: customerValues,
    ...phoneForms(CUSTOMER),
  };
  const item = await t.graphql(
    `mutation { createWarehouseItem(input: { name: "Пробный мох", unit: STEM, costPerUnit: ${ITEM_COST} }) { id } }`,
    {},
    admin,
  );
  const itemId = item.data.createWarehouseItem.id;
  probes["WarehouseItem.costPerUnit"] = costProbe("WarehouseItem", itemId, ITEM_COST);
  const received = await t.graphql(
    `mutation { receiveStock(input: { itemId: "${itemId}", quantity: 1, costPerUnit: ${OPERATION_COST} }) { id } }`,
    {},
    admin,
  );
  probes["WarehouseOperation.costPerUnit"] = costProbe(
    "WarehouseOperation",
    received.data.receiveStock.id,
    OPERATION_COST,
  );
}

const phoneForms = (person: { phone: string; part: string }) => ({ part: person.part, whole: person.phone });
const costProbe = (entity: string, id: string, cost: number): Probe => ({
  entity,
  id,
  values: [String(cost), String(cost / 100)],
  part: String(cost),
  whole: String(cost),
});

beforeAll(async () => {
  t = await startTestStack();
  await seedProbes();
  // the values are unique to the probe: nothing else of the shop holds them
  const { rows } = await t.ownerQuery(
    `select count(*)::int as n from "order" where recipient_phone like '%' || $1 || '%' or bitrix_order_id in ($1::int, $2::int)`,
    [RECIPIENT.part, CUSTOMER.part],
  );
  expect(rows[0].n).toBe(1);
});
afterAll(() => t?.stop());

describe("the argument map covers the schema", () => {
  it("every argument of every field is classified in ARGUMENT_READS, and nothing else is", () => {
    const inSchema = ARGUMENTS.map((a) => a.coordinate);
    expect(inSchema.filter((c) => !(c in ARGUMENT_READS))).toEqual([]);
    expect(Object.keys(ARGUMENT_READS).filter((c) => !inSchema.includes(c))).toEqual([]);
  });

  it("every field the map names exists, and a sort lists exactly its enum's values", () => {
    const unknown = Object.keys(ARGUMENT_READS)
      .flatMap((argument) => fieldsRead(argument))
      .filter((coordinate) => {
        const [typeName, fieldName] = coordinate.split(".");
        const type = schema.getType(typeName);
        return !(type && isObjectType(type) && fieldName in type.getFields());
      });
    expect(unknown).toEqual([]);
    for (const { coordinate, argument } of ARGUMENTS) {
      const use = ARGUMENT_READS[coordinate];
      const type = getNamedType(argument.type);
      if (use?.kind === "sort") {
        expect({ coordinate, values: Object.keys(use.byValue).sort() }).toEqual({
          coordinate,
          values: isEnumType(type)
            ? type
                .getValues()
                .map((v) => v.name)
                .sort()
            : "not an enum",
        });
      }
    }
  });

  it("every gated field is probed below or says why it holds no value to search for", () => {
    const unclassified = Object.keys(FIELD_PERMISSIONS).filter(
      (field) => !(field in probes) && !(field in NO_SEARCHABLE_VALUE),
    );
    expect(unclassified).toEqual([]);
  });

  it("a service may match only a field the map says its argument reads; a filter on a gated field is refused", () => {
    expect(mayMatch("MANAGER", "Query.orders.search", "Order.recipientPhone")).toBe(true);
    expect(mayMatch("FLORIST", "Query.orders.search", "Order.recipientPhone")).toBe(false);
    expect(() => mayMatch("ADMIN", "Query.orders.search", "Order.comment")).toThrow(/does not read Order.comment/);
    const florist = { userId: "1", shopId: PROD_SHOP, role: "FLORIST" as const };
    expect(() => checkArgument(florist, "Query.orders.customerPhone", "+77011234567")).toThrow(/customerPhone/);
    expect(() => checkArgument(florist, "Query.orders.status", ["NEW"])).not.toThrow();
  });
});

/** The roles without a permission, and whether any exist. */
const rolesWithout = (permission: Permission) => ROLES.filter((role) => !can(role, permission));

/** A harmless value for an argument not under test. */
function placeholder(type: GraphQLInputType): unknown {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) return [placeholder(nullable.ofType)];
  if (isEnumType(nullable)) return nullable.getValues()[0].name;
  if (isInputObjectType(nullable)) return {};
  return { ID: "1", Int: 1, Boolean: true, Date: "2026-12-01", DateTime: "2026-12-01T00:00:00Z" }[nullable.name] ?? "x";
}

/** `{ __typename id }` of what a field returns, through connections' edges. */
function selectionOf(type: GraphQLNamedType): string {
  if (!isObjectType(type)) return "";
  const fields = type.getFields();
  const edge = fields.edges && getNamedType(fields.edges.type);
  if (edge && isObjectType(edge)) return `{ edges { node ${selectionOf(getNamedType(edge.getFields().node.type))} } }`;
  const nested = ["order", "item"].filter((name) => fields[name] && isObjectType(getNamedType(fields[name].type)));
  return `{ __typename ${fields.id ? "id" : ""} ${nested.map((name) => `${name} { __typename id }`).join(" ")} }`;
}

/** The query sending `value` in one argument of a root field (first: 100 where there is one). */
function operationFor({ field, argument }: SchemaArgument, value: unknown) {
  const others = field.args.filter((a) => a !== argument && (isNonNullType(a.type) || a.name === "first"));
  const variables: Record<string, unknown> = { v: value };
  for (const other of others) variables[other.name] = other.name === "first" ? 100 : placeholder(other.type);
  const definitions = [`$v: ${argument.type}`, ...others.map((a) => `$${a.name}: ${a.type}`)].join(", ");
  const uses = [`${argument.name}: $v`, ...others.map((a) => `${a.name}: $${a.name}`)].join(", ");
  return {
    query: `query Probe(${definitions}) { ${field.name}(${uses}) ${selectionOf(getNamedType(field.type))} }`,
    variables,
  };
}

/** Every `{ __typename, id }` in an answer. */
function entitiesIn(data: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(data)) data.forEach((item) => entitiesIn(item, found));
  else if (data && typeof data === "object") {
    const record = data as Record<string, unknown>;
    if (typeof record.__typename === "string" && record.id) found.add(`${record.__typename}:${record.id}`);
    Object.values(record).forEach((value) => entitiesIn(value, found));
  }
  return found;
}

async function lookFor(argument: SchemaArgument, value: string, role: Role, probe: Probe) {
  const { query, variables } = operationFor(argument, value);
  const answer = await t.graphql(query, variables, { token: tokenOf(role) });
  expect(answer.status).toBeLessThan(500);
  const codes = (answer.errors ?? []).map((e) => e.extensions?.code);
  expect(codes.filter((code) => !["FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND"].includes(code))).toEqual([]);
  return { found: entitiesIn(answer.data).has(`${probe.entity}:${probe.id}`), codes };
}

const rootTextArguments = () =>
  ARGUMENTS.filter(
    (a) =>
      a.parent === schema.getQueryType()!.name &&
      ARGUMENT_READS[a.coordinate]?.kind !== "page" &&
      getNamedType(a.argument.type).name === "String",
  );

describe("a gated field's value cannot be found by a role that may not read it", () => {
  it("every text search, filter and lookup, with every probe value, by every role without the permission", async () => {
    const attempts: string[] = [];
    const leaks: string[] = [];
    for (const [gated, probe] of Object.entries(probes)) {
      for (const role of rolesWithout(FIELD_PERMISSIONS[gated])) {
        for (const argument of rootTextArguments()) {
          for (const value of probe.values) {
            attempts.push(`${argument.coordinate} ${gated} ${role}`);
            if ((await lookFor(argument, value, role, probe)).found)
              leaks.push(`${role} found ${gated} through ${argument.coordinate}: "${value}"`);
          }
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(attempts.length).toBeGreaterThan(20);
  });

  it("the same arguments do find it for a role with the permission (the probe can find what it looks for)", async () => {
    const found: string[] = [];
    for (const [gated, probe] of Object.entries(probes)) {
      for (const argument of rootTextArguments().filter((a) => fieldsRead(a.coordinate).includes(gated))) {
        const value = ARGUMENT_READS[argument.coordinate].kind === "search" ? probe.part : probe.whole;
        const role = (["MANAGER", "ADMIN"] as const).find((r) => can(r, FIELD_PERMISSIONS[gated]))!;
        const answer = await lookFor(argument, value, role, probe);
        expect({ argument: argument.coordinate, gated, role, ...answer }).toMatchObject({ found: true });
        found.push(`${argument.coordinate}/${gated}`);
      }
    }
    // the phone oracle's own path and the customer's are among them
    expect(found).toEqual(
      expect.arrayContaining([
        "Query.orders.search/Order.recipientPhone",
        "Query.orders.customerPhone/Order.customer",
        "Query.clients.search/ClientProfile.phone",
        "Query.clientProfile.phone/ClientProfile.phone",
      ]),
    );
  });

  it("a search still works for a florist on what a florist may read (the recipient's name)", async () => {
    const orders = ARGUMENTS.find((a) => a.coordinate === "Query.orders.search")!;
    const byName = await lookFor(orders, "Проба", "FLORIST", probes["Order.recipientPhone"]);
    expect(byName).toEqual({ found: true, codes: [] });
  });

  it("every other argument reading a gated field (sorts, non-text filters, nested fields) is refused to a role without it", async () => {
    const unprobed: string[] = [];
    let refused = 0;
    for (const argument of ARGUMENTS) {
      const use = ARGUMENT_READS[argument.coordinate];
      if (use.kind === "page") continue;
      const textArgument = rootTextArguments().includes(argument);
      const values = use.kind === "sort" ? Object.keys(use.byValue) : [undefined];
      for (const value of values) {
        for (const gated of fieldsRead(argument.coordinate, value).filter((f) => f in FIELD_PERMISSIONS)) {
          if (textArgument) continue;
          if (argument.parent !== schema.getQueryType()!.name) {
            unprobed.push(`${argument.coordinate} reads ${gated}: add a probe for it here`);
            continue;
          }
          for (const role of rolesWithout(FIELD_PERMISSIONS[gated])) {
            const { query, variables } = operationFor(argument, value ?? placeholder(argument.argument.type));
            const answer = await t.graphql(query, variables, { token: tokenOf(role) });
            expect({
              argument: argument.coordinate,
              role,
              codes: answer.errors?.map((e) => e.extensions?.code),
            }).toEqual({
              argument: argument.coordinate,
              role,
              codes: ["FORBIDDEN"],
            });
            refused += 1;
          }
        }
      }
    }
    expect(unprobed).toEqual([]);
    expect(refused).toBeGreaterThan(0);
  });
});
