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
  if (
    typeof value !== "string" ||
    !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(value)
  ) {
    throw badUserInput(
      `DateTime must be an ISO-8601 date or instant with a zone, got ${JSON.stringify(value)?.slice(0, 40)}`,
    );
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badUserInput(`DateTime ${value} is not a real date`);
  checkYear(Number(value.slice(0, 4)), "DateTime", value);
  return date;
}

/** Years a date of this business can have; PostgreSQL has no year 0, and nothing here predates 1900. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 9999;

function checkYear(year: number, scalar: string, value: string): void {
  if (year < MIN_YEAR || year > MAX_YEAR)
    throw badUserInput(`${scalar} ${value} is out of range: the year must be between ${MIN_YEAR} and ${MAX_YEAR}`);
}

const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day, YYYY-MM-DD, kept as that string; the shop's time zone gives it instants. */
export const CalendarDate = new GraphQLScalarType<string, string>({
  name: "Date",
  description: "A calendar day as YYYY-MM-DD, read in the shop's time zone",
  serialize(value) {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    return parseCalendarDay(value);
  },
  parseValue(value) {
    return parseCalendarDay(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badUserInput("Date must be a string YYYY-MM-DD");
    return parseCalendarDay(ast.value);
  },
});

function parseCalendarDay(value: unknown): string {
  const match = typeof value === "string" ? CALENDAR_DAY.exec(value) : null;
  if (match) checkYear(Number(match[1]), "Date", value as string);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!date || date.toISOString().slice(0, 10) !== value) {
    throw badUserInput(`Date must be a calendar day as YYYY-MM-DD, got ${JSON.stringify(value)?.slice(0, 40)}`);
  }
  return value as string;
}
