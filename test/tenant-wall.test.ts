/**
 * The tenant wall, checked in SQL: the schema (every table with a shop is behind row-level
 * security, the application role can bypass nothing) and the behaviour as the application
 * role (no shop set: nothing; wrong shop: nothing; writes into another shop: refused).
 * Tables added later are covered without editing this file: the checks read the catalog.
 */
import pg from "pg";
import { createTestDatabase, applicationUrl, DEV_SHOP, PROD_SHOP } from "./harness";
import { APP_ROLE } from "../app/database";

/** Tables of the public schema that have no shop_id, each with the reason it may. */
const TABLES_WITHOUT_SHOP_COLUMN: Record<string, string> = {
  _prisma_migrations: "Prisma's bookkeeping; the application role may only read it (readiness)",
  shop: "the tenant itself: walled by its id",
  sign_in_failure: "failed sign-ins per e-mail and client address, counted before any shop is known; no tenant data",
  bitrix_sync_target:
    "one row, no tenant data: BITRIX_SHOP_ID as the process wrote it at start-up, read by the Bitrix outbox triggers",
};

let database: { url: string; drop(): Promise<void> };
let owner: pg.Client;
let app: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  owner = new pg.Client({ connectionString: database.url });
  app = new pg.Client({ connectionString: applicationUrl(database.url) });
  await owner.connect();
  await app.connect();
});
afterAll(async () => {
  await app?.end();
  await owner?.end();
  await database?.drop();
});

async function tables(): Promise<{ name: string; hasShopColumn: boolean; rls: boolean; force: boolean }[]> {
  const { rows } = await owner.query(`
    select c.relname as name,
           exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'shop_id' and not a.attisdropped) as "hasShopColumn",
           c.relrowsecurity as rls, c.relforcerowsecurity as force
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')
    order by 1`);
  return rows;
}

/** Runs `work` in a transaction of the application role with app.shop_id set (or not), then rolls back. */
async function asApp<T>(shopId: number | null, work: (client: pg.Client) => Promise<T>): Promise<T> {
  await app.query("begin");
  try {
    if (shopId !== null) await app.query("select set_config('app.shop_id', $1, true)", [String(shopId)]);
    return await work(app);
  } finally {
    await app.query("rollback");
  }
}

describe("every table that belongs to a shop is behind the wall", () => {
  it("each table with shop_id has ENABLE and FORCE row level security and a tenant policy on shop_id for every command", async () => {
    const { rows: policies } = await owner.query(`
      select tablename, policyname, permissive, cmd, roles, qual, with_check from pg_policies where schemaname = 'public'`);
    const problems: string[] = [];
    for (const table of await tables()) {
      const column = table.hasShopColumn ? "shop_id" : table.name === "shop" ? "id" : null;
      if (!column) continue;
      if (!table.rls) problems.push(`${table.name}: ROW LEVEL SECURITY is not enabled`);
      if (!table.force) problems.push(`${table.name}: ROW LEVEL SECURITY is not forced (the owner would bypass it)`);
      const tenantPolicy = policies.find(
        (p) =>
          p.tablename === table.name &&
          p.cmd === "ALL" &&
          String(p.roles) === "{public}" &&
          new RegExp(`\\b${column}\\b.*app_current_shop\\(\\)`).test(p.qual ?? "") &&
          new RegExp(`\\b${column}\\b.*app_current_shop\\(\\)`).test(p.with_check ?? ""),
      );
      if (!tenantPolicy)
        problems.push(
          `${table.name}: no policy "${column} = app_current_shop()" FOR ALL with USING and WITH CHECK (SELECT enable_tenant_wall('${table.name}'))`,
        );
      // any other policy must be the sign-in lookup's read-only one, or RESTRICTIVE (it can only
      // narrow what the wall lets through: the courier wall, migration 20261206235500)
      for (const other of policies.filter(
        (p) => p.tablename === table.name && p !== tenantPolicy && p.permissive !== "RESTRICTIVE",
      )) {
        if (!(other.cmd === "SELECT" && String(other.roles) === "{cvety_auth}")) {
          problems.push(
            `${table.name}: unexpected policy ${other.policyname} (${other.cmd} to ${other.roles}) would widen the wall`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("a table without shop_id is one of the few known shared tables", async () => {
    const unexpected = (await tables())
      .filter((t) => !t.hasShopColumn && !(t.name in TABLES_WITHOUT_SHOP_COLUMN))
      .map((t) => t.name);
    expect(unexpected).toEqual([]);
  });

  it("the application role is no superuser, cannot bypass RLS, owns nothing and may not create", async () => {
    const { rows } = await owner.query(
      `select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolcanlogin from pg_roles where rolname = $1`,
      [APP_ROLE],
    );
    expect(rows[0]).toEqual({
      rolsuper: false,
      rolbypassrls: false,
      rolcreaterole: false,
      rolcreatedb: false,
      rolcanlogin: true,
    });
    const owned = await owner.query(
      `select c.relname from pg_class c join pg_roles r on r.oid = c.relowner join pg_namespace n on n.oid = c.relnamespace
       where r.rolname = $1 and n.nspname = 'public'`,
      [APP_ROLE],
    );
    expect(owned.rows).toEqual([]);
    const { rows: member } = await owner.query(
      `select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid join pg_roles u on u.oid = m.member where u.rolname = $1`,
      [APP_ROLE],
    );
    // its one membership: cvety_courier, the narrower role a courier's transactions switch to
    // (SET ROLE needs it; cvety_courier has no BYPASSRLS and owns nothing either)
    expect(member).toEqual([{ rolname: "cvety_courier" }]);
    await expect(app.query("create table sneaky (id int)")).rejects.toThrow(/permission denied/);
    await expect(app.query("alter table product disable row level security")).rejects.toThrow(/must be owner/);
    await expect(app.query("alter table product no force row level security")).rejects.toThrow(/must be owner/);
    await expect(app.query("set role cvety_auth")).rejects.toThrow(/permission denied/);
    await expect(app.query("set session authorization postgres")).rejects.toThrow(/permission denied/);
  });

  it("every SECURITY DEFINER function runs as cvety_auth (narrow policies), with a fixed search_path, not executable by PUBLIC", async () => {
    const { rows } = await owner.query(`
      select p.oid::regprocedure::text as name, pg_get_userbyid(p.proowner) as owner, p.proconfig as config,
             has_function_privilege('public', p.oid, 'execute') as public_execute
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'public' and p.prosecdef`);
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(["auth_user_by_email(text)", "known_shop_ids()"]));
    const problems = rows.flatMap((r) => [
      ...(r.owner === "cvety_auth" ? [] : [`${r.name} is owned by ${r.owner}`]),
      ...((r.config ?? []).some((c: string) => c.startsWith("search_path="))
        ? []
        : [`${r.name} has no fixed search_path`]),
      ...(r.public_execute ? [`${r.name} is executable by PUBLIC`] : []),
    ]);
    expect(problems).toEqual([]);
  });
});

describe("as the application role", () => {
  it("with no shop set, every tenant table and the shop table look empty", async () => {
    const walled = (await tables()).filter((t) => t.hasShopColumn || t.name === "shop");
    expect(walled.length).toBeGreaterThan(10);
    const nonEmpty: string[] = [];
    for (const table of walled) {
      const { rows } = await asApp(null, (c) =>
        c.query(`select count(*)::int as n from ${pg.escapeIdentifier(table.name)}`),
      );
      if (rows[0].n !== 0) nonEmpty.push(`${table.name}: ${rows[0].n}`);
    }
    expect(nonEmpty).toEqual([]);
    // the owner (a superuser here) does see the seeded rows, so the zeros above are the wall's doing
    const { rows } = await owner.query("select count(*)::int as n from product");
    expect(rows[0].n).toBeGreaterThan(80);
  });

  it("with a shop set, every tenant table shows that shop's rows only", async () => {
    const walled = (await tables()).filter((t) => t.hasShopColumn);
    const leaks: string[] = [];
    for (const table of walled) {
      const { rows } = await asApp(DEV_SHOP, (c) =>
        c.query(`select count(*)::int as n from ${pg.escapeIdentifier(table.name)} where shop_id is distinct from $1`, [
          DEV_SHOP,
        ]),
      );
      if (rows[0].n !== 0) leaks.push(`${table.name}: ${rows[0].n} rows of other shops`);
    }
    expect(leaks).toEqual([]);
    const { rows } = await asApp(DEV_SHOP, (c) => c.query("select id from shop"));
    expect(rows).toEqual([{ id: DEV_SHOP }]);
    const products = await asApp(DEV_SHOP, (c) => c.query("select count(*)::int as n from product"));
    expect(products.rows[0].n).toBe(43);
  });

  it("with the wrong shop set, another shop's row is not found by id", async () => {
    const { rows } = await owner.query(`select id from "order" where shop_id = $1 limit 1`, [PROD_SHOP]);
    const orderId = rows[0].id;
    const wrong = await asApp(DEV_SHOP, (c) => c.query(`select * from "order" where id = $1`, [orderId]));
    expect(wrong.rows).toEqual([]);
    const right = await asApp(PROD_SHOP, (c) => c.query(`select id from "order" where id = $1`, [orderId]));
    expect(right.rows).toEqual([{ id: orderId }]);
  });

  it("refuses to insert a row for another shop, or with no shop set", async () => {
    await expect(
      asApp(DEV_SHOP, (c) =>
        c.query(`insert into client_profile (shop_id, phone, updated_at) values ($1, '+77000000001', now())`, [
          PROD_SHOP,
        ]),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      asApp(null, (c) =>
        c.query(`insert into client_profile (shop_id, phone, updated_at) values ($1, '+77000000002', now())`, [
          DEV_SHOP,
        ]),
      ),
    ).rejects.toThrow(/row-level security/);
    const ok = await asApp(DEV_SHOP, (c) =>
      c.query(
        `insert into client_profile (shop_id, phone, updated_at) values ($1, '+77000000003', now()) returning shop_id`,
        [DEV_SHOP],
      ),
    );
    expect(ok.rows).toEqual([{ shop_id: DEV_SHOP }]);
  });

  it("cannot update or delete another shop's rows, nor move its own rows to another shop", async () => {
    const before = await owner.query(
      `select count(*)::int as n, sum(price)::bigint as total from product where shop_id = $1`,
      [PROD_SHOP],
    );
    const updated = await asApp(DEV_SHOP, (c) =>
      c.query(`update product set price = 1 where shop_id = $1`, [PROD_SHOP]),
    );
    expect(updated.rowCount).toBe(0);
    const deleted = await asApp(DEV_SHOP, (c) => c.query(`delete from order_history where shop_id = $1`, [PROD_SHOP]));
    expect(deleted.rowCount).toBe(0);
    await expect(
      asApp(DEV_SHOP, (c) => c.query(`update product set shop_id = $1 where shop_id = $2`, [PROD_SHOP, DEV_SHOP])),
    ).rejects.toThrow(/row-level security/);
    const after = await owner.query(
      `select count(*)::int as n, sum(price)::bigint as total from product where shop_id = $1`,
      [PROD_SHOP],
    );
    expect(after.rows).toEqual(before.rows);
  });

  it("the shop set by a transaction does not outlive it on the pooled connection", async () => {
    await app.query("begin");
    await app.query("select set_config('app.shop_id', $1, true)", [String(DEV_SHOP)]);
    expect((await app.query("select count(*)::int as n from product")).rows[0].n).toBe(43);
    await app.query("commit");
    expect((await app.query("select count(*)::int as n from product")).rows[0].n).toBe(0);
  });

  it("cannot read password hashes, even of its own shop", async () => {
    await expect(asApp(DEV_SHOP, (c) => c.query("select password_hash from app_user"))).rejects.toThrow(
      /permission denied/,
    );
    const { rows } = await asApp(DEV_SHOP, (c) => c.query("select email, role from app_user order by email"));
    expect(rows.map((r) => r.email)).toEqual([
      "admin@dev.cvety.kz",
      "courier2@dev.cvety.kz",
      "courier@dev.cvety.kz",
      "florist@dev.cvety.kz",
      "manager@dev.cvety.kz",
    ]);
  });

  it("the sign-in lookup finds one user by e-mail and nothing else; known_shop_ids lists ids only", async () => {
    const { rows } = await app.query("select * from auth_user_by_email($1)", ["MANAGER@cvety.kz"]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ shop_id: PROD_SHOP, email: "manager@cvety.kz", role: "MANAGER" });
    expect(rows[0].password_hash).toMatch(/^\$2[aby]\$/);
    expect((await app.query("select * from auth_user_by_email($1)", ["%"])).rows).toEqual([]);
    expect((await app.query("select * from auth_user_by_email($1)", ["nobody@cvety.kz"])).rows).toEqual([]);
    const shops = await app.query("select known_shop_ids() as id");
    expect(shops.rows).toEqual([{ id: DEV_SHOP }, { id: PROD_SHOP }]);
  });
});
