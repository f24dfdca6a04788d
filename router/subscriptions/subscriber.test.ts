import type { ExecutionResult } from "graphql";
import { Subscriber } from "./subscriber";
import type { BoardOperation } from "./operation";

const operation: BoardOperation = { responseKey: "orderStatusChanged", after: null, eventQuery: "", eventVariables: {}, groupKey: "" };
const viewer = { userId: "u1", shopId: 8, role: "ADMIN" as const };
const event = (id: number): ExecutionResult => ({ data: { orderStatusChanged: { historyId: String(id) } } });

function subscriber(maxQueued: number) {
  const closed: Subscriber[] = [];
  let dropped = 0;
  const s = new Subscriber(viewer, operation, "r1", maxQueued, { onClose: (x) => closed.push(x), onDropped: () => (dropped += 1) });
  return { s, closed, dropped: () => dropped };
}

describe("a board subscriber's queue", () => {
  it("hands events over in order to a reader that keeps up", async () => {
    const { s } = subscriber(3);
    const pending = s.next();
    s.push(event(1), { historyId: "1", at: new Date() });
    s.push(event(2), { historyId: "2", at: new Date() });
    expect((await pending).value).toEqual(event(1));
    expect((await s.next()).value).toEqual(event(2));
  });

  it("drops a reader that falls maxQueued events behind instead of buffering without bound", async () => {
    const { s, closed, dropped } = subscriber(3);
    s.push(event(1), { historyId: "1", at: new Date() });
    expect((await s.next()).value).toEqual(event(1));
    for (let i = 2; i <= 50; i += 1) s.push(event(i), { historyId: String(i), at: new Date() });
    expect(s.queued).toBeLessThanOrEqual(3 + 1);
    expect(dropped()).toBe(1);
    const last = await s.next();
    expect(last.value?.errors?.[0].extensions).toMatchObject({ code: "RATE_LIMITED", reason: "SLOW_CONSUMER", lastHistoryId: "1" });
    expect(await s.next()).toEqual({ value: undefined, done: true });
    expect(closed).toEqual([s]);
    // nothing more is queued once dropped
    s.push(event(99));
    expect(s.queued).toBe(0);
  });

  it("return() (client completed or disconnected) closes it once", async () => {
    const { s, closed } = subscriber(3);
    const pending = s.next();
    await s.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    await s.return();
    expect(closed).toEqual([s]);
  });
});
