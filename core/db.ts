/**
 * Tenant data access: the one place that scopes a connection to a shop (`app.shop_id`, set with
 * `set_config(…, true)` inside the transaction; row-level security is the wall behind it).
 *
 * One rule for reaching tenant data:
 * - Reads go through `read`: parameterised SQL in the subgraph's data-access module, one round
 *   trip per statement, rows shaped like Prisma's models; DataLoader batches via core/loaders'
 *   `sqlLoaders`. A table is read one way, and this is it.
 * - Writes go through `withTenant`: Prisma in a transaction the service receives (`tx`), so a
 *   business rule and its writes share one transaction; rules written in SQL run there through
 *   `sqlIn(tx)` (payments, staff, client profiles).
 * - `write` (raw SQL) only for a write that is one set-based statement on a hot or bulk path,
 *   where Prisma would take several round trips: the status webhook's group commit, stock
 *   movements, the outbox relay's claims (`FOR UPDATE SKIP LOCKED`).
 *
 * Only public library APIs: pg's pipeline mode, named prepared statements and escapeLiteral;
 * Prisma's driver adapter. The one library bug worked around is in prisma-adapter-pg-failed-commit.ts.
 */
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../prisma/generated/client";
import { releasingConnectionsOfFailedCommits } from "./prisma-adapter-pg-failed-commit";

export type Prisma = InstanceType<typeof PrismaClient>;
/** A Prisma client bound to one tenant-scoped transaction. */
export type Tx = Parameters<Parameters<Prisma["$transaction"]>[0]>[0];

export interface Database {
  prisma: Prisma;
  pool: pg.Pool;
  /**
   * Runs `work` in one transaction with `app.shop_id` set for that transaction only
   * (`set_config(…, true)`), so row-level security sees the shop. Tenant writes go through
   * here (the header's rule); services receive the `tx`.
   */
  withTenant<T>(shopId: number, work: (tx: Tx) => Promise<T>, options?: TenantTxOptions): Promise<T>;
  /**
   * Read-only tenant statements on a plain pg client, the way every tenant read goes (the
   * header's rule): the same `app.shop_id` scoping as withTenant at a fraction of Prisma's cost. Each statement
   * is its own read-only READ COMMITTED transaction, in one round trip (see RawTransaction).
   * Rows come back with camelCase keys and int8 as bigint, i.e. shaped like Prisma's models.
   */
  read<T>(shopId: number, work: (sql: SqlReader) => Promise<T>): Promise<T>;
  /**
   * A read-write tenant transaction on a plain pg client, for hot write paths (the Bitrix
   * status webhook, webhook delivery records): BEGIN and the tenant scope in one round trip,
   * the same `app.shop_id` / `app.origin` settings as withTenant, rows shaped like `read`'s.
   */
  write<T>(shopId: number, work: (sql: SqlReader) => Promise<T>, options?: WriteOptions): Promise<T>;
  /**
   * The same database as seen by one caller: for a COURIER every transaction also runs as role
   * cvety_courier with `app.user_id` set, so row-level security shows only the orders assigned
   * to them (migration 20261206235500). Other roles get this database unchanged.
   */
  forViewer(viewer: { userId: string; role: string }): Database;
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

/** A row with camelCase keys, shaped like Prisma's models. */
function camelKeys<Row>(row: Record<string, unknown>): Row {
  const shaped: Record<string, unknown> = {};
  for (const key in row) shaped[camel(key)] = row[key];
  return shaped as Row;
}

/**
 * The same SQL data-access functions inside a `withTenant` transaction: a SqlReader on the
 * service's `tx` (Prisma's public `$queryRawUnsafe`, parameters bound), rows shaped as `read`'s.
 * For an ordinary write whose rules are written in SQL (payments, staff, client profiles).
 */
export function sqlIn(tx: Tx): SqlReader {
  return async <Row>(text: string, values: unknown[] = []) => {
    const rows = await tx.$queryRawUnsafe<Record<string, unknown>[]>(text, ...values);
    return rows.map((row) => camelKeys<Row>(row));
  };
}

const INT8_OID = 20;
const readTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID) return (value: string) => BigInt(value);
    return pg.types.getTypeParser(oid, format as "text");
  },
} as pg.CustomTypesConfig;

/**
 * Server-side prepared statements for the raw paths (pg's public `name` option): each distinct
 * parameterised statement text gets a name, so PostgreSQL parses and plans it, row-level security
 * included, once per connection instead of on every call. Texts are the code's own constants;
 * past a bound, new texts simply run unnamed.
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

/** Marks a query of a raw transaction's framing (BEGIN with the scope, COMMIT, ROLLBACK): not counted. */
const FRAMING = Symbol("framing");
type FramingQuery = pg.QueryConfig & { [FRAMING]: true };
const framing = (text: string): FramingQuery => ({ text, [FRAMING]: true });

interface Scope {
  shopId: number;
  origin: string;
  courierUserId?: string;
}

/**
 * A raw transaction's start as one simple-protocol message: BEGIN and the tenant scope
 * (`set_config(…, true)` lasts until the end of the transaction). The values are escaped with
 * pg's public escapeLiteral; the shop id is an integer and the origin a plain word, checked before.
 */
function beginScoped(access: "read" | "write", scope: Scope | null): FramingQuery {
  const settings: string[] = [];
  if (scope) {
    settings.push(
      `set_config('app.shop_id', '${scope.shopId}', true)`,
      `set_config('app.origin', ${pg.escapeLiteral(scope.origin)}, true)`,
    );
    if (scope.courierUserId !== undefined) {
      settings.push(
        `set_config('app.user_id', ${pg.escapeLiteral(scope.courierUserId)}, true)`,
        "set_config('role', 'cvety_courier', true)",
      );
    }
  }
  const begin = access === "read" ? "begin read only" : "begin";
  return framing(settings.length ? `${begin}; select ${settings.join(", ")}` : begin);
}

/** PostgreSQL refuses a prepared statement whose result columns a migration has changed. */
function isStalePlan(error: unknown): boolean {
  return (
    (error as { code?: string }).code === "0A000" &&
    /cached plan must not change result type/.test((error as Error).message)
  );
}

/** The connection itself failed (terminated, reset): it must not go back to the pool. */
function isConnectionLost(error: unknown): boolean {
  return error instanceof Error && /terminat|Connection|ECONNRESET|not queryable/i.test(error.message);
}

function assertShopId(shopId: number) {
  if (!Number.isInteger(shopId) || shopId <= 0) throw new Error(`a tenant transaction needs a shop id, got ${shopId}`);
}

type RawMode = "read" | "autocommit" | "write";
const writeMode = (options: WriteOptions): RawMode => (options.autocommit ? "autocommit" : "write");

/**
 * One raw tenant transaction on a pooled connection in pg's pipeline mode (the public `pipeline`
 * client option): queries are written without waiting for the answers of the ones before, so
 * BEGIN with the scope, the statement (prepared once per connection) and, for `read` and
 * `autocommit`, COMMIT go out together: one round trip per statement. A failed statement aborts
 * the transaction; the COMMIT behind it then ends it as a rollback.
 */
class RawTransaction {
  /** an explicit transaction spans the next statements (`write`) */
  private open = false;
  /** a plan went stale under a migration: statements run unnamed, the connection is discarded */
  stale: Error | undefined;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly mode: RawMode,
    private readonly begin: FramingQuery,
  ) {}

  async run(text: string, values: unknown[]): Promise<pg.QueryResult> {
    const first = !this.open;
    try {
      return await this.send(text, values);
    } catch (error) {
      if (!first || this.stale || !isStalePlan(error)) throw error;
      // A migration changed a table under a statement prepared on this connection: nothing of
      // the transaction is left, so it starts again with the statement unprepared.
      this.stale = error as Error;
      await this.end("rollback");
      return this.send(text, values);
    }
  }

  private async send(text: string, values: unknown[]): Promise<pg.QueryResult> {
    const name = values.length && !this.stale ? statementName(text) : undefined;
    const queries: Promise<unknown>[] = [];
    if (!this.open) queries.push(this.client.query(this.begin));
    const statement = this.client.query({ name, text, values, types: readTypes });
    queries.push(statement);
    if (this.mode === "write") this.open = true;
    else queries.push(this.client.query(framing("commit")));
    // all of them settled before the connection may go back to the pool; the first failure is the cause
    const failed = (await Promise.allSettled(queries)).find((outcome) => outcome.status === "rejected");
    if (failed) throw failed.reason;
    return statement;
  }

  async end(command: "commit" | "rollback"): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.client.query(framing(command));
  }
}

export interface WriteOptions extends Pick<TenantTxOptions, "origin"> {
  /**
   * Each statement is its own transaction (BEGIN with the tenant scope, the statement, COMMIT,
   * in one round trip) instead of one around them all: for work whose change is a single
   * statement, like a stock movement, possibly followed by reads that must not hold its locks.
   */
  autocommit?: boolean;
}

export interface TenantTxOptions {
  /** set by Database.forViewer: the COURIER user whose orders alone the transaction sees */
  courierUserId?: string;
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

type RawArguments<T> = [
  shopId: number,
  mode: RawMode,
  origin: string,
  work: (sql: SqlReader) => Promise<T>,
  courierUserId?: string,
];

/**
 * `read`: each statement is its own read-only transaction (at READ COMMITTED every statement
 * takes its own snapshot anyway); `autocommit`: the same for writes, each statement committing
 * on its own; `write`: one explicit transaction, BEGIN and the scope in the first statement's
 * round trip, COMMIT after the last. See RawTransaction.
 */
async function runRaw<T>(
  pool: pg.Pool,
  withoutTenantSetting: boolean | undefined,
  shopId: number,
  mode: RawMode,
  origin: string,
  work: (sql: SqlReader) => Promise<T>,
  courierUserId?: string,
): Promise<T> {
  assertShopId(shopId);
  if (!/^[a-z]+$/.test(origin)) throw new Error(`origin must be a plain word, got ${origin}`);
  const scope = courierUserId !== undefined || !withoutTenantSetting ? { shopId, origin, courierUserId } : null;
  const client = await pool.connect();
  let lost: Error | undefined;
  // a connection lost between statements is reported as an 'error' event on the checked-out
  // client; unheard, it would crash the process. Remember it: the client is then discarded.
  const onLost = (error: Error) => {
    lost = error;
  };
  client.on("error", onLost);
  const transaction = new RawTransaction(client, mode, beginScoped(mode === "read" ? "read" : "write", scope));
  try {
    const result = await work(async <Row>(text: string, values: unknown[] = []) => {
      const { rows } = await transaction.run(text, values);
      return rows.map((row) => camelKeys<Row>(row));
    });
    await transaction.end("commit");
    return result;
  } catch (error) {
    if (isConnectionLost(error)) lost ??= error as Error;
    await transaction.end("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.off("error", onLost);
    client.release(lost ?? transaction.stale);
  }
}

/**
 * A pg client that counts the statements sent through it (tests prove batching with it): the
 * Pool's documented `Client` option and pg's public `query`. The framing of raw transactions
 * (BEGIN with the scope, COMMIT, ROLLBACK) is not the caller's statement and is not counted.
 */
function countingClient(counter: { statements: number }): typeof pg.Client {
  return class CountingClient extends pg.Client {
    override query(...args: unknown[]): never {
      const config = args[0];
      if (!(config && typeof config === "object" && FRAMING in config)) counter.statements += 1;
      return (super.query as (...a: unknown[]) => never)(...args);
    }
  };
}

export function createDatabase(url: string, options: DatabaseOptions = {}): Database {
  const counter = { statements: 0 };
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "cvety-graph",
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
    // queries of one connection go out without waiting for the answers before them (RawTransaction);
    // a caller awaiting each query, like Prisma, sees no difference
    pipeline: true,
    Client: countingClient(counter),
  });
  // An idle client losing its server (restart, network) must not crash the process.
  pool.on("error", () => undefined);
  const prisma = new PrismaClient({ adapter: releasingConnectionsOfFailedCommits(new PrismaPg(pool)) });
  const rawTransaction = <T>(...args: RawArguments<T>) => runRaw(pool, options.withoutTenantSetting, ...args);

  function withTenant<T>(shopId: number, work: (tx: Tx) => Promise<T>, txOptions: TenantTxOptions = {}): Promise<T> {
    assertShopId(shopId);
    const courier = txOptions.courierUserId;
    return prisma.$transaction(
      async (tx) => {
        if (courier !== undefined) {
          await tx.$queryRaw`select set_config('app.shop_id', ${String(shopId)}, true), set_config('app.origin', ${txOptions.origin ?? "user"}, true), set_config('app.user_id', ${courier}, true), set_config('role', 'cvety_courier', true)`;
        } else if (!options.withoutTenantSetting) {
          await tx.$queryRaw`select set_config('app.shop_id', ${String(shopId)}, true), set_config('app.origin', ${txOptions.origin ?? "user"}, true)`;
        }
        return work(tx);
      },
      { maxWait: 5_000, timeout: txOptions.timeoutMs ?? 15_000, isolationLevel: txOptions.isolationLevel },
    );
  }

  const database: Database = {
    prisma,
    pool,
    statementCount: () => counter.statements,
    withTenant,
    read(shopId, work) {
      return rawTransaction(shopId, "read", "user", work);
    },
    write(shopId, work, txOptions = {}) {
      return rawTransaction(shopId, writeMode(txOptions), txOptions.origin ?? "user", work);
    },
    forViewer(viewer) {
      if (viewer.role !== "COURIER") return database;
      const courierUserId = viewer.userId;
      return {
        ...database,
        withTenant: (shopId, work, txOptions = {}) => withTenant(shopId, work, { ...txOptions, courierUserId }),
        read: (shopId, work) => rawTransaction(shopId, "read", "user", work, courierUserId),
        write: (shopId, work, txOptions = {}) =>
          rawTransaction(shopId, writeMode(txOptions), txOptions.origin ?? "user", work, courierUserId),
      };
    },
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
  return database;
}
