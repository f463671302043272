// Update ids already applied, with the result they returned. Temporal dedupes Update ids within one
// run only; this map is carried across continue-as-new so a retried request still applies once.

/** Enough for every retry window a client could have; bounded so the carried input stays small. */
export const RECENT_UPDATES_LIMIT = 200;

export class RecentUpdates<R> {
  private readonly results: Map<string, R>;

  constructor(
    entries: Array<[string, R]> = [],
    private readonly limit = RECENT_UPDATES_LIMIT,
  ) {
    this.results = new Map(entries);
  }

  has(id: string | undefined): id is string {
    return id !== undefined && this.results.has(id);
  }

  get(id: string | undefined): R | undefined {
    return id === undefined ? undefined : this.results.get(id);
  }

  remember(id: string | undefined, result: R): void {
    if (id === undefined) return;
    this.results.set(id, result);
    while (this.results.size > this.limit) {
      const oldest = this.results.keys().next().value;
      if (oldest === undefined) break;
      this.results.delete(oldest);
    }
  }

  toJSON(): Array<[string, R]> {
    return [...this.results.entries()];
  }
}
