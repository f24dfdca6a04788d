import type { Database, SqlReader, Tx } from "../../core/db";
import type { Config } from "../../core/config";
import { ROLES, signToken, tokenExpiry, verifyPassword, type Role } from "../../core/auth";
import { badUserInput, unauthenticated } from "../../core/errors";
import { checkThrottle, forgetFailures, recordFailure } from "./staff/sign-in-throttle";

/** What the API shows of a user: never the password hash. */
export interface UserRow {
  id: number;
  shopId: number;
  email: string;
  name: string;
  role: Role;
  deactivatedAt: Date | null;
  createdAt: Date;
  /** only in createUser's answer: the one-time set-password token, never stored */
  setPasswordToken?: string | null;
}

export interface SignedIn {
  token: string;
  expiresAt: Date;
  user: UserRow;
}

const USER_COLUMNS = {
  id: true,
  shopId: true,
  email: true,
  name: true,
  role: true,
  deactivatedAt: true,
  createdAt: true,
} as const;
const MAX_EMAIL_LENGTH = 254;
const MAX_PASSWORD_LENGTH = 256;
const WRONG_CREDENTIALS = "Wrong e-mail or password";

/** The signed-in user of the caller's shop; null when the token names no user of it. */
export async function findUser(tx: Tx, shopId: number, userId: string): Promise<UserRow | null> {
  if (!/^\d{1,10}$/.test(userId)) return null;
  return tx.user.findFirst({ where: { shopId, id: Number(userId) }, select: USER_COLUMNS });
}

/** Users of the shop by id, for entity references (an order's courier); other shops' ids are left out. */
export function findUsersByIds(sql: SqlReader, ids: readonly number[], shopId: number) {
  return sql<UserRow>(
    `select id, shop_id, email, name, role::text as role, deactivated_at, created_at from app_user where shop_id = $1 and id = any($2::int[])`,
    [shopId, ids],
  );
}

interface SignInRow {
  id: number;
  shop_id: number;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  active: boolean;
  created_at: Date;
}

/**
 * Checks e-mail and password and issues a token. The user is looked up through
 * auth_user_by_email(), the one narrow path that runs before any shop is known. A wrong
 * e-mail and a wrong password take the same path: both compare a bcrypt hash (a dummy one
 * of the same cost when there is no such user) and get the same answer.
 */
export async function signIn(
  deps: { db: Database; config: Config; clientIp?: string },
  email: string,
  password: string,
): Promise<SignedIn> {
  if (email.trim() === "") throw badUserInput("email is required", "email");
  if (email.length > MAX_EMAIL_LENGTH)
    throw badUserInput(`email is longer than ${MAX_EMAIL_LENGTH} characters`, "email");
  if (password === "") throw badUserInput("password is required", "password");
  if (password.length > MAX_PASSWORD_LENGTH)
    throw badUserInput(`password is longer than ${MAX_PASSWORD_LENGTH} characters`, "password");

  // PostgreSQL text cannot hold NUL: such an address matches nobody, without asking the database
  const lookup = email.includes("\u0000") ? null : email.trim();
  const throttleKeys = { email: lookup ?? "", ip: deps.clientIp };
  await checkThrottle(deps.db.pool, throttleKeys);
  const row = lookup
    ? ((await deps.db.pool.query<SignInRow>("select * from auth_user_by_email($1)", [lookup])).rows[0] ?? null)
    : null;
  const passwordMatches = await verifyPassword(password, row?.password_hash ?? null);
  // a deactivated user gets the same answer as a wrong password: the sign-in form says nothing more
  if (!row || !passwordMatches || !row.active || !ROLES.includes(row.role as Role)) {
    await recordFailure(deps.db.pool, throttleKeys);
    throw unauthenticated(WRONG_CREDENTIALS);
  }
  await forgetFailures(deps.db.pool, row.email);
  const user: UserRow = {
    id: row.id,
    shopId: row.shop_id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    deactivatedAt: null,
    createdAt: row.created_at,
  };
  return issueToken(deps.config, user);
}

/** A token for a user who just proved who they are. */
export function issueToken(config: Config, user: UserRow): SignedIn {
  const token = signToken({ userId: String(user.id), shopId: user.shopId, role: user.role }, config.jwtSecrets[0]);
  return { token, expiresAt: tokenExpiry(token), user };
}
