// Internal byte helpers shared by the store, the snapshot codec and the key codecs.
import { StateError } from './StateError';
import { describeValue } from './describeValue';

/**
 * Throws `StateError` `INVALID_ARGUMENT` naming the method, the argument and the value unless
 * `value` is a Uint8Array (Buffer included): the check every `StateStore` method makes of its
 * byte arguments, for custom stores to reuse. O(1).
 *
 * @example
 * ```ts
 * assertBytes(key, 'key', 'MyStore.get'); // StateError: MyStore.get: key must be a Uint8Array, got string "a"
 * ```
 */
export function assertBytes(value: unknown, what: string, where: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new StateError('INVALID_ARGUMENT', `${where}: ${what} must be a Uint8Array, got ${describeValue(value)}`);
  }
}

/** Unsigned lexicographic comparison of two byte arrays (-1, 0 or 1). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** True when both arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

const CHUNK = 4096;

/**
 * Maps bytes to a string with one UTF-16 code unit per byte (latin1). JavaScript compares such
 * strings by code unit, which for units 0..255 is exactly unsigned byte order, so they can key
 * the ordered tree with the engine's native string comparison.
 */
export function bytesToLatin1(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n <= CHUNK) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let out = '';
  for (let i = 0; i < n; i += CHUNK) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return out;
}

/** Copies bytes into a fresh array the caller owns. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/**
 * Copies `n` bytes of `src` from index `from` into `out` at index `at`; returns `at + n`. Runs of
 * up to 64 bytes are copied by a loop, longer ones with `set` over a view: for the short keys and
 * values of state a view costs more than the copy, and is garbage per call on a hot path. O(n).
 *
 * @example
 * ```ts
 * let pos = copyRange(out, 0, key, 0, key.length);
 * pos = copyRange(out, pos, page, valueStart, valueLength);
 * ```
 */
export function copyRange(out: Uint8Array, at: number, src: Uint8Array, from: number, n: number): number {
  if (n <= 64) for (let i = 0; i < n; i++) out[at + i] = src[from + i]!;
  else out.set(src.subarray(from, from + n), at);
  return at + n;
}
