import type { Entry } from '../Entry';
import type { StateStore } from '../StateStore';
import { StateSnapshot, toSnapshot } from '../StateSnapshot';
import { assertBytes, compareBytes, copyBytes } from '../bytes';
import { toHex } from '../toHex';

/**
 * A deliberately simple {@link StateStore}: a `Map` from hex keys, sorted on every scan. Slow
 * (scans are O(n log n), snapshots O(n)) but obviously correct, which makes it the reference
 * model property tests compare real stores against. Not for production use.
 *
 * @example
 * ```ts
 * const model = new ReferenceStore();
 * model.put(Uint8Array.of(1), Uint8Array.of(2));
 * [...model.prefixScan(Uint8Array.of())]; // [[Uint8Array [1], Uint8Array [2]]]
 * ```
 */
export class ReferenceStore implements StateStore {
  private map = new Map<string, Entry>();

  /** The value under `key`, or undefined. */
  get(key: Uint8Array): Uint8Array | undefined {
    assertBytes(key, 'key', 'ReferenceStore.get');
    return this.map.get(toHex(key, Infinity))?.[1];
  }
  /** Stores copies of key and value. */
  put(key: Uint8Array, value: Uint8Array): void {
    assertBytes(key, 'key', 'ReferenceStore.put');
    assertBytes(value, 'value', 'ReferenceStore.put');
    this.map.set(toHex(key, Infinity), [copyBytes(key), copyBytes(value)]);
  }
  /** Removes `key`; true if it was present. */
  delete(key: Uint8Array): boolean {
    assertBytes(key, 'key', 'ReferenceStore.delete');
    return this.map.delete(toHex(key, Infinity));
  }
  /** Entries whose key starts with `prefix`, sorted. O(n log n). */
  prefixScan(prefix: Uint8Array): IterableIterator<Entry> {
    assertBytes(prefix, 'prefix', 'ReferenceStore.prefixScan');
    return this.sorted()
      .filter(([k]) => k.length >= prefix.length && compareBytes(k.subarray(0, prefix.length), prefix) === 0)
      [Symbol.iterator]();
  }
  /** Entries with start <= key < end, sorted. O(n log n). */
  rangeScan(start: Uint8Array, end?: Uint8Array): IterableIterator<Entry> {
    assertBytes(start, 'start', 'ReferenceStore.rangeScan');
    if (end !== undefined) assertBytes(end, 'end', 'ReferenceStore.rangeScan');
    return this.sorted()
      .filter(([k]) => compareBytes(k, start) >= 0 && (end === undefined || compareBytes(k, end) < 0))
      [Symbol.iterator]();
  }
  /** Whether `key` is present. */
  contains(key: Uint8Array): boolean {
    return this.get(key) !== undefined;
  }
  /** Exact bytes of keys plus values. */
  sizeBytes(): number {
    let n = 0;
    for (const [k, v] of this.map.values()) n += k.length + v.length;
    return n;
  }
  /** Number of entries. */
  len(): number {
    return this.map.size;
  }
  /** Whether the store is empty. */
  isEmpty(): boolean {
    return this.map.size === 0;
  }
  /** A full copy. O(n log n). */
  snapshot(): StateSnapshot {
    return StateSnapshot.fromEntries(this.map.values());
  }
  /** Replaces the contents with the snapshot's. */
  restore(snapshot: StateSnapshot | Uint8Array): void {
    const snap = toSnapshot(snapshot, 'ReferenceStore.restore');
    const map = new Map<string, Entry>();
    for (const [k, v] of snap.entries()) map.set(toHex(k, Infinity), [k, v]);
    this.map = map;
  }
  /** Removes everything. */
  clear(): void {
    this.map = new Map();
  }
  /** No-op. */
  flush(): void {}
  /** The value under `key`, inserting a copy of `defaultValue` first if absent. */
  getOrInsert(key: Uint8Array, defaultValue: Uint8Array): Uint8Array {
    const v = this.get(key);
    if (v !== undefined) return v;
    this.put(key, defaultValue);
    return this.get(key)!;
  }
  private sorted(): Entry[] {
    return [...this.map.values()].sort((a, b) => compareBytes(a[0], b[0]));
  }
}
