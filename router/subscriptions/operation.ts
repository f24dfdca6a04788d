import {
  GraphQLError,
  Kind,
  getArgumentValues,
  getVariableValues,
  print,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { badUserInput, ErrorCode } from "../../core/errors";
import { parseHistoryId } from "../../core/status-feed";

export const SUBSCRIPTION_FIELD = "orderStatusChanged";
/** the Query field events are resolved through, batched, with the subscriber's own selection */
const EVENTS_FIELD = "orderStatusChangesByIds";
const IDS_VARIABLE = "_boardHistoryIds";
const EVENTS_KEY = "events";
export const EVENTS_OPERATION = "BoardEvents";

/** A validated `orderStatusChanged` subscription, turned into the query that resolves its events. */
export interface BoardOperation {
  /** where the event goes in `data`: the field's alias or name */
  responseKey: string;
  /** the `after` argument: a history id, or null */
  after: bigint | null;
  /** `query BoardEvents($_boardHistoryIds: [ID!]!, …) { events: orderStatusChangesByIds(…) { <selection> } }` */
  eventQuery: string;
  /** the subscriber's variables the selection uses */
  eventVariables: Record<string, unknown>;
  /** subscribers of one shop and role with the same key share one resolution per event */
  groupKey: string;
}

function validationError(message: string, code: string = ErrorCode.BAD_USER_INPUT, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...(field ? { field } : {}) } });
}

/** Fragments the selection uses, transitively, so the event query carries exactly those. */
function usedFragments(root: FieldNode, document: DocumentNode): FragmentDefinitionNode[] {
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const used = new Map<string, FragmentDefinitionNode>();
  const walk = (node: FieldNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments.get(name);
        if (fragment && !used.has(name)) {
          used.set(name, fragment);
          walk(fragment);
        }
      },
    });
  walk(root);
  return [...used.values()].sort((a, b) => a.name.value.localeCompare(b.name.value));
}

/** The root field's `after` argument, coerced with the operation's variables: a history id or null. */
function afterArgument(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  root: FieldNode,
  rawVariables: Record<string, unknown> | null | undefined,
): bigint | null {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (coerced.errors) {
    throw new GraphQLError(coerced.errors[0].message, { extensions: { code: ErrorCode.BAD_USER_INPUT } });
  }
  const fieldDef = schema.getSubscriptionType()!.getFields()[SUBSCRIPTION_FIELD];
  const args = getArgumentValues(fieldDef, root, coerced.coerced);
  if (args.after === undefined || args.after === null) return null;
  const after = parseHistoryId(args.after);
  if (after === null)
    throw badUserInput(
      `after must be a history id (a positive integer), got "${String(args.after).slice(0, 40)}"`,
      "after",
    );
  return after;
}

/**
 * `query BoardEvents($_boardHistoryIds: [ID!]!, …) { events: orderStatusChangesByIds(…) { <selection> } }`:
 * the subscriber's own selection, fragments and the variables they use, printed by graphql-js.
 */
function eventsQuery(
  root: FieldNode,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | null | undefined,
): { eventQuery: string; eventVariables: Record<string, unknown> } {
  const fragments = usedFragments(root, document);
  // only the variables the selection (or its fragments) uses: `after` stays behind
  const used = new Set<string>();
  for (const node of [root.selectionSet!, ...fragments]) {
    visit(node, { Variable: (variable) => void used.add(variable.name.value) });
  }
  if (used.has(IDS_VARIABLE))
    throw validationError(`$${IDS_VARIABLE} is a reserved variable name`, "GRAPHQL_VALIDATION_FAILED");
  const variableDefinitions = [
    `$${IDS_VARIABLE}: [ID!]!`,
    ...(operation.variableDefinitions ?? []).filter((d) => used.has(d.variable.name.value)).map(print),
  ];
  const eventQuery = [
    `query ${EVENTS_OPERATION}(${variableDefinitions.join(", ")}) {`,
    `  ${EVENTS_KEY}: ${EVENTS_FIELD}(historyIds: $${IDS_VARIABLE}) ${print(root.selectionSet!)}`,
    "}",
    ...fragments.map(print),
  ].join("\n");
  const eventVariables: Record<string, unknown> = {};
  for (const name of [...used].sort()) {
    if (rawVariables && name in rawVariables) eventVariables[name] = rawVariables[name];
  }
  return { eventQuery, eventVariables };
}

/**
 * Checks a subscription operation (already validated against the API schema) and builds its
 * BoardOperation. Throws coded GraphQLErrors for what the client must fix.
 */
export function boardOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | null | undefined,
): BoardOperation {
  const selections = operation.selectionSet.selections;
  const root = selections[0];
  if (selections.length !== 1 || root.kind !== Kind.FIELD || root.name.value !== SUBSCRIPTION_FIELD) {
    throw validationError(
      `A subscription selects exactly one field, ${SUBSCRIPTION_FIELD}, written directly (not through a fragment)`,
      "GRAPHQL_VALIDATION_FAILED",
    );
  }
  if (root.name.value.startsWith("_") || (root.alias?.value ?? "").startsWith("_")) {
    throw validationError("Aliases starting with _ are reserved", "GRAPHQL_VALIDATION_FAILED");
  }
  const after = afterArgument(schema, operation, root, rawVariables);
  const { eventQuery, eventVariables } = eventsQuery(root, document, operation, rawVariables);
  return {
    responseKey: root.alias?.value ?? root.name.value,
    after,
    eventQuery,
    eventVariables,
    groupKey: `${eventQuery}\n${JSON.stringify(eventVariables)}`,
  };
}

/** The events query's variables for a batch of history ids. */
export function eventVariables(operation: BoardOperation, historyIds: string[]): Record<string, unknown> {
  return { ...operation.eventVariables, [IDS_VARIABLE]: historyIds };
}

export interface FormattedError {
  message: string;
  path?: readonly (string | number)[];
  locations?: readonly { line: number; column: number }[];
  extensions?: Record<string, unknown>;
}

/**
 * Splits the batched events result into one ExecutionResult per history id, under the
 * subscriber's response key; errors follow their event (path `events.<i>.…`), errors without
 * an event index go with every event.
 */
export function splitEvents(
  operation: BoardOperation,
  count: number,
  data: Record<string, unknown> | null | undefined,
  errors: readonly FormattedError[] | undefined,
): ({ data: Record<string, unknown> | null; errors?: GraphQLError[] } | null)[] {
  const events = (data?.[EVENTS_KEY] as unknown[] | null | undefined) ?? null;
  const results: ({ data: Record<string, unknown> | null; errors?: GraphQLError[] } | null)[] = [];
  for (let i = 0; i < count; i += 1) {
    const value = events?.[i] ?? null;
    const own = (errors ?? []).filter(
      (e) => !(e.path && e.path[0] === EVENTS_KEY && typeof e.path[1] === "number") || e.path[1] === i,
    );
    const mapped = own.map(
      (e) =>
        new GraphQLError(e.message, {
          path: e.path && e.path[0] === EVENTS_KEY ? [operation.responseKey, ...e.path.slice(2)] : undefined,
          extensions: e.extensions,
        }),
    );
    // null without an error: the subscriber may not see this change (a COURIER sees only the
    // orders assigned to them); it is left out of their stream
    if (value === null && mapped.length === 0) {
      results.push(null);
      continue;
    }
    results.push({
      data: value === null ? null : { [operation.responseKey]: value },
      ...(mapped.length ? { errors: mapped } : {}),
    });
  }
  return results;
}
