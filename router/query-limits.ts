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
import { rootFieldNames } from "../core/permissions";

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

type MeasureOptions = { schema?: GraphQLSchema; variables?: Record<string, unknown>; ignoreIntrospection?: boolean };

/**
 * Measures an operation. `schema` (the API schema) tells lists from objects; fields it does
 * not know are counted as single objects (validation refuses them later). Fragments are
 * measured once per page-size context, so nested fragment spreads cannot blow up the work.
 */
export function measureOperation(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  options: MeasureOptions,
): QueryMeasure {
  const measurer = new OperationMeasurer(document, operation, options);
  const measured = measurer.measureSet(operation.selectionSet, measurer.rootType(), undefined);
  const rootFields = rootFieldNames(operation, document).length;
  return { depth: measured.depth, aliases: measured.aliases, rootFields, fields: measured.fields, cost: measured.cost };
}

/** One operation's walk: its document's fragments, its variables and their defaults, the fragments measured so far. */
class OperationMeasurer {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly memo = new Map<string, Measure>();
  private readonly onStack = new Set<string>();
  private readonly variables: Record<string, unknown>;
  // a variable the request leaves out takes its default: `query($n: Int = 100)` pages by 100
  private readonly defaults = new Map<string, ValueNode>();

  constructor(
    document: DocumentNode,
    private readonly operation: OperationDefinitionNode,
    private readonly options: MeasureOptions,
  ) {
    for (const definition of document.definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    this.variables = options.variables ?? {};
    for (const definition of operation.variableDefinitions ?? [])
      if (definition.defaultValue) this.defaults.set(definition.variable.name.value, definition.defaultValue);
  }

  rootType(): GraphQLCompositeType | undefined {
    const { schema } = this.options;
    const kind = this.operation.operation;
    return this.typeOf(
      kind === "query"
        ? schema?.getQueryType()?.name
        : kind === "mutation"
          ? schema?.getMutationType()?.name
          : schema?.getSubscriptionType()?.name,
    );
  }

  measureSet(set: SelectionSetNode, parent: GraphQLCompositeType | undefined, inheritedPage: number | undefined) {
    const total: Measure = { ...EMPTY };
    const add = (m: Measure) => {
      total.depth = Math.max(total.depth, m.depth);
      total.aliases += m.aliases;
      total.fields += m.fields;
      total.cost += m.cost;
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) add(this.measureField(selection, parent, inheritedPage));
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = this.typeOf(selection.typeCondition?.name.value) ?? parent;
        add(this.measureSet(selection.selectionSet, type, inheritedPage));
      } else {
        const measured = this.measureFragment(selection.name.value, parent, inheritedPage);
        if (measured) add(measured);
      }
    }
    return total;
  }

  /** A fragment spread, measured once per page-size context; null when unknown or cyclic (validation refuses it). */
  private measureFragment(name: string, parent: GraphQLCompositeType | undefined, inheritedPage: number | undefined) {
    const fragment = this.fragments.get(name);
    if (!fragment || this.onStack.has(name)) return null;
    const key = `${name}:${inheritedPage ?? ""}`;
    let measured = this.memo.get(key);
    if (!measured) {
      this.onStack.add(name);
      measured = this.measureSet(
        fragment.selectionSet,
        this.typeOf(fragment.typeCondition.name.value) ?? parent,
        inheritedPage,
      );
      this.onStack.delete(name);
      this.memo.set(key, measured);
    }
    return measured;
  }

  private measureField(
    field: FieldNode,
    parent: GraphQLCompositeType | undefined,
    inheritedPage: number | undefined,
  ): Measure {
    const aliases = field.alias ? 1 : 0;
    if (this.options.ignoreIntrospection && INTROSPECTION_FIELDS.has(field.name.value)) {
      // Sandbox's introspection is deep and wide, so only its aliases count: no tool asks for the schema twice
      const inner = field.selectionSet ? this.measureSet(field.selectionSet, undefined, undefined) : EMPTY;
      return { ...EMPTY, aliases: aliases + inner.aliases };
    }
    const definition = parent && "getFields" in parent ? parent.getFields()[field.name.value] : undefined;
    const list = definition ? isListType(getNullableType(definition.type)) : false;
    const named = definition ? getNamedType(definition.type) : undefined;
    const child = named && isCompositeType(named) ? named : undefined;
    const objectCost = field.selectionSet ? 1 : 0;
    if (!field.selectionSet) return { depth: 1, aliases, fields: 1, cost: 0 };
    const hasPageSize = Boolean(definition?.args.some((a) => a.name === "first"));
    const pageSize = this.intArgument(field, "first");
    // a connection's page size counts on its list (edges); a list with no page size of its own gets a default
    const childPage = !list && hasPageSize ? (pageSize ?? DEFAULT_PAGE_SIZE) : undefined;
    const inner = this.measureSet(field.selectionSet, child, childPage);
    const multiplier = list ? (pageSize ?? inheritedPage ?? DEFAULT_LIST_SIZE) : 1;
    return {
      depth: inner.depth + 1,
      aliases: aliases + inner.aliases,
      fields: 1 + inner.fields,
      cost: multiplier * (objectCost + inner.cost),
    };
  }

  private intArgument(field: FieldNode, name: string): number | undefined {
    const value: ValueNode | undefined = field.arguments?.find((a) => a.name.value === name)?.value;
    if (!value) return undefined;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      const variable = value.name.value;
      const given = this.variables[variable];
      const fallback = this.defaults.get(variable);
      if (given === undefined && fallback?.kind === Kind.INT) return Number(fallback.value);
      return typeof given === "number" && Number.isInteger(given) ? given : undefined;
    }
    return undefined;
  }

  private typeOf(name: string | undefined): GraphQLCompositeType | undefined {
    if (!name || !this.options.schema) return undefined;
    const type = this.options.schema.getType(name);
    return type && isCompositeType(type) ? type : undefined;
  }
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
