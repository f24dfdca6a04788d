import {
  httpsUrl,
  httpUrl,
  integerInRange,
  normalizePhone,
  optionalText,
  priceInTiyn,
  requiredName,
  text,
} from "./validation";

/** The thrown error as the client sees it, or the value when nothing was thrown. */
function outcome(run: () => unknown): unknown {
  try {
    return { value: run() };
  } catch (error) {
    return { message: (error as Error).message, extensions: (error as { extensions?: unknown }).extensions };
  }
}
const refused = (field: string, message: string | RegExp) => ({
  message: typeof message === "string" ? message : expect.stringMatching(message),
  extensions: { code: "BAD_USER_INPUT", field },
});

describe("text", () => {
  it("trims, keeps newlines and tabs, and turns empty into null unless required", () => {
    expect(text("  Розы\nи\tтюльпаны  ", "notes", { max: 100 })).toBe("Розы\nи\tтюльпаны");
    expect(text("   ", "notes", { max: 100 })).toBeNull();
    expect(text(null, "notes", { max: 100 })).toBeNull();
    expect(text(undefined, "notes", { max: 100 })).toBeNull();
  });

  it.each([
    [null, refused("name", "name is required")],
    [undefined, refused("name", "name is required")],
    ["  ", refused("name", "name must not be empty")],
  ])("a required field refuses %p", (value, expected) => {
    expect(outcome(() => text(value, "name", { max: 10, required: true }))).toEqual(expected);
  });

  it("counts the length after trimming, and names the length it got", () => {
    expect(text(` ${"a".repeat(5)} `, "notes", { max: 5 })).toBe("aaaaa");
    expect(outcome(() => text("a".repeat(6), "notes", { max: 5 }))).toEqual(
      refused("notes", "notes must be at most 5 characters, got 6"),
    );
  });

  it.each(["\u0000", "\u0007", "\u001B[31m", "\u007F", "\u000B"])("refuses the control character %j", (c) => {
    expect(outcome(() => text(`a${c}b`, "notes", { max: 100 }))).toEqual(
      refused("notes", "notes contains control characters"),
    );
  });
});

describe("requiredName and optionalText", () => {
  it("a name collapses inner runs of spaces and is NFC", () => {
    expect(requiredName("  Роза \t «Ред   Наоми» ", "name")).toBe("Роза «Ред Наоми»");
    // й written as и + combining breve becomes the one code point
    expect(requiredName("Бакарди\u0438\u0306", "name")).toBe("Бакарди\u0439");
    expect(outcome(() => requiredName("   ", "name"))).toEqual(refused("name", "name must not be empty"));
    expect(outcome(() => requiredName("a".repeat(201), "name"))).toEqual(refused("name", /at most 200/));
    expect(requiredName("a".repeat(20), "name", 20)).toBe("a".repeat(20));
  });

  it("optional text is null when empty and at most 5000 characters by default", () => {
    expect(optionalText("", "notes")).toBeNull();
    expect(optionalText(null, "notes")).toBeNull();
    expect(optionalText("a".repeat(5000), "notes")).toHaveLength(5000);
    expect(outcome(() => optionalText("a".repeat(5001), "notes"))).toEqual(refused("notes", /at most 5000/));
  });
});

describe("URLs", () => {
  it("accepts absolute http and https URLs, normalised", () => {
    expect(httpUrl(" https://cvety.kz/a ", "url")).toBe("https://cvety.kz/a");
    expect(httpUrl("http://Example.COM", "url")).toBe("http://example.com/");
    expect(httpsUrl("https://cdn.cvety.kz/p/1.jpg", "imageUrl")).toBe("https://cdn.cvety.kz/p/1.jpg");
  });

  it.each([
    ["relative", "/images/1.jpg", /absolute http or https URL/],
    ["ftp", "ftp://cvety.kz/file", "url must use http or https, not ftp"],
    ["javascript:", "javascript:alert(1)", "url must use http or https, not javascript"],
    ["with credentials", "https://user:pass@cvety.kz/", "url must not carry credentials"],
    ["with a space", "https://cvety.kz/a b", "url must not contain spaces"],
    ["over 2000 characters", `https://cvety.kz/${"a".repeat(2000)}`, /at most 2000/],
  ])("refuses a URL %s", (_name, value, message) => {
    expect(outcome(() => httpUrl(value, "url"))).toEqual(refused("url", message));
  });

  it("an image URL must be https", () => {
    expect(outcome(() => httpsUrl("http://cdn.cvety.kz/1.jpg", "imageUrl"))).toEqual(
      refused("imageUrl", 'imageUrl must be an https URL, got "http://cdn.cvety.kz/1.jpg"'),
    );
  });
});

describe("normalizePhone", () => {
  it.each([
    ["+7 701 123 45 67", "+77011234567"],
    ["8 (701) 123-45-67", "+77011234567"],
    ["7011234567", "+77011234567"],
    ["+7.701.123.45.67", "+77011234567"],
    ["+49 30 1234567", "+49301234567"],
  ])("%s becomes %s", (value, expected) => {
    expect(normalizePhone(value, "phone")).toBe(expected);
  });

  it.each([
    ["letters", "+7 701 ABC", /must be a phone number/],
    ["a plus inside", "7+7011234567", /must be a phone number/],
    ["too few digits", "+7 701 123", "phone must have 10 to 15 digits, got 7"],
    ["too many digits", "+1234567890123456", "phone must have 10 to 15 digits, got 16"],
    ["empty", "  ", "phone must not be empty"],
  ])("refuses %s", (_name, value, message) => {
    expect(outcome(() => normalizePhone(value, "phone"))).toEqual(refused("phone", message));
  });
});

describe("integers and prices", () => {
  it("accepts the bounds and refuses outside them or fractions", () => {
    expect(integerInRange(1, "quantity", 1, 999)).toBe(1);
    expect(integerInRange(999, "quantity", 1, 999)).toBe(999);
    for (const value of [0, 1000, 1.5, Number.NaN]) {
      expect(outcome(() => integerInRange(value, "quantity", 1, 999))).toEqual(
        refused("quantity", `quantity must be an integer from 1 to 999, got ${value}`),
      );
    }
  });

  it("a price is 0 to 10 million tenge in tiyn", () => {
    expect(priceInTiyn(0)).toBe(0);
    expect(priceInTiyn(1_000_000_000)).toBe(1_000_000_000);
    expect(outcome(() => priceInTiyn(1_000_000_001))).toEqual(refused("price", /from 0 to 1000000000/));
    expect(outcome(() => priceInTiyn(-1, "deliveryFee"))).toEqual(refused("deliveryFee", /from 0 to/));
  });
});
