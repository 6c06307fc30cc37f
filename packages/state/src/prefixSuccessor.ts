import { assertBytes } from './bytes';

/**
 * The smallest key greater than every key that starts with `prefix`: the exclusive end bound of
 * a prefix scan as a range scan. Trailing 0xFF bytes are dropped and the last remaining byte is
 * incremented. An empty prefix, or one of only 0xFF bytes, has no such key: `undefined`, meaning
 * "scan to the end". O(prefix length).
 *
 * @example
 * ```ts
 * prefixSuccessor(Uint8Array.of(1, 2));       // [1, 3]
 * prefixSuccessor(Uint8Array.of(1, 0xff));    // [2]
 * prefixSuccessor(Uint8Array.of(0xff, 0xff)); // undefined
 * store.rangeScan(prefix, prefixSuccessor(prefix)); // same entries as store.prefixScan(prefix)
 * ```
 */
export function prefixSuccessor(prefix: Uint8Array): Uint8Array | undefined {
  assertBytes(prefix, 'prefix', 'prefixSuccessor');
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  // a copy: a Buffer's slice() would be a view of the caller's bytes, and the increment below
  // would change them
  const out = new Uint8Array(end);
  out.set(prefix.subarray(0, end));
  out[end - 1]! += 1;
  return out;
}
