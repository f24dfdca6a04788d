import { badUserInput } from "./errors";

const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * A free-text argument: at most `max` characters, no control characters (newlines and tabs
 * are fine), trimmed. Empty strings become null unless `required`, which refuses them.
 */
export function text(value: string | null | undefined, field: string, options: { max: number; required: true }): string;
export function text(
  value: string | null | undefined,
  field: string,
  options: { max: number; required?: false },
): string | null;
export function text(
  value: string | null | undefined,
  field: string,
  options: { max: number; required?: boolean },
): string | null {
  if (value === null || value === undefined) {
    if (options.required) throw badUserInput(`${field} is required`, field);
    return null;
  }
  const trimmed = value.trim();
  if (trimmed === "") {
    if (options.required) throw badUserInput(`${field} must not be empty`, field);
    return null;
  }
  if (trimmed.length > options.max)
    throw badUserInput(`${field} must be at most ${options.max} characters, got ${trimmed.length}`, field);
  if (CONTROL_CHARACTERS.test(trimmed)) throw badUserInput(`${field} contains control characters`, field);
  return trimmed;
}

/** An absolute http(s) URL of at most 2000 characters, as a string. */
export function httpUrl(value: string, field: string): string {
  const trimmed = text(value, field, { max: 2000, required: true });
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw badUserInput(`${field} must be an absolute http or https URL`, field);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw badUserInput(`${field} must use http or https, not ${url.protocol.replace(":", "")}`, field);
  if (!url.hostname) throw badUserInput(`${field} must name a host`, field);
  if (url.username || url.password) throw badUserInput(`${field} must not carry credentials`, field);
  if (/\s/.test(trimmed)) throw badUserInput(`${field} must not contain spaces`, field);
  return url.toString();
}

/**
 * A phone number normalised to `+` and digits (+77011234567). Spaces, dashes, dots and
 * brackets are ignored; a Kazakh national number starting with 8 becomes +7.
 */
export function normalizePhone(value: string, field: string): string {
  const raw = text(value, field, { max: 40, required: true });
  const compact = raw.replace(/[\s\-().]/g, "");
  if (!/^\+?\d+$/.test(compact)) throw badUserInput(`${field} must be a phone number such as +7 701 123 45 67`, field);
  let digits = compact.replace(/^\+/, "");
  if (!compact.startsWith("+") && digits.length === 11 && digits.startsWith("8")) digits = `7${digits.slice(1)}`;
  if (!compact.startsWith("+") && digits.length === 10) digits = `7${digits}`;
  if (digits.length < 10 || digits.length > 15)
    throw badUserInput(`${field} must have 10 to 15 digits, got ${digits.length}`, field);
  return `+${digits}`;
}

/** A required name: trimmed, inner runs of spaces collapsed, 1 to `max` characters. */
export function requiredName(value: string, field: string, max = 200): string {
  return text(value.normalize("NFC").replace(/\s+/g, " "), field, { max, required: true });
}

/** Optional free text: trimmed, empty becomes null, at most `max` characters. */
export function optionalText(value: string | null | undefined, field: string, max = 5000): string | null {
  return text(value?.normalize("NFC"), field, { max });
}

/** An integer in [min, max] (GraphQL Int is 32-bit already; this is the business range). */
export function integerInRange(value: number, field: string, min: number, max = 2_147_483_647): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badUserInput(`${field} must be an integer from ${min} to ${max}, got ${value}`, field);
  }
  return value;
}

/** Prices are tiyn: an integer, 0 or more, at most 10 million tenge. */
export function priceInTiyn(value: number, field = "price"): number {
  return integerInRange(value, field, 0, 1_000_000_000);
}

/** An absolute https URL (product images are shown on an https site), at most 2000 characters. */
export function httpsUrl(value: string, field: string): string {
  const url = httpUrl(value, field);
  if (!url.startsWith("https:"))
    throw badUserInput(`${field} must be an https URL, got "${value.trim().slice(0, 80)}"`, field);
  return url;
}
