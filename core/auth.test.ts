import { AuthError, signToken, verifyToken } from "./auth";

const viewer = { userId: "u1", shopId: 17008, role: "FLORIST" as const };

describe("verifyToken's memory of verified tokens", () => {
  afterEach(() => jest.useRealTimers());

  it("answers the same viewer again, frozen, so no request can change another's", () => {
    const secrets = ["key-a"];
    const token = signToken(viewer, "key-a", 60);
    const first = verifyToken(token, secrets);
    expect(first).toMatchObject(viewer);
    expect(verifyToken(token, secrets)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it("is kept per list of keys: a token verified under one key is refused under another", () => {
    const token = signToken(viewer, "key-a", 60);
    expect(verifyToken(token, ["key-a"]).shopId).toBe(17008);
    expect(() => verifyToken(token, ["key-b"])).toThrow(new AuthError("The token signature is invalid"));
  });

  it("refuses a remembered token once it has expired", () => {
    jest.useFakeTimers({ now: Date.now() });
    const secrets = ["key-a"];
    const token = signToken(viewer, "key-a", 60);
    expect(verifyToken(token, secrets).userId).toBe("u1");
    jest.setSystemTime(Date.now() + 30_000);
    expect(verifyToken(token, secrets).userId).toBe("u1");
    jest.setSystemTime(Date.now() + 40_000);
    expect(() => verifyToken(token, secrets)).toThrow(new AuthError("The token has expired"));
  });

  it("refuses a token with one character changed, though its original is remembered", () => {
    const secrets = ["key-a"];
    const token = signToken(viewer, "key-a", 60);
    verifyToken(token, secrets);
    const [header, payload, signature] = token.split(".");
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), shop_id: 8 }),
    ).toString("base64url");
    expect(() => verifyToken(`${header}.${forged}.${signature}`, secrets)).toThrow(AuthError);
  });
});
