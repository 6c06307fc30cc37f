const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * Renders bytes as lowercase hex, two digits a byte, for error messages and inspection tools.
 * Bytes beyond `max` are left out and the total length is added: `0a0b...(40 bytes)`.
 * O(min(length, max)).
 *
 * @param bytes - the bytes to render
 * @param max - how many bytes to show at most (default 64; `Infinity` for all of them)
 *
 * @example
 * ```ts
 * toHex(Uint8Array.of(1, 0xff));     // '01ff'
 * toHex(new Uint8Array(100), 2);     // '0000...(100 bytes)'
 * ```
 */
export function toHex(bytes: Uint8Array, max = 64): string {
  const n = Math.min(bytes.length, max);
  let s = '';
  for (let i = 0; i < n; i++) s += HEX_BYTE[bytes[i]!]!;
  return bytes.length > max ? `${s}...(${bytes.length} bytes)` : s;
}

/**
 * Renders an unsigned 32-bit integer (a CRC-32 checksum, a tag) as `0x` and eight hex digits.
 * O(1).
 *
 * @example
 * ```ts
 * hex32(0xcbf43926); // '0xcbf43926'
 * hex32(255);        // '0x000000ff'
 * ```
 */
export function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}
