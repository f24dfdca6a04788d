/**
 * The Prisma bug core/prisma-adapter-pg-failed-commit.ts works around, shown on a real
 * PostgreSQL: an interactive transaction whose connection dies before its COMMIT never gives
 * that connection back to the pool. The first case shows the bug itself (it fails the day the
 * installed Prisma is fixed: then remove the workaround); the second, the workaround.
 */
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../prisma/generated/client";
import { createTestDatabase } from "../test/harness";
import { releasingConnectionsOfFailedCommits } from "./prisma-adapter-pg-failed-commit";

describe("a Prisma transaction whose connection dies before COMMIT", () => {
  let database: { url: string; drop(): Promise<void> };
  let owner: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    owner = new pg.Client({ connectionString: database.url });
    await owner.connect();
  });
  afterAll(async () => {
    await owner?.end();
    await database?.drop();
  });

  /** Runs a transaction whose backend is terminated inside it; answers the pool's counts afterwards. */
  async function dyingTransaction(workaround: boolean) {
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    pool.on("error", () => undefined);
    let lost!: () => void;
    const connectionLost = new Promise<void>((resolve) => (lost = resolve));
    const factory = new PrismaPg(pool, { onConnectionError: () => lost() });
    const prisma = new PrismaClient({ adapter: workaround ? releasingConnectionsOfFailedCommits(factory) : factory });
    try {
      const outcome = prisma.$transaction(async (tx) => {
        const [{ pid }] = await tx.$queryRaw<{ pid: number }[]>`select pg_backend_pid() as pid`;
        await owner.query("select pg_terminate_backend($1)", [pid]);
        await connectionLost;
      });
      await expect(outcome).rejects.toThrow();
      return { total: pool.totalCount, idle: pool.idleCount };
    } finally {
      await prisma.$disconnect().catch(() => undefined);
      // pool.end() waits for every checked-out connection: with the leaked one it never resolves
      if (pool.totalCount === pool.idleCount) await pool.end();
      else void pool.end();
    }
  }

  it("without the workaround, the connection stays checked out for good (the bug)", async () => {
    expect(await dyingTransaction(false)).toEqual({ total: 1, idle: 0 });
  });

  it("with the workaround, the dead connection leaves the pool", async () => {
    expect(await dyingTransaction(true)).toEqual({ total: 0, idle: 0 });
  });
});
