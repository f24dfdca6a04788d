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
   * A read-only tenant transaction on a plain pg client, for hot read paths (DataLoader
   * batches): the same `app.shop_id` scoping as withTenant at a quarter of Prisma's cost.
   * Rows come back with camelCase keys and int8 as bigint, i.e. shaped like Prisma's models.
   */
  read<T>(shopId: number, work: (sql: SqlReader) => Promise<T>): Promise<T>;
  /**
   * The same raw path, read-write, for hot writes that are plain SQL (stock movements): one
   * round trip to begin and scope, the caller's statements, commit. Origin as in withTenant.
   */
  write<T>(shopId: number, work: (sql: SqlReader) => Promise<T>, options?: Pick<TenantTxOptions, "origin">): Promise<T>;
  /** SQL statements sent so far (tests use it to prove batching) */
  statementCount(): number;
  close(): Promise<void>;
}

/** Runs one parameterised SELECT and returns its rows with camelCase keys. */
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

function assertShopId(shopId: number) {
  if (!Number.isInteger(shopId) || shopId <= 0) throw new Error(`a tenant transaction needs a shop id, got ${shopId}`);
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
}

export function createDatabase(url: string, options: DatabaseOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "cvety-graph",
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its server (restart, network) must not crash the process.
  pool.on("error", () => undefined);
  let statements = 0;
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
      statements += 1;
      return query(...args);
    };
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });

  /** A tenant transaction on a plain pg client: rows come back camelCased, shaped like Prisma's. */
  async function rawTransaction<T>(shopId: number, begin: string, origin: string, work: (sql: SqlReader) => Promise<T>): Promise<T> {
    assertShopId(shopId);
    if (!/^[a-z]+$/.test(origin)) throw new Error(`bad origin ${origin}`);
    const client = await pool.connect();
    let broken: unknown;
    try {
      // shopId is a validated integer and origin a checked word, so both are inlined: begin and scope in one round trip
      await client.query(
        options.withoutTenantSetting
          ? begin
          : `${begin}; select set_config('app.shop_id', '${shopId}', true), set_config('app.origin', '${origin}', true)`,
      );
      const sql: SqlReader = async <Row>(text: string, values: unknown[] = []) => {
        const result = await client.query({ text, values, types: readTypes });
        return result.rows.map((row) => {
          const shaped: Record<string, unknown> = {};
          for (const key in row) shaped[camel(key)] = row[key];
          return shaped as Row;
        });
      };
      const result = await work(sql);
      await client.query("commit");
      return result;
    } catch (error) {
      broken = error;
      await client.query("rollback").catch(() => undefined);
      throw error;
    } finally {
      client.release(broken instanceof Error && /terminat|Connection/i.test(broken.message) ? broken : undefined);
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
      return rawTransaction(shopId, "begin read only", "user", work);
    },
    write(shopId, work, writeOptions = {}) {
      return rawTransaction(shopId, "begin", writeOptions.origin ?? "user", work);
    },
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}
