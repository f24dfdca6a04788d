import { startTestStack, PROD_SHOP, DEV_SHOP, type TestStack } from "../../test/harness";
import { createLogger } from "../../core/logger";
import { signViewer } from "../../core/subgraph-signature";
import { StockConsumer } from "./stock-consumer";
import { consumeForOrder } from "./consumption";

/**
 * Exactly-once consumption when an order reaches ASSEMBLED. Until the order lifecycle service
 * lands, the test drives ASSEMBLED the way every path will: the order's status and an
 * order_history row in one tenant transaction, whose trigger NOTIFYs on commit.
 */

let t: TestStack;
const consumers: StockConsumer[] = [];
const logger = createLogger("silent");

beforeAll(async () => {
  t = await startTestStack({ env: { STOCK_CONSUMER_POLL_MS: "0" } });
});
// each test runs only the consumers it starts
afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.stop()));
});
afterAll(() => t?.stop());

async function startConsumer(pollMs = 60_000) {
  const consumer = new StockConsumer({ db: t.stack.db, databaseUrl: t.databaseUrl, logger, pollMs });
  consumers.push(consumer);
  await consumer.start();
  return consumer;
}

async function until<T>(
  check: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 8_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sql = <T = any>(text: string, params: unknown[] = []) => t.ownerQuery(text, params).then((r) => r.rows as T[]);

/** Orders of a shop in ACCEPTED whose items have recipes, not yet used by a test. */
const used = new Set<number>();
async function acceptedOrder(shopId = PROD_SHOP): Promise<number> {
  const rows = await sql<{ id: number }>(
    `select o.id from "order" o where o.shop_id = $1 and o.status = 'ACCEPTED'
       and exists (select 1 from order_item oi join recipe_item r on r.product_id = oi.product_id where oi.order_id = o.id)
     order by o.id`,
    [shopId],
  );
  const row = rows.find((r) => !used.has(r.id));
  if (!row) throw new Error("no ACCEPTED order left");
  used.add(row.id);
  return row.id;
}

/** What the order's recipes need, per warehouse item. */
async function requirements(orderId: number) {
  return sql<{ item_id: number; required: number; quantity: number }>(
    `select r.item_id, sum(oi.quantity * r.quantity)::int as required, w.quantity
     from order_item oi join recipe_item r on r.product_id = oi.product_id join warehouse_item w on w.id = r.item_id
     where oi.order_id = $1 group by r.item_id, w.quantity order by r.item_id`,
    [orderId],
  );
}

async function quantities(itemIds: number[]) {
  const rows = await sql<{ id: number; quantity: number }>(
    `select id, quantity from warehouse_item where id = any($1) order by id`,
    [itemIds],
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.quantity]));
}

async function assemble(orderId: number, shopId = PROD_SHOP) {
  return t.stack.db.withTenant(shopId, async (tx) => {
    const [order] = await tx.$queryRaw<
      { status: string }[]
    >`select status::text from "order" where id = ${orderId} and shop_id = ${shopId} for update`;
    await tx.$executeRaw`update "order" set status = 'ASSEMBLED', updated_at = now() where id = ${orderId}`;
    const [history] = await tx.$queryRaw<{ id: bigint }[]>`
      insert into order_history (shop_id, order_id, old_status, new_status, changed_by)
      values (${shopId}, ${orderId}, ${order.status}::"OrderStatus", 'ASSEMBLED', 'test') returning id`;
    return history.id;
  });
}

const consumptionRows = (orderId: number) => sql(`select * from stock_consumption where order_id = $1`, [orderId]);
const consumeOps = (orderId: number) =>
  sql(
    `select item_id, delta, balance_after, created_by from warehouse_operation where order_id = $1 and type = 'CONSUME' order by item_id`,
    [orderId],
  );

describe("exactly once", () => {
  it("consumes an assembled order's recipes once, through NOTIFY, despite a duplicated event and a second consumer", async () => {
    const consumer = await startConsumer();
    const orderId = await acceptedOrder();
    const needs = await requirements(orderId);
    expect(needs.length).toBeGreaterThan(0);
    const before = await quantities(needs.map((n) => n.item_id));
    const historyId = await assemble(orderId);

    // the poll is a minute away: only the NOTIFY can have brought it here this fast
    await until(async () => (await consumptionRows(orderId)).length > 0, "the consumption record");
    const after = await quantities(needs.map((n) => n.item_id));
    for (const need of needs)
      expect(after[need.item_id]).toBe(before[need.item_id] - Math.min(need.required, before[need.item_id]));
    const ops = await consumeOps(orderId);
    expect(ops.map((o) => [o.item_id, o.delta])).toEqual(needs.map((n) => [n.item_id, -n.required]));
    expect(ops.every((o) => o.created_by === "system:stock-consumer")).toBe(true);

    // the same event again, a sweep, a second consumer starting, and a direct call: nothing more
    await sql(`select pg_notify('order_status_changed', $1)`, [
      JSON.stringify({ id: String(historyId), shopId: PROD_SHOP, orderId }),
    ]);
    consumer.schedule(PROD_SHOP);
    await consumer.sweepShop(PROD_SHOP);
    const second = await startConsumer();
    await second.sweepShop(PROD_SHOP);
    const direct = await t.stack.db.write(PROD_SHOP, (sql) => consumeForOrder(sql, PROD_SHOP, orderId, historyId), {
      origin: "system",
    });
    expect(direct).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await consumer.idle();
    expect(await consumptionRows(orderId)).toHaveLength(1);
    expect(await consumeOps(orderId)).toHaveLength(ops.length);
    expect(await quantities(needs.map((n) => n.item_id))).toEqual(after);

    const view = await t.graphql(
      `query($id: ID!) { order(id: $id) { status stockConsumption { orderId hasShortfall shortfallUnits lines { required consumed shortfall item { id } } } } }`,
      { id: String(orderId) },
    );
    expect(view.errors).toBeUndefined();
    expect(view.data.order.status).toBe("ASSEMBLED");
    expect(view.data.order.stockConsumption).toMatchObject({
      orderId: String(orderId),
      hasShortfall: false,
      shortfallUnits: 0,
    });
    expect(view.data.order.stockConsumption.lines).toEqual(
      needs.map((n) => ({ required: n.required, consumed: n.required, shortfall: 0, item: { id: String(n.item_id) } })),
    );
  });

  it("wakes only for ASSEMBLED: other statuses, notes and photos announced by the trigger leave it asleep", async () => {
    const consumer = await startConsumer();
    await consumer.idle();
    const sweeps = jest.spyOn(consumer, "sweepShop");
    // an order the other tests do not pick (not ACCEPTED), left in its status
    const [{ id: orderId, status }] = await sql<{ id: number; status: string }>(
      `select id, status::text from "order" where shop_id = $1 and status <> 'ACCEPTED' order by id desc limit 1`,
      [PROD_SHOP],
    );
    // a real status entry (the trigger's own payload) for a status with nothing to consume
    await t.stack.db.withTenant(PROD_SHOP, async (tx) => {
      await tx.$executeRaw`insert into order_history (shop_id, order_id, old_status, new_status, changed_by) values (${PROD_SHOP}, ${orderId}, ${status}::"OrderStatus", ${status}::"OrderStatus", 'test')`;
    });
    const announce = (payload: object) =>
      sql(`select pg_notify('order_status_changed', $1)`, [
        JSON.stringify({ id: "1", shopId: PROD_SHOP, orderId, ...payload }),
      ]);
    await announce({ kind: "NOTE", newStatus: "ASSEMBLED" });
    await announce({ kind: "STATUS", newStatus: "IN_DELIVERY" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await consumer.idle();
    expect(sweeps).not.toHaveBeenCalled();

    const consumes = jest.spyOn(consumer, "consumeAnnounced");
    await announce({ kind: "STATUS", newStatus: "ASSEMBLED" });
    await until(async () => consumes.mock.calls.length === 1, "the ASSEMBLED announcement taken up");
    await consumer.idle();
    expect(sweeps).not.toHaveBeenCalled();
    // history row "1" is no ASSEMBLED change of this order: checked against the table, nothing consumed
    expect(await consumptionRows(orderId)).toHaveLength(0);
    // an announcement without the fields (a trigger older than this code) still wakes it, with a sweep
    await sql(`select pg_notify('order_status_changed', $1)`, [JSON.stringify({ shopId: PROD_SHOP })]);
    await until(async () => sweeps.mock.calls.length === 1, "a sweep for the bare announcement");
    expect(sweeps.mock.calls.map((call) => call[0])).toEqual([PROD_SHOP]);
  });

  it("consumes an announced ASSEMBLED order directly, without sweeping the shop's history", async () => {
    const consumer = await startConsumer();
    await consumer.idle();
    const sweeps = jest.spyOn(consumer, "sweepShop");
    const orderId = await acceptedOrder();
    await assemble(orderId);
    await until(async () => (await consumptionRows(orderId)).length === 1, "the consumption of the assembled order");
    await consumer.idle();
    expect(sweeps).not.toHaveBeenCalled();
  });

  it("consumes an order in one statement: its transaction id lives one round trip (the live board waits on the oldest running one)", async () => {
    const orderId = await acceptedOrder();
    const needs = await requirements(orderId);
    const before = await quantities(needs.map((n) => n.item_id));
    const historyId = await assemble(orderId);
    const statements = t.stack.db.statementCount();
    const record = await t.stack.db.write(PROD_SHOP, (s) => consumeForOrder(s, PROD_SHOP, orderId, historyId), {
      origin: "system",
      autocommit: true,
    });
    expect(t.stack.db.statementCount() - statements).toBe(1);
    expect(record).toMatchObject({ orderId, shopId: PROD_SHOP, historyId });
    const after = await quantities(needs.map((n) => n.item_id));
    for (const need of needs)
      expect(after[need.item_id]).toBe(before[need.item_id] - Math.min(need.required, before[need.item_id]));
    expect((await consumeOps(orderId)).map((op) => [op.item_id, op.delta, op.balance_after])).toEqual(
      needs
        .filter((n) => Math.min(n.required, before[n.item_id]) > 0)
        .map((n) => [n.item_id, -Math.min(n.required, before[n.item_id]), after[n.item_id]]),
    );
    // a repeat finds the claim: nothing changes
    expect(
      await t.stack.db.write(PROD_SHOP, (s) => consumeForOrder(s, PROD_SHOP, orderId, historyId), {
        origin: "system",
        autocommit: true,
      }),
    ).toBeNull();
    expect(await quantities(needs.map((n) => n.item_id))).toEqual(after);
  });

  it("announcements of orders already consumed cost one read for the lot, not a statement each", async () => {
    const consumer = await startConsumer();
    const assembled: { orderId: number; historyId: bigint }[] = [];
    for (let i = 0; i < 3; i += 1) {
      const orderId = await acceptedOrder();
      assembled.push({ orderId, historyId: await assemble(orderId) });
    }
    await until(
      async () =>
        (await Promise.all(assembled.map((a) => consumptionRows(a.orderId)))).every((rows) => rows.length === 1),
      "the first consumptions",
    );
    await consumer.idle();
    const ops = await Promise.all(assembled.map((a) => consumeOps(a.orderId)));
    const statements = t.stack.db.statementCount();
    // Bitrix redelivering the same ASSEMBLED changes, many times over
    for (let round = 0; round < 10; round += 1)
      for (const a of assembled) consumer.consumeAnnounced(PROD_SHOP, a.orderId, a.historyId);
    await consumer.idle();
    expect(t.stack.db.statementCount() - statements).toBeLessThanOrEqual(2);
    expect(await Promise.all(assembled.map((a) => consumeOps(a.orderId)))).toEqual(ops);
    expect(consumer.failures).toBe(0);
  });

  it("a claim is checked against the table: another shop's scope, or a row that is no ASSEMBLED change of the order, consumes nothing", async () => {
    // no consumer runs in this test: the claims below are the only ones
    const orderId = await acceptedOrder();
    await assemble(orderId);
    const [assembled] = await sql<{ id: string }>(
      `select id::text from order_history where order_id = $1 and new_status = 'ASSEMBLED' order by id desc limit 1`,
      [orderId],
    );
    const [accepted] = await sql<{ id: string }>(
      `select id::text from order_history where order_id = $1 and new_status = 'ACCEPTED' order by id desc limit 1`,
      [orderId],
    );
    const claim = (shopId: number, historyId: string) =>
      t.stack.db.write(shopId, (s) => consumeForOrder(s, shopId, orderId, BigInt(historyId)), { origin: "system" });
    expect(await claim(DEV_SHOP, assembled.id)).toBeNull();
    if (accepted) expect(await claim(PROD_SHOP, accepted.id)).toBeNull();
    expect(await consumptionRows(orderId)).toHaveLength(0);
    expect(await claim(PROD_SHOP, assembled.id)).toMatchObject({ orderId, shopId: PROD_SHOP });
    expect(await consumptionRows(orderId)).toHaveLength(1);
  });

  it("a failure after the CONSUME operations are written leaves nothing; the restarted consumer consumes once", async () => {
    // the database refuses the operations' rows as the statement writes them: the item
    // quantities are already changed by then, inside the same statement
    await sql(
      `create function fail_consume() returns trigger language plpgsql as $$ begin raise exception 'simulated failure between two steps'; end $$`,
    );
    await sql(
      `create trigger fail_consume after insert on warehouse_operation for each row when (new.type = 'CONSUME') execute function fail_consume()`,
    );
    const crashing = await startConsumer();
    const orderId = await acceptedOrder();
    const needs = await requirements(orderId);
    const before = await quantities(needs.map((n) => n.item_id));
    await assemble(orderId);
    await until(async () => crashing.failures > 0, "the failing attempt");
    await crashing.idle();
    expect(await consumptionRows(orderId)).toHaveLength(0);
    expect(await consumeOps(orderId)).toHaveLength(0);
    expect(await quantities(needs.map((n) => n.item_id))).toEqual(before);
    await crashing.stop();
    await sql(`drop trigger fail_consume on warehouse_operation`);
    await sql(`drop function fail_consume()`);

    // "restart": a fresh consumer finds the order by polling order_history, not by any event
    const restarted = await startConsumer();
    expect(await consumptionRows(orderId)).toHaveLength(1);
    const after = await quantities(needs.map((n) => n.item_id));
    for (const need of needs) expect(after[need.item_id]).toBe(before[need.item_id] - need.required);
    await restarted.stop();
    const again = await startConsumer();
    await again.sweepShop(PROD_SHOP);
    expect(await consumeOps(orderId)).toHaveLength(needs.length);
    expect(await quantities(needs.map((n) => n.item_id))).toEqual(after);
  });

  it("two consumers racing on the same orders consume each once", async () => {
    const a = await startConsumer();
    const b = await startConsumer();
    const orders = [await acceptedOrder(), await acceptedOrder(), await acceptedOrder()];
    const itemIds = [...new Set((await Promise.all(orders.map(requirements))).flat().map((n) => n.item_id))];
    const before = await quantities(itemIds);
    const needs = (await Promise.all(orders.map(requirements))).flat();
    await Promise.all(orders.map((orderId) => assemble(orderId)));
    await Promise.all([a.sweepShop(PROD_SHOP), b.sweepShop(PROD_SHOP), a.sweepShop(PROD_SHOP), b.sweepShop(PROD_SHOP)]);
    await Promise.all([a.idle(), b.idle()]);
    for (const orderId of orders) expect(await consumptionRows(orderId)).toHaveLength(1);
    const after = await quantities(itemIds);
    for (const itemId of itemIds) {
      const total = needs.filter((n) => n.item_id === itemId).reduce((sum, n) => sum + n.required, 0);
      expect(after[itemId]).toBe(Math.max(0, before[itemId] - total));
    }
  });

  it("orders assembled before the consumer started are not consumed retroactively", async () => {
    const rows = await sql(
      `select count(*)::int as n from stock_consumption c join order_history h on h.order_id = c.order_id
       where h.new_status = 'ASSEMBLED' and h.changed_by <> 'test'`,
    );
    expect(rows[0].n).toBe(0);
    const seededAssembled = await sql(
      `select count(*)::int as n from order_history where new_status = 'ASSEMBLED' and changed_by <> 'test'`,
    );
    expect(seededAssembled[0].n).toBeGreaterThan(0);
  });
});

describe("shortfall", () => {
  it("assembles anyway, never goes below zero, and records the shortfall where people see it", async () => {
    const consumer = await startConsumer();
    const orderId = await acceptedOrder();
    const needs = await requirements(orderId);
    const short = needs[0];
    const count = await t.graphql(
      `mutation($id: ID!) { adjustStock(input: { itemId: $id, countedQuantity: 1 }) { balanceAfter } }`,
      { id: String(short.item_id) },
    );
    expect(count.data.adjustStock.balanceAfter).toBe(1);
    await assemble(orderId);
    await until(async () => (await consumptionRows(orderId)).length > 0, "the consumption record");
    await consumer.idle();

    expect((await quantities([short.item_id]))[short.item_id]).toBe(0);
    const [record] = await consumptionRows(orderId);
    expect(record.shortfall_units).toBe(short.required - 1);
    const [order] = await sql(`select status from "order" where id = $1`, [orderId]);
    expect(order.status).toBe("ASSEMBLED");

    const view = await t.graphql(
      `query($id: ID!) { order(id: $id) { stockConsumption { hasShortfall shortfallUnits lines { consumed shortfall item { id quantity } } } } stockConsumptions(shortOnly: true) { edges { node { orderId } } } }`,
      { id: String(orderId) },
    );
    expect(view.errors).toBeUndefined();
    const consumption = view.data.order.stockConsumption;
    expect(consumption.hasShortfall).toBe(true);
    expect(consumption.lines.find((l: any) => l.item.id === String(short.item_id))).toEqual({
      consumed: 1,
      shortfall: short.required - 1,
      item: { id: String(short.item_id), quantity: 0 },
    });
    expect(view.data.stockConsumptions.edges.map((e: any) => e.node.orderId)).toContain(String(orderId));
    const ops = await consumeOps(orderId);
    expect(ops.find((o) => o.item_id === short.item_id)).toMatchObject({ delta: -1, balance_after: 0 });
  });
});

describe("tenancy", () => {
  it("a shop 8 order consumes shop 8's stock only, and neither shop sees the other's consumption", async () => {
    const consumer = await startConsumer();
    const devOrder = await acceptedOrder(DEV_SHOP);
    const devNeeds = await requirements(devOrder);
    const prodItems = await sql<{ id: number; quantity: number }>(
      `select id, quantity from warehouse_item where shop_id = $1 order by id`,
      [PROD_SHOP],
    );
    await assemble(devOrder, DEV_SHOP);
    await until(async () => (await consumptionRows(devOrder)).length > 0, "shop 8's consumption");
    await consumer.idle();
    const [record] = await consumptionRows(devOrder);
    expect(record.shop_id).toBe(DEV_SHOP);
    const ops = await sql(
      `select distinct o.shop_id, w.shop_id as item_shop from warehouse_operation o join warehouse_item w on w.id = o.item_id where o.order_id = $1`,
      [devOrder],
    );
    expect(ops).toEqual([{ shop_id: DEV_SHOP, item_shop: DEV_SHOP }]);
    expect(devNeeds.every((n) => n.item_id > 0)).toBe(true);
    expect(await sql(`select id, quantity from warehouse_item where shop_id = $1 order by id`, [PROD_SHOP])).toEqual(
      prodItems,
    );

    const prodView = await t.graphql(`{ stockConsumptions(first: 100) { edges { node { orderId } } } }`);
    expect(prodView.data.stockConsumptions.edges.map((e: any) => e.node.orderId)).not.toContain(String(devOrder));
    const devView = await t.graphql(
      `{ stockConsumptions(first: 100) { edges { node { orderId } } } }`,
      {},
      { token: t.token(DEV_SHOP) },
    );
    expect(devView.data.stockConsumptions.edges.map((e: any) => e.node.orderId)).toEqual([String(devOrder)]);

    // the Order entity's stockConsumption, asked with the other shop's signed viewer
    const response = await fetch(t.stack.subgraphs.warehouse.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...signViewer({ userId: "x", shopId: PROD_SHOP, role: "ADMIN" }, "r1", t.config.subgraphSecret),
      },
      body: JSON.stringify({
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { stockConsumption { id } } } }`,
        variables: { r: [{ __typename: "Order", id: String(devOrder) }] },
      }),
    });
    expect(((await response.json()) as any).data._entities).toEqual([{ stockConsumption: null }]);
  });
});

describe("every path to ASSEMBLED", () => {
  it("updateOrderStatus by a FLORIST consumes once; a repeated ASSEMBLED changes nothing", async () => {
    const consumer = await startConsumer();
    const orderId = await acceptedOrder();
    const needs = await requirements(orderId);
    const before = await quantities(needs.map((n) => n.item_id));
    const florist = t.token(PROD_SHOP, "FLORIST");
    const moved = await t.graphql(
      `mutation($id: ID!) { updateOrderStatus(id: $id, status: ASSEMBLED) { status } }`,
      { id: String(orderId) },
      { token: florist },
    );
    expect(moved.errors).toBeUndefined();
    await until(async () => (await consumptionRows(orderId)).length > 0, "consumption after updateOrderStatus");
    await t.graphql(
      `mutation($id: ID!) { updateOrderStatus(id: $id, status: ASSEMBLED) { status } }`,
      { id: String(orderId) },
      { token: florist },
    );
    await consumer.sweepShop(PROD_SHOP);
    await consumer.idle();
    const after = await quantities(needs.map((n) => n.item_id));
    for (const need of needs)
      expect(after[need.item_id]).toBe(before[need.item_id] - Math.min(need.required, before[need.item_id]));
    expect(await consumeOps(orderId)).toHaveLength(
      needs.filter((n) => Math.min(n.required, before[n.item_id]) > 0).length,
    );
  });

  it("the Bitrix status webhook (CO) consumes once, even when Bitrix redelivers it", async () => {
    const consumer = await startConsumer();
    const [order] = await sql<{ id: number; bitrix_order_id: number }>(
      `select o.id, o.bitrix_order_id from "order" o where o.shop_id = $1 and o.status = 'ACCEPTED' and o.bitrix_order_id is not null
         and not (o.id = any($2::int[]))
         and exists (select 1 from order_item oi join recipe_item r on r.product_id = oi.product_id where oi.order_id = o.id)
       order by o.id limit 1`,
      [PROD_SHOP, [...used]],
    );
    used.add(order.id);
    const needs = await requirements(order.id);
    const post = () =>
      fetch(`${t.origin}/api/v1/webhooks/order-status-sync`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-webhook-secret": "test-webhook-secret" },
        body: JSON.stringify({ order_id: order.bitrix_order_id, status: "CO", changed_by_id: 42 }),
      });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    await until(async () => (await consumptionRows(order.id)).length > 0, "consumption after the webhook");
    await consumer.sweepShop(PROD_SHOP);
    await consumer.idle();
    expect(await consumptionRows(order.id)).toHaveLength(1);
    expect((await consumeOps(order.id)).length).toBeLessThanOrEqual(needs.length);
    expect((await consumeOps(order.id)).length).toBeGreaterThan(0);
  });
});

describe("the stack runs the consumer", () => {
  it("an order assembled while the stack runs is consumed without anyone calling the consumer", async () => {
    const stack = await startTestStack({ env: { STOCK_CONSUMER_POLL_MS: "60000" } });
    try {
      expect(stack.stack.stockConsumer).not.toBeNull();
      const [order] = (
        await stack.ownerQuery(
          `select o.id from "order" o where o.shop_id = $1 and o.status = 'PAID'
           and exists (select 1 from order_item oi join recipe_item r on r.product_id = oi.product_id where oi.order_id = o.id) order by o.id limit 1`,
          [PROD_SHOP],
        )
      ).rows;
      await stack.stack.db.withTenant(PROD_SHOP, async (tx) => {
        await tx.$executeRaw`update "order" set status = 'ASSEMBLED' where id = ${order.id}`;
        await tx.$executeRaw`insert into order_history (shop_id, order_id, old_status, new_status, changed_by) values (${PROD_SHOP}, ${order.id}, 'PAID', 'ASSEMBLED', 'test')`;
      });
      const deadline = Date.now() + 8_000;
      let rows: any[] = [];
      while (Date.now() < deadline && rows.length === 0) {
        rows = (await stack.ownerQuery(`select 1 from stock_consumption where order_id = $1`, [order.id])).rows;
        if (!rows.length) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(rows).toHaveLength(1);
    } finally {
      await stack.stop();
    }
  });
});

// last: it consumes an order of the shop, whose stock the tests above count on
describe("the LISTEN connection", () => {
  it("a lost LISTEN connection comes back: a sweep of every shop covers the deaf spell, then NOTIFY works again", async () => {
    const consumer = await startConsumer();
    await consumer.idle();
    const listeners = () =>
      sql<{ pid: number }>(
        // this file's database: consumers of other test files run on the same server under the same name
        `select pid from pg_stat_activity
          where application_name = 'cvety-stock-consumer' and datname = current_database() and query like 'LISTEN%'`,
      );
    const [lost] = await listeners();
    expect(lost).toBeDefined();
    const sweeps = jest.spyOn(consumer, "sweepShop");
    await sql(`select pg_terminate_backend($1)`, [lost.pid]);
    await until(async () => (await listeners()).some((row) => row.pid !== lost.pid), "a new LISTEN connection");
    await until(async () => sweeps.mock.calls.length > 0, "the sweep after listening again");
    await consumer.idle();
    // the poll is a minute away: only the renewed LISTEN can bring this one
    const orderId = await acceptedOrder();
    await assemble(orderId);
    await until(
      async () => (await consumptionRows(orderId)).length === 1,
      "the consumption of an order assembled after",
    );
  });
});
