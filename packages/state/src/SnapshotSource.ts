import type { Entry } from './Entry';

/**
 * What a lazily-backed snapshot reads its entries from (see `StateSnapshot.fromSource`): a
 * store's own point-in-time view, such as an LMDB read transaction, that stays unchanged however
 * the store is written afterwards.
 *
 * @example
 * ```ts
 * const frozen: Entry[] = [[Uint8Array.of(1), Uint8Array.of(2)]];
 * const source: SnapshotSource = { len: 1, sizeBytes: 2, entries: () => frozen[Symbol.iterator]() };
 * const snap = StateSnapshot.fromSource(source);
 * ```
 */
export interface SnapshotSource {
  /** Number of entries in the view. */
  readonly len: number;
  /** Bytes of keys plus values in the view. */
  readonly sizeBytes: number;
  /**
   * A new iterator over the view's entries, keys in strictly increasing unsigned byte order. It
   * may be called any number of times (each call starts over) until {@link release}. The arrays
   * it yields must never be mutated afterwards (snapshots and stores restored from it share them).
   */
  entries(): Iterator<Entry>;
  /**
   * Frees what the view holds (a read transaction, a file). Optional; called at most once, by
   * `StateSnapshot.release`. An iteration already under way may still finish.
   */
  release?(): void;
}
