/**
 * A courier whose order is taken from them (assigned to another courier, or to nobody) gets an
 * event that drops the card from their board, through a real graphql-ws client: live, on a
 * replay, and when the board's events are asked for directly. The event names the order and the
 * change, nothing else: not the new courier, not the order's data. Other couriers and other
 * shops learn nothing of it.
 */
import { startTestStack, DEV_SHOP, PROD_SHOP, type TestStack } from "../harness";
import { attached, boardClient, collect, feedSettled, type Collected } from "../board-client";

let t: TestStack;
const taken = new Set<number>();
let courierA: string;
let courierB: string;

const EVENTS = `subscription($after: ID) {
  orderStatusChanged(after: $after) { historyId kind order { id status recipientName courier { id name } } }
}`;
const ASSIGN = `mutation($o: ID!, $c: ID) { assignCourier(orderId: $o, courierId: $c) { id courier { id } } }`;

async function courierId(shopId: number, email: string): Promise<string> {
  const { rows } = await t.ownerQuery(`select id from app_user where shop_id = $1 and email = $2`, [shopId, email]);
  return String(rows[0].id);
}

beforeAll(async () => {
  t = await startTestStack();
  courierA = await courierId(PROD_SHOP, "courier@cvety.kz");
  courierB = await courierId(PROD_SHOP, "courier2@cvety.kz");
});
afterAll(async () => {
  await t?.stop();
});

/** An order of the shop in `status` that no courier carries, each at most once in this file. */
async function pick(shopId: number, status: string): Promise<{ id: number }> {
  const { rows } = await t.ownerQuery(
    `select id from "order" where shop_id = $1 and status = $2 and courier_id is null and delivery_kind = 'DELIVERY' order by id`,
    [shopId, status],
  );
  const row = rows.find((candidate) => !taken.has(candidate.id));
  if (!row) throw new Error(`no unused ${status} order without a courier in shop ${shopId}`);
  taken.add(row.id);
  return row;
}

const tokenOf = (userId: string, shopId = PROD_SHOP) => t.token(shopId, "COURIER", { userId });

async function assign(orderId: number, courier: string | null): Promise<string> {
  const result = await t.graphql(ASSIGN, { o: String(orderId), c: courier });
  expect(result.errors).toBeUndefined();
  const { rows } = await t.ownerQuery(`select max(id)::text as id from order_history where order_id = $1`, [orderId]);
  return rows[0].id;
}

/** The one message a courier gets for an order taken from them: the ids and the reason, nothing more. */
function notice(orderId: number, historyId: string) {
  return {
    data: null,
    errors: [
      {
        message: `Order ${orderId} is no longer assigned to you`,
        path: ["orderStatusChanged"],
        extensions: { code: "NOT_FOUND", reason: "UNASSIGNED", orderId: String(orderId), historyId },
      },
    ],
  };
}

/** Everything a collected stream received, as JSON (to show that a value never appears in it). */
const textOf = (collected: Collected) => JSON.stringify(collected.results);

describe("a courier whose order is taken from them", () => {
  it("is told live that the order left their board, with its id only; the new courier gets the order; others get nothing", async () => {
    const order = await pick(PROD_SHOP, "ACCEPTED");
    await assign(order.id, courierA);
    await feedSettled(t.stack.db, PROD_SHOP);
    const a = boardClient(t, tokenOf(courierA));
    const b = boardClient(t, tokenOf(courierB));
    const dev = boardClient(t, t.token(DEV_SHOP, "COURIER"));
    try {
      const seenByA = collect(a, EVENTS);
      const seenByB = collect(b, EVENTS);
      const seenByDev = collect(dev, EVENTS);
      await attached(t, PROD_SHOP, 2);
      await attached(t, DEV_SHOP, 1);

      const toB = await assign(order.id, courierB);
      await seenByA.atLeast(1);
      await seenByB.atLeast(1);
      expect(seenByA.results).toEqual([notice(order.id, toB)]);
      expect(seenByB.results).toHaveLength(1);
      expect(seenByB.data[0].orderStatusChanged).toMatchObject({
        historyId: toB,
        kind: "EDIT",
        order: { id: String(order.id), courier: { id: courierB } },
      });
      // nothing of the new courier, nor of the order as it is now
      const courierBName = seenByB.data[0].orderStatusChanged.order.courier.name;
      expect(textOf(seenByA)).not.toContain(courierBName);
      expect(textOf(seenByA)).not.toContain(`"${courierB}"`);

      // B's order goes to nobody: B is told; A, who no longer had it, hears nothing of it
      const toNobody = await assign(order.id, null);
      await seenByB.atLeast(2);
      expect(seenByB.results[1]).toEqual(notice(order.id, toNobody));

      // a change A may see, to know A's stream has passed the unassignment
      const mine = await pick(PROD_SHOP, "ASSEMBLED");
      const toA = await assign(mine.id, courierA);
      await seenByA.atLeast(2);
      expect(seenByA.results).toHaveLength(2);
      expect(seenByA.data[0].orderStatusChanged).toMatchObject({ historyId: toA, order: { id: String(mine.id) } });
      await seenByB.atLeast(2);
      expect(seenByB.results).toHaveLength(2);
      // another shop's courier never hears of any of it
      expect(seenByDev.results).toEqual([]);
    } finally {
      await a.dispose();
      await b.dispose();
      await dev.dispose();
    }
  });

  it("is told on a replay too, in feed order, between the changes they may see", async () => {
    const order = await pick(PROD_SHOP, "ACCEPTED");
    const before = await assign(order.id, courierA);
    await feedSettled(t.stack.db, PROD_SHOP);
    const toB = await assign(order.id, courierB);
    const mine = await pick(PROD_SHOP, "ACCEPTED");
    const after = await assign(mine.id, courierA);
    await feedSettled(t.stack.db, PROD_SHOP);
    const a = boardClient(t, tokenOf(courierA));
    try {
      const replay = collect(a, EVENTS, { after: before });
      await replay.atLeast(2);
      expect(replay.results[0]).toEqual(notice(order.id, toB));
      expect(replay.data.map((event) => event.orderStatusChanged.historyId)).toEqual([after]);
    } finally {
      await a.dispose();
    }
  });

  it("the board's event lookup says the same to that courier only; other couriers and shops get null", async () => {
    const order = await pick(PROD_SHOP, "PAID");
    await assign(order.id, courierA);
    const toB = await assign(order.id, courierB);
    const query = `query($ids: [ID!]!) { orderStatusChangesByIds(historyIds: $ids) { historyId order { id } } }`;
    const asA = await t.graphql(query, { ids: [toB] }, { token: tokenOf(courierA) });
    expect(asA.data.orderStatusChangesByIds).toEqual([null]);
    expect(asA.errors).toEqual([
      expect.objectContaining({
        message: `Order ${order.id} is no longer assigned to you`,
        path: ["orderStatusChangesByIds", 0],
        extensions: { code: "NOT_FOUND", reason: "UNASSIGNED", orderId: String(order.id), historyId: toB },
      }),
    ]);
    const asB = await t.graphql(query, { ids: [toB] }, { token: tokenOf(courierB) });
    expect(asB.errors).toBeUndefined();
    expect(asB.data.orderStatusChangesByIds).toEqual([{ historyId: toB, order: { id: String(order.id) } }]);
    // the other shop's courier, and a courier who never had the order (after it went on to nobody)
    const toNobody = await assign(order.id, null);
    const asDev = await t.graphql(query, { ids: [toB, toNobody] }, { token: t.token(DEV_SHOP, "COURIER") });
    expect(asDev.errors).toBeUndefined();
    expect(asDev.data).toEqual({ orderStatusChangesByIds: [null, null] });
    const asAAgain = await t.graphql(query, { ids: [toNobody] }, { token: tokenOf(courierA) });
    expect(asAAgain.errors).toBeUndefined();
    expect(asAAgain.data).toEqual({ orderStatusChangesByIds: [null] });
    // staff see the change itself, as before
    const asAdmin = await t.graphql(query, { ids: [toB] });
    expect(asAdmin.data.orderStatusChangesByIds).toEqual([{ historyId: toB, order: { id: String(order.id) } }]);
  });
});
