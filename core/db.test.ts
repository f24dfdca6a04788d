/**
 * The raw tenant paths (db.read, db.write) against a real PostgreSQL: parameters must arrive
 * exactly as data, the tenant scope must last exactly one statement of a
 * read (and one transaction of a write), and reads must stay read-only.
 */
import { createTestDatabase, applicationUrl, DEV_SHOP, PROD_SHOP } from "../test/harness";
import pg from "pg";
import { createDatabase, sqlIn, type Database } from "./db";

describe("db.read and db.write on PostgreSQL", () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
    // one connection: every statement below reuses the connection the one before used
    db = createDatabase(applicationUrl(database.url), { max: 1 });
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it("a pooled session left idle in a transaction is ended by the server after the timeout", async () => {
    const client = await db.pool.connect();
    try {
      const { rows } = await client.query("show idle_in_transaction_session_timeout");
      expect(rows[0].idle_in_transaction_session_timeout).toBe("1min");
    } finally {
      client.release();
    }
    const quick = createDatabase(applicationUrl(database.url), { max: 1, idleInTransactionTimeoutMs: 200 });
    const leaked = await quick.pool.connect();
    const ended = new Promise<unknown>((resolve) => leaked.once("error", resolve));
    try {
      await leaked.query("begin");
      await expect(ended).resolves.toMatchObject({ code: "25P03" });
    } finally {
      leaked.release(true);
      await quick.close();
    }
  });

  it("hands hostile text to PostgreSQL as data, byte for byte", async () => {
    const hostile = ["'; drop table shop; --", "back\\slash", "$1 $2", "quote'n\"dquote", "new\nline", "ünï©ødé 🌸"];
    for (const text of hostile) {
      const rows = await db.read(DEV_SHOP, (sql) => sql<{ v: string }>("select $1::text as v", [text]));
      expect(rows).toEqual([{ v: text }]);
    }
    const shops = await db.read(DEV_SHOP, (sql) =>
      sql<{ id: number }>("select id from shop where id = $1", [DEV_SHOP]),
    );
    expect(shops).toEqual([{ id: DEV_SHOP }]);
  });

  it("binds values of every kind as data, on the read, write and autocommit paths alike", async () => {
    const hostile = "x'); delete from shop; select ('";
    const at = new Date("2026-12-07T01:02:03.456Z");
    const cases: [string, unknown, unknown][] = [
      ["$1::text is null", null, true],
      ["$1::int", 2_147_483_647, 2_147_483_647],
      ["$1::int8", 9_007_199_254_740_993n, 9_007_199_254_740_993n],
      ["$1::numeric::text", "12345678901234567890.5", "12345678901234567890.5"],
      ["$1::boolean", false, false],
      ["$1::timestamptz", at, at],
      ["$1::text[]", [hostile, null, 'dq"\\', "{,}"], [hostile, null, 'dq"\\', "{,}"]],
      [
        "$1::int[]",
        [
          [1, 2],
          [3, null],
        ],
        [
          [1, 2],
          [3, null],
        ],
      ],
      [
        "$1::jsonb",
        { [hostile]: [hostile, 1, null], nested: { "'": "\\" } },
        { [hostile]: [hostile, 1, null], nested: { "'": "\\" } },
      ],
      ["$1::bytea", Buffer.from([0, 39, 92, 255]), Buffer.from([0, 39, 92, 255])],
      ["$1::text", hostile, hostile],
    ];
    for (const [expression, value, expected] of cases) {
      const text = `select ${expression} as v`;
      const read = await db.read(DEV_SHOP, (sql) => sql<{ v: unknown }>(text, [value]));
      const written = await db.write(DEV_SHOP, (sql) => sql<{ v: unknown }>(text, [value]));
      const autocommitted = await db.write(DEV_SHOP, (sql) => sql<{ v: unknown }>(text, [value]), { autocommit: true });
      for (const rows of [read, written, autocommitted]) expect(rows).toEqual([{ v: expected }]);
    }
    // a NUL byte cannot be text in PostgreSQL: refused, and the connection serves the next statement
    await expect(db.read(DEV_SHOP, (sql) => sql("select $1::text", ["a\u0000b"]))).rejects.toThrow(/0x00/);
    expect(await db.read(DEV_SHOP, (sql) => sql<{ n: number }>("select count(*)::int as n from shop"))).toEqual([
      { n: 1 },
    ]);
  });

  it("sqlIn runs the same statements in a withTenant transaction, rows shaped as read's, in its shop only", async () => {
    const at = new Date("2026-12-07T01:02:03.456Z");
    const text = `select $1::int as small_number, $2::int8 as big_number, $3::boolean as is_set, $4::timestamptz as created_at,
                         $5::text[] as tag_list, (select array_agg(id order by id) from shop) as visible_shops`;
    const values = [7, 9_007_199_254_740_993n, true, at, ["a'b", "{,}"]];
    const read = await db.read(DEV_SHOP, (sql) => sql(text, values));
    const inTransaction = await db.withTenant(DEV_SHOP, (tx) => sqlIn(tx)(text, values));
    expect(inTransaction).toEqual(read);
    expect(inTransaction).toEqual([
      {
        smallNumber: 7,
        bigNumber: 9_007_199_254_740_993n,
        isSet: true,
        createdAt: at,
        tagList: ["a'b", "{,}"],
        visibleShops: [DEV_SHOP],
      },
    ]);
  });

  it("scopes each read statement to its shop and leaves nothing set on the connection afterwards", async () => {
    const [mine, theirs] = await Promise.all([
      db.read(DEV_SHOP, (sql) => sql<{ id: number }>("select id from shop order by id")),
      db.read(PROD_SHOP, (sql) => sql<{ id: number }>("select id from shop order by id")),
    ]);
    expect(mine).toEqual([{ id: DEV_SHOP }]);
    expect(theirs).toEqual([{ id: PROD_SHOP }]);
    // the same pooled connection, outside any tenant statement: no shop, so nothing is visible
    const client = await db.pool.connect();
    try {
      const { rows } = await client.query(
        "select current_setting('app.shop_id', true) as shop, (select count(*) from shop)::int as visible",
      );
      expect(rows[0]).toEqual({ shop: "", visible: 0 });
    } finally {
      client.release();
    }
  });

  it("keeps the scope on every statement of a read, not just the first", async () => {
    const counts = await db.read(PROD_SHOP, async (sql) => {
      const first = await sql<{ n: number }>("select count(*)::int as n from shop where id = $1", [PROD_SHOP]);
      const second = await sql<{ n: number }>("select count(*)::int as n from shop");
      const binary = await sql<{ n: number }>("select count(*)::int as n from shop where $1::bytea is not null", [
        Buffer.from("x"),
      ]);
      return [first[0].n, second[0].n, binary[0].n];
    });
    expect(counts).toEqual([1, 1, 1]);
  });

  it("prepares a read's statement once per connection and pipelines it with the scope", async () => {
    const text = "select id from shop where id = $1 and $2::int > 0";
    for (let i = 1; i <= 7; i++)
      expect(
        await db.read(PROD_SHOP, (sql) => sql("select id from shop where id = $1 and $2::int > 0", [PROD_SHOP, i])),
      ).toEqual([{ id: PROD_SHOP }]);
    const client = await db.pool.connect();
    try {
      const { rows } = await client.query(
        "select name, generic_plans + custom_plans as runs from pg_prepared_statements where statement = $1",
        [text],
      );
      expect(rows).toEqual([{ name: expect.stringMatching(/^cvety_\d+$/), runs: "7" }]);
    } finally {
      client.release();
    }
  });

  it("a prepared statement's cached plan still sees only the shop of each call", async () => {
    // past five runs PostgreSQL switches to a generic plan; the wall must hold in it too
    for (let i = 0; i < 12; i++) {
      const shop = i % 2 ? DEV_SHOP : PROD_SHOP;
      const read = await db.read(shop, (sql) =>
        sql<{ id: number }>("select id from shop where id = any($1::int[]) order by id", [[DEV_SHOP, PROD_SHOP]]),
      );
      expect(read).toEqual([{ id: shop }]);
      const written = await db.write(
        shop,
        (sql) =>
          sql<{ id: number }>("update shop set name = name where id = any($1::int[]) returning id", [
            [DEV_SHOP, PROD_SHOP],
          ]),
        { autocommit: i % 4 < 2 },
      );
      expect(written).toEqual([{ id: shop }]);
    }
  });

  it("after a failed statement the connection carries no scope and runs the next statement", async () => {
    await expect(db.read(PROD_SHOP, (sql) => sql("select 1/$1::int", [0]))).rejects.toThrow(/division by zero/);
    // a statement that does not parse, twice: the second time is not taken for prepared
    for (let i = 0; i < 2; i++)
      await expect(db.read(PROD_SHOP, (sql) => sql("selec $1::int", [1]))).rejects.toThrow(/syntax error/);
    await expect(db.write(PROD_SHOP, (sql) => sql("select 1/$1::int", [0]), { autocommit: true })).rejects.toThrow(
      /division by zero/,
    );
    const client = await db.pool.connect();
    try {
      const { rows } = await client.query(
        "select current_setting('app.shop_id', true) as shop, current_setting('transaction_read_only') as read_only",
      );
      expect(rows[0]).toEqual({ shop: "", read_only: "off" });
    } finally {
      client.release();
    }
    expect(await db.read(PROD_SHOP, (sql) => sql("select id from shop"))).toEqual([{ id: PROD_SHOP }]);
  });

  it("prepares a statement afresh when a migration changed its table's columns", async () => {
    const all = () =>
      db.read(PROD_SHOP, (sql) => sql<Record<string, unknown>>("select * from shop where id = $1", [PROD_SHOP]));
    // a write transaction's first statement, prepared the same way
    const allInWrite = () =>
      db.write(PROD_SHOP, (sql) =>
        sql<Record<string, unknown>>("select * from shop where id = $1 for update", [PROD_SHOP]),
      );
    expect((await all())[0]).not.toHaveProperty("extra");
    expect((await allInWrite())[0]).not.toHaveProperty("extra");
    const owner = new pg.Client({ connectionString: database.url });
    await owner.connect();
    try {
      await owner.query("alter table shop add column extra int default 7");
      expect((await all())[0]).toMatchObject({ id: PROD_SHOP, extra: 7 });
      expect((await allInWrite())[0]).toMatchObject({ id: PROD_SHOP, extra: 7 });
    } finally {
      await owner.query("alter table shop drop column if exists extra");
      await owner.end();
    }
    expect((await all())[0]).not.toHaveProperty("extra");
  });

  it("refuses writes on the read path", async () => {
    await expect(
      db.read(DEV_SHOP, (sql) => sql("update shop set name = name where id = $1", [DEV_SHOP])),
    ).rejects.toThrow(/read-only transaction/);
    await expect(
      db.read(DEV_SHOP, (sql) =>
        sql("update shop set name = name where id = $1 and $2::bytea is not null", [DEV_SHOP, Buffer.from("x")]),
      ),
    ).rejects.toThrow(/read-only transaction/);
  });

  it("runs a write as one transaction: all of it or, on an error, none of it", async () => {
    const name = async () =>
      (await db.read(DEV_SHOP, (sql) => sql<{ name: string }>("select name from shop where id = $1", [DEV_SHOP])))[0]
        .name;
    const before = await name();
    await expect(
      db.write(DEV_SHOP, async (sql) => {
        await sql("update shop set name = $1 where id = $2", ["renamed in a failed write", DEV_SHOP]);
        await sql("select 1/0");
      }),
    ).rejects.toThrow(/division by zero/);
    expect(await name()).toBe(before);

    await db.write(DEV_SHOP, async (sql) => {
      await sql("update shop set name = $1 where id = $2", ["renamed", DEV_SHOP]);
      await sql("update shop set name = name || $1 where id = $2", [" twice", DEV_SHOP]);
    });
    expect(await name()).toBe("renamed twice");
    await db.write(DEV_SHOP, (sql) => sql("update shop set name = $1 where id = $2", [before, DEV_SHOP]));
  });

  it("autocommit: each statement commits on its own, in its shop, one round trip each", async () => {
    const name = async () =>
      (await db.read(DEV_SHOP, (sql) => sql<{ name: string }>("select name from shop where id = $1", [DEV_SHOP])))[0]
        .name;
    const before = await name();
    const statements = db.statementCount();
    await expect(
      db.write(
        DEV_SHOP,
        async (sql) => {
          await sql("update shop set name = $1 where id = $2", ["kept: committed on its own", DEV_SHOP]);
          await sql("select 1/0");
        },
        { autocommit: true },
      ),
    ).rejects.toThrow(/division by zero/);
    expect(db.statementCount() - statements).toBe(2);
    expect(await name()).toBe("kept: committed on its own");
    const other = await db.write(
      PROD_SHOP,
      (sql) => sql<{ id: number }>("update shop set name = name where id = $1 returning id", [DEV_SHOP]),
      { autocommit: true },
    );
    expect(other).toEqual([]);
    await db.write(
      DEV_SHOP,
      (sql) =>
        sql("update shop set name = $1 where id = $2 and $3::bytea is not null", [before, DEV_SHOP, Buffer.from("x")]),
      { autocommit: true },
    );
    expect(await name()).toBe(before);
  });

  it("cannot write into another shop", async () => {
    const updated = await db.write(DEV_SHOP, (sql) =>
      sql<{ id: number }>("update shop set name = name where id = $1 returning id", [PROD_SHOP]),
    );
    expect(updated).toEqual([]);
  });
});
