import pg from "pg";
import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../../test/harness";
import { expectChain, historyOf, postWebhook } from "../../test/order-fixtures";
import { eventually } from "../../test/fake-bitrix";
import { SEEDED_BITRIX_ORDERS } from "../../prisma/seed-bitrix-orders";
import { readBitrixOrder } from "./bitrix-order-sync-webhook";
import { toSync } from "./order-sync";
import { createOrderSyncWriter } from "./order-sync-writer";
const ORDER_SYNC_WEBHOOK_PATH = "/api/v1/webhooks/order-sync";

/** POST /api/v1/webhooks/order-sync against the whole stack (CONTRACT.md "Bitrix order webhook"). */

let t: TestStack;
let products: { id: number; bitrixProductId: number; name: string; price: number }[];
let nextBitrixOrder = 7_700_000;

beforeAll(async () => {
  t = await startTestStack();
  const rows = await t.ownerQuery(
    `select id, bitrix_product_id as "bitrixProductId", name, price from product where shop_id = $1 and bitrix_product_id is not null order by id limit 3`,
    [PROD_SHOP],
  );
  products = rows.rows;
});
afterAll(() => t?.stop());

const sync = (body: unknown, options: { secret?: string | null; raw?: string | Buffer } = {}) =>
  postWebhook(t, body, { ...options, path: ORDER_SYNC_WEBHOOK_PATH });

function orderBody(overrides: Record<string, unknown> = {}) {
  const orderId = nextBitrixOrder++;
  return {
    order_id: orderId,
    status: "N",
    updated_at: "2026-12-01T10:00:00+05:00",
    customer: { name: "Айгерим", phone: "8 (701) 123-45-67" },
    recipient: { name: "Мама", phone: "+7 702 000 00 01" },
    delivery: {
      kind: "DELIVERY",
      address: "Алматы, Абая 1",
      from: "2026-12-02T10:00:00+05:00",
      to: "2026-12-02T12:00:00+05:00",
      fee: "1 500 ₸",
    },
    card_text: "С днём рождения!",
    comment: "Позвонить заранее",
    items: [
      { product_id: products[0].bitrixProductId, name: "Розы 25", quantity: 2, price: "5 000 ₸" },
      { product_id: products[1].bitrixProductId, name: "Тюльпаны", quantity: 1, price: 350000 },
    ],
    payments: [{ method: "KASPI", amount: "11 500 ₸", external_id: `kaspi-${orderId}` }],
    ...overrides,
  };
}

async function orderRow(bitrixOrderId: number, shopId = PROD_SHOP) {
  const rows = await t.ownerQuery(
    `select o.id, o.status::text as status, o.total, o.recipient_name as "recipientName", o.delivery_address as "deliveryAddress",
            o.card_text as "cardText", c.phone as "clientPhone", c.name as "clientName"
       from "order" o left join client_profile c on c.id = o.client_id
      where o.shop_id = $1 and o.bitrix_order_id = $2`,
    [shopId, bitrixOrderId],
  );
  return rows.rows[0];
}

async function itemsOf(orderId: number) {
  const rows = await t.ownerQuery(
    `select i.product_id as "productId", p.bitrix_product_id as "bitrixProductId", i.quantity, i.price, i.product_name as "productName"
       from order_item i join product p on p.id = i.product_id where i.order_id = $1 order by i.id`,
    [orderId],
  );
  return rows.rows;
}

async function orderCount() {
  const rows = await t.ownerQuery(
    `select (select count(*) from "order")::int as orders, (select count(*) from order_item)::int as items`,
  );
  return rows.rows[0];
}

describe("the contract's answers", () => {
  it("401 for a missing or wrong secret, and nothing is written", async () => {
    const before = await orderCount();
    for (const secret of [null, "", "wrong"]) {
      const answer = await sync(orderBody(), { secret });
      expect(answer.status).toBe(401);
      expect(answer.body.error).toMatch(/X-Webhook-Secret/);
    }
    expect(await orderCount()).toEqual(before);
  });

  it("creates a new Bitrix order: items priced as Bitrix says, the fee in the total, customer by normalised phone, history, visible in GraphQL", async () => {
    const body = orderBody({ status: "PD" });
    const answer = await sync(body);
    expect(answer.status).toBe(200);
    const row = await orderRow(body.order_id);
    expect(answer.body).toEqual({ status: "created", order_id: row.id });
    expect(row).toMatchObject({
      status: "PAID",
      total: 2 * 500000 + 350000 + 150000,
      recipientName: "Мама",
      deliveryAddress: "Алматы, Абая 1",
      cardText: "С днём рождения!",
      clientPhone: "+77011234567",
      clientName: "Айгерим",
    });
    expect(await itemsOf(row.id)).toEqual([
      {
        productId: products[0].id,
        bitrixProductId: products[0].bitrixProductId,
        quantity: 2,
        price: 500000,
        productName: "Розы 25",
      },
      {
        productId: products[1].id,
        bitrixProductId: products[1].bitrixProductId,
        quantity: 1,
        price: 350000,
        productName: "Тюльпаны",
      },
    ]);
    const history = await historyOf(t, PROD_SHOP, row.id);
    expect(history.map((h) => [h.oldStatus, h.newStatus, h.changedBy])).toEqual([
      [null, "NEW", "bitrix"],
      ["NEW", "PAID", "bitrix"],
    ]);
    expectChain(history);
    const viaGraphql = await t.graphql(
      `query($id: Int!) { orderByBitrixId(bitrixOrderId: $id) { id status total items { quantity price product { id } } } }`,
      { id: body.order_id },
    );
    expect(viaGraphql.data.orderByBitrixId).toMatchObject({
      id: String(row.id),
      status: "PAID",
      items: [
        { quantity: 2, price: 500000 },
        { quantity: 1, price: 350000 },
      ],
    });
  });

  it("the same customer's phone in another spelling is the same client", async () => {
    const first = orderBody({ customer: { name: "Асель", phone: "+7 705 555 44 33" } });
    const second = orderBody({ customer: { name: null, phone: "87055554433" } });
    await sync(first);
    await sync(second);
    const [a, b] = [await orderRow(first.order_id), await orderRow(second.order_id)];
    expect(a.clientPhone).toBe("+77055554433");
    expect(b.clientPhone).toBe("+77055554433");
    expect(b.clientName).toBe("Асель");
  });

  it("a redelivery is unchanged and writes nothing; a newer version with changes is updated; an older one is stale", async () => {
    const body = orderBody();
    const created = await sync(body);
    const orderId = created.body.order_id;
    const again = await sync(body);
    expect(again.body).toEqual({ status: "unchanged", order_id: orderId });
    const sameContentLater = await sync({ ...body, updated_at: "2026-12-01T10:01:00+05:00" });
    expect(sameContentLater.body).toEqual({ status: "unchanged", order_id: orderId });
    expect(await historyOf(t, PROD_SHOP, orderId)).toHaveLength(1);

    const newer = {
      ...body,
      status: "AP",
      updated_at: "2026-12-01T11:00:00+05:00",
      items: [{ product_id: products[2].bitrixProductId, name: "Пионы", quantity: 3, price: "7 000 ₸" }],
      delivery: { ...body.delivery, fee: 0 },
    };
    const updated = await sync(newer);
    expect(updated.body).toEqual({ status: "updated", order_id: orderId });
    expect(await itemsOf(orderId)).toEqual([
      {
        productId: products[2].id,
        bitrixProductId: products[2].bitrixProductId,
        quantity: 3,
        price: 700000,
        productName: "Пионы",
      },
    ]);
    expect(await orderRow(body.order_id)).toMatchObject({ status: "ACCEPTED", total: 2100000 });

    const older = { ...body, status: "CO", updated_at: "2026-12-01T10:30:00+05:00", comment: "old" };
    expect((await sync(older)).body).toEqual({ status: "stale", order_id: orderId });
    expect(await orderRow(body.order_id)).toMatchObject({ status: "ACCEPTED", total: 2100000 });
    const history = await historyOf(t, PROD_SHOP, orderId);
    expect(history.map((h) => [h.kind, h.newStatus, h.notes])).toEqual([
      ["STATUS", "NEW", "Order created in Bitrix"],
      ["EDIT", "NEW", "Updated in Bitrix"],
      ["STATUS", "ACCEPTED", "from Bitrix order sync"],
    ]);
    expectChain(history);
  });

  it("a redelivery or an older version is answered from one read, no write transaction: it does not wait on a writer's row lock, a change does", async () => {
    const body = orderBody();
    const orderId = (await sync(body)).body.order_id;
    const writer = new pg.Client({ connectionString: t.databaseUrl });
    await writer.connect();
    try {
      await writer.query("begin");
      await writer.query(`select id from "order" where id = $1 for update`, [orderId]);
      expect((await sync(body)).body).toEqual({ status: "unchanged", order_id: orderId });
      const older = { ...body, status: "CO", updated_at: "2026-12-01T09:00:00+05:00", comment: "old" };
      expect((await sync(older)).body).toEqual({ status: "stale", order_id: orderId });

      const change = sync({ ...body, updated_at: "2026-12-01T10:30:00+05:00", comment: "new" });
      const waitingOnLock = async () => {
        const { rows } = await t.ownerQuery(
          `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        );
        return rows[0].n > 0 ? true : undefined;
      };
      expect(await eventually(waitingOnLock)).toBe(true);
      await writer.query("commit");
      expect((await change).body).toEqual({ status: "updated", order_id: orderId });
    } finally {
      await writer.end();
    }
  });

  it("many deliveries at once are written together, each order whole: shared customer, unknown product, another status, a payment once", async () => {
    const phone = "+7 701 999 00 01";
    const bodies = Array.from({ length: 40 }, () => orderBody());
    bodies[1] = { ...bodies[1], customer: { name: "Айгерим", phone } };
    bodies[2] = { ...bodies[2], customer: { name: "Айгерим С.", phone } };
    const unknownProduct = 990_000_000 + bodies[3].order_id;
    bodies[3] = {
      ...bodies[3],
      items: [...bodies[3].items, { product_id: unknownProduct, name: "Новинка", quantity: 1, price: 100 }],
    };
    bodies[4] = { ...bodies[4], status: "PD" };
    const shared = `kaspi-shared-${bodies[5].order_id}`;
    bodies[5] = { ...bodies[5], payments: [{ method: "KASPI", amount: "11 500 ₸", external_id: shared }] };
    bodies[6] = { ...bodies[6], payments: [{ method: "KASPI", amount: "11 500 ₸", external_id: shared }] };

    const answers = await Promise.all(bodies.map((body) => sync(body)));
    expect(answers.map((a) => [a.status, a.body.status])).toEqual(bodies.map(() => [200, "created"]));
    expect(new Set(answers.map((a) => a.body.order_id)).size).toBe(bodies.length);

    for (const [index, body] of bodies.entries()) {
      const items = await itemsOf(answers[index].body.order_id);
      expect(items.map((item: any) => item.bitrixProductId)).toEqual(body.items.map((item) => item.product_id));
      expect(await historyOf(t, PROD_SHOP, answers[index].body.order_id)).toHaveLength(index === 4 ? 2 : 1);
    }
    expect(answers[3].body.warnings).toEqual([
      expect.objectContaining({ field: "items[2].product_id", product_id: unknownProduct }),
    ]);
    expect((await orderRow(bodies[4].order_id)).status).toBe("PAID");
    const clients = await t.ownerQuery(
      `select distinct client_id from "order" where shop_id = $1 and bitrix_order_id = any($2)`,
      [PROD_SHOP, [bodies[1].order_id, bodies[2].order_id]],
    );
    expect(clients.rowCount).toBe(1);
    const payments = await t.ownerQuery(`select order_id from payment where shop_id = $1 and external_id = $2`, [
      PROD_SHOP,
      shared,
    ]);
    expect(payments.rows).toHaveLength(1);
    const warned = [answers[5], answers[6]].filter((a) => a.body.warnings);
    expect(warned).toHaveLength(1);
    expect(warned[0].body.warnings).toEqual([
      expect.objectContaining({ field: "payments[0].external_id", external_id: shared }),
    ]);
    expect(payments.rows[0].order_id).not.toBe(warned[0].body.order_id);
    const unwarned = bodies.filter((_, index) => ![3, 5, 6].includes(index) && answers[index].body.warnings);
    expect(unwarned).toEqual([]);
  });

  it("the writer batches: 40 new orders submitted at once cost a few statements, not five or more each", async () => {
    const writer = createOrderSyncWriter(t.stack.db, PROD_SHOP);
    const bodies = Array.from({ length: 40 }, () => orderBody());
    const before = t.stack.db.statementCount();
    const results = await Promise.all(bodies.map((body) => writer.submit(toSync(readBitrixOrder(body)))));
    const statements = t.stack.db.statementCount() - before;
    expect(results.map((r) => r.outcome)).toEqual(bodies.map(() => "created"));
    // three batches (the first alone, the second beside it, then the rest), a read and a create each
    expect(statements).toBeLessThan(bodies.length / 2);
    for (const [index, body] of bodies.entries()) {
      expect((await itemsOf(results[index].orderId)).map((item: any) => item.bitrixProductId)).toEqual(
        body.items.map((item) => item.product_id),
      );
    }
    const again = await Promise.all(bodies.map((body) => writer.submit(toSync(readBitrixOrder(body)))));
    expect(again).toEqual(results.map((r) => ({ outcome: "unchanged", orderId: r.orderId })));
  });

  it("a move a person could not make is applied and noted, as the status webhook does", async () => {
    const body = orderBody({ status: "F" });
    const orderId = (await sync(body)).body.order_id;
    const back = await sync({ ...body, status: "AP", updated_at: "2026-12-01T12:00:00+05:00" });
    expect(back.body).toEqual({ status: "updated", order_id: orderId });
    const history = await historyOf(t, PROD_SHOP, orderId);
    expect(history.at(-1)).toMatchObject({ oldStatus: "DELIVERED", newStatus: "ACCEPTED", changedBy: "bitrix" });
    expect(history.at(-1)!.notes).toMatch(/out of order from Bitrix: DELIVERED → ACCEPTED/);
    expectChain(history);
  });

  it("an unknown Bitrix product never loses the order: kept with its name and price, listed in warnings", async () => {
    const body = orderBody({
      items: [
        { product_id: products[0].bitrixProductId, name: "Розы 25", quantity: 1, price: "5 000 ₸" },
        { product_id: 98765431, name: "Букет дня", quantity: 2, price: "12 345,50 ₸" },
      ],
    });
    const answer = await sync(body);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: "created",
      warnings: [{ field: "items[1].product_id", product_id: 98765431 }],
    });
    expect(answer.body.warnings[0].message).toMatch(/not in the catalog/);
    const items = await itemsOf(answer.body.order_id);
    expect(items[1]).toMatchObject({
      bitrixProductId: 98765431,
      quantity: 2,
      price: 1234550,
      productName: "Букет дня",
    });
    const standIn = await t.ownerQuery(`select name, enabled, shop_id from product where bitrix_product_id = 98765431`);
    expect(standIn.rows).toEqual([{ name: "Букет дня", enabled: false, shop_id: PROD_SHOP }]);
    // the stand-in is not echoed to Bitrix
    const outbox = await t.ownerQuery(
      `select count(*)::int as n from bitrix_outbox o join product p on p.id = o.product_id where p.bitrix_product_id = 98765431`,
    );
    expect(outbox.rows[0].n).toBe(0);
  });

  it("keeps the delivery kind and fee, and records each payment once by its external id", async () => {
    const body = orderBody({
      delivery: { kind: "PICKUP", fee: "0 ₸" },
      payments: [{ method: "KASPI", amount: "5 000 ₸", external_id: "kaspi-once-1" }],
    });
    const orderId = (await sync(body)).body.order_id;
    const order = await t.ownerQuery(
      `select delivery_kind::text as kind, delivery_fee as fee, total from "order" where id = $1`,
      [orderId],
    );
    expect(order.rows[0]).toEqual({ kind: "PICKUP", fee: 0, total: 2 * 500000 + 350000 });
    const later = {
      ...body,
      updated_at: "2026-12-01T10:10:00+05:00",
      delivery: { kind: "DELIVERY", address: "Сатпаева 5", fee: 150000 },
      payments: [...body.payments, { method: "CASH", amount: 100000, external_id: "cash-once-2" }],
    };
    expect((await sync(later)).body.status).toBe("updated");
    await sync(later);
    const payments = await t.ownerQuery(
      `select method::text as method, amount, external_id, created_by from payment where order_id = $1 order by id`,
      [orderId],
    );
    expect(payments.rows).toEqual([
      { method: "KASPI", amount: 500000, external_id: "kaspi-once-1", created_by: "bitrix" },
      { method: "CASH", amount: 100000, external_id: "cash-once-2", created_by: "bitrix" },
    ]);
    const updated = await t.ownerQuery(
      `select delivery_kind::text as kind, delivery_fee as fee, total from "order" where id = $1`,
      [orderId],
    );
    expect(updated.rows[0]).toEqual({ kind: "DELIVERY", fee: 150000, total: 2 * 500000 + 350000 + 150000 });
    const viaGraphql = await t.graphql(
      `query($id: ID!) { order(id: $id) { deliveryKind deliveryFee paidAmount payments { method amount externalId } } }`,
      { id: String(orderId) },
    );
    expect(viaGraphql.data.order).toMatchObject({ deliveryKind: "DELIVERY", deliveryFee: 150000, paidAmount: 600000 });

    // the same external id on another order is not recorded twice: the answer warns
    const other = orderBody({ payments: [{ method: "KASPI", amount: 100, external_id: "kaspi-once-1" }] });
    const answer = await sync(other);
    expect(answer.body).toMatchObject({
      status: "created",
      warnings: [{ field: "payments[0].external_id", external_id: "kaspi-once-1" }],
    });
    const again = await t.ownerQuery(`select count(*)::int as n from payment where external_id = 'kaspi-once-1'`);
    expect(again.rows[0].n).toBe(1);
  });

  it("concurrent deliveries of one new order create it once", async () => {
    const body = orderBody();
    const answers = await Promise.all(Array.from({ length: 10 }, () => sync(body)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.filter((a) => a.body.status === "created")).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body.order_id)).size).toBe(1);
    const rows = await t.ownerQuery(`select count(*)::int as n from "order" where bitrix_order_id = $1`, [
      body.order_id,
    ]);
    expect(rows.rows[0].n).toBe(1);
    expect(await itemsOf(answers[0].body.order_id)).toHaveLength(2);
  });

  it("touches only shop BITRIX_SHOP_ID: an order of another shop with the same Bitrix id is left alone", async () => {
    const body = orderBody();
    const dev = await t.ownerQuery(`select id from product where shop_id = $1 order by id limit 1`, [DEV_SHOP]);
    await t.ownerQuery(
      `insert into "order" (shop_id, status, bitrix_order_id, total, updated_at) values ($1, 'NEW', $2, 1, now())`,
      [DEV_SHOP, body.order_id],
    );
    const answer = await sync({ ...body, status: "AP" });
    expect(answer.body.status).toBe("created");
    expect(await orderRow(body.order_id, DEV_SHOP)).toMatchObject({ status: "NEW", total: 1 });
    expect(await orderRow(body.order_id, PROD_SHOP)).toMatchObject({ status: "ACCEPTED" });
    expect(dev.rows).toHaveLength(1);
  });
});

describe("bad input: coded answers naming the field, nothing half-written", () => {
  const cases: [string, (body: any) => unknown, number, string][] = [
    ["order_id missing", (b) => ({ ...b, order_id: undefined }), 400, "order_id"],
    ["order_id not a number", (b) => ({ ...b, order_id: "abc" }), 400, "order_id"],
    ["status missing", (b) => ({ ...b, status: undefined }), 400, "status"],
    ["unknown status", (b) => ({ ...b, status: "XX" }), 422, "status"],
    ["updated_at missing", (b) => ({ ...b, updated_at: undefined }), 400, "updated_at"],
    ["updated_at not a time", (b) => ({ ...b, updated_at: "yesterday" }), 400, "updated_at"],
    [
      "updated_at in the future",
      (b) => ({ ...b, updated_at: new Date(Date.now() + 3_600_000).toISOString() }),
      422,
      "updated_at",
    ],
    ["customer missing", (b) => ({ ...b, customer: undefined }), 400, "customer"],
    ["customer phone missing", (b) => ({ ...b, customer: { name: "x" } }), 400, "customer.phone"],
    [
      "a phone that is not a phone",
      (b) => ({ ...b, customer: { name: "x", phone: "call me maybe" } }),
      422,
      "customer.phone",
    ],
    [
      "a recipient phone that is not a phone",
      (b) => ({ ...b, recipient: { name: "x", phone: "12" } }),
      422,
      "recipient.phone",
    ],
    ["items missing", (b) => ({ ...b, items: undefined }), 400, "items"],
    ["items not an array", (b) => ({ ...b, items: "many" }), 400, "items"],
    ["no items", (b) => ({ ...b, items: [] }), 422, "items"],
    ["zero quantity", (b) => ({ ...b, items: [{ ...b.items[0], quantity: 0 }] }), 422, "items[0].quantity"],
    [
      "negative quantity",
      (b) => ({ ...b, items: [b.items[0], { ...b.items[1], quantity: -3 }] }),
      422,
      "items[1].quantity",
    ],
    ["fractional quantity", (b) => ({ ...b, items: [{ ...b.items[0], quantity: 1.5 }] }), 400, "items[0].quantity"],
    ["quantity as text", (b) => ({ ...b, items: [{ ...b.items[0], quantity: "2" }] }), 400, "items[0].quantity"],
    [
      "a price that is not a price",
      (b) => ({ ...b, items: [{ ...b.items[0], price: "пять тысяч" }] }),
      422,
      "items[0].price",
    ],
    ["a negative price", (b) => ({ ...b, items: [{ ...b.items[0], price: -100 }] }), 422, "items[0].price"],
    ["item price missing", (b) => ({ ...b, items: [{ ...b.items[0], price: undefined }] }), 400, "items[0].price"],
    [
      "item product_id missing",
      (b) => ({ ...b, items: [{ ...b.items[0], product_id: undefined }] }),
      400,
      "items[0].product_id",
    ],
    ["item name missing", (b) => ({ ...b, items: [{ ...b.items[0], name: undefined }] }), 400, "items[0].name"],
    [
      "a delivery fee that is not a price",
      (b) => ({ ...b, delivery: { ...b.delivery, fee: "free" } }),
      422,
      "delivery.fee",
    ],
    ["unknown delivery kind", (b) => ({ ...b, delivery: { ...b.delivery, kind: "DRONE" } }), 422, "delivery.kind"],
    [
      "delivery window backwards",
      (b) => ({
        ...b,
        delivery: { ...b.delivery, from: "2026-12-02T12:00:00+05:00", to: "2026-12-02T10:00:00+05:00" },
      }),
      422,
      "delivery.to",
    ],
    [
      "unknown payment method",
      (b) => ({ ...b, payments: [{ method: "BITCOIN", amount: 100, external_id: "x" }] }),
      422,
      "payments[0].method",
    ],
    [
      "payment without external id",
      (b) => ({ ...b, payments: [{ method: "CASH", amount: 100 }] }),
      400,
      "payments[0].external_id",
    ],
    ["card text too long", (b) => ({ ...b, card_text: "x".repeat(1001) }), 400, "card_text"],
  ];

  it.each(cases)("%s", async (_name, change, status, field) => {
    const body = change(orderBody()) as Record<string, unknown>;
    const before = await orderCount();
    const answer = await sync(body);
    expect(answer.status).toBe(status);
    expect(answer.body.field).toBe(field);
    expect(answer.body.error).toContain(field.replace(/\[\d+\]\..*/, ""));
    expect(await orderCount()).toEqual(before);
  });

  it("1,000 items → 422 naming items (and a body over 64 KiB → 413)", async () => {
    const line = { product_id: products[0].bitrixProductId, name: "x", quantity: 1, price: 1 };
    const body = orderBody({ items: Array(1000).fill(line) });
    expect(JSON.stringify(body).length).toBeLessThan(64 * 1024);
    const answer = await sync(body);
    expect(answer.status).toBe(422);
    expect(answer.body.field).toBe("items");

    const big = orderBody({ comment: "x".repeat(70 * 1024) });
    expect((await sync(big)).status).toBe(413);
  });

  it("not JSON, or not an object → 400", async () => {
    expect((await sync(null, { raw: "{nope" })).status).toBe(400);
    expect((await sync(null, { raw: "[1,2]" })).status).toBe(400);
  });

  it("a total too large to hold → 422 naming items, nothing written", async () => {
    const body = orderBody();
    const line = { product_id: 98765499, name: "x", quantity: 999, price: 1_000_000_000 };
    const answer = await sync({
      ...body,
      items: [line, { ...line, product_id: 98765498 }, { ...line, product_id: 98765497 }],
    });
    expect(answer.status).toBe(422);
    expect(answer.body.field).toBe("items");
    expect(await orderRow(body.order_id)).toBeUndefined();
  });

  it("an order whose items fail to land leaves nothing behind: no order, no history, no stand-in product", async () => {
    // the database refuses one item after the order row is written (a trigger installed for this test)
    await t.ownerQuery(`create function test_refuse_item() returns trigger language plpgsql as $$
      begin if new.product_name = 'REFUSE-ME' then raise exception 'refused by test'; end if; return new; end $$`);
    await t.ownerQuery(
      `create trigger test_refuse_item before insert on order_item for each row execute function test_refuse_item()`,
    );
    try {
      const body = orderBody({
        status: "AP",
        items: [
          { product_id: 98765496, name: "new stand-in", quantity: 1, price: 100 },
          { product_id: products[0].bitrixProductId, name: "REFUSE-ME", quantity: 1, price: 100 },
        ],
      });
      const before = await orderCount();
      const answer = await sync(body);
      expect(answer.status).toBe(500);
      expect(JSON.stringify(answer.body)).not.toMatch(/refused by test|at .*\.ts/);
      expect(await orderRow(body.order_id)).toBeUndefined();
      expect(await orderCount()).toEqual(before);
      const standIn = await t.ownerQuery(`select count(*)::int as n from product where bitrix_product_id = 98765496`);
      expect(standIn.rows[0].n).toBe(0);
    } finally {
      await t.ownerQuery(`drop trigger test_refuse_item on order_item; drop function test_refuse_item()`);
    }
  });
});

describe("the seed", () => {
  const seededOrders = () =>
    t.ownerQuery(
      `select o.id, o.bitrix_order_id, o.status::text as status, o.delivery_kind::text as kind, o.total, o.bitrix_content_hash is not null as synced,
              (select count(*)::int from payment p where p.order_id = o.id and p.created_by = 'bitrix') as payments,
              (select count(*)::int from order_item i join product p on p.id = i.product_id
                where i.order_id = o.id and p.bitrix_product_id in (668800, 668801) and p.enabled) as items
         from "order" o where o.shop_id = $1 and o.bitrix_order_id in (190001, 190002, 190003) order by o.bitrix_order_id`,
      [PROD_SHOP],
    );

  it("holds Bitrix orders with their items, payments and history", async () => {
    const { rows } = await seededOrders();
    expect(rows.map(({ id: _id, ...row }) => row)).toEqual([
      {
        bitrix_order_id: 190001,
        status: "NEW",
        kind: "DELIVERY",
        total: 1_750_000,
        synced: true,
        payments: 0,
        items: 2,
      },
      {
        bitrix_order_id: 190002,
        status: "PAID",
        kind: "DELIVERY",
        total: 1_750_000,
        synced: true,
        payments: 1,
        items: 2,
      },
      {
        bitrix_order_id: 190003,
        status: "ACCEPTED",
        kind: "PICKUP",
        total: 1_600_000,
        synced: true,
        payments: 0,
        items: 2,
      },
    ]);
    const histories = await Promise.all(rows.map((row: any) => historyOf(t, PROD_SHOP, row.id)));
    for (const history of histories) expectChain(history);
    const summary = (history: Awaited<ReturnType<typeof historyOf>>) =>
      history.map((h) => [h.kind, h.oldStatus, h.newStatus, h.changedBy]);
    expect(histories.map(summary)).toEqual([
      [["STATUS", null, "NEW", "bitrix"]],
      [
        ["STATUS", null, "NEW", "bitrix"],
        ["STATUS", "NEW", "PAID", "bitrix"],
      ],
      [
        ["STATUS", null, "NEW", "bitrix"],
        ["EDIT", "NEW", "NEW", "bitrix"],
        ["STATUS", "NEW", "ACCEPTED", "bitrix"],
      ],
    ]);
  });

  it("arrived through the order webhook: each body is a stored delivery of the endpoint, and redelivering them changes nothing", async () => {
    const { rows: orders } = await seededOrders();
    const deliveries = await t.ownerQuery(
      `select raw_body, status_code, response from webhook_delivery
        where shop_id = $1 and endpoint = $2 and headers->>'user-agent' = 'cvety-graph seed' order by id`,
      [PROD_SHOP, ORDER_SYNC_WEBHOOK_PATH],
    );
    expect(deliveries.rows.map((d: any) => JSON.parse(d.raw_body))).toEqual(SEEDED_BITRIX_ORDERS);
    const idOf = (bitrixId: number) => orders.find((o: any) => o.bitrix_order_id === bitrixId).id;
    expect(deliveries.rows.map((d: any) => [d.status_code, d.response])).toEqual([
      [200, { status: "created", order_id: idOf(190001) }],
      [200, { status: "created", order_id: idOf(190002) }],
      [200, { status: "created", order_id: idOf(190003) }],
      [200, { status: "updated", order_id: idOf(190003) }],
    ]);

    const historyBefore = await Promise.all(orders.map((row: any) => historyOf(t, PROD_SHOP, row.id)));
    const latest = SEEDED_BITRIX_ORDERS[SEEDED_BITRIX_ORDERS.length - 1];
    expect((await sync(latest)).body).toEqual({ status: "unchanged", order_id: idOf(190003) });
    expect((await sync(SEEDED_BITRIX_ORDERS[2])).body).toEqual({ status: "stale", order_id: idOf(190003) });
    expect((await sync(SEEDED_BITRIX_ORDERS[0])).body).toEqual({ status: "unchanged", order_id: idOf(190001) });
    expect(await Promise.all(orders.map((row: any) => historyOf(t, PROD_SHOP, row.id)))).toEqual(historyBefore);
  });
});

describe("stored like the other deliveries", () => {
  it("is listed for operators and replays as unchanged", async () => {
    const body = orderBody();
    const created = await sync(body);
    const admin = (path: string, init: RequestInit = {}) =>
      fetch(`${t.origin}/api/v1/admin/webhook-deliveries${path}`, {
        ...init,
        headers: { authorization: `Bearer ${t.token(PROD_SHOP, "ADMIN")}` },
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const delivery = await eventually(async () => {
      const listed = await admin(`?endpoint=${encodeURIComponent(ORDER_SYNC_WEBHOOK_PATH)}&limit=100`);
      return listed.body.deliveries.find(
        (d: any) => d.response.order_id === created.body.order_id && d.response.status === "created",
      );
    });
    const replayed = await admin(`/${delivery.id}/replay`, { method: "POST" });
    expect(replayed.body).toMatchObject({
      replayOf: delivery.id,
      statusCode: 200,
      response: { status: "unchanged", order_id: created.body.order_id },
    });
    const one = await admin(`/${delivery.id}`);
    expect(one.body.headers["x-webhook-secret"]).toBeUndefined();
  });
});
