/**
 * Builds operations from the composed supergraph (schema/supergraph.graphql), so the role
 * and isolation tests cover every root field, mutation and entity that exists, including
 * the ones added after these tests were written.
 */
import fs from "node:fs";
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  Kind,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type ObjectTypeDefinitionNode,
  type StringValueNode,
  type EnumValueNode,
  type BooleanValueNode,
} from "graphql";
import { Supergraph } from "@apollo/federation-internals";
import { SUPERGRAPH_PATH } from "../../router/supergraph";

export const SUPERGRAPH_SDL = fs.readFileSync(SUPERGRAPH_PATH, "utf8");

/** The API schema clients see (what the router serves). */
export function apiSchema(): GraphQLSchema {
  return Supergraph.build(SUPERGRAPH_SDL).apiSchema().toGraphQLJSSchema();
}

/** Values known for argument names: `id` → ids, `phone` → phones, `orderId` → order ids, … */
export type KnownValues = (
  argumentName: string,
  argument: GraphQLArgument | { name: string; type: GraphQLInputType },
  returnType?: GraphQLNamedType,
) => unknown;

const PAGE = 3;

/** A literal for a value in GraphQL syntax. */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  if (typeof value === "object" && "__enum" in (value as object)) return String((value as { __enum: string }).__enum);
  return `{ ${Object.entries(value as object)
    .map(([k, v]) => `${k}: ${literal(v)}`)
    .join(", ")} }`;
}

/** A value of `type` for a required argument or input field: known values first, else a harmless default. */
export function valueFor(
  type: GraphQLInputType,
  name: string,
  known: KnownValues,
  returnType?: GraphQLNamedType,
  depth = 0,
): unknown {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) return [valueFor(nullable.ofType, name, known, returnType, depth)];
  const fromKnown = known(name, { name, type }, returnType);
  if (fromKnown !== undefined) return fromKnown;
  if (isEnumType(nullable)) return { __enum: nullable.getValues()[0].name };
  if (isInputObjectType(nullable)) {
    const value: Record<string, unknown> = {};
    if (depth > 4) return value;
    for (const field of Object.values(nullable.getFields())) {
      if (isNonNullType(field.type) || /id$/i.test(field.name))
        value[field.name] = valueFor(field.type, field.name, known, undefined, depth + 1);
    }
    return value;
  }
  switch (nullable.name) {
    case "ID":
      return "2147483000";
    case "Int":
      return 1;
    case "Float":
      return 1.5;
    case "Boolean":
      return true;
    case "DateTime":
      return new Date(Date.UTC(2026, 11, 1)).toISOString();
    case "Date":
      return "2026-12-01";
    default:
      return "probe";
  }
}

/** `(a: 1, b: "x")` for the arguments a field must or should get. */
export function argumentsFor(
  field: GraphQLField<unknown, unknown>,
  known: KnownValues,
  options: { fillOptionalIds?: boolean } = {},
): string {
  const parts: string[] = [];
  const returnType = getNamedType(field.type);
  for (const argument of field.args) {
    if (argument.name === "first") parts.push(`first: ${PAGE}`);
    else if (isNonNullType(argument.type) && argument.defaultValue === undefined)
      parts.push(`${argument.name}: ${literal(valueFor(argument.type, argument.name, known, returnType))}`);
    else if (options.fillOptionalIds) {
      const value = known(argument.name, argument, returnType);
      if (value !== undefined) parts.push(`${argument.name}: ${literal(value)}`);
    }
  }
  return parts.length ? `(${parts.join(", ")})` : "";
}

/**
 * A selection of everything reachable from `type` within `depth` levels: every field whose
 * arguments can be filled, `__typename` on every object so answers can be checked by type.
 */
export function selectionFor(
  type: GraphQLNamedType,
  known: KnownValues,
  depth = 4,
  skip: (coordinate: string) => boolean = () => false,
): string {
  if (isLeafType(type)) return "";
  if (!isObjectType(type)) return "{ __typename }";
  const parts = ["__typename"];
  for (const field of Object.values(type.getFields())) {
    if (skip(`${type.name}.${field.name}`)) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) {
      parts.push(`${field.name}${argumentsFor(field, known)}`);
    } else if (depth > 1) {
      parts.push(`${field.name}${argumentsFor(field, known)} ${selectionFor(named, known, depth - 1, skip)}`);
    }
  }
  return `{ ${parts.join(" ")} }`;
}

/** An operation calling one root field with a full selection of its answer. */
export function rootOperation(
  schema: GraphQLSchema,
  kind: "query" | "mutation",
  fieldName: string,
  known: KnownValues,
  options: { depth?: number; fillOptionalIds?: boolean; skip?: (coordinate: string) => boolean } = {},
): string {
  const root = kind === "query" ? schema.getQueryType()! : schema.getMutationType()!;
  const field = root.getFields()[fieldName];
  const named = getNamedType(field.type);
  return `${kind} { ${fieldName}${argumentsFor(field, known, options)} ${selectionFor(named, known, options.depth ?? 4, options.skip)} }`;
}

/** Entities of the supergraph and, per subgraph that resolves them, the fields it owns. */
export function entitiesBySubgraph(): { typeName: string; subgraph: string; key: string; fields: string[] }[] {
  const document = parse(SUPERGRAPH_SDL);
  const graphNames = new Map<string, string>();
  const result: { typeName: string; subgraph: string; key: string; fields: string[] }[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === "join__Graph") {
      for (const value of definition.values ?? []) {
        const name = value.directives
          ?.find((d) => d.name.value === "join__graph")
          ?.arguments?.find((a) => a.name.value === "name")?.value as StringValueNode;
        graphNames.set(value.name.value, name.value);
      }
    }
  }
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const type = definition as ObjectTypeDefinitionNode;
    const joins = (type.directives ?? []).filter((d) => d.name.value === "join__type");
    const graphsOfType = joins.map(
      (d) => (d.arguments!.find((a) => a.name.value === "graph")!.value as EnumValueNode).value,
    );
    for (const join of joins) {
      const graph = (join.arguments!.find((a) => a.name.value === "graph")!.value as EnumValueNode).value;
      const key = join.arguments!.find((a) => a.name.value === "key")?.value as StringValueNode | undefined;
      const resolvable = join.arguments!.find((a) => a.name.value === "resolvable")?.value as
        BooleanValueNode | undefined;
      if (!key || resolvable?.value === false) continue;
      const fields = (type.fields ?? [])
        .filter((field) => {
          const fieldJoins = (field.directives ?? []).filter((d) => d.name.value === "join__field");
          if (!fieldJoins.length) return graphsOfType.includes(graph);
          return fieldJoins.some(
            (d) =>
              (d.arguments?.find((a) => a.name.value === "graph")?.value as EnumValueNode | undefined)?.value === graph,
          );
        })
        .map((field) => field.name.value);
      result.push({ typeName: type.name.value, subgraph: graphNames.get(graph)!, key: key.value, fields });
    }
  }
  return result;
}

/** Every object in a JSON answer that says its type, with its path. */
export function* objectsIn(
  value: unknown,
  path: string[] = [],
): Generator<{ path: string[]; object: Record<string, unknown> }> {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* objectsIn(item, [...path, String(index)]);
  } else if (value && typeof value === "object") {
    const object = value as Record<string, unknown>;
    if (typeof object.__typename === "string") yield { path, object };
    for (const [key, child] of Object.entries(object)) yield* objectsIn(child, [...path, key]);
  }
}

export type { GraphQLObjectType };
