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
  /** SQL statements sent so far (tests use it to prove batching) */
  statementCount(): number;
  close(): Promise<void>;
}

export interface TenantTxOptions {
  /** who caused the change; triggers read it, e.g. to skip echoing Bitrix's own changes back */
  origin?: "user" | "bitrix" | "system";
  isolationLevel?: "ReadCommitted" | "RepeatableRead" | "Serializable";
  timeoutMs?: number;
}

export function createDatabase(url: string, options: { max?: number; applicationName?: string } = {}): Database {
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

  return {
    prisma,
    pool,
    statementCount: () => statements,
    withTenant(shopId, work, txOptions = {}) {
      if (!Number.isInteger(shopId) || shopId <= 0) throw new Error(`withTenant needs a shop id, got ${shopId}`);
      return prisma.$transaction(
        async (tx) => {
          await tx.$queryRaw`select set_config('app.shop_id', ${String(shopId)}, true), set_config('app.origin', ${txOptions.origin ?? "user"}, true)`;
          return work(tx);
        },
        { maxWait: 5_000, timeout: txOptions.timeoutMs ?? 15_000, isolationLevel: txOptions.isolationLevel },
      );
    },
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}
