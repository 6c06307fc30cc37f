// Internal: how StateStore keys are laid out in LMDB.
//
// LMDB refuses empty keys, which the StateStore contract allows (and operators use). Every key is
// therefore stored behind one constant 0x00 byte: a constant first byte keeps unsigned byte
// order, and the byte is written straight into lmdb-js's key buffer by a custom key encoder (no
// extra copy). Keys read back are copies, never views of lmdb-js's reused buffer.
import { StateError } from '@weir/state';

/** lmdb-js's largest key at the default page size (1,978 bytes), less the prepended byte. */
export const MAX_KEY_BYTES = 1977;

const sliceBytes = Uint8Array.prototype.slice;

/** The lmdb-js `keyEncoder` of the data database. */
export const keyEncoder = {
  writeKey(key: Uint8Array, target: Uint8Array, start: number): number {
    target[start] = 0;
    target.set(key, start + 1);
    return start + 1 + key.length;
  },
  readKey(source: Uint8Array, start: number, end: number): Uint8Array {
    // Uint8Array#slice copies (Buffer#slice would return a view of lmdb-js's reused buffer).
    return sliceBytes.call(source, start + 1, end);
  },
};

/** lmdb-js range options for `start <= key < end`. */
export interface LmdbRange {
  readonly start: Uint8Array;
  readonly end?: Uint8Array;
  readonly exclusiveStart?: boolean;
  readonly inclusiveEnd?: boolean;
}

/**
 * The lmdb-js range that holds exactly the stored keys with `start <= key < end`, given that no
 * stored key is longer than {@link MAX_KEY_BYTES}: a longer bound is cut to that length, which
 * is exact once the cut start is made exclusive and the cut end inclusive (the only stored keys
 * between a cut bound and the bound itself would be longer than the limit). The caller handles
 * empty ranges.
 */
export function lmdbRange(start: Uint8Array, end: Uint8Array | undefined): LmdbRange {
  const longStart = start.length > MAX_KEY_BYTES;
  const longEnd = end !== undefined && end.length > MAX_KEY_BYTES;
  if (!longStart && !longEnd) return end === undefined ? { start } : { start, end };
  return {
    start: longStart ? start.subarray(0, MAX_KEY_BYTES) : start,
    ...(end === undefined ? {} : { end: longEnd ? end.subarray(0, MAX_KEY_BYTES) : end }),
    ...(longStart ? { exclusiveStart: true } : {}),
    ...(longEnd ? { inclusiveEnd: true } : {}),
  };
}

/** Throws `StateError` `NOT_SUPPORTED` naming `where` for a key longer than {@link MAX_KEY_BYTES}. */
export function checkKeySize(key: Uint8Array, where: string): void {
  if (key.length > MAX_KEY_BYTES) {
    throw new StateError('NOT_SUPPORTED', `${where}: a key of ${key.length} bytes is longer than LmdbStore takes (${MAX_KEY_BYTES} bytes, LMDB's limit)`);
  }
}
