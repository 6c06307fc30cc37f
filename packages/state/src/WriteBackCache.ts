// The write-back cache operators put in front of their store.

/** What a {@link WriteBackCache} tracks on each cached entry. */
export interface Cached {
  /** Changed since last written to the store. */
  dirty: boolean;
  /** Where the entry waits in the cache while dirty (the cache owns it; start it at -1). */
  cacheSlot: number;
}

/** Holes tolerated in the queue before it is compacted (besides one per waiting entry). */
const SLACK = 1_024;

/**
 * A bounded write-back cache for operators that keep decoded state in memory in front of their
 * {@link StateStore} (docs/architecture.md §3.2): the store must hold every change at each
 * checkpoint barrier, not at every record. An entry changed since it was last written waits here
 * (a change to an entry already waiting costs nothing more); when more than `capacity` wait, the
 * one waiting longest is written (one write per change at most, never a burst), and the operator
 * writes all that still wait with {@link flush} at a barrier, so a barrier writes at most
 * `capacity` entries: `capacity` bounds the stall a checkpoint adds to the record path. With
 * capacity 0 every change is written at once (write-through).
 *
 * Entries purged while waiting are dropped, never written, and the cache lets go of them at once
 * (their place becomes a hole, compacted away later), so short-lived entries die young.
 *
 * Cost: O(1) amortised per change and per drop, allocation-free once the queue has grown; a
 * flush is O(waiting).
 *
 * @typeParam E - the cached entry: anything with the `dirty` flag and `cacheSlot` the cache owns
 *
 * @example
 * ```ts
 * const cache = new WriteBackCache<Row>(16_384, (row) => store.put(row.key, encode(row)));
 * row.count++;
 * cache.changed(row);      // waits (the longest-waiting entry is written if over capacity)
 * cache.drop(expiredRow);  // never written
 * cache.flush();           // before store.snapshot()
 * ```
 */
export class WriteBackCache<E extends Cached> {
  /**
   * Waiting entries in the order they became dirty, in `[head, tail)`; `undefined` marks a hole.
   * The array is never shortened (its slots past `tail` are undefined), so once it has grown a
   * cache cycling through more entries than it holds allocates nothing: a JavaScript array cut
   * short and grown again is given a new backing store each time, one of more than 128 KiB for a
   * cache of 16,384, allocated straight in the old generation (a major collection every second or
   * so at a million changes a second).
   */
  private readonly queue: Array<E | undefined> = [];
  private head = 0;
  private tail = 0;
  private count = 0;

  /**
   * @param capacity - how many changed entries may wait (0: write every change at once)
   * @param write - writes one entry to the store
   */
  constructor(
    private readonly capacity: number,
    private readonly write: (entry: E) => void,
  ) {}

  /** How many changed entries wait to be written. */
  get size(): number {
    return this.count;
  }

  /** Records a change: queues it (writing the longest-waiting entry if over capacity), or writes it through. */
  changed(entry: E): void {
    if (entry.dirty) return;
    if (this.capacity === 0) {
      this.write(entry);
      return;
    }
    entry.dirty = true;
    entry.cacheSlot = this.tail;
    if (this.tail < this.queue.length) this.queue[this.tail] = entry;
    else this.queue.push(entry);
    this.tail++;
    if (++this.count > this.capacity) this.writeOldest();
  }

  /** Forgets a waiting change (the entry left the operator's state): it will not be written. O(1) amortised. */
  drop(entry: E): void {
    if (!entry.dirty) return;
    entry.dirty = false;
    this.queue[entry.cacheSlot] = undefined;
    entry.cacheSlot = -1;
    if (--this.count === 0) this.clear();
    else if (this.tail - this.head > 2 * this.count + SLACK) this.compact();
  }

  /**
   * Calls `fn` on every waiting entry, in the order they became dirty, leaving them waiting (an
   * operator that records them elsewhere at a barrier: see the window operators' barrier log).
   * `fn` must not change or drop entries. O(waiting).
   */
  forEachWaiting(fn: (entry: E) => void): void {
    const queue = this.queue;
    const tail = this.tail;
    for (let i = this.head; i < tail; i++) {
      const entry = queue[i];
      if (entry !== undefined) fn(entry);
    }
  }

  /** Writes every waiting change, in the order they became dirty. */
  flush(): void {
    while (this.count > 0) this.writeOldest();
    this.clear();
  }

  /** Writes the entry waiting longest. If the write throws, the entry stays waiting. */
  private writeOldest(): void {
    const queue = this.queue;
    let i = this.head;
    while (queue[i] === undefined) i++;
    this.head = i;
    const entry = queue[i]!;
    this.write(entry);
    queue[i] = undefined;
    this.head = i + 1;
    entry.dirty = false;
    entry.cacheSlot = -1;
    if (--this.count === 0) this.clear();
    else if (this.head > SLACK && this.head > this.count) this.compact();
  }

  private clear(): void {
    // every slot in [head, tail) is a hole by now (nothing waits)
    this.head = 0;
    this.tail = 0;
  }

  /** Moves the waiting entries to the front of the queue, in order. O(queue length). */
  private compact(): void {
    const queue = this.queue;
    const tail = this.tail;
    let to = 0;
    for (let i = this.head; i < tail; i++) {
      const entry = queue[i];
      if (entry === undefined) continue;
      entry.cacheSlot = to;
      queue[to++] = entry;
    }
    for (let i = to; i < tail; i++) queue[i] = undefined;
    this.tail = to;
    this.head = 0;
  }
}
