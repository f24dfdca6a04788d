/**
 * Group commit: items submitted while earlier batches are being written go together in the
 * next one, so under load one statement carries many items, and when idle an item is written
 * at once (no timer, no added delay). Used by the webhooks' delivery log and by the Bitrix
 * status webhook (one statement for many status changes).
 */
export interface GroupCommitOptions<Item, Result> {
  /** items in one batch at most */
  maxBatch: number;
  /** batches being written at once */
  maxInFlight: number;
  /** items with the same key never share a batch: a later one waits for the next */
  key?: (item: Item) => unknown;
  /** Writes a batch; answers one settled result per item, in the batch's order. A rejection fails every item. */
  write(batch: Item[]): Promise<PromiseSettledResult<Result>[]>;
}

export interface GroupCommit<Item, Result> {
  submit(item: Item): Promise<Result>;
  /** Resolves once everything submitted so far is written. */
  idle(): Promise<void>;
}

interface Waiting<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

export function createGroupCommit<Item, Result>(options: GroupCommitOptions<Item, Result>): GroupCommit<Item, Result> {
  const { maxBatch, maxInFlight, key, write } = options;
  if (maxBatch < 1 || maxInFlight < 1) throw new Error("group commit needs maxBatch and maxInFlight of at least 1");
  let pending: Waiting<Item, Result>[] = [];
  const inFlight = new Set<Promise<void>>();

  function takeBatch(): Waiting<Item, Result>[] {
    const batch: Waiting<Item, Result>[] = [];
    const later: Waiting<Item, Result>[] = [];
    const keys = new Set<unknown>();
    for (const waiting of pending) {
      const itemKey = key?.(waiting.item);
      if (batch.length >= maxBatch || (key && keys.has(itemKey))) {
        later.push(waiting);
        continue;
      }
      if (key) keys.add(itemKey);
      batch.push(waiting);
    }
    pending = later;
    return batch;
  }

  function settle(batch: Waiting<Item, Result>[], results: PromiseSettledResult<Result>[]) {
    batch.forEach((waiting, index) => {
      const result = results[index];
      if (result?.status === "fulfilled") waiting.resolve(result.value);
      else
        waiting.reject(
          result
            ? result.reason
            : new Error(`group commit: the write answered ${results.length} results for ${batch.length} items`),
        );
    });
  }

  function drain(): void {
    while (inFlight.size < maxInFlight && pending.length) {
      const batch = takeBatch();
      const written: Promise<void> = write(batch.map((waiting) => waiting.item))
        .then(
          (results) => settle(batch, results),
          (error) => batch.forEach((waiting) => waiting.reject(error)),
        )
        .finally(() => {
          inFlight.delete(written);
          drain();
        });
      inFlight.add(written);
    }
  }

  return {
    submit(item) {
      return new Promise<Result>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        drain();
      });
    },
    async idle() {
      while (inFlight.size || pending.length) await Promise.all([...inFlight]);
    },
  };
}
