// Internal byte helpers shared by the store, the snapshot codec and the key codecs.

/** Describes any value briefly for error messages, without dumping large objects. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${String(value)}`;
  }
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name ? `${name} object` : 'object';
  }
  return typeof value;
}

/**
 * Throws a TypeError naming the method, the argument and the value unless `value` is a
 * Uint8Array (Buffer included): the check every `StateStore` method makes of its byte
 * arguments, for custom stores to reuse. O(1).
 *
 * @example
 * ```ts
 * assertBytes(key, 'key', 'MyStore.get'); // TypeError: MyStore.get: key must be a Uint8Array, got string "a"
 * ```
 */
export function assertBytes(value: unknown, what: string, where: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${where}: ${what} must be a Uint8Array, got ${describeValue(value)}`);
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

/** Renders bytes as hex, for error messages and the inspect tools. */
export function toHex(bytes: Uint8Array, max = 64): string {
  let s = '';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return bytes.length > max ? `${s}...(${bytes.length} bytes)` : s;
}
