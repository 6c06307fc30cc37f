// Internal: the in-memory overlay of writes not yet committed to LMDB.
//
// Pending writes live in an InMemoryStore (O(1) point lookups, ordered scans that are stable
// views), each value tagged by its first byte:
// - PRESENT, then the value: a put whose effect on the entry count and byte size is counted;
// - UNCOUNTED, then the value: a put of a key whose committed size was not looked up yet (a
//   blind write: puts do not read LMDB); the count and size are settled when needed (len,
//   sizeBytes, a delete of the key, the commit), in key order;
// - TOMBSTONE alone: a key deleted since the last commit (it may still be in LMDB).
// A tag changes from UNCOUNTED to PRESENT by putting the retagged value back (InMemoryStore hands
// out copies; values are handed out as views past the tag).

/** Tag of a deleted key. */
export const TOMBSTONE_TAG = 0;
/** Tag of a present value that the counters include. */
export const PRESENT = 1;
/** Tag of a present value whose committed predecessor the counters do not know yet. */
export const UNCOUNTED = 2;

/** The pending value of a deleted key. */
export const TOMBSTONE = Uint8Array.of(TOMBSTONE_TAG);

/** `value` behind the tag `tag` (a new array). */
export function tagged(value: Uint8Array, tag: number): Uint8Array {
  const out = new Uint8Array(value.length + 1);
  out[0] = tag;
  out.set(value, 1);
  return out;
}

/** The value a present pending value holds (a view; never mutated). */
export function untagged(pending: Uint8Array): Uint8Array {
  return pending.subarray(1);
}
