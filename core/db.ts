import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../prisma/generated/client";

export type Prisma = InstanceType<typeof PrismaClient>;
/** A Prisma client bound to one tenant-scoped transaction. */
export type Tx = Parameters<Parameters<Prisma["$transaction"]>[0]>[0];

export interface Database {
  prisma: Prisma;
  pool: pg.Pool;
  /**
   * Runs `work` in one transaction with `app.shop_id` set for that transaction only
   * (`set_config(…, true)`), so row-level security sees the shop. All tenant data access
   * goes through here; services receive the `tx`.
   */
  withTenant<T>(shopId: number, work: (tx: Tx) => Promise<T>, options?: TenantTxOptions): Promise<T>;
  /**
   * Read-only tenant statements on a plain pg client, for hot read paths (DataLoader batches):
   * the same `app.shop_id` scoping as withTenant at a fraction of Prisma's cost. Each statement
   * is its own read-only READ COMMITTED transaction, in one round trip (see rawTransaction).
   * Rows come back with camelCase keys and int8 as bigint, i.e. shaped like Prisma's models.
   */
  read<T>(shopId: number, work: (sql: SqlReader) => Promise<T>): Promise<T>;
  /**
   * A read-write tenant transaction on a plain pg client, for hot write paths (the Bitrix
   * status webhook, webhook delivery records): BEGIN and the tenant scope in one round trip,
   * the same `app.shop_id` / `app.origin` settings as withTenant, rows shaped like `read`'s.
   */
  write<T>(shopId: number, work: (sql: SqlReader) => Promise<T>, options?: WriteOptions): Promise<T>;
  /** SQL statements sent so far (tests use it to prove batching) */
  statementCount(): number;
  close(): Promise<void>;
}

/** Runs one parameterised statement and returns its rows with camelCase keys. */
export type SqlReader = <Row>(text: string, values?: unknown[]) => Promise<Row[]>;

const camelCache = new Map<string, string>();
function camel(column: string): string {
  let name = camelCache.get(column);
  if (name === undefined) {
    name = column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    camelCache.set(column, name);
  }
  return name;
}

const INT8_OID = 20;
const readTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID) return (value: string) => BigInt(value);
    return pg.types.getTypeParser(oid, format as "text");
  },
} as pg.CustomTypesConfig;

/**
 * Server-side prepared statements for the raw paths: each distinct parameterised statement
 * text gets a name, so PostgreSQL parses and plans it once per connection instead of on every
 * call. Texts are the code's own constants; past a bound, new texts simply run unnamed.
 */
const statementNames = new Map<string, string>();
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < 500) {
    name = `cvety_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}

// node-postgres's own conversion of a parameter to its text form (untyped module)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require("pg/lib/utils") as { prepareValue(value: unknown): unknown };

/**
 * The tenant scope as server-side prepared statements, PREPAREd once on every connection of
 * the pool: `set_config(…, true)` lasts until the end of the transaction it runs in.
 */
const SCOPE = {
  read: {
    name: "cvety_scope_read",
    parameters: "(text, text)",
    text: "select set_config('transaction_read_only', 'on', true), set_config('app.shop_id', $1, true), set_config('app.origin', $2, true)",
  },
  write: { name: "cvety_scope_write", parameters: "(text, text)", text: "select set_config('app.shop_id', $1, true), set_config('app.origin', $2, true)" },
  /** bench only (DatabaseOptions.withoutTenantSetting): the read-only part alone */
  readOnly: { name: "cvety_scope_read_only", parameters: "", text: "select set_config('transaction_read_only', 'on', true)" },
} as const;
const PREPARE_SCOPES = Object.values(SCOPE)
  .map((scope) => `prepare ${scope.name} ${scope.parameters} as ${scope.text}`)
  .join("; ");
/** connections whose scope statements are prepared (once, on a connection's first raw statement) */
const scopesPrepared = new WeakSet<pg.PoolClient>();

interface PgConnection {
  bind(config: { portal: string; statement: string; values: unknown[]; valueMapper: (value: unknown) => unknown }): void;
  describe(config: { type: "P"; name: string }): void;
  execute(config: { portal: string }): void;
}
const PgQuery = pg.Query as unknown as new (config: pg.QueryConfig, values?: undefined, callback?: (error: Error | null, result: pg.QueryResult | pg.QueryResult[]) => void) => {
  prepare(connection: PgConnection): void;
  requiresPreparation(): boolean;
};

/**
 * A statement and its tenant scope in one round trip, with the statement's plan cached: the
 * extended protocol's pipeline sends Bind/Execute of the scope, then (Parse the first time on a
 * connection) Bind/Execute of the named statement, then one Sync. Everything before a Sync is
 * one implicit transaction, so the scope holds for the statement and ends with it, and an error
 * in either undoes both. (A simple-protocol message could carry both too, but PostgreSQL then
 * parses and plans the statement, row-level security included, on every call.)
 */
class ScopedStatement extends PgQuery {
  constructor(
    config: pg.QueryConfig,
    private readonly scope: { statement: string; values: string[] },
    callback: (error: Error | null, result: pg.QueryResult | pg.QueryResult[]) => void,
  ) {
    super(config, undefined, callback);
  }

  requiresPreparation() {
    return true;
  }

  prepare(connection: PgConnection) {
    connection.bind({ portal: "", statement: this.scope.statement, values: this.scope.values, valueMapper: prepareValue });
    connection.describe({ type: "P", name: "" });
    connection.execute({ portal: "" });
    super.prepare(connection);
  }
}

/**
 * `text` with `$n` replaced by the escaped literal of `values[n - 1]`, so the statement can share
 * a simple-protocol round trip with BEGIN and the tenant scope; null when that is not safe to do
 * (binary values, dollar quoting). Placeholders inside quotes and comments are left alone.
 */
export function inlineParameters(text: string, values: readonly unknown[]): string | null {
  if (values.length === 0) return text;
  if (/\$[A-Za-z_]*\$/.test(text)) return null;
  const literals: string[] = [];
  for (const value of values) {
    const prepared = prepareValue(value);
    if (prepared === null) literals.push("NULL");
    else if (typeof prepared === "string") literals.push(pg.escapeLiteral(prepared));
    else return null;
  }
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const end =
      c === "'" || c === '"'
        ? closingQuote(text, i, c)
        : c === "-" && text[i + 1] === "-"
          ? lineEnd(text, i)
          : c === "/" && text[i + 1] === "*"
            ? text.indexOf("*/", i + 2) + 2 || text.length
            : -1;
    if (end > i) {
      out += text.slice(i, end);
      i = end;
      continue;
    }
    if (c === "$" && /[0-9]/.test(text[i + 1] ?? "")) {
      let j = i + 1;
      while (j < text.length && /[0-9]/.test(text[j])) j += 1;
      const index = Number(text.slice(i + 1, j)) - 1;
      if (index >= literals.length) return null;
      out += literals[index];
      i = j;
      continue;
    }
    out += c;
    i += 1;
  }
  return out;
}

function closingQuote(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else i += 1;
  }
  return text.length;
}

function lineEnd(text: string, start: number): number {
  const newline = text.indexOf("\n", start);
  return newline === -1 ? text.length : newline;
}

/** PostgreSQL refuses a prepared statement whose result columns a migration has changed. */
function isStalePlan(error: unknown): boolean {
  return (error as { code?: string }).code === "0A000" && /cached plan must not change result type/.test((error as Error).message);
}

function assertShopId(shopId: number) {
  if (!Number.isInteger(shopId) || shopId <= 0) throw new Error(`a tenant transaction needs a shop id, got ${shopId}`);
}

type AdapterTransaction = {
  client: pg.PoolClient;
  cleanup?: () => void;
  executeRaw(query: { sql: string }): Promise<unknown>;
};

/**
 * Prisma's transaction manager closes a transaction by sending COMMIT or ROLLBACK and only then
 * calling the adapter's commit()/rollback(), which gives the pooled connection back. When that
 * statement fails because the connection died (a database restart, a network cut), the second
 * step never runs and the connection is never returned: each interactive transaction caught by
 * an outage would shrink the pool for good. This gives such a connection back, marked broken.
 */
function releasingBrokenTransactions(factory: PrismaPg): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (...args: Parameters<typeof startTransaction>) => {
      const transaction = await startTransaction(...args);
      const tx = transaction as unknown as AdapterTransaction;
      const executeRaw = tx.executeRaw.bind(tx);
      tx.executeRaw = async (query) => {
        try {
          return await executeRaw(query);
        } catch (error) {
          if (/^\s*(COMMIT|ROLLBACK)\s*$/i.test(query.sql)) {
            tx.cleanup?.();
            tx.client.release(error instanceof Error ? error : new Error(String(error)));
          }
          throw error;
        }
      };
      return transaction;
    };
    return adapter;
  };
  return factory;
}

export interface WriteOptions extends Pick<TenantTxOptions, "origin"> {
  /**
   * Each statement is its own transaction, committed with the tenant scope in one round trip
   * (instead of BEGIN … COMMIT around them all): for work whose change is a single statement,
   * like a stock movement, possibly followed by reads.
   */
  autocommit?: boolean;
}

export interface TenantTxOptions {
  /** who caused the change; triggers read it, e.g. to skip echoing Bitrix's own changes back */
  origin?: "user" | "bitrix" | "system";
  isolationLevel?: "ReadCommitted" | "RepeatableRead" | "Serializable";
  timeoutMs?: number;
}

export interface DatabaseOptions {
  max?: number;
  applicationName?: string;
  /**
   * Bench only (bench/scenarios/06-rls-cost.ts measures what the wall costs): leaves the
   * wall's set_config out of withTenant. Under the application role that makes every
   * tenant table look empty, so it is no way around the wall; the bench pairs it with an
   * owner connection.
   */
  withoutTenantSetting?: boolean;
  /**
   * The server ends a session that sits in an open transaction longer than this (default 60 s).
   * A transaction left open holds back the status feed of every shop (core/status-feed.ts waits
   * for all older transactions) and keeps its row locks; no transaction here idles for long.
   */
  idleInTransactionTimeoutMs?: number;
}

export function createDatabase(url: string, options: DatabaseOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "cvety-graph",
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
  });
  // An idle client losing its server (restart, network) must not crash the process.
  pool.on("error", () => undefined);
  let statements = 0;
  /** the pool's connections' own query, for setup that is not the caller's statement */
  const ownQuery = new WeakMap<pg.PoolClient, (text: string) => Promise<unknown>>();
  const uncounted = (client: pg.PoolClient, text: string) => (ownQuery.get(client) ?? ((t: string) => client.query(t)))(text);
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    ownQuery.set(client as pg.PoolClient, query as (text: string) => Promise<unknown>);
    (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
      statements += 1;
      return query(...args);
    };
  });
  const prisma = new PrismaClient({ adapter: releasingBrokenTransactions(new PrismaPg(pool)) });

  /**
   * `read`: each statement is its own read-only transaction (at READ COMMITTED every statement
   * takes its own snapshot anyway), pipelined with the tenant scope (ScopedStatement): the
   * scope lives exactly as long as the statement. One round trip, no BEGIN or COMMIT, and the
   * statement's plan is cached. `autocommit`: the same for writes, each statement committing on
   * its own. `write`: one explicit transaction; BEGIN, the scope and the first statement (its
   * parameters inlined when that is safe) share a simple-protocol round trip.
   */
  async function rawTransaction<T>(shopId: number, mode: "read" | "autocommit" | "write", origin: string, work: (sql: SqlReader) => Promise<T>): Promise<T> {
    assertShopId(shopId);
    if (!/^[a-z]+$/.test(origin)) throw new Error(`origin must be a plain word, got ${origin}`);
    const client = await pool.connect();
    let broken: unknown;
    // a connection lost between statements is reported as an 'error' event on the checked-out
    // client; unheard, it would crash the process. Remember it: the client is then discarded.
    const onLost = (error: Error) => {
      broken = error;
    };
    client.on("error", onLost);
    // shopId and origin are validated, so they can be inlined
    const scope = options.withoutTenantSetting ? null : `select set_config('app.shop_id', '${shopId}', true), set_config('app.origin', '${origin}', true)`;
    /** statements for one simple-protocol message */
    const message = (...statements: (string | null)[]) => statements.filter((statement) => statement !== null).join("; ");
    const begin = message("begin", scope);
    /** an explicit transaction is open on the connection */
    let open = false;
    /** one simple-protocol message; its last statement's result */
    const simple = async (text: string): Promise<pg.QueryResult> => {
      const results = (await client.query({ text, types: readTypes })) as unknown as pg.QueryResult[] | pg.QueryResult;
      return Array.isArray(results) ? results[results.length - 1] : results;
    };
    const parameterised = (text: string, values: unknown[]): Promise<pg.QueryResult> =>
      client.query({ name: values.length ? statementName(text) : undefined, text, values, types: readTypes });
    /** the scope of a read or an autocommit statement; null: none (the bench's wall-less stack writing) */
    const statementScope =
      mode === "write"
        ? null
        : options.withoutTenantSetting
          ? mode === "read"
            ? { statement: SCOPE.readOnly.name, values: [] }
            : null
          : { statement: SCOPE[mode === "read" ? "read" : "write"].name, values: [String(shopId), origin] };
    const pipelined = (text: string, values: unknown[], scope: { statement: string; values: string[] }) =>
      new Promise<pg.QueryResult>((resolve, reject) => {
        client.query(
          new ScopedStatement({ name: statementName(text), text, values, types: readTypes }, scope, (error, results) => {
            if (error) reject(error);
            else resolve(Array.isArray(results) ? results[results.length - 1] : results);
          }) as unknown as pg.QueryConfig,
        );
      });
    const scoped = async (text: string, values: unknown[], scope: { statement: string; values: string[] }) => {
      try {
        return await pipelined(text, values, scope);
      } catch (error) {
        const name = statementName(text);
        if (!name || !isStalePlan(error)) throw error;
        // A migration changed a table under a statement prepared on this connection. The
        // statement failed whole (its own transaction), so it is prepared afresh and run again.
        await uncounted(client, `deallocate ${name}`);
        delete (client as unknown as { connection: { parsedStatements: Record<string, string> } }).connection.parsedStatements[name];
        return pipelined(text, values, scope);
      }
    };
    const run = async (text: string, values: unknown[]): Promise<pg.QueryResult> => {
      // inside an open write transaction nothing is saved by inlining: run it as it is
      if (open) return parameterised(text, values);
      if (mode !== "write") {
        if (!statementScope) return parameterised(text, values);
        if (!scopesPrepared.has(client)) {
          await uncounted(client, PREPARE_SCOPES);
          scopesPrepared.add(client);
        }
        return scoped(text, values, statementScope);
      }
      open = true;
      const inlined = inlineParameters(text, values);
      if (inlined !== null) return simple(message(begin, inlined));
      await client.query(begin);
      return parameterised(text, values);
    };
    try {
      const sql: SqlReader = async <Row>(text: string, values: unknown[] = []) => {
        const result = await run(text, values);
        return result.rows.map((row) => {
          const shaped: Record<string, unknown> = {};
          for (const key in row) shaped[camel(key)] = row[key];
          return shaped as Row;
        });
      };
      const result = await work(sql);
      if (open) await client.query("commit");
      open = false;
      return result;
    } catch (error) {
      broken ??= error;
      if (open) await client.query("rollback").catch(() => undefined);
      throw error;
    } finally {
      client.off("error", onLost);
      client.release(broken instanceof Error && /terminat|Connection|ECONNRESET/i.test(broken.message) ? broken : undefined);
    }
  }

  return {
    prisma,
    pool,
    statementCount: () => statements,
    withTenant(shopId, work, txOptions = {}) {
      assertShopId(shopId);
      return prisma.$transaction(
        async (tx) => {
          if (!options.withoutTenantSetting) {
            await tx.$queryRaw`select set_config('app.shop_id', ${String(shopId)}, true), set_config('app.origin', ${txOptions.origin ?? "user"}, true)`;
          }
          return work(tx);
        },
        { maxWait: 5_000, timeout: txOptions.timeoutMs ?? 15_000, isolationLevel: txOptions.isolationLevel },
      );
    },
    read(shopId, work) {
      return rawTransaction(shopId, "read", "user", work);
    },
    write(shopId, work, txOptions = {}) {
      return rawTransaction(shopId, txOptions.autocommit ? "autocommit" : "write", txOptions.origin ?? "user", work);
    },
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}
