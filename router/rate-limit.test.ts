import { RateLimiter } from "./rate-limit";

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("RateLimiter", () => {
  it("allows a burst of perMinute, then refuses with the seconds until the next token", () => {
    const time = clock();
    const limiter = new RateLimiter(6, 100, time.now);
    for (let i = 0; i < 6; i++) expect(limiter.take("ip")).toEqual({ allowed: true });
    expect(limiter.take("ip")).toEqual({ allowed: false, retryAfterSeconds: 10 });
    time.advance(4_000);
    expect(limiter.take("ip")).toEqual({ allowed: false, retryAfterSeconds: 6 });
    time.advance(6_000);
    expect(limiter.take("ip")).toEqual({ allowed: true });
    expect(limiter.take("ip").allowed).toBe(false);
  });

  it("keeps keys apart", () => {
    const limiter = new RateLimiter(1, 100, clock().now);
    expect(limiter.take("a").allowed).toBe(true);
    expect(limiter.take("a").allowed).toBe(false);
    expect(limiter.take("b").allowed).toBe(true);
  });

  it("refills to the burst size, never beyond", () => {
    const time = clock();
    const limiter = new RateLimiter(2, 100, time.now);
    limiter.take("a");
    time.advance(60 * 60_000);
    expect(limiter.take("a").allowed).toBe(true);
    expect(limiter.take("a").allowed).toBe(true);
    expect(limiter.take("a").allowed).toBe(false);
  });

  it("forgets the least recently used keys beyond its size, so memory stays bounded", () => {
    const limiter = new RateLimiter(1, 3, clock().now);
    for (const key of ["a", "b", "c", "d"]) limiter.take(key);
    // "a" was evicted: it starts over with a full bucket
    expect(limiter.take("a").allowed).toBe(true);
    expect(limiter.take("d").allowed).toBe(false);
  });

  it("0 per minute turns it off", () => {
    const limiter = new RateLimiter(0);
    for (let i = 0; i < 1000; i++) expect(limiter.take("a").allowed).toBe(true);
  });
});
