// The write-back cache operators put in front of their store.

/** What a {@link WriteBackCache} tracks on each cached entry. */
export interface Cached {
  /** Changed since last written to the store. */
  dirty: boolean;
  /** Where the entry waits in the cache while dirty (the cache owns it; start it at -1). */
  cacheSlot: number;
}

/**
 * A write-back cache for operators that keep decoded state in memory in front of their
 * {@link StateStore} (docs/architecture.md §3.2): entries changed since they were last written
 * wait here until more than `capacity` are waiting (then all are written) or the operator
 * flushes them at a checkpoint barrier. With capacity 0 every change is written at once (write-through). Entries
 * purged while waiting are dropped, never written, and the cache lets go of them at once (a
 * dropped entry swaps places with the last waiting one), so short-lived entries die young
 * instead of being kept alive, and copied by every young-generation GC, until the next flush.
 * O(1) per change and per drop; a flush is O(waiting).
 *
 * @typeParam E - the cached entry: anything with the `dirty` flag and `cacheSlot` the cache owns
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

  /**
   * @param capacity - how many changed entries may wait (0: write every change at once)
   * @param write - writes one entry to the store
   */
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
    entry.cacheSlot = this.waiting.length;
    this.waiting.push(entry);
    if (this.waiting.length > this.capacity) this.flush();
  }

  /** Forgets a waiting change (the entry left the operator's state): it will not be written. O(1). */
  drop(entry: E): void {
    if (!entry.dirty) return;
    entry.dirty = false;
    const i = entry.cacheSlot;
    entry.cacheSlot = -1;
    const last = this.waiting.pop()!;
    if (last !== entry) {
      this.waiting[i] = last;
      last.cacheSlot = i;
    }
  }

  /** Writes every waiting change, in the order they were queued (as moved by drops). */
  flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    let i = 0;
    try {
      for (; i < waiting.length; i++) {
        const entry = waiting[i]!;
        entry.dirty = false;
        entry.cacheSlot = -1;
        this.write(entry);
      }
    } finally {
      // a write threw: the entries after it keep waiting
      for (let j = i + 1; j < waiting.length; j++) {
        const entry = waiting[j]!;
        entry.cacheSlot = this.waiting.length;
        this.waiting.push(entry);
      }
    }
  }
}
