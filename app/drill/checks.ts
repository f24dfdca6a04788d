import pg from "pg";
import type { Sent } from "./load";
import type { ResumingSubscriber } from "./board";

/**
 * The checks the rolling-restart test and the fault drill share, on the owner's connection:
 * what a client was told succeeded is in the database exactly once.
 */
export interface Verdict {
  /** answered success, not found in the database */
  lost: string[];
  /** answered success, found more than once */
  duplicated: string[];
}

const BITRIX_SHOP = 17008;

/** How many rows carry each tag, for the ledger's successes of each kind. */
async function countsByTag(owner: pg.Pool, successes: Sent[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const byKind = (kind: Sent["kind"]) => successes.filter((s) => s.kind === kind).map((s) => s.tag);
  const queries: [string, string[]][] = [
    // a status delivery's tag is its notes (Bitrix's out-of-order moves prefix a remark)
    [
      `select t.tag, count(h.id)::int as n from unnest($1::text[]) t(tag)
         left join order_history h on h.shop_id = ${BITRIX_SHOP} and h.kind = 'STATUS' and h.changed_by = 'bitrix'
          and (h.notes = t.tag or h.notes like '%; ' || t.tag) group by t.tag`,
      byKind("status"),
    ],
    [
      `select t.tag, count(h.id)::int as n from unnest($1::text[]) t(tag)
         left join order_history h on h.kind = 'NOTE' and h.notes = t.tag group by t.tag`,
      byKind("note"),
    ],
    [
      `select t.tag, count(o.id)::int as n from unnest($1::text[]) t(tag)
         left join "order" o on o.shop_id = ${BITRIX_SHOP} and o.comment = t.tag group by t.tag`,
      byKind("order-sync"),
    ],
  ];
  for (const [sql, tags] of queries) {
    if (!tags.length) continue;
    const { rows } = await owner.query<{ tag: string; n: number }>(sql, [tags]);
    for (const row of rows) counts.set(row.tag, row.n);
  }
  return counts;
}

/** Every webhook answered 2xx and every edit answered success is in the database exactly once. */
export async function checkLedger(owner: pg.Pool, sent: Sent[]): Promise<Verdict> {
  const successes = sent.filter((s) => s.ok && s.kind !== "query" && s.kind !== "product");
  const counts = await countsByTag(owner, successes);
  const verdict: Verdict = { lost: [], duplicated: [] };
  for (const s of successes) {
    const n = counts.get(s.tag) ?? 0;
    if (n === 0) verdict.lost.push(s.tag);
    if (n > 1) verdict.duplicated.push(s.tag);
  }
  return verdict;
}

/** The requests that failed, by kind and answer, for a message a person can read. */
export function failures(sent: Sent[]): string[] {
  return sent.filter((s) => !s.ok).map((s) => `${s.kind} ${s.tag}: ${s.status} ${s.detail ?? ""}`.trim());
}

/**
 * Every subscriber has every board event of the shop behind where it started, once each, in the
 * feed's commit order ((xact_id, id): core/status-feed.ts), up to the newest one: waits (up to
 * `timeoutMs`) for them to catch up, then compares. Answers the subscribers that did not.
 */
export async function checkBoards(
  owner: pg.Pool,
  subscribers: ResumingSubscriber[],
  shopId: number,
  timeoutMs: number,
): Promise<string[]> {
  const { rows } = await owner.query<{ id: string }>(
    `select id::text from order_history where shop_id = $1 and kind in ('STATUS', 'EDIT') order by xact_id, id`,
    [shopId],
  );
  const feed = rows.map((row) => row.id);
  const newest = feed.at(-1);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && subscribers.some((s) => s.received.at(-1) !== newest))
    await new Promise((resolve) => setTimeout(resolve, 200));
  const problems: string[] = [];
  for (const subscriber of subscribers) {
    const from = subscriber.startedAfter ? feed.indexOf(subscriber.startedAfter) + 1 : 0;
    const expected = feed.slice(from);
    const got = subscriber.received;
    if (got.length !== expected.length || got.some((id, i) => id !== expected[i])) {
      const firstDifference = got.findIndex((id, i) => id !== expected[i]);
      problems.push(
        `subscriber ${subscriber.name}: ${got.length} events, expected ${expected.length}; first difference at ${firstDifference} (got ${got[firstDifference]}, expected ${expected[firstDifference]}); ${subscriber.reconnects} reconnects`,
      );
    }
  }
  return problems;
}

/**
 * Product edits: each edited product holds the price of its last edit answered success (or of a
 * later edit whose answer was lost: it may have applied), and the last product change the outbox
 * delivered to Bitrix carries that price (edits in between collapse into one row by design).
 * Run it once the outbox has drained.
 */
export async function checkProducts(owner: pg.Pool, sent: Sent[]): Promise<{ lost: string[]; stale: string[] }> {
  const edits = sent.filter((s) => s.kind === "product");
  const productIds = [...new Set(edits.filter((s) => s.ok).map((s) => String(s.subject.productId)))];
  const { rows } = await owner.query<{ id: string; price: number; delivered: number | null }>(
    `select p.id::text, p.price,
            (select (o.payload->>'price')::int from bitrix_outbox o
              where o.product_id = p.id and o.state = 'DELIVERED' order by o.id desc limit 1) as delivered
       from product p where p.id = any($1::int[])`,
    [productIds],
  );
  const verdict = { lost: [] as string[], stale: [] as string[] };
  for (const row of rows) {
    const mine = edits.filter((s) => String(s.subject.productId) === row.id);
    const lastOk = mine.map((s) => s.ok).lastIndexOf(true);
    const possible = mine.slice(lastOk).map((s) => Number(s.subject.price));
    if (!possible.includes(row.price)) verdict.lost.push(`${mine[lastOk].tag}: product ${row.id} price ${row.price}`);
    if (row.delivered !== row.price)
      verdict.stale.push(
        `product ${row.id}: Bitrix last got ${row.delivered ?? "nothing"}, the product is ${row.price}`,
      );
  }
  return verdict;
}
