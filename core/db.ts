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

// node-postgres's own conversion of a parameter to its text form, for binding the pipeline's steps (untyped module)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require("pg/lib/utils") as { prepareValue(value: unknown): unknown };

/**
 * The tenant scope as server-side prepared statements, PREPAREd on a connection's first raw
 * statement: `set_config(…, true)` lasts until the end of the transaction it runs in.
 */
const SCOPE = {
  read: {
    name: "cvety_scope_read",
    parameters: "(text, text)",
    text: "select set_config('transaction_read_only', 'on', true), set_config('app.shop_id', $1, true), set_config('app.origin', $2, true)",
  },
  write: {
    name: "cvety_scope_write",
    parameters: "(text, text)",
    text: "select set_config('app.shop_id', $1, true), set_config('app.origin', $2, true)",
  },
  /** a courier's transactions: the courier wall's role and user beside the shop */
  courierRead: {
    name: "cvety_scope_courier_read",
    parameters: "(text, text, text)",
    text: "select set_config('transaction_read_only', 'on', true), set_config('app.shop_id', $1, true), set_config('app.origin', $2, true), set_config('app.user_id', $3, true), set_config('role', 'cvety_courier', true)",
  },
  courierWrite: {
    name: "cvety_scope_courier_write",
    parameters: "(text, text, text)",
    text: "select set_config('app.shop_id', $1, true), set_config('app.origin', $2, true), set_config('app.user_id', $3, true), set_config('role', 'cvety_courier', true)",
  },
  /** bench only (DatabaseOptions.withoutTenantSetting): the read-only part alone */
  readOnly: {
    name: "cvety_scope_read_only",
    parameters: "",
    text: "select set_config('transaction_read_only', 'on', true)",
  },
} as const;
const PREPARE_SCOPES = Object.values(SCOPE)
  .map((scope) => `prepare ${scope.name} ${scope.parameters} as ${scope.text}`)
  .join("; ");
/** BEGIN as a statement prepared at the protocol level (SQL's PREPARE takes no BEGIN) */
const BEGIN_STATEMENT = "cvety_begin";
/** connections with the scope statements and BEGIN prepared (once, on a connection's first raw statement) */
const setUp = new WeakSet<pg.PoolClient>();

interface PgConnection {
  bind(config: {
    portal: string;
    statement: string;
    values: unknown[];
    valueMapper: (value: unknown) => unknown;
  }): void;
  describe(config: { type: "P"; name: string }): void;
  execute(config: { portal: string }): void;
}
const PgQuery = pg.Query as unknown as new (
  config: pg.QueryConfig,
  values?: undefined,
  callback?: (error: Error | null, result: pg.QueryResult | pg.QueryResult[]) => void,
) => {
  prepare(connection: PgConnection): void;
  requiresPreparation(): boolean;
};

interface PipelineStep {
  statement: string;
  values: string[];
}

/**
 * A statement and what must precede it (BEGIN, the tenant scope) in one round trip, with the
 * statement's plan cached: the extended protocol's pipeline sends Bind/Execute of each prepared
 * step, then (Parse the first time on a connection) Bind/Execute of the named statement, then one
 * Sync. Without BEGIN everything before the Sync is one implicit transaction, so the scope holds
 * for the statement and ends with it, and an error undoes both. (A simple-protocol message could
 * carry them all too, but PostgreSQL then parses and plans the statement, row-level security
 * included, on every call.)
 */
class PipelinedStatement extends PgQuery {
  constructor(
    config: pg.QueryConfig,
    private readonly before: readonly PipelineStep[],
    callback: (error: Error | null, result: pg.QueryResult | pg.QueryResult[]) => void,
  ) {
    super(config, undefined, callback);
  }

  requiresPreparation() {
    return true;
  }

  prepare(connection: PgConnection) {
    for (const step of this.before) {
      connection.bind({ portal: "", statement: step.statement, values: step.values, valueMapper: prepareValue });
      connection.describe({ type: "P", name: "" });
      connection.execute({ portal: "" });
    }
    super.prepare(connection);
  }
}

/** PostgreSQL refuses a prepared statement whose result columns a migration has changed. */
function isStalePlan(error: unknown): boolean {
  return (
    (error as { code?: string }).code === "0A000" &&
    /cached plan must not change result type/.test((error as Error).message)
  );
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
  const ownQuery = new WeakMap<pg.PoolClient, (query: string | pg.QueryConfig) => Promise<unknown>>();
  const uncounted = (client: pg.PoolClient, query: string | pg.QueryConfig) =>
    (ownQuery.get(client) ?? ((q: string | pg.QueryConfig) => client.query(q)))(query);
  async function setUpConnection(client: pg.PoolClient) {
    await uncounted(client, PREPARE_SCOPES);
    // preparing BEGIN at the protocol level runs it once: end that transaction
    await uncounted(client, { name: BEGIN_STATEMENT, text: "begin" });
    await uncounted(client, "rollback");
  }
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    ownQuery.set(client as pg.PoolClient, query as (query: string | pg.QueryConfig) => Promise<unknown>);
    (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
      statements += 1;
      return query(...args);
    };
  });
  const prisma = new PrismaClient({ adapter: releasingBrokenTransactions(new PrismaPg(pool)) });

  /**
   * `read`: each statement is its own read-only transaction (at READ COMMITTED every statement
   * takes its own snapshot anyway), pipelined with the tenant scope (PipelinedStatement): the
   * scope lives exactly as long as the statement. One round trip, no BEGIN or COMMIT, and the
   * statement's plan is cached. `autocommit`: the same for writes, each statement committing on
   * its own. `write`: one explicit transaction; BEGIN, the scope and the first statement share
   * a round trip, the next statements take one each, then COMMIT.
   */
  async function rawTransaction<T>(
    shopId: number,
    mode: "read" | "autocommit" | "write",
    origin: string,
    work: (sql: SqlReader) => Promise<T>,
    courierUserId?: string,
  ): Promise<T> {
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
    /** an explicit transaction is open on the connection */
    let open = false;
    const parameterised = (text: string, values: unknown[]): Promise<pg.QueryResult> =>
      client.query({ name: values.length ? statementName(text) : undefined, text, values, types: readTypes });
    /** what runs before the first statement, in its round trip: BEGIN (write), the scope (unless the bench's wall-less stack) */
    const before: PipelineStep[] = [];
    if (mode === "write") before.push({ statement: BEGIN_STATEMENT, values: [] });
    if (courierUserId !== undefined) {
      before.push({
        statement: SCOPE[mode === "read" ? "courierRead" : "courierWrite"].name,
        values: [String(shopId), origin, courierUserId],
      });
    } else if (!options.withoutTenantSetting)
      before.push({ statement: SCOPE[mode === "read" ? "read" : "write"].name, values: [String(shopId), origin] });
    else if (mode === "read") before.push({ statement: SCOPE.readOnly.name, values: [] });
    const pipelined = (text: string, values: unknown[]) =>
      new Promise<pg.QueryResult>((resolve, reject) => {
        client.query(
          new PipelinedStatement(
            { name: statementName(text), text, values, types: readTypes },
            before,
            (error, results) => {
              if (error) reject(error);
              else resolve(Array.isArray(results) ? results[results.length - 1] : results);
            },
          ) as unknown as pg.QueryConfig,
        );
      });
    /** the first statement (for read and autocommit: every statement), in one round trip with `before` */
    const first = async (text: string, values: unknown[]) => {
      if (!setUp.has(client)) {
        await setUpConnection(client);
        setUp.add(client);
      }
      try {
        return await pipelined(text, values);
      } catch (error) {
        const name = statementName(text);
        if (!name || !isStalePlan(error)) throw error;
        // A migration changed a table under a statement prepared on this connection. Nothing
        // of this statement's transaction is left, so it is prepared afresh and run again.
        if (mode === "write") await client.query("rollback");
        await uncounted(client, `deallocate ${name}`);
        delete (client as unknown as { connection: { parsedStatements: Record<string, string> } }).connection
          .parsedStatements[name];
        return pipelined(text, values);
      }
    };
    const run = (text: string, values: unknown[]): Promise<pg.QueryResult> => {
      if (open) return parameterised(text, values);
      if (mode === "write") open = true;
      return first(text, values);
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
      client.release(
        broken instanceof Error && /terminat|Connection|ECONNRESET/i.test(broken.message) ? broken : undefined,
      );
    }
  }

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
    statementCount: () => statements,
    withTenant,
    read(shopId, work) {
      return rawTransaction(shopId, "read", "user", work);
    },
    write(shopId, work, txOptions = {}) {
      return rawTransaction(shopId, txOptions.autocommit ? "autocommit" : "write", txOptions.origin ?? "user", work);
    },
    forViewer(viewer) {
      if (viewer.role !== "COURIER") return database;
      const courierUserId = viewer.userId;
      return {
        ...database,
        withTenant: (shopId, work, txOptions = {}) => withTenant(shopId, work, { ...txOptions, courierUserId }),
        read: (shopId, work) => rawTransaction(shopId, "read", "user", work, courierUserId),
        write: (shopId, work, txOptions = {}) =>
          rawTransaction(
            shopId,
            txOptions.autocommit ? "autocommit" : "write",
            txOptions.origin ?? "user",
            work,
            courierUserId,
          ),
      };
    },
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
  return database;
}
