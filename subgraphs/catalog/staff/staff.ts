import crypto from "node:crypto";
import bcrypt from "bcryptjs";
import { sqlIn, type SqlReader } from "../../../core/db";
import type { Role } from "../../../core/auth";
import { requireViewer } from "../../../core/context";
import { badUserInput, conflict, notFound } from "../../../core/errors";
import { decodeCursor, pageSize, parseId, toConnection, type Connection } from "../../../core/pagination";
import { requiredName, text } from "../../../core/validation";
import { verifyPassword } from "../../../core/auth";
import type { CatalogContext } from "../context";
import { issueToken, type SignedIn, type UserRow } from "../users";
import { validateNewPassword } from "./passwords";
import { checkThrottle, recordFailure } from "./sign-in-throttle";

/** the seed's cost: sign-in's dummy hash takes on the cost of the hashes it sees (core/auth.ts) */
const BCRYPT_COST = 10;
const SET_PASSWORD_TOKEN_HOURS = 72;
const MAX_EMAIL_LENGTH = 254;
/** a password hash nothing matches: the user of a set-password token has no password yet */
const NO_PASSWORD = "!";

const USER_SELECT = "id, shop_id, email, name, role::text as role, deactivated_at, created_at";

const sha256 = (value: string) => crypto.createHash("sha256").update(value).digest("hex");

/** The shop's users by name (deactivated ones too), optionally of one role. */
export async function listUsers(
  context: CatalogContext,
  args: { first?: number | null; after?: string | null; role?: Role | null },
): Promise<Connection<UserRow>> {
  const { shopId } = requireViewer(context);
  const size = pageSize(args.first);
  const cursor = decodeCursor(args.after, ["text", "id"]);
  return context.db.read(shopId, async (sql) => {
    const rows = await sql<UserRow>(
      `select ${USER_SELECT} from app_user
       where shop_id = $1 and ($2::text is null or role::text = $2)
         and ($3::text is null or (name, id) > ($3::text, $4::int))
       order by name, id limit $5`,
      [shopId, args.role ?? null, cursor?.[0] ?? null, cursor?.[1] ?? null, size + 1],
    );
    const [{ count }] = await sql<{ count: number }>(
      "select count(*)::int as count from app_user where shop_id = $1 and ($2::text is null or role::text = $2)",
      [shopId, args.role ?? null],
    );
    return toConnection(rows, size, count, (row) => [row.name, row.id]);
  });
}

function validEmail(value: string): string {
  const email = text(value, "input.email", { max: MAX_EMAIL_LENGTH, required: true });
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw badUserInput("input.email must be an e-mail address such as florist@cvety.kz", "input.email");
  return email;
}

/**
 * Adds a user to the caller's shop. E-mails are unique over all shops whatever their case (the
 * database's unique index on lower(email) decides, so two concurrent requests cannot both win).
 */
export async function createUser(
  context: CatalogContext,
  input: { email: string; name: string; role: Role; password?: string | null },
): Promise<UserRow> {
  const { shopId } = requireViewer(context);
  const email = validEmail(input.email);
  const name = requiredName(input.name, "input.name");
  const password = input.password == null ? null : validateNewPassword(input.password, "input.password", email);
  const setPasswordToken = password === null ? crypto.randomBytes(32).toString("base64url") : null;
  const passwordHash = password === null ? NO_PASSWORD : await bcrypt.hash(password, BCRYPT_COST);
  const [row] = await context.db.withTenant(shopId, (tx) =>
    sqlIn(tx)<UserRow>(
      `insert into app_user (shop_id, email, name, role, password_hash, password_token_hash, password_token_expires_at)
       values ($1, $2, $3, $4::"UserRole", $5, $6, case when $6::text is null then null else now() + make_interval(hours => $7) end)
       on conflict do nothing
       returning ${USER_SELECT}`,
      [
        shopId,
        email,
        name,
        input.role,
        passwordHash,
        setPasswordToken && sha256(setPasswordToken),
        SET_PASSWORD_TOKEN_HOURS,
      ],
    ),
  );
  if (!row) throw conflict(`The e-mail ${email} is already in use`, { field: "input.email" });
  context.logger.info({ userId: row.id, role: row.role }, "user created");
  return { ...row, setPasswordToken };
}

/**
 * Locks the shop's active ADMINs and the target user (in that order, so concurrent demotions
 * queue) and refuses a change that would leave the shop without an active ADMIN.
 */
async function lockForStaffChange(
  sql: SqlReader,
  shopId: number,
  userId: number,
  leavesAdmin: (user: UserRow) => boolean,
  field: string,
): Promise<UserRow> {
  const admins = await sql<{ id: number }>(
    "select id from app_user where shop_id = $1 and role = 'ADMIN' and deactivated_at is null order by id for update",
    [shopId],
  );
  const [user] = await sql<UserRow>(`select ${USER_SELECT} from app_user where shop_id = $1 and id = $2 for update`, [
    shopId,
    userId,
  ]);
  if (!user) throw notFound("User", userId);
  const isActiveAdmin = user.role === "ADMIN" && user.deactivatedAt === null;
  if (isActiveAdmin && !leavesAdmin(user) && admins.length <= 1) {
    throw conflict("This is the shop's last active ADMIN; make another user ADMIN first", { field });
  }
  return user;
}

/** Changes a user's role; the notify trigger makes the router drop the old role's tokens at once. */
export async function changeUserRole(context: CatalogContext, id: string, role: Role): Promise<UserRow> {
  const { shopId } = requireViewer(context);
  const userId = parseId(id);
  const user = await context.db.withTenant(shopId, async (tx) => {
    const sql = sqlIn(tx);
    await lockForStaffChange(sql, shopId, userId, () => role === "ADMIN", "role");
    const [updated] = await sql<UserRow>(
      `update app_user set role = $3::"UserRole", updated_at = now() where shop_id = $1 and id = $2 returning ${USER_SELECT}`,
      [shopId, userId, role],
    );
    return updated;
  });
  context.logger.info({ userId, role }, "user role changed");
  return user;
}

/** Deactivates a user (again: harmless); their tokens stop working and sign-in refuses them. */
export async function deactivateUser(context: CatalogContext, id: string): Promise<UserRow> {
  const { shopId } = requireViewer(context);
  const userId = parseId(id);
  const user = await context.db.withTenant(shopId, async (tx) => {
    const sql = sqlIn(tx);
    await lockForStaffChange(sql, shopId, userId, () => false, "id");
    const [updated] = await sql<UserRow>(
      `update app_user set deactivated_at = coalesce(deactivated_at, now()), password_token_hash = null,
         password_token_expires_at = null, updated_at = now()
       where shop_id = $1 and id = $2 returning ${USER_SELECT}`,
      [shopId, userId],
    );
    return updated;
  });
  context.logger.info({ userId }, "user deactivated");
  return user;
}

/** The caller's own password, after the current one is proven (failures count toward sign-in throttling). */
export async function changePassword(
  context: CatalogContext,
  oldPassword: string,
  newPassword: string,
): Promise<UserRow> {
  const viewer = requireViewer(context);
  const userId = parseId(viewer.userId, "sub");
  const [user] = await context.db.read(viewer.shopId, (sql) =>
    sql<UserRow>(`select ${USER_SELECT} from app_user where shop_id = $1 and id = $2`, [viewer.shopId, userId]),
  );
  if (!user) throw notFound("User", userId);
  const keys = { email: user.email, ip: context.clientIp };
  await checkThrottle(context.db.pool, keys);
  const { rows } = await context.db.pool.query<{ password_hash: string }>(
    "select password_hash from auth_user_by_email($1)",
    [user.email],
  );
  if (oldPassword.length > 256 || !(await verifyPassword(oldPassword, rows[0]?.password_hash ?? null))) {
    await recordFailure(context.db.pool, keys);
    throw badUserInput("oldPassword is not the current password", "oldPassword");
  }
  validateNewPassword(newPassword, "newPassword", user.email);
  if (newPassword === oldPassword)
    throw badUserInput("newPassword must differ from the current password", "newPassword");
  const hash = await bcrypt.hash(newPassword, BCRYPT_COST);
  await context.db.withTenant(viewer.shopId, (tx) =>
    sqlIn(tx)("update app_user set password_hash = $3, updated_at = now() where shop_id = $1 and id = $2", [
      viewer.shopId,
      userId,
      hash,
    ]),
  );
  context.logger.info({ userId }, "password changed");
  return user;
}

/** Sets the first password with a one-time token and signs in; the token is spent in the same statement. */
export async function setPasswordWithToken(
  context: CatalogContext,
  token: string,
  password: string,
): Promise<SignedIn> {
  const invalid = () =>
    badUserInput("The set-password token is invalid, used or expired; ask an ADMIN for a new user link", "token");
  if (token.length === 0 || token.length > 200 || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalid();
  const tokenHash = sha256(token);
  const { rows } = await context.db.pool.query<{ id: number; shop_id: number }>(
    "select * from auth_user_by_password_token($1)",
    [tokenHash],
  );
  const found = rows[0];
  if (!found) throw invalid();
  const [user] = await context.db.read(found.shop_id, (sql) =>
    sql<UserRow>(`select ${USER_SELECT} from app_user where id = $1`, [found.id]),
  );
  validateNewPassword(password, "password", user?.email);
  const hash = await bcrypt.hash(password, BCRYPT_COST);
  const [updated] = await context.db.withTenant(found.shop_id, (tx) =>
    sqlIn(tx)<UserRow>(
      `update app_user set password_hash = $3, password_token_hash = null, password_token_expires_at = null, updated_at = now()
       where shop_id = $1 and id = $2 and password_token_hash = $4 and password_token_expires_at > now() and deactivated_at is null
       returning ${USER_SELECT}`,
      [found.shop_id, found.id, hash, tokenHash],
    ),
  );
  if (!updated) throw invalid();
  context.logger.info({ userId: updated.id }, "password set with a one-time token");
  return issueToken(context.config, updated);
}

/** Whether the signed viewer's token still names an active user of its shop, and with which role. */
export async function viewerAccess(
  context: CatalogContext,
): Promise<{ shopExists: boolean; active: boolean; role: Role | null }> {
  const viewer = requireViewer(context);
  const userId = /^\d{1,9}$/.test(viewer.userId) ? Number(viewer.userId) : null;
  const [row] = await context.db.read(viewer.shopId, (sql) =>
    sql<{ shopExists: boolean; role: Role | null }>(
      `select exists (select 1 from known_shop_ids() id where id = $1) as shop_exists,
              (select role::text from app_user where shop_id = $1 and id = $2 and deactivated_at is null) as role`,
      [viewer.shopId, userId],
    ),
  );
  return { shopExists: row.shopExists, active: row.role !== null, role: row.role };
}
