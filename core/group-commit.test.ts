import { createGroupCommit } from "./group-commit";

/** A write that holds each batch until released, and records what it was given. */
function heldWrites() {
  const batches: number[][] = [];
  const releases: (() => void)[] = [];
  const write = (batch: number[]) =>
    new Promise<PromiseSettledResult<string>[]>((resolve) => {
      batches.push(batch);
      releases.push(() =>
        resolve(
          batch.map((n) =>
            n < 0 ? { status: "rejected", reason: new Error(`bad ${n}`) } : { status: "fulfilled", value: `#${n}` },
          ),
        ),
      );
    });
  const releaseNext = async () => {
    releases.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { batches, write, releaseNext };
}

describe("group commit", () => {
  it("writes an item at once when idle, and gathers what arrives meanwhile into the next batches", async () => {
    const held = heldWrites();
    const group = createGroupCommit({ maxBatch: 3, maxInFlight: 1, write: held.write });
    const results = [1, 2, 3, 4, 5, 6].map((n) => group.submit(n));
    expect(held.batches).toEqual([[1]]);
    await held.releaseNext();
    expect(held.batches).toEqual([[1], [2, 3, 4]]);
    await held.releaseNext();
    await held.releaseNext();
    expect(held.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    expect(await Promise.all(results)).toEqual(["#1", "#2", "#3", "#4", "#5", "#6"]);
    await group.idle();
  });

  it("runs up to maxInFlight batches at once", async () => {
    const held = heldWrites();
    const group = createGroupCommit({ maxBatch: 2, maxInFlight: 2, write: held.write });
    const results = [1, 2, 3, 4, 5].map((n) => group.submit(n));
    expect(held.batches).toEqual([[1], [2]]);
    await held.releaseNext();
    expect(held.batches).toEqual([[1], [2], [3, 4]]);
    await held.releaseNext();
    expect(held.batches).toEqual([[1], [2], [3, 4], [5]]);
    await held.releaseNext();
    await held.releaseNext();
    expect(await Promise.all(results)).toEqual(["#1", "#2", "#3", "#4", "#5"]);
  });

  it("never puts two items with the same key in one batch; the later one keeps its place for the next", async () => {
    const held = heldWrites();
    const group = createGroupCommit({ maxBatch: 10, maxInFlight: 1, key: (n: number) => n % 10, write: held.write });
    const results = [1, 2, 11, 3, 21, 12].map((n) => group.submit(n));
    await held.releaseNext();
    expect(held.batches[1]).toEqual([2, 11, 3]);
    await held.releaseNext();
    expect(held.batches[2]).toEqual([21, 12]);
    await held.releaseNext();
    expect(await Promise.all(results)).toEqual(["#1", "#2", "#11", "#3", "#21", "#12"]);
  });

  it("fails only the items the write says failed, and every item of a write that throws", async () => {
    const held = heldWrites();
    const group = createGroupCommit({ maxBatch: 10, maxInFlight: 1, write: held.write });
    const first = group.submit(1);
    const mixed = [2, -3, 4].map((n) => group.submit(n).catch((error: Error) => error.message));
    await held.releaseNext();
    await held.releaseNext();
    expect(await first).toBe("#1");
    expect(await Promise.all(mixed)).toEqual(["#2", "bad -3", "#4"]);

    const failing = createGroupCommit<number, string>({
      maxBatch: 10,
      maxInFlight: 1,
      write: () => Promise.reject(new Error("database down")),
    });
    expect(
      await Promise.all([failing.submit(1), failing.submit(2)].map((p) => p.catch((error: Error) => error.message))),
    ).toEqual(["database down", "database down"]);
    // a write that answers too few results fails the ones without a result
    const short = createGroupCommit<number, string>({
      maxBatch: 10,
      maxInFlight: 1,
      write: async () => [{ status: "fulfilled", value: "only one" }],
    });
    const [a, b, c] = [short.submit(1), short.submit(2), short.submit(3).catch((error: Error) => error.message)];
    expect(await a).toBe("only one");
    expect(await b).toBe("only one");
    expect(await c).toMatch(/answered 1 results for 2 items/);
  });

  it("refuses a batch size or a concurrency below 1", () => {
    expect(() => createGroupCommit({ maxBatch: 0, maxInFlight: 1, write: async () => [] })).toThrow(/at least 1/);
    expect(() => createGroupCommit({ maxBatch: 1, maxInFlight: 0, write: async () => [] })).toThrow(/at least 1/);
  });
});
