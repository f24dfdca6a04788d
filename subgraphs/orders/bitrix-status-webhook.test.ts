import { startTestStack, DEV_SHOP, PROD_SHOP, TEST_WEBHOOK_SECRET, type TestStack } from "../../test/harness";
import { expectChain, historyOf, orderPicker, postWebhook, statusOf } from "../../test/order-fixtures";
import { createBitrixStatusWriter } from "./bitrix-status-webhook";
import type { BitrixStatusChange } from "./lifecycle";

const ROTATED_SECRET = "rotated-webhook-secret";
let t: TestStack;
const pick = orderPicker(() => t);

beforeAll(async () => {
  // two accepted secrets, as during a rotation
  t = await startTestStack({ env: { WEBHOOK_SECRET: `${TEST_WEBHOOK_SECRET},${ROTATED_SECRET}` } });
});
afterAll(() => t?.stop());

async function snapshot(orderId: number) {
  return { status: await statusOf(t, PROD_SHOP, orderId), history: (await historyOf(t, PROD_SHOP, orderId)).length };
}

describe("the contract's answers", () => {
  it("401 for a missing or wrong secret, and nothing changes", async () => {
    const order = await pick(PROD_SHOP, "NEW");
    const before = await snapshot(order.id);
    for (const secret of [null, "", "wrong", `${TEST_WEBHOOK_SECRET}x`, `${TEST_WEBHOOK_SECRET},${ROTATED_SECRET}`]) {
      const answer = await postWebhook(t, { order_id: order.bitrixOrderId, status: "PD" }, { secret });
      expect(answer.status).toBe(401);
      expect(answer.body.error).toMatch(/X-Webhook-Secret/);
    }
    expect(await snapshot(order.id)).toEqual(before);
  });

  it('accepts every secret of a rotation (WEBHOOK_SECRET="a,b")', async () => {
    const first = await pick(PROD_SHOP, "NEW");
    const second = await pick(PROD_SHOP, "NEW");
    expect(
      (await postWebhook(t, { order_id: first.bitrixOrderId, status: "PD" }, { secret: TEST_WEBHOOK_SECRET })).body
        .status,
    ).toBe("success");
    expect(
      (await postWebhook(t, { order_id: second.bitrixOrderId, status: "PD" }, { secret: ROTATED_SECRET })).body.status,
    ).toBe("success");
  });

  it.each([
    ["JSON", "application/json"],
    ["form-encoded", "application/x-www-form-urlencoded"],
  ])(
    "applies a status (%s): success with our id, one history row by bitrix with changed_by_id and notes",
    async (_name, contentType) => {
      const order = await pick(PROD_SHOP, "NEW");
      const before = await historyOf(t, PROD_SHOP, order.id);
      const answer = await postWebhook(
        t,
        { order_id: order.bitrixOrderId, status: "AP", changed_by_id: 42, notes: "Флорист принял" },
        { contentType },
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ status: "success", order_id: order.id });
      const after = await historyOf(t, PROD_SHOP, order.id);
      expect(after).toHaveLength(before.length + 1);
      expect(after.at(-1)).toMatchObject({
        oldStatus: "NEW",
        newStatus: "ACCEPTED",
        changedBy: "bitrix",
        changedById: "42",
        notes: "Флорист принял",
        kind: "STATUS",
      });
      expectChain(after);
      expect(await statusOf(t, PROD_SHOP, order.id)).toBe("ACCEPTED");

      const viaGraphql = await t.graphql(
        `query($id: ID!) { order(id: $id) { status history { oldStatus newStatus changedBy changedById notes } } }`,
        { id: String(order.id) },
      );
      expect(viaGraphql.data.order.status).toBe("ACCEPTED");
      expect(viaGraphql.data.order.history.at(-1)).toEqual({
        oldStatus: "NEW",
        newStatus: "ACCEPTED",
        changedBy: "bitrix",
        changedById: "42",
        notes: "Флорист принял",
      });
    },
  );

  it.each([
    ["JSON", "application/json"],
    ["form-encoded", "application/x-www-form-urlencoded"],
  ])("a redelivery of the same status (%s) is unchanged and writes no history row", async (_name, contentType) => {
    const order = await pick(PROD_SHOP, "PAID");
    const first = await postWebhook(t, { order_id: order.bitrixOrderId, status: "CO" }, { contentType });
    expect(first.body).toEqual({ status: "success", order_id: order.id });
    const rows = (await historyOf(t, PROD_SHOP, order.id)).length;
    const again = await postWebhook(t, { order_id: order.bitrixOrderId, status: "CO" }, { contentType });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ status: "unchanged", order_id: order.id });
    expect(await historyOf(t, PROD_SHOP, order.id)).toHaveLength(rows);
  });

  it.each([
    ["JSON", "application/json"],
    ["form-encoded", "application/x-www-form-urlencoded"],
  ])("an order Bitrix id we do not have (%s) is skipped", async (_name, contentType) => {
    const answer = await postWebhook(t, { order_id: 987654, status: "AP" }, { contentType });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: "skipped", reason: "Order not found" });
  });

  it.each([
    ["JSON", "application/json"],
    ["form-encoded", "application/x-www-form-urlencoded"],
  ])("an unknown status code (%s) is 422 naming the code, nothing changes", async (_name, contentType) => {
    const order = await pick(PROD_SHOP, "NEW");
    const before = await snapshot(order.id);
    const answer = await postWebhook(t, { order_id: order.bitrixOrderId, status: "XZ" }, { contentType });
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatch(/"XZ"/);
    expect(answer.body.field).toBe("status");
    expect(await snapshot(order.id)).toEqual(before);
  });

  // CONTRACT.md's table, copied here literally: the expected values must not come from the code under test
  const CONTRACT_STATUS_TABLE: [string, string][] = [
    ["N", "NEW"],
    ["PD", "PAID"],
    ["AP", "ACCEPTED"],
    ["CO", "ASSEMBLED"],
    ["DE", "IN_DELIVERY"],
    ["F", "DELIVERED"],
    ["RF", "CANCELLED"],
    ["UN", "CANCELLED"],
  ];

  it.each(CONTRACT_STATUS_TABLE)("maps Bitrix %s to %s", async (code, ours) => {
    // from NEW every code is a change except N itself; start N from PAID (out of order, applied)
    const order = await pick(PROD_SHOP, code === "N" ? "PAID" : "NEW");
    const answer = await postWebhook(t, { order_id: order.bitrixOrderId, status: code });
    expect(answer.body).toEqual({ status: "success", order_id: order.id });
    expect(await statusOf(t, PROD_SHOP, order.id)).toBe(ours);
  });

  it("accepts status codes in lower case and with spaces, and changed_by_id as a string", async () => {
    const order = await pick(PROD_SHOP, "NEW");
    const answer = await postWebhook(t, { order_id: String(order.bitrixOrderId), status: " pd ", changed_by_id: "17" });
    expect(answer.body).toEqual({ status: "success", order_id: order.id });
    expect((await historyOf(t, PROD_SHOP, order.id)).at(-1)).toMatchObject({ newStatus: "PAID", changedById: "17" });
  });
});

describe("Bitrix is the authority on status", () => {
  it("applies an out-of-order status and notes it on the history row", async () => {
    const order = await pick(PROD_SHOP, "DELIVERED");
    const answer = await postWebhook(t, { order_id: order.bitrixOrderId, status: "AP", notes: "вернули флористу" });
    expect(answer.body).toEqual({ status: "success", order_id: order.id });
    const history = await historyOf(t, PROD_SHOP, order.id);
    expect(history.at(-1)).toMatchObject({
      oldStatus: "DELIVERED",
      newStatus: "ACCEPTED",
      changedBy: "bitrix",
      notes: "out of order from Bitrix: DELIVERED → ACCEPTED; вернули флористу",
    });
    expectChain(history);
    expect(await statusOf(t, PROD_SHOP, order.id)).toBe("ACCEPTED");
  });

  it("reopens a cancelled order when Bitrix says so", async () => {
    const order = await pick(PROD_SHOP, "CANCELLED");
    const answer = await postWebhook(t, { order_id: order.bitrixOrderId, status: "N" });
    expect(answer.body.status).toBe("success");
    expect((await historyOf(t, PROD_SHOP, order.id)).at(-1)).toMatchObject({
      oldStatus: "CANCELLED",
      newStatus: "NEW",
      notes: "out of order from Bitrix: CANCELLED → NEW",
    });
  });
});

describe("bad bodies: 400 naming the field, nothing changes", () => {
  let order: { id: number; bitrixOrderId: number | null };
  let before: { status?: string; history: number };
  beforeAll(async () => {
    order = await pick(PROD_SHOP, "NEW");
    before = await snapshot(order.id);
  });
  afterAll(async () => {
    expect(await snapshot(order.id)).toEqual(before);
  });

  const bid = () => order.bitrixOrderId;
  it.each<[string, () => unknown, string | undefined]>([
    ["order_id missing", () => ({ status: "AP" }), "order_id"],
    ["status missing", () => ({ order_id: bid() }), "status"],
    ["order_id a word", () => ({ order_id: "abc", status: "AP" }), "order_id"],
    ["order_id a fraction", () => ({ order_id: 1.5, status: "AP" }), "order_id"],
    ["order_id negative", () => ({ order_id: -5, status: "AP" }), "order_id"],
    ["order_id a boolean", () => ({ order_id: true, status: "AP" }), "order_id"],
    ["order_id an object", () => ({ order_id: { id: bid() }, status: "AP" }), "order_id"],
    ["order_id too large", () => ({ order_id: 1e20, status: "AP" }), "order_id"],
    ["status a number", () => ({ order_id: bid(), status: 5 }), "status"],
    ["status an array", () => ({ order_id: bid(), status: ["AP"] }), "status"],
    ["status empty", () => ({ order_id: bid(), status: " " }), "status"],
    ["notes an object", () => ({ order_id: bid(), status: "AP", notes: { a: 1 } }), "notes"],
    ["notes too long", () => ({ order_id: bid(), status: "AP", notes: "x".repeat(5000) }), "notes"],
    ["notes with control characters", () => ({ order_id: bid(), status: "AP", notes: "a\u0000b" }), "notes"],
    ["changed_by_id an object", () => ({ order_id: bid(), status: "AP", changed_by_id: { id: 1 } }), "changed_by_id"],
    [
      "changed_by_id a long string",
      () => ({ order_id: bid(), status: "AP", changed_by_id: "x".repeat(100) }),
      "changed_by_id",
    ],
    ["a JSON array", () => [{ order_id: bid(), status: "AP" }], undefined],
    ["a JSON string", () => "AP", undefined],
    ["JSON null", () => null, undefined],
  ])("%s", async (_name, body, field) => {
    const answer = await postWebhook(t, body());
    expect(answer.status).toBe(400);
    expect(typeof answer.body.error).toBe("string");
    if (field) {
      expect(answer.body.field).toBe(field);
      expect(answer.body.error).toContain(field);
    }
  });

  it("a form body with a wrong type names the field", async () => {
    const answer = await postWebhook(
      t,
      { order_id: "12x", status: "AP" },
      { contentType: "application/x-www-form-urlencoded" },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.field).toBe("order_id");
  });

  it.each<[string, () => string | Buffer, string]>([
    ["not JSON", () => "{order_id: 1", "application/json"],
    ["empty", () => "", "application/json"],
    [
      "not UTF-8",
      () =>
        Buffer.concat([
          Buffer.from(`{"order_id": ${bid()}, "status": "`),
          Buffer.from([0xc3, 0x28, 0xff]),
          Buffer.from('"}'),
        ]),
      "application/json",
    ],
    [
      "deeply nested JSON",
      () => `{"order_id": ${bid()}, "status": "AP", "notes": ${"[".repeat(20000)}${"]".repeat(20000)}}`,
      "application/json",
    ],
    [
      "nested JSON as status",
      () => `{"order_id": ${bid()}, "status": ${'{"a":'.repeat(3000)}1${"}".repeat(3000)}}`,
      "application/json",
    ],
    [
      "a huge string within the limit",
      () => JSON.stringify({ order_id: bid(), status: "A".repeat(60_000) }),
      "application/json",
    ],
    [
      "not UTF-8, form-encoded",
      () => Buffer.concat([Buffer.from(`order_id=${bid()}&status=`), Buffer.from([0xff, 0xfe])]),
      "application/x-www-form-urlencoded",
    ],
  ])("%s → 400", async (_name, raw, contentType) => {
    const answer = await postWebhook(t, null, { raw: raw(), contentType });
    expect(answer.status).toBe(400);
    expect(typeof answer.body.error).toBe("string");
  });

  it("a body over 64 KiB → 413", async () => {
    const answer = await postWebhook(t, { order_id: bid(), status: "AP", notes: "x".repeat(70 * 1024) });
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatch(/too large/);
  });

  it("never answers with a stack trace", async () => {
    const answer = await postWebhook(t, null, { raw: "{", contentType: "application/json" });
    expect(JSON.stringify(answer.body)).not.toMatch(/at .*\.ts:\d+|node_modules/);
  });
});

describe("races and redeliveries", () => {
  it("50 concurrent identical deliveries write exactly one history row", async () => {
    const order = await pick(PROD_SHOP, "PAID");
    const before = (await historyOf(t, PROD_SHOP, order.id)).length;
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        postWebhook(t, { order_id: order.bitrixOrderId, status: "AP", changed_by_id: 7 }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    const outcomes = answers.map((a) => a.body.status);
    expect(outcomes.filter((s) => s === "success")).toHaveLength(1);
    expect(outcomes.filter((s) => s === "unchanged")).toHaveLength(49);
    const history = await historyOf(t, PROD_SHOP, order.id);
    expect(history).toHaveLength(before + 1);
    expectChain(history);
  });

  it("50 concurrent alternating statuses on one order leave a consistent chain ending in the current status", async () => {
    const order = await pick(PROD_SHOP, "PAID");
    const before = (await historyOf(t, PROD_SHOP, order.id)).length;
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        postWebhook(t, { order_id: order.bitrixOrderId, status: index % 2 ? "AP" : "CO" }),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const successes = answers.filter((a) => a.body.status === "success").length;
    const history = await historyOf(t, PROD_SHOP, order.id);
    expect(history).toHaveLength(before + successes);
    expectChain(history);
    expect(await statusOf(t, PROD_SHOP, order.id)).toBe(history.at(-1)!.newStatus);
  });

  it("the database refuses a history row that breaks the chain, even outside the service", async () => {
    const order = await pick(PROD_SHOP, "ACCEPTED");
    await expect(
      t.stack.db.withTenant(PROD_SHOP, (tx) =>
        tx.orderHistory.create({
          data: { shopId: PROD_SHOP, orderId: order.id, oldStatus: "NEW", newStatus: "PAID", changedBy: "rogue" },
        }),
      ),
    ).rejects.toThrow(/does not follow/);
    await expect(
      t.stack.db.withTenant(PROD_SHOP, (tx) =>
        tx.orderHistory.create({
          data: { shopId: PROD_SHOP, orderId: order.id, oldStatus: null, newStatus: "NEW", changedBy: "rogue" },
        }),
      ),
    ).rejects.toThrow();
  });

  it("two writers that skip the row lock cannot both append after the same entry", async () => {
    const order = await pick(PROD_SHOP, "ACCEPTED");
    const before = (await historyOf(t, PROD_SHOP, order.id)).length;
    // two raw inserts in parallel transactions, no FOR UPDATE: the unique chain index lets one win
    const attempt = () =>
      t.stack.db.withTenant(PROD_SHOP, async (tx) => {
        await tx.$executeRaw`insert into order_history (shop_id, order_id, old_status, new_status, changed_by) values (${PROD_SHOP}, ${order.id}, 'ACCEPTED', 'ASSEMBLED', 'rogue')`;
        await tx.$queryRaw`select pg_sleep(0.3)::text as slept`;
      });
    const results = await Promise.allSettled([attempt(), attempt()]);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined;
    expect(String(refused?.reason)).toMatch(/order_history_order_id_previous_history_id_key|Unique constraint/);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await historyOf(t, PROD_SHOP, order.id)).toHaveLength(before + 1);
  });
});

describe("tenancy", () => {
  it("never touches an order of another shop, even with the same Bitrix id", async () => {
    const products = await t.graphql(
      `{ products(first: 1, enabled: true) { edges { node { id } } } }`,
      {},
      { token: t.token(DEV_SHOP) },
    );
    const created = await t.graphql(
      `mutation($input: CreateOrderInput!) { createOrder(input: $input) { id status } }`,
      {
        input: {
          items: [{ productId: products.data.products.edges[0].node.id, quantity: 1 }],
          customer: { phone: "+77010000001" },
          bitrixOrderId: 555001,
        },
      },
      { token: t.token(DEV_SHOP) },
    );
    expect(created.errors).toBeUndefined();
    const devOrderId = Number(created.data.createOrder.id);
    const answer = await postWebhook(t, { order_id: 555001, status: "F" });
    expect(answer.body).toEqual({ status: "skipped", reason: "Order not found" });
    expect(await statusOf(t, DEV_SHOP, devOrderId)).toBe("NEW");
    expect(await historyOf(t, DEV_SHOP, devOrderId)).toHaveLength(1);
  });
});

describe("many Bitrix changes in one statement (group commit)", () => {
  it("changes that arrive together share statements; each gets what it would get alone, in its own shop only", async () => {
    const inOrder = [];
    for (let i = 0; i < 8; i += 1) inOrder.push(await pick(PROD_SHOP, "NEW"));
    const outOfOrder = [];
    for (let i = 0; i < 8; i += 1) outOfOrder.push(await pick(PROD_SHOP, "DELIVERED"));
    const unchanged = await pick(PROD_SHOP, "PAID");
    // a shop 8 order carrying a Bitrix id: shop 17008's writer must not see it
    const [devOrder] = (
      await t.ownerQuery(
        `update "order" set bitrix_order_id = 555002 where id = (select min(id) from "order" where shop_id = $1 and bitrix_order_id is null) returning id, status::text as status`,
        [DEV_SHOP],
      )
    ).rows;
    const devHistory = (await historyOf(t, DEV_SHOP, devOrder.id)).length;
    const changes: BitrixStatusChange[] = [
      ...inOrder.map((o, i) => ({
        bitrixOrderId: o.bitrixOrderId!,
        status: "PAID" as const,
        changedById: String(100 + i),
        notes: `in order ${i}`,
      })),
      { bitrixOrderId: 987655, status: "ACCEPTED", changedById: null, notes: null },
      ...outOfOrder.map((o, i) => ({
        bitrixOrderId: o.bitrixOrderId!,
        status: "ACCEPTED" as const,
        changedById: String(200 + i),
        notes: i % 2 ? "звонок" : null,
      })),
      { bitrixOrderId: unchanged.bitrixOrderId!, status: "PAID", changedById: null, notes: null },
      { bitrixOrderId: 555002, status: "CANCELLED", changedById: null, notes: null },
    ];
    const writer = createBitrixStatusWriter(t.stack.db, PROD_SHOP);
    const statements = t.stack.db.statementCount();
    // submitted in one tick: the first two go at once (two statements in flight), the rest wait and go together
    const results = await Promise.all(changes.map((change) => writer.submit(change)));
    expect(t.stack.db.statementCount() - statements).toBeLessThanOrEqual(3);

    expect(results.slice(0, 8)).toEqual(
      inOrder.map((o) =>
        expect.objectContaining({
          outcome: "changed",
          orderId: o.id,
          oldStatus: "NEW",
          newStatus: "PAID",
          outOfOrder: false,
        }),
      ),
    );
    expect(results[8]).toEqual({ outcome: "not_found" });
    expect(results.slice(9, 17)).toEqual(
      outOfOrder.map((o) =>
        expect.objectContaining({
          outcome: "changed",
          orderId: o.id,
          oldStatus: "DELIVERED",
          newStatus: "ACCEPTED",
          outOfOrder: true,
        }),
      ),
    );
    expect(results[17]).toEqual({ outcome: "unchanged", orderId: unchanged.id, status: "PAID" });
    expect(results[18]).toEqual({ outcome: "not_found" });
    for (const [i, o] of inOrder.entries()) {
      const history = await historyOf(t, PROD_SHOP, o.id);
      expect(history.at(-1)).toMatchObject({
        id: (results[i] as { historyId: bigint }).historyId,
        oldStatus: "NEW",
        newStatus: "PAID",
        changedBy: "bitrix",
        changedById: String(100 + i),
        notes: `in order ${i}`,
      });
      expectChain(history);
    }
    for (const [i, o] of outOfOrder.entries()) {
      const history = await historyOf(t, PROD_SHOP, o.id);
      const notes = `out of order from Bitrix: DELIVERED → ACCEPTED${i % 2 ? "; звонок" : ""}`;
      expect(history.at(-1)).toMatchObject({
        oldStatus: "DELIVERED",
        newStatus: "ACCEPTED",
        changedById: String(200 + i),
        notes,
      });
      expectChain(history);
      expect(await statusOf(t, PROD_SHOP, o.id)).toBe("ACCEPTED");
    }
    expect(await statusOf(t, DEV_SHOP, devOrder.id)).toBe(devOrder.status);
    expect(await historyOf(t, DEV_SHOP, devOrder.id)).toHaveLength(devHistory);
  });

  it("a change the shared statement cannot take fails alone: the others are written one by one", async () => {
    const orders = [];
    for (let i = 0; i < 5; i += 1) orders.push(await pick(PROD_SHOP, "NEW"));
    const refused = orders[2];
    await t.ownerQuery(
      `create function refuse_order_history() returns trigger language plpgsql as $$ begin raise exception 'refused for the test'; end $$`,
    );
    await t.ownerQuery(
      `create trigger refuse_order_history before insert on order_history for each row when (new.order_id = ${refused.id}) execute function refuse_order_history()`,
    );
    try {
      const writer = createBitrixStatusWriter(t.stack.db, PROD_SHOP);
      const results = await Promise.all(
        orders.map((o) =>
          writer
            .submit({ bitrixOrderId: o.bitrixOrderId!, status: "PAID", changedById: null, notes: null })
            .catch((error: Error) => error.message),
        ),
      );
      expect(results[2]).toMatch(/refused for the test/);
      for (const i of [0, 1, 3, 4])
        expect(results[i]).toMatchObject({ outcome: "changed", orderId: orders[i].id, newStatus: "PAID" });
      expect(await statusOf(t, PROD_SHOP, refused.id)).toBe("NEW");
      for (const i of [0, 1, 3, 4]) expect(await statusOf(t, PROD_SHOP, orders[i].id)).toBe("PAID");
    } finally {
      await t.ownerQuery(`drop trigger refuse_order_history on order_history`);
      await t.ownerQuery(`drop function refuse_order_history()`);
    }
  });
});

describe("operations", () => {
  it("stores every delivery without the secret", async () => {
    const order = await pick(PROD_SHOP, "NEW");
    const body = { order_id: order.bitrixOrderId, status: "PD", notes: "stored?" };
    await postWebhook(t, body);
    // the delivery is recorded after the answer is sent
    let delivery: any;
    for (let attempt = 0; attempt < 50 && !delivery; attempt += 1) {
      delivery = await t.stack.db.withTenant(PROD_SHOP, (tx) =>
        tx.webhookDelivery.findFirst({ where: { rawBody: JSON.stringify(body) }, orderBy: { id: "desc" } }),
      );
      if (!delivery) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(delivery).toMatchObject({
      endpoint: "/api/v1/webhooks/order-status-sync",
      statusCode: 200,
      response: { status: "success", order_id: order.id },
    });
    expect(JSON.stringify(delivery.headers)).not.toContain(TEST_WEBHOOK_SECRET);
    expect(delivery.headers["x-webhook-secret"]).toBeUndefined();
  });

  it("exposes webhook outcomes and latency in /metrics", async () => {
    await postWebhook(t, { order_id: 987655, status: "AP" });
    const text = await (await fetch(`${t.origin}/metrics`)).text();
    expect(text).toMatch(
      /webhook_requests_total\{endpoint="\/api\/v1\/webhooks\/order-status-sync",outcome="skipped"\} [1-9]/,
    );
    expect(text).toMatch(
      /webhook_requests_total\{endpoint="\/api\/v1\/webhooks\/order-status-sync",outcome="success"\} [1-9]/,
    );
    expect(text).toMatch(
      /webhook_requests_total\{endpoint="\/api\/v1\/webhooks\/order-status-sync",outcome="401"\} [1-9]/,
    );
    expect(text).toMatch(
      /webhook_request_duration_seconds_bucket\{le="0\.05",endpoint="\/api\/v1\/webhooks\/order-status-sync",outcome="success"\} [1-9]/,
    );
  });
});

describe("stored deliveries: an operator can see and replay them", () => {
  const ADMIN_PATH = "/api/v1/admin/webhook-deliveries";
  async function admin(path: string, options: { token?: string | null; method?: string } = {}) {
    const token = options.token === undefined ? t.token(PROD_SHOP, "ADMIN") : options.token;
    const response = await fetch(`${t.origin}${ADMIN_PATH}${path}`, {
      method: options.method ?? "GET",
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: response.status, body: (await response.json()) as any };
  }
  async function deliveryOf(rawBody: string) {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const row = await t.stack.db.withTenant(PROD_SHOP, (tx) =>
        tx.webhookDelivery.findFirst({ where: { rawBody, replayOf: null }, orderBy: { id: "desc" } }),
      );
      if (row) return row;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error("delivery not recorded");
  }

  it("a delivery skipped because the order did not exist yet is applied when replayed after the order arrives", async () => {
    const form = new URLSearchParams({ order_id: "4440001", status: "AP", changed_by_id: "9" }).toString();
    const skipped = await postWebhook(t, null, { raw: form, contentType: "application/x-www-form-urlencoded" });
    expect(skipped.body).toEqual({ status: "skipped", reason: "Order not found" });
    const delivery = await deliveryOf(form);

    const listed = await admin(`?endpoint=${encodeURIComponent("/api/v1/webhooks/order-status-sync")}&limit=100`);
    expect(listed.status).toBe(200);
    expect(listed.body.deliveries.map((d: any) => d.id)).toContain(delivery.id);
    const one = await admin(`/${delivery.id}`);
    expect(one.body).toMatchObject({
      id: delivery.id,
      rawBody: form,
      statusCode: 200,
      response: { status: "skipped" },
    });
    expect(one.body.headers["x-webhook-secret"]).toBeUndefined();

    const products = await t.graphql(`{ products(first: 1, enabled: true) { edges { node { id } } } }`);
    const created = await t.graphql(`mutation($input: CreateOrderInput!) { createOrder(input: $input) { id } }`, {
      input: {
        items: [{ productId: products.data.products.edges[0].node.id, quantity: 1 }],
        customer: { phone: "+77014440001" },
        bitrixOrderId: 4440001,
      },
    });
    const orderId = Number(created.data.createOrder.id);

    const replayed = await admin(`/${delivery.id}/replay`, { method: "POST" });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({
      replayOf: delivery.id,
      statusCode: 200,
      response: { status: "success", order_id: orderId },
    });
    expect((await historyOf(t, PROD_SHOP, orderId)).at(-1)).toMatchObject({
      newStatus: "ACCEPTED",
      changedBy: "bitrix",
      changedById: "9",
    });
    const replayRow = await admin(`/${replayed.body.deliveryId}`);
    expect(replayRow.body).toMatchObject({ replayOf: delivery.id, rawBody: form });

    const again = await admin(`/${delivery.id}/replay`, { method: "POST" });
    expect(again.body.response).toEqual({ status: "unchanged", order_id: orderId });
    expect(await historyOf(t, PROD_SHOP, orderId)).toHaveLength(2);
  });

  it("needs an ADMIN token of the shop the deliveries belong to", async () => {
    const form = new URLSearchParams({ order_id: "4440002", status: "AP" }).toString();
    await postWebhook(t, null, { raw: form, contentType: "application/x-www-form-urlencoded" });
    const delivery = await deliveryOf(form);
    expect((await admin("", { token: null })).status).toBe(401);
    expect((await admin("", { token: "garbage" })).status).toBe(401);
    for (const role of ["MANAGER", "FLORIST", "COURIER"] as const) {
      const refused = await admin("", { token: t.token(PROD_SHOP, role) });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatch(/ADMIN/);
      expect((await admin(`/${delivery.id}/replay`, { token: t.token(PROD_SHOP, role), method: "POST" })).status).toBe(
        403,
      );
    }
    const otherShop = t.token(DEV_SHOP, "ADMIN");
    expect((await admin("", { token: otherShop })).body.deliveries).toEqual([]);
    expect((await admin(`/${delivery.id}`, { token: otherShop })).status).toBe(404);
    expect((await admin(`/${delivery.id}/replay`, { token: otherShop, method: "POST" })).status).toBe(404);
  });

  it.each([
    ["/abc", "id"],
    ["/0/replay", "id"],
    ["?limit=0", "limit"],
    ["?limit=1000", "limit"],
    ["?before=x", "before"],
    ["?status=abc", "status"],
  ])("refuses %s with 400 naming %s", async (path, field) => {
    const answer = await admin(path, { method: path.endsWith("replay") ? "POST" : "GET" });
    expect(answer.status).toBe(400);
    expect(answer.body.field).toBe(field);
  });

  it("an unknown delivery is 404", async () => {
    expect((await admin("/99999999")).status).toBe(404);
    expect((await admin("/99999999/replay", { method: "POST" })).status).toBe(404);
  });

  it("pages newest first with before", async () => {
    const first = await admin("?limit=2");
    expect(first.body.deliveries).toHaveLength(2);
    expect(first.body.deliveries[0].id).toBeGreaterThan(first.body.deliveries[1].id);
    const next = await admin(`?limit=2&before=${first.body.nextBefore}`);
    expect(next.body.deliveries[0].id).toBeLessThan(first.body.deliveries[1].id);
  });
});

describe("the orders subgraph's internal operation", () => {
  it("answers only the router: an unsigned or forged call is 401 and changes nothing", async () => {
    const order = await pick(PROD_SHOP, "NEW");
    const url = new URL("/internal/bitrix-order-status", t.stack.subgraphs.orders.url);
    const input = {
      endpoint: "/api/v1/webhooks/order-status-sync",
      fields: { order_id: order.bitrixOrderId, status: "PD" },
      delivery: { headers: {}, rawBody: "" },
    };
    for (const headers of [{}, { "x-cvety-viewer": "e30", "x-cvety-signature": "forged" }] as Record<
      string,
      string
    >[]) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(input),
      });
      expect(response.status).toBe(401);
    }
    expect(await statusOf(t, PROD_SHOP, order.id)).toBe("NEW");
  });

  it("a webhook whose subgraph is down answers 503 with Retry-After, so Bitrix retries", async () => {
    const down = await startTestStack({ databaseUrl: t.databaseUrl });
    try {
      await down.stack.subgraphs.orders.stop();
      const response = await fetch(`${down.origin}/api/v1/webhooks/order-status-sync`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-webhook-secret": TEST_WEBHOOK_SECRET },
        body: JSON.stringify({ order_id: 1, status: "PD" }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(((await response.json()) as { error: string }).error).toMatch(/orders service is unavailable/);
    } finally {
      await down.stop();
    }
  });
});
