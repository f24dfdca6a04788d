import { GraphQLError } from "graphql";
import { Subscriber, type BoardEvent } from "./subscriber";
import type { BoardOperation } from "./operation";

const operation: BoardOperation = {
  responseKey: "orderStatusChanged",
  after: null,
  eventQuery: "",
  eventVariables: {},
  groupKey: "",
};
const viewer = { userId: "u1", shopId: 8, role: "ADMIN" as const };

const event = (id: number): BoardEvent => ({
  result: { data: { orderStatusChanged: { historyId: String(id) } } },
  historyId: String(id),
  position: { xactId: String(1000 + id), id: BigInt(id) },
  at: new Date(),
});

function subscriber(maxQueued: number) {
  const closed: Subscriber[] = [];
  let dropped = 0;
  let delivered = 0;
  const s = new Subscriber(viewer, operation, maxQueued, {
    onClose: (x: Subscriber) => closed.push(x),
    onDropped: () => (dropped += 1),
    onDelivered: () => (delivered += 1),
  });
  return { s, closed, dropped: () => dropped, delivered: () => delivered };
}

/** What graphql-ws's server does: pulls `count` results, as it does once each previous message is flushed. */
async function pull(s: Subscriber, count: number) {
  const values = [];
  for (let i = 0; i < count; i += 1) values.push(await s.next());
  return values;
}

describe("a board subscriber", () => {
  it("hands a batch of events to graphql-ws in order, as the ExecutionResults it sends", async () => {
    const { s, delivered } = subscriber(10);
    s.deliver([event(1), event(2), event(3)]);
    expect(s.position).toEqual(event(3).position);
    expect(await pull(s, 3)).toEqual([1, 2, 3].map((id) => ({ value: event(id).result, done: false })));
    expect(delivered()).toBe(3);
  });

  it("a pull waiting for the next event gets it as soon as it is delivered", async () => {
    const { s } = subscriber(10);
    const waiting = s.next();
    s.deliver([event(7)]);
    expect(await waiting).toEqual({ value: event(7).result, done: false });
  });

  it("drops a client that leaves more than maxQueued events untaken instead of buffering without bound", async () => {
    const { s, closed, dropped } = subscriber(3);
    s.deliver([event(1)]);
    await pull(s, 1);
    for (let i = 2; i <= 50; i += 1) s.deliver([event(i)]);
    expect(dropped()).toBe(1);
    // out of the hub at once (caps and stream), though the socket has not taken the last message yet
    expect(closed).toEqual([s]);
    // what waited is never sent: only the final error, naming the last event the client was sent
    const [last, end] = await pull(s, 2);
    const error = (last.value as { errors: GraphQLError[] }).errors[0];
    expect(error.extensions).toMatchObject({ code: "RATE_LIMITED", reason: "SLOW_CONSUMER", lastHistoryId: "1" });
    // graphql-ws sees the subscription end (and then sends complete)
    expect(end).toEqual({ value: undefined, done: true });
    expect(closed).toEqual([s]);
  });

  it("ended with an error (an expired token), it sends what is queued, then the error, then completes", async () => {
    const { s } = subscriber(10);
    s.deliver([event(1), event(2)]);
    s.end(new GraphQLError("expired", { extensions: { code: "UNAUTHENTICATED" } }));
    s.deliver([event(3)]);
    const pulled = await pull(s, 4);
    expect(pulled.slice(0, 2).map((p) => p.value)).toEqual([event(1).result, event(2).result]);
    expect((pulled[2].value as { errors: GraphQLError[] }).errors[0].message).toBe("expired");
    expect(pulled[3]).toEqual({ value: undefined, done: true });
  });

  it("a replay waits for room while the client is behind", async () => {
    const { s } = subscriber(4);
    s.deliver([event(1), event(2), event(3)]);
    let resumed = false;
    const waiting = s.waitForRoom().then(() => (resumed = true));
    await new Promise((r) => setImmediate(r));
    expect(resumed).toBe(false);
    await pull(s, 2);
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
    expect(await s.next()).toEqual({ value: undefined, done: true });
  });
});
