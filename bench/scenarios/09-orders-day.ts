import pg from "pg";
import { percentile, sequential, graphqlBody, type BenchRow, type BenchScenario } from "../harness";
import { BOARD_QUERY } from "./01-board-query";

/**
 * A shop's working day (issue 19), then the same shop grown to 100,000 orders:
 * - deliveries(date) on a shop of 10,000 orders with 150 on the day, router, 1 connection;
 * - updateOrder (an address change) against updateOrderStatus, each on its own order, interleaved;
 * - on 100,000 orders: orders(search:) by recipient, phone and Bitrix id, a page with totalCount,
 *   and the board query, against its figure on the seeded shop in this same run.
 * Rows are added as the owner (set-based SQL); the stack reads them as the application role.
 */

const SHOP = 17008;
const DAY = "2026-12-15";
const DELIVERIES = `query Day($date: Date!) { deliveries(date: $date) { id deliveryFrom deliveryKind recipientName deliveryAddress courier { id name } items { productName quantity } paymentStatus } }`;
const SEARCH = `query Search($q: String!) { orders(first: 20, search: $q) { edges { node { id recipientName bitrixOrderId } } } }`;
const PAGE_COUNT = `query Page { orders(first: 20) { totalCount edges { node { id status total } } } }`;

/** Copies of seeded orders (one item each, a total that is that item plus the fee, as every order's is, and the first history entry every order has) until the shop has `target` orders; every (count/onDay)th new one starts on DAY. */
async function growTo(owner: pg.Client, target: number, onDay: number) {
  const { rows } = await owner.query(`select count(*)::int as n from "order" where shop_id = $1`, [SHOP]);
  const add = target - rows[0].n;
  if (add <= 0) return;
  const base = rows[0].n;
  await owner.query(
    `with template as (select row_number() over (order by id) - 1 as k, o.* from "order" o where o.shop_id = $1 and o.id <= (select min(id) + 299 from "order" where shop_id = $1)),
     line as (select id, price, name from product where shop_id = $1 order by id limit 1),
     made as (
       insert into "order" (shop_id, status, bitrix_order_id, total, client_id, recipient_name, recipient_phone, delivery_address,
                            delivery_from, delivery_to, card_text, comment, created_at, updated_at, delivery_kind, delivery_fee)
       select $1, t.status, 500000 + $4::int + g.n, (select price from line) + t.delivery_fee, t.client_id, t.recipient_name || ' ' || g.n, '+7707' || lpad(($4::int + g.n)::text, 7, '0'), t.delivery_address,
              case when g.n % greatest($2::int / greatest($3::int, 1), 1) = 0 then timestamptz '2026-12-15 04:00+00' + (g.n % 600) * interval '1 minute'
                   else t.delivery_from - (1 + g.n % 700) * interval '1 day' end,
              null, t.card_text, t.comment, t.created_at - g.n * interval '1 minute', t.updated_at, t.delivery_kind, t.delivery_fee
         from generate_series(1, $2::int) g(n)
         join template t on t.k = g.n % 300
       returning id, status
     ),
     items as (
       insert into order_item (shop_id, order_id, product_id, quantity, price, product_name)
       select $1, m.id, p.id, 1, p.price, p.name from made m, line p
     )
     insert into order_history (shop_id, order_id, old_status, new_status, changed_by, notes, kind)
     select $1, m.id, null, m.status, 'bench', 'Order created', 'STATUS' from made m`,
    [SHOP, add, onDay, base],
  );
  await owner.query(`vacuum analyze "order"`);
  await owner.query(`vacuum analyze order_item`);
}

/** updateOrder (address) and updateOrderStatus (NEW → PAID), each on its own fresh NEW order, interleaved. */
async function editsAgainstStatusChanges(owner: pg.Client, post: (query: string, variables: object) => Promise<any>) {
  const { rows } = await owner.query(
    `select id, version from "order" where shop_id = $1 and status = 'NEW' order by id desc limit 400`,
    [SHOP],
  );
  const edits: number[] = [];
  const moves: number[] = [];
  let errors = 0;
  let firstError = "";
  for (let i = 0; i + 1 < rows.length; i += 2) {
    let started = performance.now();
    const edit = await post(
      `mutation($id: ID!, $input: UpdateOrderInput!) { updateOrder(id: $id, input: $input) { id version } }`,
      {
        id: String(rows[i].id),
        input: { expectedVersion: rows[i].version, deliveryAddress: `Алматы, Абая ${i}` },
      },
    );
    edits.push(performance.now() - started);
    started = performance.now();
    const move = await post(`mutation($id: ID!) { updateOrderStatus(id: $id, status: PAID) { id status } }`, {
      id: String(rows[i + 1].id),
    });
    moves.push(performance.now() - started);
    if (edit.errors || move.errors) {
      errors += 1;
      firstError ||= JSON.stringify(edit.errors ?? move.errors).slice(0, 300);
    }
  }
  const p50 = (list: number[]) =>
    percentile(
      [...list].sort((a, b) => a - b),
      50,
    );
  return { edit: p50(edits), move: p50(moves), count: edits.length, errors, firstError };
}

export const scenario: BenchScenario = {
  name: "orders-day",
  async run({ stack, token, ownerDatabaseUrl }) {
    const headers = { "content-type": "application/json", authorization: `Bearer ${token(SHOP)}` };
    const post = async (query: string, variables: object): Promise<{ data?: any; errors?: unknown[] }> =>
      (
        await fetch(stack.graphqlUrl, { method: "POST", headers, body: JSON.stringify({ query, variables }) })
      ).json() as Promise<{ data?: any; errors?: unknown[] }>;
    const owner = new pg.Client({ connectionString: ownerDatabaseUrl });
    await owner.connect();
    const rows: BenchRow[] = [];
    try {
      const boardSeeded = await sequential({
        url: stack.graphqlUrl,
        headers,
        body: graphqlBody(BOARD_QUERY),
        seconds: 4,
      });

      await growTo(owner, 10_000, 150);
      const onDay = (await post(DELIVERIES, { date: DAY })).data?.deliveries?.length ?? 0;
      await sequential({ url: stack.graphqlUrl, headers, body: graphqlBody(DELIVERIES, { date: DAY }), seconds: 1 });
      const day = await sequential({
        url: stack.graphqlUrl,
        headers,
        body: graphqlBody(DELIVERIES, { date: DAY }),
        seconds: 5,
      });
      rows.push({
        scenario: `deliveries(date), ${onDay} of 10,000 orders, router, 1 conn`,
        p50: day.p50,
        p99: day.p99,
        rps: day.rps,
        target: "p50 ≤ 20 ms",
        met: day.p50 <= 20 && day.errors === 0,
        notes: `errors ${day.errors}`,
      });

      const edits = await editsAgainstStatusChanges(owner, post);
      const ratio = edits.edit / Math.max(edits.move, 0.001);
      rows.push({
        scenario: "updateOrder (address) / updateOrderStatus",
        target: "≤ 1.5",
        met: ratio <= 1.5 && edits.errors === 0,
        notes: `p50 ${edits.edit.toFixed(1)} / ${edits.move.toFixed(1)} ms = ${ratio.toFixed(2)}; ${edits.count} each, interleaved; errors ${edits.errors}${edits.firstError ? ` (first: ${edits.firstError})` : ""}`,
      });

      await growTo(owner, 100_000, 150);
      const probes: [string, string][] = [
        [
          "recipient name",
          (
            await owner.query(
              `select recipient_name from "order" where shop_id = $1 and recipient_name is not null order by id desc limit 1`,
              [SHOP],
            )
          ).rows[0].recipient_name.split(" ")[0],
        ],
        ["phone", "7077012"],
        ["Bitrix id", "512345"],
      ];
      for (const [what, q] of probes) {
        const body = graphqlBody(SEARCH, { q });
        await sequential({ url: stack.graphqlUrl, headers, body, seconds: 1 });
        const result = await sequential({ url: stack.graphqlUrl, headers, body, seconds: 4 });
        rows.push({
          scenario: `orders(search: ${what}), 100,000 orders`,
          p50: result.p50,
          p99: result.p99,
          rps: result.rps,
          target: "p50 ≤ 15 ms",
          met: result.p50 <= 15 && result.errors === 0,
          notes: `search "${q}"; errors ${result.errors}`,
        });
      }
      const page = await sequential({ url: stack.graphqlUrl, headers, body: graphqlBody(PAGE_COUNT), seconds: 4 });
      rows.push({
        scenario: "orders(first: 20) with totalCount, 100,000 orders",
        p50: page.p50,
        p99: page.p99,
        rps: page.rps,
        target: "p50 ≤ 15 ms",
        met: page.p50 <= 15 && page.errors === 0,
        notes: `errors ${page.errors}`,
      });
      const board = await sequential({ url: stack.graphqlUrl, headers, body: graphqlBody(BOARD_QUERY), seconds: 4 });
      const boardRatio = board.p50 / Math.max(boardSeeded.p50, 0.001);
      rows.push({
        scenario: "board query, 100,000 orders / seeded shop",
        target: "≤ 1.5",
        met: boardRatio <= 1.5,
        notes: `p50 ${board.p50.toFixed(1)} / ${boardSeeded.p50.toFixed(1)} ms = ${boardRatio.toFixed(2)}`,
      });
    } finally {
      await owner.end();
    }
    return rows;
  },
};
