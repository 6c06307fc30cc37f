// Internal: the rows one side of a join holds, decoded in memory in front of the store.
//
// The store is the source of truth at every barrier (docs/architecture.md §3.2): a row is written
// to it at the latest at the next barrier (flush), or captured there for the snapshot and written
// after it (capture, RowCapture: §5.3), deleted from it when it leaves if it was written, and read
// back from it on restore. Between barriers the changed rows wait in a bounded
// dirty set (write-back): a row that arrives and leaves between two barriers never touches the
// store. When the set is full a further change is written at once, so the work a barrier does is
// bounded by the set's capacity and the record path never stalls on an overflow. In memory each
// key's rows sit in an array sorted by (ts, seq), so a probe is a binary search plus the matching
// rows, O(log m + k), with no decoding; an optional time queue orders every row by time so expiry
// at a watermark is O(1) per expired row that arrived in order (O(log k) for the k held out of
// order, see TimeQueue).
import { checkEncodable, decodeTuple, decodeValue, encodeValue, keyPartId, type KeyPart, type StateStore } from '@weir/state';
import { RowCapture } from './RowCapture';
import { TimeQueue } from './TimeQueue';
import type { JoinKeys } from './joinState';

/** One held row. `flags` are the operator's (matched, tombstone, ...). */
export interface Row<V> {
  readonly key: KeyPart;
  readonly id: unknown;
  readonly ts: number;
  readonly seq: number;
  value: V;
  flags: number;
  /** Written to the store (and not deleted since). */
  persisted: boolean;
  /** Left the buffer (the time queue may still hold it). */
  removed: boolean;
  /** In the time queue. */
  queued: boolean;
  /** Where the row waits in the dirty set, or -1 when it has no change waiting. */
  dirtySlot: number;
  /** The capture that writes the row to the store once it has encoded it (RowCapture), or 0. */
  captured: number;
  /** Its key's rows (removing a row needs no lookup by key). */
  readonly list: KeyRows<V>;
}

/** One key's rows, sorted by (ts, seq), live from `head`. */
export interface KeyRows<V> {
  rows: Row<V>[];
  head: number;
}

/** The list an unindexed buffer's rows point at: always empty. */
const UNINDEXED: KeyRows<unknown> = { rows: [], head: 0 };

const before = <V>(a: Row<V>, b: Row<V>): boolean => a.ts < b.ts || (a.ts === b.ts && a.seq < b.seq);

export class SideBuffer<V> {
  private readonly byKey = new Map<unknown, KeyRows<V>>();
  private readonly queue = new TimeQueue<Row<V>>();
  /** Rows changed since last written, each at its `dirtySlot` (unordered: a removal swaps in the last). */
  private dirty: Row<V>[] = [];
  /** Rows captured at a barrier and not in the store yet (see RowCapture). */
  private readonly pending = new Set<Row<V>>();
  private captures = 0;
  /** Rows held. */
  size = 0;
  /** Keys in `byKey` whose list is empty (kept for reuse, swept when they outnumber the rest 4 to 1). */
  private empty = 0;
  private scratch = new Uint8Array(256);

  constructor(
    private readonly store: StateStore,
    private readonly keys: JoinKeys,
    private readonly section: number,
    /** How many changed rows may wait for the next flush (0: every change is written at once). */
    private readonly capacity: number,
    private readonly where: string,
    /** Whether rows enter the time queue when added. */
    private readonly expiring: boolean,
    /**
     * Whether rows are indexed by key (for probes). An unindexed buffer (a side that is only ever
     * taken in time order: waiting left rows of a temporal or backward as-of join) keeps its rows
     * in the time queue alone; it must be `expiring`, its rows must have distinct seqs, and its
     * probes (`rowsOf`, `forRange`, `floor`, `ceil`, `removeBefore`, `all`) find nothing.
     */
    private readonly indexed = true,
  ) {}

  /** Changed rows waiting for the next flush. */
  get waiting(): number {
    return this.dirty.length;
  }

  /**
   * Adds a row, or replaces the value and flags of the row with the same key, ts and seq. Returns
   * the row. Throws (a StateError SERIALIZATION from the encoder's check) when the value cannot be
   * stored, whether it is written now or later; the buffer is then unchanged.
   */
  add(key: KeyPart, id: unknown, ts: number, seq: number, value: V, flags: number): Row<V> {
    if (!this.indexed) return this.addUnindexed(key, id, ts, seq, value, flags);
    let list = this.byKey.get(id);
    // a row after the key's last one (the common case) replaces none: no search
    const tail = list === undefined || list.rows.length === list.head ? undefined : list.rows[list.rows.length - 1]!;
    if (tail !== undefined && (tail.ts > ts || (tail.ts === ts && tail.seq >= seq))) {
      const i = this.upperBound(list!, ts, seq);
      const prev = i > list!.head ? list!.rows[i - 1]! : undefined;
      if (prev !== undefined && prev.ts === ts && prev.seq === seq) {
        if (this.capacity > 0) checkEncodable(value, this.where); // before anything changes
        const old = prev.value;
        const oldFlags = prev.flags;
        prev.value = value;
        prev.flags = flags;
        try {
          this.changed(prev);
        } catch (err) {
          prev.value = old;
          prev.flags = oldFlags;
          throw err;
        }
        return prev;
      }
    }
    const owner = list ?? { rows: [], head: 0 };
    const row: Row<V> = { key, id, ts, seq, value, flags, persisted: false, removed: false, queued: false, dirtySlot: -1, captured: 0, list: owner };
    if (this.capacity > 0) checkEncodable(value, this.where);
    this.changed(row); // may throw (write-through) before anything changed
    if (list === undefined) this.byKey.set(id, (list = owner));
    else if (list.head === list.rows.length) this.empty--;
    const rows = list.rows;
    if (tail === undefined || before(tail, row)) rows.push(row);
    else rows.splice(this.upperBound(list, ts, seq), 0, row);
    this.size++;
    if (this.expiring) {
      row.queued = true;
      this.queue.push(row);
    }
    return row;
  }

  private addUnindexed(key: KeyPart, id: unknown, ts: number, seq: number, value: V, flags: number): Row<V> {
    const row: Row<V> = { key, id, ts, seq, value, flags, persisted: false, removed: false, queued: true, dirtySlot: -1, captured: 0, list: UNINDEXED as KeyRows<V> };
    if (this.capacity > 0) checkEncodable(value, this.where);
    this.changed(row); // may throw (write-through) before anything changed
    this.size++;
    this.queue.push(row);
    return row;
  }

  /**
   * Records that a row's value or flags changed: it waits for the next flush, or is written at once
   * when the dirty set is full (or its capacity is 0). O(1) (plus a store write when written).
   */
  changed(row: Row<V>): void {
    if (row.dirtySlot >= 0) return;
    const dirty = this.dirty;
    if (dirty.length < this.capacity) {
      row.dirtySlot = dirty.length;
      dirty.push(row);
    } else this.write(row);
  }

  /** Removes a row: from memory at once, from the store now if it was written. O(log m) at the head of its key, O(m) elsewhere. */
  remove(row: Row<V>): void {
    if (row.removed) return;
    if (!this.indexed) {
      this.forget(row);
      return;
    }
    const list = row.list;
    if (list.rows[list.head] === row) list.head++; // the key's first row: expiry's case
    else list.rows.splice(this.upperBound(list, row.ts, row.seq) - 1, 1);
    this.forget(row);
    this.compact(row.id, list);
  }

  /** Removes every row of `row`'s key that comes before it. */
  removeBefore(row: Row<V>): void {
    const list = this.byKey.get(row.id);
    if (list === undefined) return;
    while (list.head < list.rows.length) {
      const first = list.rows[list.head]!;
      if (!before(first, row)) break;
      list.head++;
      this.forget(first);
    }
    this.compact(row.id, list);
  }

  /** The live rows of key `id`, sorted by (ts, seq), from index `head` of `rows`. */
  rowsOf(id: unknown): Readonly<KeyRows<V>> | undefined {
    return this.byKey.get(id);
  }

  /** Calls `fn` on each row of key `id` with `lo <= ts <= hi`, in (ts, seq) order. O(log m + k). */
  forRange(id: unknown, lo: number, hi: number, fn: (row: Row<V>) => void): void {
    const list = this.byKey.get(id);
    if (list === undefined) return;
    const rows = list.rows;
    // Copy-free iteration is safe: `fn` may remove rows of another key or mark rows, but rows of
    // this key are only removed after the scan (callers collect them first).
    for (let i = this.lowerBoundTs(list, lo); i < rows.length; i++) {
      const row = rows[i]!;
      if (row.ts > hi) break;
      fn(row);
    }
  }

  /** Every live row, key by key. */
  *all(): IterableIterator<Row<V>> {
    for (const list of this.byKey.values()) for (let i = list.head; i < list.rows.length; i++) yield list.rows[i]!;
  }

  /** The last row of key `id` with ts <= t, or undefined. O(log m). */
  floor(id: unknown, t: number): Row<V> | undefined {
    const list = this.byKey.get(id);
    if (list === undefined) return undefined;
    const i = this.upperBoundTs(list, t) - 1;
    return i >= list.head ? list.rows[i] : undefined;
  }

  /** The first row of key `id` with ts >= t, or undefined. O(log m). */
  ceil(id: unknown, t: number): Row<V> | undefined {
    const list = this.byKey.get(id);
    if (list === undefined) return undefined;
    return list.rows[this.lowerBoundTs(list, t)];
  }

  /** The earliest queued row (by ts, seq), skipping removed ones. */
  peekDue(): Row<V> | undefined {
    for (;;) {
      const top = this.queue.peek();
      if (top === undefined || !top.removed) return top;
      this.queue.pop();
    }
  }

  /**
   * Takes each queued row with ts <= `upTo` off the time queue, in (ts, seq) order, and hands it
   * to `due`, which decides what happens to it (remove it, keep it, ...). O(1) per row that arrived
   * in order, O(log k) per row of the k held out of order.
   */
  expire(upTo: number, due: (row: Row<V>) => void): void {
    for (;;) {
      const top = this.peekDue();
      if (top === undefined || top.ts > upTo) return;
      this.queue.pop();
      top.queued = false;
      due(top);
    }
  }

  /** Puts a row (back) in the time queue. */
  enqueue(row: Row<V>): void {
    if (row.queued || row.removed) return;
    row.queued = true;
    this.queue.push(row);
  }

  /**
   * Writes every changed row to the store: O(waiting), at most the capacity. If a write throws,
   * the rows not yet written keep waiting.
   */
  flush(): void {
    // rows captured earlier and not in the store yet: the store takes them now, as they are
    for (const row of this.pending) this.write(row); // a row that left is no longer pending
    this.pending.clear();
    const dirty = this.dirty;
    this.dirty = [];
    let i = 0;
    try {
      for (; i < dirty.length; i++) {
        const row = dirty[i]!;
        row.dirtySlot = -1;
        this.write(row);
      }
    } finally {
      for (let j = i + 1; j < dirty.length; j++) {
        const row = dirty[j]!;
        row.dirtySlot = this.dirty.length;
        this.dirty.push(row);
      }
    }
  }

  /**
   * At a barrier, instead of {@link flush} (docs/architecture.md §5.3): captures every changed row,
   * and every row an earlier capture has not yet written, for the snapshot, deleting the store's
   * stale copy of any (so that the snapshot taken next holds none of them); the rows go into the
   * store as the returned capture encodes them, after the barrier. O(captured), no encoding.
   *
   * @returns the capture, or `undefined` when nothing is to be captured
   */
  capture(): RowCapture<V> | undefined {
    if (this.dirty.length === 0 && this.pending.size === 0) return undefined;
    const into = new RowCapture<V>(++this.captures, this.store, this.keys, this.section, this.where, this.pending);
    const take = (row: Row<V>): void => {
      if (row.persisted) {
        this.store.delete(this.keys.rowView(this.section, row.key, row.ts, row.seq));
        row.persisted = false;
      }
      into.push(row);
    };
    const dirty = this.dirty;
    this.dirty = [];
    for (const row of dirty) {
      row.dirtySlot = -1;
      take(row);
    }
    for (const row of this.pending) if (row.captured !== into.id) take(row);
    return into;
  }

  /**
   * Rebuilds the buffer from the store's rows of this section. Rows come back queued for expiry
   * when `expiring`. O(n log n), plus one seek per key group.
   */
  load(): void {
    this.pending.clear();
    this.byKey.clear();
    this.queue.clear();
    for (const row of this.dirty) row.dirtySlot = -1;
    this.dirty = [];
    this.size = 0;
    this.empty = 0;
    const componentsAt = this.keys.componentsAt;
    // one prefix scan per key group: a key's rows are in one group, in (ts, seq) order
    for (const [k, v] of this.keys.scanRows(this.store, this.section)) {
      const [key, ts, seq] = decodeTuple(k, componentsAt) as [KeyPart, number, number];
      const id = keyPartId(key);
      const value = decodeValue<V>(v.subarray(1), this.where);
      if (!this.indexed) {
        const row: Row<V> = { key, id, ts, seq, value, flags: v[0]!, persisted: true, removed: false, queued: true, dirtySlot: -1, captured: 0, list: UNINDEXED as KeyRows<V> };
        this.size++;
        this.queue.push(row);
        continue;
      }
      let list = this.byKey.get(id);
      if (list === undefined) this.byKey.set(id, (list = { rows: [], head: 0 }));
      const row: Row<V> = { key, id, ts, seq, value, flags: v[0]!, persisted: true, removed: false, queued: false, dirtySlot: -1, captured: 0, list };
      list.rows.push(row); // the store's order is the key's (ts, seq) order
      this.size++;
      if (this.expiring) {
        row.queued = true;
        this.queue.push(row);
      }
    }
  }

  private write(row: Row<V>): void {
    this.unpend(row); // the store gets the row's latest value now: an earlier capture must not overwrite it
    const body = encodeValue(row.value, this.where);
    // store.put copies its arguments: build the value in a reused buffer, the key in place
    if (this.scratch.length < body.length + 1) this.scratch = new Uint8Array(Math.max(2 * this.scratch.length, body.length + 1));
    const out = this.scratch.subarray(0, body.length + 1);
    out[0] = row.flags;
    out.set(body, 1);
    this.store.put(this.keys.rowView(this.section, row.key, row.ts, row.seq), out);
    row.persisted = true;
  }

  /** The row no longer waits for a capture to write it. */
  private unpend(row: Row<V>): void {
    if (row.captured === 0) return;
    row.captured = 0;
    this.pending.delete(row);
  }

  private forget(row: Row<V>): void {
    row.removed = true;
    this.unpend(row);
    this.size--;
    const slot = row.dirtySlot;
    if (slot >= 0) {
      // leaves the dirty set unwritten: the last waiting row takes its slot
      row.dirtySlot = -1;
      const last = this.dirty.pop()!;
      if (last !== row) {
        this.dirty[slot] = last;
        last.dirtySlot = slot;
      }
    }
    if (row.persisted) {
      this.store.delete(this.keys.rowView(this.section, row.key, row.ts, row.seq));
      row.persisted = false;
    }
  }

  private compact(id: unknown, list: KeyRows<V>): void {
    if (list.head === list.rows.length) {
      // Keep the emptied list: a key that comes back (most do, soon) reuses it instead of a Map
      // delete and insert. Sweep the empty ones when they outnumber the live keys 4 to 1: a set of
      // keys that come and go (most rows of a key expire before its next one arrives) then keeps
      // its lists instead of sweeping and re-creating them again and again.
      const rows = list.rows;
      while (rows.length > 0) rows.pop(); // keeps a small array's backing store, unlike length = 0
      list.head = 0;
      if (++this.empty > 1024 && this.empty > 4 * (this.byKey.size - this.empty)) this.sweep();
    } else if (list.head > 16 && list.head * 2 > list.rows.length) {
      list.rows = list.rows.slice(list.head);
      list.head = 0;
    }
  }

  private sweep(): void {
    for (const [id, list] of this.byKey) if (list.head === list.rows.length) this.byKey.delete(id);
    this.empty = 0;
  }

  /** The first index >= head whose row has ts >= t. */
  lowerBoundTs(list: Readonly<KeyRows<V>>, t: number): number {
    const rows = list.rows;
    let lo = list.head;
    let hi = rows.length;
    if (lo < hi && rows[lo]!.ts >= t) return lo;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rows[mid]!.ts < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first index >= head whose row has ts > t. */
  private upperBoundTs(list: KeyRows<V>, t: number): number {
    const rows = list.rows;
    let lo = list.head;
    let hi = rows.length;
    if (hi > lo && rows[hi - 1]!.ts <= t) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rows[mid]!.ts <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first index >= head whose row comes after (ts, seq). */
  private upperBound(list: KeyRows<V>, ts: number, seq: number): number {
    const rows = list.rows;
    let lo = list.head;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const r = rows[mid]!;
      if (r.ts < ts || (r.ts === ts && r.seq <= seq)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

