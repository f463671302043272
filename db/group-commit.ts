/**
 * Group commit: callers submit one item each and get their own result, while the items of every
 * caller waiting at the same time go to the database as ONE statement. Concurrent notification jobs
 * thus share round trips and WAL flushes instead of paying one each.
 *
 * At most one batch is in flight; whatever arrives meanwhile waits and goes out as the next batch, so
 * batches grow with load and a lone caller waits only for the next turn of the event loop.
 */
export class GroupCommit<Item, Result> {
  private waiting: Array<{ item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }> = [];
  private flushing = false;
  private scheduled = false;

  /**
   * @param runBatch writes the items and returns one result per item, in the same order. If a batch
   *   throws, its items are written one by one, and only the callers whose own write fails get an
   *   error (each such job then retries on its own).
   */
  constructor(
    private readonly runBatch: (items: Item[]) => Promise<Result[]>,
    private readonly maxBatch = 500,
  ) {}

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule() {
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a microtask: jobs whose reads came back in the same socket read join this batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async writeEachAlone(batch: typeof this.waiting) {
    for (const entry of batch) {
      try {
        const [result] = await this.runBatch([entry.item]);
        entry.resolve(result!);
      } catch (error) {
        entry.reject(error);
      }
    }
  }

  private async flush() {
    if (this.flushing || this.waiting.length === 0) return;
    this.flushing = true;
    const batch = this.waiting.splice(0, this.maxBatch);
    try {
      const results = await this.runBatch(batch.map((entry) => entry.item));
      if (results.length !== batch.length) throw new Error(`group commit: ${results.length} results for ${batch.length} items`);
      batch.forEach((entry, i) => entry.resolve(results[i]!));
    } catch (error) {
      // One bad item must not fail (and, retried, keep failing) the jobs it happened to share a batch
      // with: write each alone, so only its own caller sees the error.
      if (batch.length === 1) batch[0]!.reject(error);
      else await this.writeEachAlone(batch);
    } finally {
      this.flushing = false;
      if (this.waiting.length > 0) this.schedule();
    }
  }
}

const byDatabase = new WeakMap<object, Map<string, GroupCommit<unknown, unknown>>>();

/** The GroupCommit of one purpose on one database handle (created on first use). */
export function groupCommitOf<Item, Result>(db: object, purpose: string, runBatch: (items: Item[]) => Promise<Result[]>): GroupCommit<Item, Result> {
  let mine = byDatabase.get(db);
  if (!mine) byDatabase.set(db, (mine = new Map()));
  let found = mine.get(purpose);
  if (!found) mine.set(purpose, (found = new GroupCommit(runBatch) as GroupCommit<unknown, unknown>));
  return found as GroupCommit<Item, Result>;
}
