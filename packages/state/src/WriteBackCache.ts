// The write-back cache operators put in front of their store.

/** What a {@link WriteBackCache} tracks on each cached entry. */
export interface Cached {
  /** Changed since last written to the store. */
  dirty: boolean;
}

/**
 * A write-back cache for operators that keep decoded state in memory in front of their
 * {@link StateStore} (DESIGN.md §3): entries changed since they were last written wait here until
 * more than `capacity` are waiting (then all are written) or the operator flushes them at a
 * checkpoint barrier. With capacity 0 every change is written at once (write-through). Entries
 * purged while waiting are dropped, never written. O(1) per change, amortised.
 *
 * @typeParam E - the cached entry: anything with a `dirty` flag the cache owns
 *
 * @example
 * ```ts
 * const cache = new WriteBackCache<Row>(10_000, (row) => store.put(row.key, encode(row)));
 * row.count++;
 * cache.changed(row);      // written now (capacity 0) or later
 * cache.drop(expiredRow);  // never written
 * cache.flush();           // before store.snapshot()
 * ```
 */
export class WriteBackCache<E extends Cached> {
  private waiting: E[] = [];
  private count = 0; // entries in `waiting` still dirty

  constructor(
    private readonly capacity: number,
    private readonly write: (entry: E) => void,
  ) {}

  /** Records a change: writes it through, or queues it. */
  changed(entry: E): void {
    if (this.capacity === 0) {
      this.write(entry);
      return;
    }
    if (entry.dirty) return;
    entry.dirty = true;
    this.waiting.push(entry);
    if (++this.count > this.capacity) this.flush();
    else if (this.waiting.length > 2 * this.capacity + 1024) this.waiting = this.waiting.filter((e) => e.dirty);
  }

  /** Forgets an entry that is being purged: it will not be written. */
  drop(entry: E): void {
    if (!entry.dirty) return;
    entry.dirty = false;
    this.count--;
  }

  /** Writes every waiting entry. */
  flush(): void {
    for (const entry of this.waiting) {
      if (!entry.dirty) continue;
      entry.dirty = false;
      this.write(entry);
    }
    this.waiting = [];
    this.count = 0;
  }
}
