import { DeliveryGate, type Release } from "./delivery-gate";

describe("DeliveryGate", () => {
  it("admits up to maxInFlight at once, then queues in arrival order", async () => {
    const gate = new DeliveryGate({ maxInFlight: 2, maxQueued: 10, maxWaitMs: 5_000 });
    const first = (await gate.enter())!;
    const second = (await gate.enter())!;
    const order: number[] = [];
    const third = gate.enter().then((release) => (order.push(3), release));
    const fourth = gate.enter().then((release) => (order.push(4), release));
    expect(gate.load).toEqual({ inFlight: 2, waiting: 2 });
    first();
    first(); // a second call of the same release frees nothing more
    const thirdRelease = (await third)!;
    expect(gate.load).toEqual({ inFlight: 2, waiting: 1 });
    second();
    const fourthRelease = (await fourth)!;
    expect(order).toEqual([3, 4]);
    thirdRelease();
    fourthRelease();
    expect(gate.load).toEqual({ inFlight: 0, waiting: 0 });
  });

  it("sheds (null) only when the queue is full or a slot does not come within maxWaitMs", async () => {
    const gate = new DeliveryGate({ maxInFlight: 1, maxQueued: 1, maxWaitMs: 50 });
    const held = (await gate.enter()) as Release;
    const queued = gate.enter();
    expect(await gate.enter()).toBeNull(); // queue full
    expect(await queued).toBeNull(); // waited 50 ms for a slot that never came
    expect(gate.load).toEqual({ inFlight: 1, waiting: 0 });
    held();
    expect(await gate.enter()).not.toBeNull();
    expect(gate.retryAfterSeconds).toBe(1);
  });

  it("takes a burst far above any per-minute budget without shedding when slots free up", async () => {
    const gate = new DeliveryGate({ maxInFlight: 4, maxQueued: 1_000, maxWaitMs: 5_000 });
    const work = Array.from({ length: 500 }, async () => {
      const release = await gate.enter();
      if (!release) return "shed";
      await new Promise((resolve) => setImmediate(resolve));
      release();
      return "taken";
    });
    const outcomes = await Promise.all(work);
    expect(outcomes.filter((outcome) => outcome === "taken")).toHaveLength(500);
  });
});
