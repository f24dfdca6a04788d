import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import { DEFAULT_PAGE_SIZE } from "../core/pagination";

/**
 * What one GraphQL request may ask for. Checked on the parsed document before Apollo
 * validates it: validating a hostile document (thousands of repeated fields) is itself
 * expensive, so size comes first.
 */
export const QUERY_LIMITS = {
  /** nested fields, root fields being depth 1 (the board query is 6) */
  depth: 10,
  /** fields asked for under another name */
  aliases: 30,
  /** fields at the operation's root */
  rootFields: 15,
  /** field selections in all, fragments expanded */
  fields: 500,
  /** estimated objects fetched: lists multiply their children by their page size */
  cost: 10_000,
  /** lexical tokens of the document (parsing stops there) */
  tokens: 10_000,
} as const;

export type QueryLimit = keyof typeof QUERY_LIMITS;

/** assumed length of a list that has no page size (an order's items, a product's images) */
export const DEFAULT_LIST_SIZE = 10;
const INTROSPECTION_FIELDS = new Set(["__schema", "__type"]);

export interface QueryMeasure {
  depth: number;
  aliases: number;
  rootFields: number;
  fields: number;
  cost: number;
}

interface Measure {
  depth: number;
  aliases: number;
  fields: number;
  cost: number;
}

const EMPTY: Measure = { depth: 0, aliases: 0, fields: 0, cost: 0 };

/**
 * Measures an operation. `schema` (the API schema) tells lists from objects; fields it does
 * not know are counted as single objects (validation refuses them later). Fragments are
 * measured once per page-size context, so nested fragment spreads cannot blow up the work.
 */
export function measureOperation(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  options: { schema?: GraphQLSchema; variables?: Record<string, unknown>; ignoreIntrospection?: boolean },
): QueryMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const memo = new Map<string, Measure>();
  const onStack = new Set<string>();
  const variables = options.variables ?? {};
  // a variable the request leaves out takes its default: `query($n: Int = 100)` pages by 100
  const defaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? [])
    if (definition.defaultValue) defaults.set(definition.variable.name.value, definition.defaultValue);

  const intArgument = (field: FieldNode, name: string): number | undefined => {
    const value: ValueNode | undefined = field.arguments?.find((a) => a.name.value === name)?.value;
    if (!value) return undefined;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      const name = value.name.value;
      const given = variables[name];
      if (given === undefined && defaults.get(name)?.kind === Kind.INT)
        return Number((defaults.get(name) as { value: string }).value);
      return typeof given === "number" && Number.isInteger(given) ? given : undefined;
    }
    return undefined;
  };

  const typeOf = (name: string | undefined): GraphQLCompositeType | undefined => {
    if (!name || !options.schema) return undefined;
    const type = options.schema.getType(name);
    return type && isCompositeType(type) ? type : undefined;
  };

  const measureSet = (
    set: SelectionSetNode,
    parent: GraphQLCompositeType | undefined,
    inheritedPage: number | undefined,
  ): Measure => {
    const total: Measure = { ...EMPTY };
    const add = (m: Measure) => {
      total.depth = Math.max(total.depth, m.depth);
      total.aliases += m.aliases;
      total.fields += m.fields;
      total.cost += m.cost;
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) add(measureField(selection, parent, inheritedPage));
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        add(measureSet(selection.selectionSet, typeOf(selection.typeCondition?.name.value) ?? parent, inheritedPage));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || onStack.has(name)) continue; // unknown or cyclic: validation refuses it
        const key = `${name}:${inheritedPage ?? ""}`;
        let measured = memo.get(key);
        if (!measured) {
          onStack.add(name);
          measured = measureSet(
            fragment.selectionSet,
            typeOf(fragment.typeCondition.name.value) ?? parent,
            inheritedPage,
          );
          onStack.delete(name);
          memo.set(key, measured);
        }
        add(measured);
      }
    }
    return total;
  };

  const measureField = (
    field: FieldNode,
    parent: GraphQLCompositeType | undefined,
    inheritedPage: number | undefined,
  ): Measure => {
    const aliases = field.alias ? 1 : 0;
    if (options.ignoreIntrospection && INTROSPECTION_FIELDS.has(field.name.value)) {
      // Sandbox's introspection is deep and wide, so only its aliases count: no tool asks for the schema twice
      const inner = field.selectionSet ? measureSet(field.selectionSet, undefined, undefined) : EMPTY;
      return { ...EMPTY, aliases: aliases + inner.aliases };
    }
    const definition = parent && "getFields" in parent ? parent.getFields()[field.name.value] : undefined;
    const list = definition ? isListType(getNullableType(definition.type)) : false;
    const named = definition ? getNamedType(definition.type) : undefined;
    const child = named && isCompositeType(named) ? named : undefined;
    const objectCost = field.selectionSet ? 1 : 0;
    if (!field.selectionSet) return { depth: 1, aliases, fields: 1, cost: 0 };
    const hasPageSize = Boolean(definition?.args.some((a) => a.name === "first"));
    const pageSize = intArgument(field, "first");
    // a connection's page size counts on its list (edges); a list with no page size of its own gets a default
    const childPage = !list && hasPageSize ? (pageSize ?? DEFAULT_PAGE_SIZE) : undefined;
    const inner = measureSet(field.selectionSet, child, childPage);
    const multiplier = list ? (pageSize ?? inheritedPage ?? DEFAULT_LIST_SIZE) : 1;
    return {
      depth: inner.depth + 1,
      aliases: aliases + inner.aliases,
      fields: 1 + inner.fields,
      cost: multiplier * (objectCost + inner.cost),
    };
  };

  const rootType = typeOf(
    operation.operation === "query"
      ? options.schema?.getQueryType()?.name
      : operation.operation === "mutation"
        ? options.schema?.getMutationType()?.name
        : options.schema?.getSubscriptionType()?.name,
  );
  const measured = measureSet(operation.selectionSet, rootType, undefined);
  let rootFields = 0;
  const countRoot = (set: SelectionSetNode, seen: Set<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== "__typename") rootFields += 1;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) countRoot(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value) && fragments.has(selection.name.value)) {
        seen.add(selection.name.value);
        countRoot(fragments.get(selection.name.value)!.selectionSet, seen);
      }
    }
  };
  countRoot(operation.selectionSet, new Set());
  return { depth: measured.depth, aliases: measured.aliases, rootFields, fields: measured.fields, cost: measured.cost };
}

const DESCRIPTIONS: Record<Exclude<QueryLimit, "tokens">, string> = {
  depth: "Query depth",
  aliases: "Number of aliases",
  rootFields: "Number of root fields",
  fields: "Number of fields",
  cost: "Estimated query cost",
};

/** The first limit the measure exceeds, as a message naming it; null when within all. */
export function exceededLimit(
  measure: QueryMeasure,
): { limit: QueryLimit; max: number; actual: number; message: string } | null {
  for (const limit of Object.keys(DESCRIPTIONS) as (keyof typeof DESCRIPTIONS)[]) {
    const max = QUERY_LIMITS[limit];
    const actual = measure[limit];
    if (actual > max) {
      const hint =
        limit === "cost" ? " (lists count as many objects as their page size `first`; ask for smaller pages)" : "";
      return { limit, max, actual, message: `${DESCRIPTIONS[limit]} ${actual} exceeds the limit of ${max}${hint}` };
    }
  }
  return null;
}
