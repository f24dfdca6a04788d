import pino from "pino";
import { Writable } from "node:stream";
import { startTestStack, PROD_SHOP, DEV_SHOP, type TestStack } from "../../../test/harness";

/**
 * Staff through the router: listing, adding, role changes, deactivation, passwords, the last
 * ADMIN, token revocation at once, sign-in throttling, tenancy. Every log line of the stack is
 * kept, so the tests can prove no password or token ever reaches one.
 */
let t: TestStack;
const logLines: string[] = [];
beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  t = await startTestStack({ logger: pino({ level: "debug" }, sink) });
});
afterAll(() => t?.stop());

const USER = "id email name role active deactivatedAt createdAt setPasswordToken";
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token user { id role } } }`;
const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { ${USER} } }`;
const ME = `{ me { id role } }`;
const codeOf = (result: { errors?: { extensions?: Record<string, any> }[] }) => result.errors?.[0]?.extensions?.code;
const fieldOf = (result: { errors?: { extensions?: Record<string, any> }[] }) => result.errors?.[0]?.extensions?.field;
let counter = 0;
const uniqueEmail = (prefix = "staff") => `${prefix}${++counter}-${Date.now()}@cvety.kz`;
const STRONG = "Лилии-и-розы-2026";

async function createUser(input: Record<string, unknown>, token = t.token(PROD_SHOP)) {
  return t.graphql(CREATE, { input }, { token });
}
async function createOk(input: Record<string, unknown>, token?: string) {
  const result = await createUser(input, token);
  expect(result.errors).toBeUndefined();
  return result.data.createUser;
}
async function signIn(email: string, password: string) {
  return t.graphql(LOGIN, { email, password }, { token: null });
}
async function userCount(): Promise<number> {
  return (await t.ownerQuery("select count(*)::int as n from app_user")).rows[0].n;
}

describe("users", () => {
  it("lists the shop's staff by name with a total, filtered by role; ADMIN and MANAGER only", async () => {
    const all = await t.graphql(
      `{ users(first: 100) { totalCount edges { node { id email role active shop { id } } } } }`,
    );
    expect(all.errors).toBeUndefined();
    const nodes = all.data.users.edges.map((e: any) => e.node);
    expect(nodes.every((u: any) => u.shop.id === String(PROD_SHOP))).toBe(true);
    expect(nodes.map((u: any) => u.email)).toEqual(expect.arrayContaining(["admin@cvety.kz", "florist@cvety.kz"]));
    expect(nodes.some((u: any) => u.email.endsWith("@dev.cvety.kz"))).toBe(false);
    const florists = await t.graphql(
      `{ users(role: FLORIST) { totalCount edges { node { role } } } }`,
      {},
      { token: t.token(PROD_SHOP, "MANAGER") },
    );
    expect(florists.data.users.edges.every((e: any) => e.node.role === "FLORIST")).toBe(true);
    expect(florists.data.users.totalCount).toBeGreaterThanOrEqual(1);
    const refused = await t.graphql(`{ users { totalCount } }`, {}, { token: t.token(PROD_SHOP, "FLORIST") });
    expect(codeOf(refused)).toBe("FORBIDDEN");
  });

  it("pages with a cursor", async () => {
    const first = await t.graphql(`{ users(first: 2) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`);
    const second = await t.graphql(
      `query($after: String) { users(first: 2, after: $after) { edges { node { id } } } }`,
      { after: first.data.users.pageInfo.endCursor },
    );
    expect(first.data.users.pageInfo.hasNextPage).toBe(true);
    const ids = [...first.data.users.edges, ...second.data.users.edges].map((e: any) => e.node.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("createUser", () => {
  it("adds a user who can sign in with the initial password; the password is never returned or logged", async () => {
    const email = uniqueEmail("florist");
    const user = await createOk({ email, name: "  Асель  Нурланова ", role: "FLORIST", password: STRONG });
    expect(user).toMatchObject({
      email,
      name: "Асель Нурланова",
      role: "FLORIST",
      active: true,
      deactivatedAt: null,
      setPasswordToken: null,
    });
    const signedIn = await signIn(email.toUpperCase(), STRONG);
    expect(signedIn.data.login.user).toEqual({ id: user.id, role: "FLORIST" });
    expect((await t.graphql(ME, {}, { token: signedIn.data.login.token })).data.me.id).toBe(user.id);
    const hash = (await t.ownerQuery("select password_hash from app_user where id = $1", [user.id])).rows[0]
      .password_hash;
    expect(hash).toMatch(/^\$2[aby]\$10\$/);
    expect(logLines.join("")).not.toContain(STRONG);
  });

  it("without a password answers a one-time set-password token that works once", async () => {
    const email = uniqueEmail("courier");
    const user = await createOk({ email, name: "Данияр", role: "COURIER" });
    expect(user.setPasswordToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    // only its hash is stored; the user cannot sign in before setting a password
    const stored = (await t.ownerQuery("select password_token_hash from app_user where id = $1", [user.id])).rows[0]
      .password_token_hash;
    expect(stored).not.toContain(user.setPasswordToken);
    expect(codeOf(await signIn(email, "!"))).toBe("UNAUTHENTICATED");
    const listed = await t.graphql(`{ users(role: COURIER, first: 100) { edges { node { id setPasswordToken } } } }`);
    expect(listed.data.users.edges.find((e: any) => e.node.id === user.id).node.setPasswordToken).toBeNull();

    const SET = `mutation($token: String!, $password: String!) { setPassword(token: $token, password: $password) { token user { id role } } }`;
    const weak = await t.graphql(SET, { token: user.setPasswordToken, password: "qwertyuiop" }, { token: null });
    expect([codeOf(weak), fieldOf(weak)]).toEqual(["BAD_USER_INPUT", "password"]);
    const set = await t.graphql(SET, { token: user.setPasswordToken, password: STRONG }, { token: null });
    expect(set.errors).toBeUndefined();
    expect(set.data.setPassword.user).toEqual({ id: user.id, role: "COURIER" });
    expect((await signIn(email, STRONG)).data.login.user.id).toBe(user.id);
    const again = await t.graphql(SET, { token: user.setPasswordToken, password: "Другой-пароль-42" }, { token: null });
    expect([codeOf(again), fieldOf(again)]).toEqual(["BAD_USER_INPUT", "token"]);
    expect(logLines.join("")).not.toContain(user.setPasswordToken);
  });

  it.each([
    [
      "a duplicate e-mail in another case",
      () => ({ email: "ADMIN@Cvety.KZ", name: "X", role: "MANAGER", password: STRONG }),
      "CONFLICT",
      "input.email",
    ],
    [
      "another shop's e-mail",
      () => ({ email: "admin@dev.cvety.kz", name: "X", role: "MANAGER", password: STRONG }),
      "CONFLICT",
      "input.email",
    ],
    [
      "a short password",
      () => ({ email: uniqueEmail(), name: "X", role: "MANAGER", password: "Ab1!" }),
      "BAD_USER_INPUT",
      "input.password",
    ],
    [
      "one of the commonest passwords",
      () => ({ email: uniqueEmail(), name: "X", role: "MANAGER", password: "Password123" }),
      "BAD_USER_INPUT",
      "input.password",
    ],
    [
      "a password that is the e-mail",
      () => ({ email: "same-as-password@cvety.kz", name: "X", role: "MANAGER", password: "Same-As-Password@cvety.kz" }),
      "BAD_USER_INPUT",
      "input.password",
    ],
    [
      "a password of 300 characters",
      () => ({ email: uniqueEmail(), name: "X", role: "MANAGER", password: "x".repeat(299) + "y" }),
      "BAD_USER_INPUT",
      "input.password",
    ],
    [
      "an address that is not an e-mail",
      () => ({ email: "not an e-mail", name: "X", role: "MANAGER", password: STRONG }),
      "BAD_USER_INPUT",
      "input.email",
    ],
    [
      "an empty name",
      () => ({ email: uniqueEmail(), name: "   ", role: "MANAGER", password: STRONG }),
      "BAD_USER_INPUT",
      "input.name",
    ],
  ])("refuses %s with a coded error naming the field; nothing is added", async (_name, input, code, field) => {
    const before = await userCount();
    const result = await createUser(input());
    expect([codeOf(result), fieldOf(result)]).toEqual([code, field]);
    expect(await userCount()).toBe(before);
  });

  it("refuses a role that does not exist, naming it", async () => {
    const before = await userCount();
    const result = await createUser({ email: uniqueEmail(), name: "X", role: "OWNER", password: STRONG });
    expect(result.status).toBe(400);
    expect(codeOf(result)).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0].message).toMatch(/role/);
    expect(await userCount()).toBe(before);
  });

  it("is for ADMINs only", async () => {
    const result = await createUser(
      { email: uniqueEmail(), name: "X", role: "ADMIN", password: STRONG },
      t.token(PROD_SHOP, "MANAGER"),
    );
    expect(codeOf(result)).toBe("FORBIDDEN");
  });
});

describe("deactivateUser and changeUserRole", () => {
  const DEACTIVATE = `mutation($id: ID!) { deactivateUser(id: $id) { id active deactivatedAt } }`;
  const CHANGE_ROLE = `mutation($id: ID!, $role: UserRole!) { changeUserRole(id: $id, role: $role) { id role } }`;

  it("deactivation stops the user's tokens at once and refuses their sign-in; twice is harmless", async () => {
    const email = uniqueEmail("leaver");
    const user = await createOk({ email, name: "Уходящий", role: "MANAGER", password: STRONG });
    const token = (await signIn(email, STRONG)).data.login.token;
    expect((await t.graphql(ME, {}, { token })).data.me.id).toBe(user.id);
    const deactivated = await t.graphql(DEACTIVATE, { id: user.id });
    expect(deactivated.data.deactivateUser).toMatchObject({
      id: user.id,
      active: false,
      deactivatedAt: expect.any(String),
    });
    const refused = await t.graphql(ME, {}, { token });
    expect(refused.status).toBe(401);
    expect(codeOf(refused)).toBe("UNAUTHENTICATED");
    expect(codeOf(await signIn(email, STRONG))).toBe("UNAUTHENTICATED");
    const again = await t.graphql(DEACTIVATE, { id: user.id });
    expect(again.data.deactivateUser.deactivatedAt).toBe(deactivated.data.deactivateUser.deactivatedAt);
  });

  it("a role change stops the tokens of the old role at once; a new sign-in carries the new role", async () => {
    const email = uniqueEmail("promoted");
    const user = await createOk({ email, name: "Повышенная", role: "FLORIST", password: STRONG });
    const token = (await signIn(email, STRONG)).data.login.token;
    expect((await t.graphql(ME, {}, { token })).data.me.role).toBe("FLORIST");
    expect((await t.graphql(CHANGE_ROLE, { id: user.id, role: "MANAGER" })).data.changeUserRole.role).toBe("MANAGER");
    expect(codeOf(await t.graphql(ME, {}, { token }))).toBe("UNAUTHENTICATED");
    const fresh = (await signIn(email, STRONG)).data.login.token;
    expect((await t.graphql(ME, {}, { token: fresh })).data.me.role).toBe("MANAGER");
  });

  it("the shop's last active ADMIN can be neither demoted nor deactivated; nothing changes", async () => {
    const admins = (
      await t.ownerQuery("select id from app_user where shop_id = $1 and role = 'ADMIN' and deactivated_at is null", [
        DEV_SHOP,
      ])
    ).rows;
    expect(admins).toHaveLength(1);
    const id = String(admins[0].id);
    const token = t.token(DEV_SHOP);
    const demoted = await t.graphql(CHANGE_ROLE, { id, role: "MANAGER" }, { token });
    expect([codeOf(demoted), fieldOf(demoted)]).toEqual(["CONFLICT", "role"]);
    const deactivated = await t.graphql(DEACTIVATE, { id }, { token });
    expect([codeOf(deactivated), fieldOf(deactivated)]).toEqual(["CONFLICT", "id"]);
    const row = (await t.ownerQuery("select role::text, deactivated_at from app_user where id = $1", [id])).rows[0];
    expect(row).toEqual({ role: "ADMIN", deactivated_at: null });
    // with a second ADMIN, the first may step down
    const second = await createOk(
      { email: uniqueEmail("admin2"), name: "Второй админ", role: "ADMIN", password: STRONG },
      token,
    );
    expect((await t.graphql(CHANGE_ROLE, { id: second.id, role: "ADMIN" }, { token })).data.changeUserRole.role).toBe(
      "ADMIN",
    );
    const secondToken = t.token(DEV_SHOP, "ADMIN", { userId: second.id });
    expect((await t.graphql(DEACTIVATE, { id: second.id }, { token: secondToken })).data.deactivateUser.active).toBe(
      false,
    );
  });

  it("another shop's user is not found, and nothing changes", async () => {
    const foreign = t.userId(DEV_SHOP, "FLORIST");
    for (const result of [
      await t.graphql(DEACTIVATE, { id: foreign }),
      await t.graphql(CHANGE_ROLE, { id: foreign, role: "ADMIN" }),
    ]) {
      expect(codeOf(result)).toBe("NOT_FOUND");
    }
    expect(
      (await t.ownerQuery("select role::text, deactivated_at from app_user where id = $1", [foreign])).rows[0],
    ).toEqual({ role: "FLORIST", deactivated_at: null });
    expect(codeOf(await t.graphql(DEACTIVATE, { id: "abc" }))).toBe("BAD_USER_INPUT");
  });

  it("are for ADMINs only", async () => {
    const manager = t.token(PROD_SHOP, "MANAGER");
    expect(codeOf(await t.graphql(DEACTIVATE, { id: t.userId(PROD_SHOP, "COURIER") }, { token: manager }))).toBe(
      "FORBIDDEN",
    );
    expect(
      codeOf(await t.graphql(CHANGE_ROLE, { id: t.userId(PROD_SHOP, "COURIER"), role: "ADMIN" }, { token: manager })),
    ).toBe("FORBIDDEN");
  });

  it("a token of a made-up user or of another shop's user is refused", async () => {
    expect(
      codeOf(await t.graphql(ME, {}, { token: t.token(PROD_SHOP, "ADMIN", { userId: "test-admin-17008" }) })),
    ).toBe("UNAUTHENTICATED");
    const crossed = await t.graphql(
      ME,
      {},
      { token: t.token(PROD_SHOP, "ADMIN", { userId: t.userId(DEV_SHOP, "ADMIN") }) },
    );
    expect(codeOf(crossed)).toBe("UNAUTHENTICATED");
  });
});

describe("changePassword", () => {
  const CHANGE = `mutation($old: String!, $new: String!) { changePassword(oldPassword: $old, newPassword: $new) { id } }`;

  it("needs the current password and a strong new one; then only the new one signs in", async () => {
    const email = uniqueEmail("changer");
    await createOk({ email, name: "Меняющий", role: "FLORIST", password: STRONG });
    const token = (await signIn(email, STRONG)).data.login.token;
    const wrongOld = await t.graphql(CHANGE, { old: "not-the-password", new: "Новый-пароль-77" }, { token });
    expect([codeOf(wrongOld), fieldOf(wrongOld)]).toEqual(["BAD_USER_INPUT", "oldPassword"]);
    const weak = await t.graphql(CHANGE, { old: STRONG, new: "1234567890" }, { token });
    expect([codeOf(weak), fieldOf(weak)]).toEqual(["BAD_USER_INPUT", "newPassword"]);
    expect((await signIn(email, STRONG)).data.login).toBeTruthy();
    const changed = await t.graphql(CHANGE, { old: STRONG, new: "Новый-пароль-77" }, { token });
    expect(changed.errors).toBeUndefined();
    expect(codeOf(await signIn(email, STRONG))).toBe("UNAUTHENTICATED");
    expect((await signIn(email, "Новый-пароль-77")).data.login).toBeTruthy();
    expect(logLines.join("")).not.toContain("Новый-пароль-77");
  });
});

describe("sign-in throttling", () => {
  it("after ten failures for one e-mail, even the right password waits (RATE_LIMITED with retryAfter)", async () => {
    const email = uniqueEmail("guessed");
    await createOk({ email, name: "Цель", role: "FLORIST", password: STRONG });
    for (let i = 0; i < 10; i++) expect(codeOf(await signIn(email, `wrong-${i}`))).toBe("UNAUTHENTICATED");
    const throttled = await signIn(email, STRONG);
    expect(throttled.errors?.[0].extensions).toEqual({ code: "RATE_LIMITED", retryAfter: expect.any(Number) });
    // an unknown e-mail is throttled the same way, so the answer tells nothing about accounts
    const unknown = uniqueEmail("nobody");
    for (let i = 0; i < 10; i++) await signIn(unknown, `wrong-${i}`);
    expect(codeOf(await signIn(unknown, STRONG))).toBe("RATE_LIMITED");
    // other accounts are not affected
    expect((await signIn("manager@cvety.kz", "manager-dev-password")).data.login).toBeTruthy();
    // once the wait is over (here: moved into the past), the right password signs in and clears the count
    await t.ownerQuery("update sign_in_failure set last_failed_at = now() - interval '20 seconds' where key = $1", [
      `email:${email}`,
    ]);
    expect((await signIn(email, STRONG)).data.login).toBeTruthy();
    expect(
      (await t.ownerQuery("select count(*)::int as n from sign_in_failure where key = $1", [`email:${email}`])).rows[0]
        .n,
    ).toBe(0);
  });

  it("many failures from one address slow down every e-mail tried from it", async () => {
    const { rows } = await t.ownerQuery("select key from sign_in_failure where key like 'ip:%'");
    expect(rows.length).toBeGreaterThan(0);
    const ipKey = rows[0].key;
    await t.ownerQuery("update sign_in_failure set failures = 60, last_failed_at = now() where key = $1", [ipKey]);
    const result = await signIn("admin@cvety.kz", "admin-dev-password");
    expect(codeOf(result)).toBe("RATE_LIMITED");
    await t.ownerQuery("delete from sign_in_failure where key = $1", [ipKey]);
    expect((await signIn("admin@cvety.kz", "admin-dev-password")).data.login).toBeTruthy();
  });
});
