import { assertBytes } from './bytes';
import { describeValue } from './describeValue';
import { StateError } from './StateError';

/**
 * The number of key groups of a job unless it says otherwise (docs/architecture.md §6; Flink's
 * default maximum parallelism is 128 too). It bounds how many workers a job can ever be spread
 * over, and is fixed for the life of a job's checkpoints.
 */
export const DEFAULT_KEY_GROUPS = 128;

/**
 * The most key groups a job may have. Key groups are written as a big-endian `u16` in front of
 * every keyed state key, and `FF FF` is reserved for operator-scoped entries (watermarks,
 * timers, logs: see {@link OperatorKeys}), so no group may reach 0xFFFF.
 */
export const MAX_KEY_GROUPS = 32_768;

/**
 * The seed of {@link keyGroupOf}'s hash. Fixed forever: checkpoints hold each key under its
 * group, so a different seed would send a restored key to another group than its state.
 */
const SEED = 0;

/**
 * Throws a {@link StateError} `INVALID_ARGUMENT` unless `keyGroups` is an integer in
 * [1, {@link MAX_KEY_GROUPS}]. `where` names the caller in the message.
 *
 * @example
 * ```ts
 * checkKeyGroups(options.keyGroups, "tumblingWindow 'views'");
 * ```
 */
export function checkKeyGroups(keyGroups: unknown, where: string): asserts keyGroups is number {
  if (typeof keyGroups !== 'number' || !Number.isInteger(keyGroups) || keyGroups < 1 || keyGroups > MAX_KEY_GROUPS) {
    throw new StateError('INVALID_ARGUMENT', `${where}: the number of key groups must be an integer in [1, ${MAX_KEY_GROUPS}], got ${describeValue(keyGroups)}`);
  }
}

/**
 * MurmurHash3 x86_32 of `bytes[from, to)` with seed {@link SEED}, as an unsigned 32-bit integer
 * (Austin Appleby's public-domain reference algorithm, little-endian blocks). Never change it:
 * see {@link keyGroupOf}.
 */
export function murmur3(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let h = SEED;
  const n = to - from;
  const blocksEnd = from + (n & ~3);
  let i = from;
  for (; i < blocksEnd; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = n & 3;
  if (tail > 0) {
    let k = bytes[i]!;
    if (tail > 1) k ^= bytes[i + 1]! << 8;
    if (tail > 2) k ^= bytes[i + 2]! << 16;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The key group of a key (docs/architecture.md §6): MurmurHash3 x86_32 (seed 0) of the key's
 * encoded bytes, modulo `keyGroups`. Operators hash the key as one encoded tuple component (the
 * bytes `KeyWriter.part(key)` writes, `key(k)` in docs/architecture.md §4.1), so a key has the
 * same group in every operator and every process.
 *
 * **Stable forever.** Checkpoints store each key's state under its group and a rescale hands
 * whole groups to workers, so the hash, its seed and the key encoding it reads must never
 * change: a change would file restored state under groups no worker looks in. Pinned by tests.
 *
 * Cost: O(key length), no allocation.
 *
 * @param keyBytes - the encoded key component
 * @param keyGroups - the job's number of key groups: an integer in [1, 32768]
 * @returns an integer in [0, keyGroups)
 * @throws StateError `INVALID_ARGUMENT` for bad arguments
 *
 * @example
 * ```ts
 * const kg = keyGroupOf(new KeyWriter().part('user-42').finish(), DEFAULT_KEY_GROUPS);
 * keyGroupRangeOf(1, 4, DEFAULT_KEY_GROUPS).contains(kg); // is it worker 1's key?
 * ```
 */
export function keyGroupOf(keyBytes: Uint8Array, keyGroups: number): number {
  assertBytes(keyBytes, 'keyBytes', 'keyGroupOf');
  checkKeyGroups(keyGroups, 'keyGroupOf');
  return murmur3(keyBytes) % keyGroups;
}
