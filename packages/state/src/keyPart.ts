/**
 * One component of an order-preserving tuple key (see {@link encodeTuple} and
 * {@link KeyWriter.part}): a signed 64-bit integer (a safe-integer number or a bigint), a string
 * or a byte string.
 *
 * @example
 * ```ts
 * const parts: KeyPart[] = ['clicks', 'user-7', 1_700_000_000_000];
 * const key = encodeTuple(parts);
 * ```
 */
export type KeyPart = number | bigint | string | Uint8Array;

/**
 * Checks that `value` can be a tuple key component and normalises it, so every operator accepts
 * the same keys: strings, safe integers, 64-bit bigints (those in the safe integer range become
 * numbers, since the key encoding does not tell them apart and a restored key would come back as
 * a number) and `Uint8Array`s. Returns `undefined` for anything else, so the caller can throw its
 * own error naming the operator. O(1).
 *
 * @example
 * ```ts
 * asKeyPart(42n);   // 42
 * asKeyPart('ada'); // 'ada'
 * asKeyPart(1.5);   // undefined: not an integer
 * ```
 */
export function asKeyPart(value: unknown): KeyPart | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'bigint') {
    if (value < -(2n ** 63n) || value >= 2n ** 63n) return undefined;
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
  if (value instanceof Uint8Array) return value;
  return undefined;
}

/**
 * An identity for a normalised key part that works as a `Map` key: numbers, bigints and most
 * strings as they are; byte strings, and the rare strings that start with U+0000, as distinct
 * escaped strings, so no two different key parts share an identity. O(length) for byte strings,
 * O(1) otherwise.
 *
 * @example
 * ```ts
 * const byKey = new Map<unknown, Row[]>();
 * byKey.get(keyPartId(new Uint8Array([1, 2]))); // the same entry for every equal byte string
 * ```
 */
export function keyPartId(key: KeyPart): unknown {
  if (typeof key === 'string') return key.charCodeAt(0) === 0 ? `\u0000s${key}` : key;
  if (!(key instanceof Uint8Array)) return key;
  let latin1 = '';
  for (let i = 0; i < key.length; i++) latin1 += String.fromCharCode(key[i]!);
  return `\u0000b${latin1}`;
}
