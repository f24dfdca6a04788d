import { startTestStack, TEST_WEBHOOK_SECRET, type TestStack } from "../harness";
import { ORDER_STATUS_WEBHOOK } from "../order-fixtures";

/**
 * Bitrix resends nothing: a delivery with the right secret is never refused for its rate
 * (the issue measured 16,565 answers 429 in 15 s from 10 senders). Only real overload sheds
 * one, as a 503 with Retry-After that the sender retries, and a shed delivery changed nothing.
 */
async function deliver(t: TestStack, secret = TEST_WEBHOOK_SECRET) {
  const response = await fetch(`${t.origin}${ORDER_STATUS_WEBHOOK}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-webhook-secret": secret },
    body: JSON.stringify({ order_id: 990_000_001, status: "AP", changed_by_id: 1 }),
  });
  await response.arrayBuffer();
  return { status: response.status, retryAfter: response.headers.get("retry-after") };
}

async function storedDeliveries(t: TestStack): Promise<number> {
  const { rows } = await t.ownerQuery("select count(*)::int as count from webhook_delivery");
  return rows[0].count;
}

describe("signed deliveries under a sender's full rate", () => {
  let t: TestStack;
  beforeAll(async () => {
    // the production default budget: 30 failed checks a minute per address
    t = await startTestStack({ env: { RATE_LIMIT_WEBHOOK_PER_MINUTE: "30" } });
  });
  afterAll(() => t?.stop());

  it("10 concurrent senders with the right secret, 150 deliveries at full speed: every one answered 2xx, none 429", async () => {
    const statuses = new Map<number, number>();
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let i = 0; i < 15; i++) {
          const { status } = await deliver(t);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }),
    );
    const total = [...statuses.values()].reduce((sum, count) => sum + count, 0);
    expect(total).toBe(150); // five times the failure budget
    expect(Object.fromEntries(statuses)).toEqual({ 200: total });
  });

  it("wrong secrets from the same address still meet the hard limit", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await deliver(t, "guess")).status);
    expect(statuses.slice(0, 30)).toEqual(statuses.slice(0, 30).map(() => 401));
    expect(statuses[30]).toBe(429);
    expect((await deliver(t)).status).toBe(200);
  });
});

describe("real overload", () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({
      env: { WEBHOOK_MAX_IN_FLIGHT: "1", WEBHOOK_MAX_QUEUED: "2", WEBHOOK_MAX_WAIT_MS: "3000" },
    });
  });
  afterAll(() => t?.stop());

  it("sheds beyond the queue with 503 and Retry-After, never 429; a shed delivery is not applied or stored", async () => {
    const before = await storedDeliveries(t);
    const answers = await Promise.all(Array.from({ length: 30 }, () => deliver(t)));
    const taken = answers.filter((answer) => answer.status === 200).length;
    const shed = answers.filter((answer) => answer.status === 503);
    expect(taken + shed.length).toBe(30);
    expect(taken).toBeGreaterThanOrEqual(3);
    expect(shed.length).toBeGreaterThan(0);
    for (const answer of shed) expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    // every taken delivery is stored once, no shed one at all
    let stored = await storedDeliveries(t);
    for (let i = 0; i < 50 && stored - before < taken; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stored = await storedDeliveries(t);
    }
    expect(stored - before).toBe(taken);
  });
});
