import type { Entry } from './Entry';
import type { StateSnapshot } from './StateSnapshot';

/**
 * A byte-keyed, sorted key-value store for one operator's (or several operators') state.
 *
 * Keys and values are `Uint8Array`s; keys are ordered by unsigned lexicographic byte order, so a
 * key built with the order-preserving codecs of this package ({@link encodeTuple},
 * {@link KeyWriter}) scans in the natural order of its components (time order for timestamps).
 *
 * The contract every implementation keeps (and `describeStateStoreConformance` from
 * `@weir/state/testing` checks):
 * - `put` copies its inputs; arrays returned by `get` or a scan are never mutated by the store.
 * - Scans are stable views: a scan yields the entries present when the scan method was called,
 *   even if the store is modified while the caller iterates (deleting what was just yielded is
 *   the common case and is always safe).
 * - `snapshot()` is O(1) or close to it and isolated from later writes; `restore` replaces all
 *   state atomically, or throws `StateError` `CORRUPTION` and leaves the store unchanged.
 * - Bad arguments (a key that is not a `Uint8Array`, say) throw `StateError` `INVALID_ARGUMENT`
 *   naming the method and the offending value (see {@link assertBytes}).
 *
 * Stores are single-threaded objects: one operator chain drives one store.
 */
export interface StateStore {
  /**
   * The value stored under `key`, or `undefined`. The returned array is shared: do not mutate it.
   * O(1) expected for {@link InMemoryStore}.
   */
  get(key: Uint8Array): Uint8Array | undefined;

  /** Stores a copy of `value` under a copy of `key`, replacing any previous value. */
  put(key: Uint8Array, value: Uint8Array): void;

  /** Removes `key`; removing a missing key is a no-op. Returns whether an entry was removed. */
  delete(key: Uint8Array): boolean;

  /**
   * Every entry whose key starts with `prefix`, in key order; an empty prefix scans everything.
   * O(log n + k).
   */
  prefixScan(prefix: Uint8Array): IterableIterator<Entry>;

  /**
   * Every entry with `start <= key < end` in key order; an omitted `end` scans to the last key.
   * An empty or inverted range yields nothing. O(log n + k).
   */
  rangeScan(start: Uint8Array, end?: Uint8Array): IterableIterator<Entry>;

  /** Whether `key` is present. */
  contains(key: Uint8Array): boolean;

  /** Approximate bytes of keys plus values held (bookkeeping overhead excluded). O(1). */
  sizeBytes(): number;

  /** Number of entries. O(1). */
  len(): number;

  /** `len() === 0`. */
  isEmpty(): boolean;

  /**
   * A point-in-time view of every entry, isolated from later writes, for checkpoints.
   * Must not cost time proportional to the state size (copy-on-write).
   */
  snapshot(): StateSnapshot;

  /**
   * Replaces all state with a snapshot's (taken from any store, or decoded from bytes). A corrupt
   * or foreign snapshot throws `StateError` `CORRUPTION` and leaves the store unchanged.
   */
  restore(snapshot: StateSnapshot | Uint8Array): void;

  /** Removes every entry. */
  clear(): void;

  /** Makes pending writes durable; a no-op for in-memory stores. */
  flush(): void;

  /**
   * The value under `key`; if absent, stores a copy of `defaultValue` first and returns it.
   */
  getOrInsert(key: Uint8Array, defaultValue: Uint8Array): Uint8Array;
}
