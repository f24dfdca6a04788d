/**
 * Signed webhook deliveries are never refused for their rate: Bitrix does not resend what we
 * refuse. They wait, first come first served, for one of `maxInFlight` slots; only real
 * overload sheds one (503 with Retry-After, which the sender retries): more than `maxQueued`
 * already waiting, or no slot within `maxWaitMs`.
 */
export interface DeliveryGateOptions {
  /** deliveries handled at once per router process (WEBHOOK_MAX_IN_FLIGHT) */
  maxInFlight: number;
  /** deliveries waiting for a slot at most (WEBHOOK_MAX_QUEUED) */
  maxQueued: number;
  /** how long one waits for a slot before it is shed (WEBHOOK_MAX_WAIT_MS) */
  maxWaitMs: number;
}

export type Release = () => void;

export class DeliveryGate {
  private inFlight = 0;
  private readonly waiting: Array<(release: Release) => void> = [];

  constructor(private readonly options: DeliveryGateOptions) {}

  /** A release to call when the delivery is answered, or null: shed it (503, Retry-After). */
  enter(): Promise<Release | null> {
    if (this.inFlight < this.options.maxInFlight) return Promise.resolve(this.take());
    if (this.waiting.length >= this.options.maxQueued) return Promise.resolve(null);
    return new Promise((resolve) => {
      const admit = (release: Release) => {
        clearTimeout(timer);
        resolve(release);
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(admit), 1);
        resolve(null);
      }, this.options.maxWaitMs);
      timer.unref();
      this.waiting.push(admit);
    });
  }

  /** deliveries being handled and waiting, for metrics and the drill */
  get load(): { inFlight: number; waiting: number } {
    return { inFlight: this.inFlight, waiting: this.waiting.length };
  }

  /** seconds a shed sender should wait: about the time the queue ahead of it takes to clear */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.options.maxWaitMs / 1000));
  }

  private take(): Release {
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      const next = this.waiting.shift();
      if (next) next(this.take());
    };
  }
}
