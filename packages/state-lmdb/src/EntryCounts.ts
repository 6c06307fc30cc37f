// Internal: an LmdbStore's entry count and byte size, kept up to date as writes wait to be
// committed, without reading LMDB on every put.
import type { InMemoryStore } from '@weir/state';
import type { Counts } from './LmdbDatabase';
import { MAX_KEY_BYTES } from './lmdbKeys';
import { PRESENT, UNCOUNTED } from './pendingWrites';

/** Keys up to this length are remembered by the last-read memo. */
const MEMO_KEY_BYTES = 64;
const EMPTY = new Uint8Array(0);

/**
 * Entries and bytes of keys plus values: the committed ones, plus the pending writes except those
 * tagged UNCOUNTED (blind puts whose committed predecessor was not looked up yet), which are
 * settled when an exact figure is needed. Remembers the last committed size it looked up, so a
 * put or delete right after a get of the same key (read-modify-write, what operators do) needs
 * no second lookup.
 */
export class EntryCounts {
  entries = 0;
  bytes = 0;
  /** Pending values tagged UNCOUNTED. */
  uncounted = 0;
  /** The last key read from LMDB and its value's size (-1: absent); valid until {@link reset}. */
  readonly #memoKey = new Uint8Array(MEMO_KEY_BYTES);
  #memoLength = -1;
  #memoSize = -1;

  /** @param sizeOf - the committed value's length under a key, or -1 (an LMDB lookup) */
  constructor(private readonly sizeOf: (key: Uint8Array) => number) {}

  /** Starts over from `counts` with nothing pending (after open, a commit, restore or clear). */
  reset(counts: Counts): void {
    this.entries = counts.entries;
    this.bytes = counts.bytes;
    this.uncounted = 0;
    this.#memoLength = -1;
  }

  /** The committed value's length under `key`, or -1 if absent (pending writes aside). */
  committedSize(key: Uint8Array): number {
    if (key.length > MAX_KEY_BYTES) return -1;
    if (this.isRemembered(key)) return this.#memoSize;
    const size = this.sizeOf(key);
    this.remember(key, size);
    return size;
  }

  /** Remembers that `key`'s committed value is `size` bytes long (-1: absent). */
  remember(key: Uint8Array, size: number): void {
    if (key.length > MEMO_KEY_BYTES) return;
    this.#memoKey.set(key);
    this.#memoLength = key.length;
    this.#memoSize = size;
  }

  /** Whether `key`'s committed size is remembered ({@link rememberedSize}). */
  isRemembered(key: Uint8Array): boolean {
    const n = key.length;
    if (n !== this.#memoLength) return false;
    const memo = this.#memoKey;
    for (let i = 0; i < n; i++) if (memo[i] !== key[i]) return false;
    return true;
  }

  /** The size {@link isRemembered} found. */
  get rememberedSize(): number {
    return this.#memoSize;
  }

  /** Counts a change of `key` from a value of `oldSize` bytes to `newSize` (-1: absent). */
  change(key: Uint8Array, oldSize: number, newSize: number): void {
    if (oldSize >= 0) {
      this.entries--;
      this.bytes -= key.length + oldSize;
    }
    if (newSize >= 0) {
      this.entries++;
      this.bytes += key.length + newSize;
    }
  }

  /**
   * Counts an UNCOUNTED pending value over its committed predecessor, and marks it counted in
   * `store` (the pending writes; `pending` is the value read from it, a copy, retagged and put back).
   */
  settle(store: InMemoryStore, key: Uint8Array, pending: Uint8Array): void {
    this.change(key, this.committedSize(key), pending.length - 1);
    pending[0] = PRESENT;
    store.put(key, pending); // same length: overwritten in place
    this.uncounted--;
  }

  /** Counts every UNCOUNTED pending value, looking their predecessors up in key order. */
  settleAll(pending: InMemoryStore): void {
    if (this.uncounted === 0) return;
    for (const [key, value] of pending.prefixScan(EMPTY)) {
      if (value[0] === UNCOUNTED) this.settle(pending, key, value);
    }
  }
}
