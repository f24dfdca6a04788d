import { GraphQLScalarType, Kind } from "graphql";
import { badUserInput } from "./errors";

/** ISO-8601 instants; Date objects inside, strings on the wire. */
export const DateTime = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description: "An instant as an ISO-8601 string with a time zone, e.g. 2026-11-26T15:04:05.000Z",
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new TypeError("DateTime cannot represent an invalid date");
    return date.toISOString();
  },
  parseValue(value) {
    return parseInstant(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badUserInput("DateTime must be an ISO-8601 string");
    return parseInstant(ast.value);
  },
});

function parseInstant(value: unknown): Date {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(value)) {
    throw badUserInput(`DateTime must be an ISO-8601 date or instant with a zone, got ${JSON.stringify(value)?.slice(0, 40)}`);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badUserInput(`DateTime ${value} is not a real date`);
  return date;
}
