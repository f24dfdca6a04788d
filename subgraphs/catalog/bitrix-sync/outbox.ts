import type { Database, SqlReader, Tx } from "../../../core/db";
import type { BitrixOutbox, BitrixSyncState } from "../../../prisma/generated/client";
import { conflict, notFound } from "../../../core/errors";
import { decodeCursor, pageSize, toConnection } from "../../../core/pagination";

/**
 * Data access of the Bitrix outbox (table bitrix_outbox). Rows are written by triggers on
 * product and product_image; this module claims, completes, lists and requeues them. Every
 * query runs in a tenant transaction and names the shop; RLS on the table is the second wall.
 */

export type OutboxRow = BitrixOutbox;

/** What the first send froze: the product's fields, formatted into the request body at send time. */
export interface ProductSnapshot {
  name: string;
  price: number;
  description: string | null;
  image: string | null;
  /** enabled and not archived */
  enabled: boolean;
}

export interface ClaimedRow {
  id: number;
  productId: number;
  bitrixProductId: number | null;
  attempts: number;
  payload: ProductSnapshot | null;
}

/** Writes BITRIX_SHOP_ID where the triggers read it. Not tenant data: one row. */
export async function setSyncTarget(db: Database, bitrixShopId: number): Promise<void> {
  await db.prisma.$executeRaw`
    insert into bitrix_sync_target (id, bitrix_shop_id, updated_at) values (true, ${bitrixShopId}, now())
    on conflict (id) do update set bitrix_shop_id = excluded.bitrix_shop_id, updated_at = now()
    where bitrix_sync_target.bitrix_shop_id <> excluded.bitrix_shop_id`;
}

/**
 * Claims up to `limit` due rows of the shop for `leaseMs`: each gets one more attempt and, on
 * its first attempt, a frozen snapshot of the product (so edits up to now collapse into this
 * send, and every retry under the row's idempotency key sends the same body). Only the oldest
 * pending row of a product is ever claimable, so a product's changes reach Bitrix in order and
 * never two at once. SKIP LOCKED lets several relays claim side by side.
 */
export async function claimDue(sql: SqlReader, shopId: number, limit: number, leaseMs: number): Promise<ClaimedRow[]> {
  return sql<ClaimedRow>(
    `with due as (
       select o.id
         from bitrix_outbox o
        where o.shop_id = $1
          and o.state = 'PENDING'
          and o.next_attempt_at <= now()
          and (o.locked_until is null or o.locked_until < now())
          and not exists (
            select 1 from bitrix_outbox older
             where older.product_id = o.product_id and older.state = 'PENDING' and older.id < o.id)
        order by o.next_attempt_at, o.id
        limit $2
        for update of o skip locked
     )
     update bitrix_outbox o
        set attempts = o.attempts + 1,
            locked_until = now() + make_interval(secs => $3::float8 / 1000),
            last_attempt_at = now(),
            updated_at = now(),
            payload = coalesce(o.payload, snapshot.payload),
            bitrix_product_id = case when o.payload is null then p.bitrix_product_id else o.bitrix_product_id end
       from due, product p,
            lateral (
              select jsonb_build_object(
                'name', p.name,
                'price', p.price,
                'description', p.description,
                'enabled', p.enabled and p.archived_at is null,
                'image', (select i.url from product_image i where i.product_id = p.id
                           order by i.is_main desc, i.position, i.id limit 1)
              ) as payload
            ) snapshot
      where o.id = due.id and p.id = o.product_id and p.shop_id = o.shop_id
     returning o.id, o.product_id, o.bitrix_product_id, o.attempts, o.payload`,
    [shopId, limit, leaseMs],
  );
}

export type Outcome =
  | { kind: "delivered"; status: number }
  | { kind: "retry"; status: number | null; error: string; delayMs: number }
  | { kind: "parked"; status: number | null; error: string }
  /** the relay is stopping: hand the row back at once, the attempt is not counted */
  | { kind: "released" };

/**
 * Records the outcomes of claimed attempts in one statement. `attempts` fences each: when a
 * relay's lease ran out and another relay claimed the row again, the late answer changes
 * nothing. Returns how many rows were updated.
 */
export async function complete(
  sql: SqlReader,
  shopId: number,
  results: { row: ClaimedRow; outcome: Outcome }[],
): Promise<number> {
  if (results.length === 0) return 0;
  const column = <T>(pick: (result: { row: ClaimedRow; outcome: Outcome }) => T) => results.map(pick);
  const updated = await sql<{ id: number }>(
    `update bitrix_outbox o
        set state = case r.kind when 'delivered' then 'DELIVERED' when 'parked' then 'PARKED' else 'PENDING' end::"BitrixSyncState",
            delivered_at = case when r.kind = 'delivered' then now() else o.delivered_at end,
            attempts = case when r.kind = 'released' then o.attempts - 1 else o.attempts end,
            next_attempt_at = case r.kind
                                when 'retry' then now() + make_interval(secs => r.delay_ms / 1000)
                                when 'released' then now()
                                else o.next_attempt_at end,
            locked_until = null,
            last_status = case when r.kind = 'released' then o.last_status else r.status end,
            last_error = case when r.kind = 'released' then o.last_error else r.error end,
            updated_at = now()
       from unnest($2::int[], $3::int[], $4::text[], $5::int[], $6::text[], $7::float8[]) as r(id, attempts, kind, status, error, delay_ms)
      where o.id = r.id and o.shop_id = $1 and o.attempts = r.attempts and o.state = 'PENDING'
     returning o.id`,
    [
      shopId,
      column((r) => r.row.id),
      column((r) => r.row.attempts),
      column((r) => r.outcome.kind),
      column((r) => ("status" in r.outcome ? r.outcome.status : null)),
      column((r) => ("error" in r.outcome ? r.outcome.error.slice(0, 1000) : null)),
      column((r) => (r.outcome.kind === "retry" ? r.outcome.delayMs : 0)),
    ],
  );
  return updated.length;
}

export interface QueueStats {
  pending: number;
  parked: number;
  /** seconds since the oldest pending row was queued; 0 when none */
  oldestPendingSeconds: number;
}

export async function queueStats(sql: SqlReader, shopId: number): Promise<QueueStats> {
  const [row] = await sql<{ pending: bigint; parked: bigint; oldest: number | null }>(
    `select count(*) filter (where state = 'PENDING') as pending,
            count(*) filter (where state = 'PARKED') as parked,
            extract(epoch from now() - min(created_at) filter (where state = 'PENDING'))::float8 as oldest
       from bitrix_outbox
      where shop_id = $1 and state in ('PENDING', 'PARKED')`,
    [shopId],
  );
  return {
    pending: Number(row.pending),
    parked: Number(row.parked),
    oldestPendingSeconds: Math.max(0, row.oldest ?? 0),
  };
}

/** The latest outbox row of each product (what Product.bitrixSync shows), on the raw read path. */
export function latestForProducts(sql: SqlReader, productIds: readonly number[], shopId: number): Promise<OutboxRow[]> {
  return sql<OutboxRow>(
    `select distinct on (product_id) * from bitrix_outbox where shop_id = $1 and product_id = any($2::int[]) order by product_id, id desc`,
    [shopId, productIds],
  );
}

export interface QueueFilter {
  state?: BitrixSyncState | null;
  first?: number | null;
  after?: string | null;
}

/** A page of the shop's outbox, oldest first (the row that has waited longest on top), keyset on id. */
export async function listQueue(tx: Tx, shopId: number, filter: QueueFilter) {
  const size = pageSize(filter.first);
  const cursor = decodeCursor(filter.after, 1);
  const where = { shopId, ...(filter.state ? { state: filter.state } : {}) };
  const [rows, totalCount] = await Promise.all([
    tx.bitrixOutbox.findMany({
      where: { ...where, ...(cursor ? { id: { gt: Number(cursor[0]) } } : {}) },
      orderBy: { id: "asc" },
      take: size + 1,
    }),
    tx.bitrixOutbox.count({ where }),
  ]);
  return toConnection(rows, size, totalCount, (row) => [row.id]);
}

/**
 * A person's retry. A pending row is made due now (same row, same idempotency key). A parked row
 * is replaced by a fresh row that sends the product's current state under a new key (Bitrix may
 * have stored its answer to the old key); if a fresh row is already waiting, that one is it.
 * A delivered row has nothing to retry.
 */
export async function retry(tx: Tx, shopId: number, id: number): Promise<OutboxRow> {
  const [row] = await tx.$queryRaw<{ id: number; state: BitrixSyncState; product_id: number }[]>`
    select id, state::text as state, product_id from bitrix_outbox where id = ${id} and shop_id = ${shopId} for update`;
  if (!row) throw notFound("Bitrix sync entry", id);
  if (row.state === "PENDING") {
    return tx.bitrixOutbox.update({ where: { id }, data: { nextAttemptAt: new Date(), updatedAt: new Date() } });
  }
  if (row.state !== "PARKED") {
    throw conflict(`Bitrix sync entry ${id} is ${row.state}; only PENDING and PARKED entries can be retried`, {
      state: row.state,
    });
  }
  const [fresh] = await tx.$queryRaw<{ id: number }[]>`
    insert into bitrix_outbox (shop_id, product_id, bitrix_product_id)
    select p.shop_id, p.id, p.bitrix_product_id from product p
     where p.id = ${row.product_id} and p.shop_id = ${shopId} and p.bitrix_product_id is not null
    on conflict (product_id) where state = 'PENDING' and attempts = 0
    do update set changes = bitrix_outbox.changes + 1, updated_at = now()
    returning id`;
  if (!fresh)
    throw conflict(`The product of Bitrix sync entry ${id} no longer has a Bitrix id; there is nothing to send`);
  await tx.$executeRaw`update bitrix_outbox set state = 'REPLACED', updated_at = now() where id = ${id} and shop_id = ${shopId}`;
  await tx.$executeRaw`select pg_notify('bitrix_outbox', '')`;
  return tx.bitrixOutbox.findUniqueOrThrow({ where: { id: fresh.id } });
}

/** One outbox row of the shop, or null. */
export function findById(tx: Tx, shopId: number, id: number) {
  return tx.bitrixOutbox.findFirst({ where: { id, shopId } });
}
