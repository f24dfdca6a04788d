import type { Viewer } from "../../core/auth";
import { FairTurns, ReplayPlaces, SubscriberCaps } from "./caps";

const viewer = (shopId: number, userId: string): Viewer => ({ shopId, userId, role: "COURIER" }) as Viewer;
const tick = () => new Promise((r) => setImmediate(r));

describe("SubscriberCaps", () => {
  const config = { maxSubscribersPerShop: 6, maxSubscriptionsPerUser: 3, maxSubscriptionsPerAddress: 5 };

  it("caps one user, whatever their sockets; another user of the shop keeps their room", () => {
    const caps = new SubscriberCaps<object>(config);
    const courier = viewer(8, "courier");
    for (let i = 0; i < 3; i++) {
      expect(caps.refusal(courier, `10.0.0.${i}`)).toBeNull();
      caps.hold({}, courier, `10.0.0.${i}`);
    }
    expect(caps.refusal(courier, "10.0.0.9")?.extensions).toEqual({ code: "RATE_LIMITED", cap: "user" });
    expect(caps.refusal(viewer(8, "admin"), "10.0.0.9")).toBeNull();
    // the same user id in another shop is another user
    expect(caps.refusal(viewer(17008, "courier"), "10.0.0.9")).toBeNull();
  });

  it("caps one address over its users, and one shop over its addresses", () => {
    const caps = new SubscriberCaps<object>(config);
    for (let i = 0; i < 5; i++) caps.hold({}, viewer(8, `u${i}`), "203.0.113.1");
    expect(caps.refusal(viewer(8, "fresh"), "203.0.113.1")?.extensions?.cap).toBe("address");
    expect(caps.refusal(viewer(17008, "fresh"), "203.0.113.1")?.extensions?.cap).toBe("address");
    caps.hold({}, viewer(8, "other"), "203.0.113.2");
    expect(caps.refusal(viewer(8, "fresh"), "203.0.113.3")?.extensions?.cap).toBe("shop");
    expect(caps.refusal(viewer(17008, "fresh"), "203.0.113.3")).toBeNull();
  });

  it("gives the place back on release and keeps no key once everything closed", () => {
    const caps = new SubscriberCaps<object>(config);
    const held = [{}, {}, {}];
    for (const s of held) caps.hold(s, viewer(8, "courier"), "10.0.0.1");
    expect(caps.refusal(viewer(8, "courier"), "10.0.0.1")).not.toBeNull();
    caps.release(held[0]);
    caps.release(held[0]); // twice changes nothing
    expect(caps.refusal(viewer(8, "courier"), "10.0.0.1")).toBeNull();
    for (const s of held) caps.release(s);
    expect(caps.trackedKeys).toBe(0);
  });
});

describe("FairTurns", () => {
  it("deals turns round-robin between shops: one shop's 100 waiting pages delay another's by at most a round", async () => {
    const turns = new FairTurns(2);
    const order: string[] = [];
    const gates: (() => void)[] = [];
    const page = (name: string) => () =>
      new Promise<void>((resolve) => gates.push(() => (order.push(name), resolve())));
    const all = Array.from({ length: 100 }, (_, i) => turns.take(8, page(`8:${i}`)));
    await tick();
    all.push(turns.take(17008, page("17008")));
    expect(turns.waiting).toBe(99);
    // run the turns one by one
    while (order.length < 101) {
      await tick();
      gates.shift()?.();
    }
    await Promise.all(all);
    // two turns were running when 17008 asked; it goes next, before 8's 97 others
    expect(order.indexOf("17008")).toBeLessThanOrEqual(3);
    expect(turns.waiting).toBe(0);
  });

  it("serves a shop's live page before its waiting replay pages", async () => {
    const turns = new FairTurns(1);
    const order: string[] = [];
    let open!: () => void;
    const first = turns.take(8, () => new Promise<void>((resolve) => (open = resolve)));
    const replays = [1, 2, 3].map((i) => turns.take(8, async () => void order.push(`replay ${i}`)));
    const live = turns.take(8, async () => void order.push("live"), true);
    open();
    await Promise.all([first, live, ...replays]);
    expect(order).toEqual(["live", "replay 1", "replay 2", "replay 3"]);
  });

  it("keeps each shop's own pages in the order they were asked for", async () => {
    const turns = new FairTurns(1);
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((i) => turns.take(i % 2 ? 8 : 9, async () => void order.push(i))));
    expect(order.filter((i) => i % 2)).toEqual([1, 3]);
    expect(order.filter((i) => !(i % 2))).toEqual([2, 4]);
  });
});

describe("ReplayPlaces", () => {
  it("lets `limit` replays of a user run at once, their others wait in order; other users are not held", async () => {
    const places = new ReplayPlaces<object>(2);
    const [a, b, c, d] = [{}, {}, {}, {}];
    expect(await places.enter("8:courier", a)).toBe(true);
    expect(await places.enter("8:courier", b)).toBe(true);
    let cIn: boolean | undefined;
    void places.enter("8:courier", c).then((v) => (cIn = v));
    let dIn: boolean | undefined;
    void places.enter("8:courier", d).then((v) => (dIn = v));
    expect(await places.enter("8:admin", {})).toBe(true);
    expect(await places.enter("17008:courier", {})).toBe(true);
    await tick();
    expect([cIn, dIn]).toEqual([undefined, undefined]);
    expect(places.waitingCount).toBe(2);
    places.leave("8:courier");
    await tick();
    expect([cIn, dIn]).toEqual([true, undefined]);
    expect(places.activeCount).toBe(4);
  });

  it("a waiter that closes leaves the queue at once and takes no place", async () => {
    const places = new ReplayPlaces<object>(1);
    const [a, b, c] = [{}, {}, {}];
    await places.enter("8:u", a);
    const bIn = places.enter("8:u", b);
    const cIn = places.enter("8:u", c);
    places.forget("8:u", b);
    expect(await bIn).toBe(false);
    places.leave("8:u");
    expect(await cIn).toBe(true);
    places.leave("8:u");
    expect(places.activeCount).toBe(0);
    expect(places.waitingCount).toBe(0);
  });
});
