import { Subscriber, type BoardTransport, type SerializedEvent } from "./subscriber";
import type { BoardOperation } from "./operation";

const operation: BoardOperation = {
  responseKey: "orderStatusChanged",
  after: null,
  eventQuery: "",
  eventVariables: {},
  groupKey: "",
};
const viewer = { userId: "u1", shopId: 8, role: "ADMIN" as const };

const event = (id: number): SerializedEvent => ({
  json: JSON.stringify({ data: { orderStatusChanged: { historyId: String(id) } } }),
  historyId: String(id),
  position: { xactId: String(1000 + id), id: BigInt(id) },
  at: new Date(),
});

/** A socket stand-in that records frames and flushes only when told (a client that stopped reading). */
class HeldTransport implements BoardTransport {
  readonly frames: string[] = [];
  readonly pending: (() => void)[] = [];
  corked = 0;
  writesWhileUncorked = 0;
  send(data: string, done: () => void) {
    this.frames.push(data);
    if (this.corked === 0) this.writesWhileUncorked += 1;
    this.pending.push(done);
  }
  cork() {
    this.corked += 1;
  }
  uncork() {
    this.corked -= 1;
  }
  flush() {
    for (const done of this.pending.splice(0)) done();
  }
  messages() {
    return this.frames.map((f) => JSON.parse(f));
  }
}

function subscriber(maxQueued: number) {
  const transport = new HeldTransport();
  const closed: Subscriber[] = [];
  let dropped = 0;
  const s = new Subscriber(viewer, operation, "sub-1", transport, maxQueued, {
    onClose: (x: Subscriber) => closed.push(x),
    onDropped: () => (dropped += 1),
  });
  return { s, transport, closed, dropped: () => dropped };
}

describe("a board subscriber", () => {
  it("writes a batch of events as graphql-ws next messages, in order, in one corked write", () => {
    const { s, transport } = subscriber(10);
    s.deliver([event(1), event(2), event(3)]);
    expect(transport.messages()).toEqual(
      [1, 2, 3].map((id) => ({
        id: "sub-1",
        type: "next",
        payload: { data: { orderStatusChanged: { historyId: String(id) } } },
      })),
    );
    expect(transport.writesWhileUncorked).toBe(0);
    expect(transport.corked).toBe(0);
    expect(s.position).toEqual(event(3).position);
  });

  it("drops a client that leaves more than maxQueued events unflushed instead of buffering without bound", async () => {
    const { s, transport, closed, dropped } = subscriber(3);
    s.deliver([event(1)]);
    transport.flush();
    for (let i = 2; i <= 50; i += 1) s.deliver([event(i)]);
    expect(dropped()).toBe(1);
    // nothing written past the limit but the final error
    expect(transport.frames.length).toBeLessThanOrEqual(1 + 4 + 1);
    const last = transport.messages().at(-1);
    expect(last.payload.errors[0].extensions).toMatchObject({ code: "RATE_LIMITED", reason: "SLOW_CONSUMER" });
    expect(Number(last.payload.errors[0].extensions.lastHistoryId)).toBeGreaterThanOrEqual(1);
    // graphql-ws sees the subscription end (and then sends complete)
    expect(await s.next()).toEqual({ value: undefined, done: true });
    expect(closed).toEqual([s]);
  });

  it("a replay waits for room while the client is behind", async () => {
    const { s, transport } = subscriber(4);
    s.deliver([event(1), event(2), event(3)]);
    let resumed = false;
    const waiting = s.waitForRoom().then(() => (resumed = true));
    await new Promise((r) => setImmediate(r));
    expect(resumed).toBe(false);
    transport.flush();
    await waiting;
    expect(resumed).toBe(true);
  });

  it("return() (client completed or disconnected) ends the pending next() and closes once", async () => {
    const { s, closed } = subscriber(3);
    const pending = s.next();
    await s.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    await s.return();
    expect(closed).toEqual([s]);
    s.deliver([event(9)]);
  });
});
