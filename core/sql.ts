/** Pieces for building parameterised SQL on the raw paths (db.read / db.write). */

/** Escapes LIKE wildcards so a search for "50%" means the characters, not a pattern: `%text%`. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** SQL conditions joined by `and`, with their positional parameters. */
export class Conditions {
  readonly parts: string[] = [];
  readonly values: unknown[] = [];
  /** `sql` receives one placeholder ($n) per value */
  add(sql: (...placeholders: string[]) => string, ...values: unknown[]): this {
    const placeholders = values.map((value) => `$${this.values.push(value)}`);
    this.parts.push(sql(...placeholders));
    return this;
  }
  clone(): Conditions {
    const copy = new Conditions();
    copy.parts.push(...this.parts);
    copy.values.push(...this.values);
    return copy;
  }
  get where(): string {
    return this.parts.join(" and ");
  }
}
