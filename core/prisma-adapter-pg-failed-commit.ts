import type { PrismaPg } from "@prisma/adapter-pg";

/**
 * Workaround for a bug of @prisma/client 6.19's transaction manager (with @prisma/adapter-pg 7):
 * it closes an interactive transaction by sending COMMIT (or ROLLBACK) through the transaction's
 * `executeRaw`, and only when that succeeds calls the transaction's `commit()`/`rollback()`, which
 * gives the pooled connection back. When the statement fails because the connection died (a
 * database restart, a network cut), the connection is never returned: each interactive
 * transaction caught by an outage shrinks the pool for good, until every request waits for a
 * connection that never comes.
 *
 * Upstream: fixed in Prisma 7's transaction manager (packages/client-engine-runtime,
 * transaction-manager.ts: a failed COMMIT query calls `rollback()` and rethrows), as quoted in
 * prisma/orm#30071; 6.19 has no fix. This does the same from outside, through public methods
 * only: the adapter factory's `connect`, the adapter's `startTransaction`, the transaction's
 * `executeRaw` and `rollback` (which releases the connection; pg's pool drops a dead one).
 * Remove this file when core/prisma-adapter-pg-failed-commit.test.ts's "bug" case fails (the
 * installed Prisma no longer leaks).
 */
export function releasingConnectionsOfFailedCommits(factory: PrismaPg): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (...args: Parameters<typeof startTransaction>) => {
      const transaction = await startTransaction(...args);
      const executeRaw = transaction.executeRaw.bind(transaction);
      transaction.executeRaw = async (query) => {
        try {
          return await executeRaw(query);
        } catch (error) {
          if (/^\s*(COMMIT|ROLLBACK)\s*$/i.test(query.sql)) await transaction.rollback().catch(() => undefined);
          throw error;
        }
      };
      return transaction;
    };
    return adapter;
  };
  return factory;
}
