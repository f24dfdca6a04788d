/**
 * A token bucket: `perSecond` sends a second on average, with bursts of a quarter second's worth
 * (at most `maxBurst`) after a quiet spell. A rate of 0 does not limit. The rate can change as
 * the host gets busy or quiet.
 */
export class SendPace {
  private tokens: number;
  private at: number;

  constructor(
    private rate: number,
    private readonly maxBurst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.at = now();
    this.tokens = this.burst();
  }

  get perSecond(): number {
    return this.rate;
  }

  setRate(perSecond: number): void {
    this.available();
    this.rate = perSecond;
    this.tokens = Math.min(this.tokens, this.burst());
  }

  /** the most sends that may start at once */
  burst(): number {
    return this.rate === 0 ? this.maxBurst : Math.max(1, Math.min(this.maxBurst, Math.ceil(this.rate / 4)));
  }

  /** how many sends may start now */
  available(): number {
    const now = this.now();
    if (this.rate === 0) {
      this.at = now;
      return Number.POSITIVE_INFINITY;
    }
    this.tokens = Math.min(this.burst(), this.tokens + ((now - this.at) * this.rate) / 1000);
    this.at = now;
    return Math.floor(this.tokens);
  }

  take(count: number): void {
    if (this.rate !== 0) this.tokens -= count;
  }

  /** milliseconds until `count` sends (at most a burst) may start */
  msUntil(count: number): number {
    const missing = Math.min(count, this.burst()) - this.available();
    return missing <= 0 ? 0 : Math.ceil((missing * 1000) / this.rate);
  }
}
