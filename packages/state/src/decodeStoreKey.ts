// Decoding of store keys by the layouts weir's operators write (docs/architecture.md §3.3), for
// tools that show a store's entries: `weir inspect` and the job server's `/state` queries.
import { decodeTuple } from './keyCodec';
import type { KeyPart } from './keyPart';

/** Tag byte of a tuple string component (as `KeyWriter.string` writes it). */
const TAG_STRING = 0x02;

/**
 * A store key, decoded as far as its layout allows:
 * - `operator`: the layout of weir's operators (window, join): the operator's name as a tuple
 *   string component, a raw section byte, then tuple components; for an operator with key groups
 *   (docs/architecture.md §4.2), after a big-endian `u16` that is the entry's key group
 *   (`keyGroup`), or `FF FF` for an operator-scoped entry (`keyGroup: 'operator'`);
 * - `tuple`: a plain `encodeTuple` key;
 * - `raw`: anything else.
 */
export type DecodedStoreKey =
  | { readonly kind: 'operator'; readonly operator: string; readonly section: number; readonly parts: KeyPart[]; readonly keyGroup?: number | 'operator' }
  | { readonly kind: 'tuple'; readonly parts: KeyPart[] }
  | { readonly kind: 'raw' };

/** The operator layout from `at`: name, section byte, tuple parts; `undefined` if it is not one. */
function decodeOperatorKey(key: Uint8Array, at: number): { operator: string; section: number; parts: KeyPart[] } | undefined {
  if (key[at] !== TAG_STRING) return undefined;
  const end = stringComponentEnd(key, at);
  if (end === undefined || end >= key.length) return undefined;
  const name = tryDecodeTuple(key.subarray(at, end), 0);
  const parts = tryDecodeTuple(key, end + 1);
  if (name === undefined || parts === undefined || typeof name[0] !== 'string') return undefined;
  return { operator: name[0], section: key[end]!, parts };
}

/**
 * Decodes a store key: first as a key-grouped operator key (`u16` key group or `FF FF`, name,
 * section byte, tuple parts), then as an operator key, then as a plain tuple, else `raw`. The
 * operator layouts are tried first since operator keys cannot be plain tuples (a section byte is
 * no tuple tag, or is followed by bytes that are no component).
 *
 * @example
 * ```ts
 * decodeStoreKey(encodeTuple(['clicks', 7])); // { kind: 'tuple', parts: ['clicks', 7] }
 * decodeStoreKey(new OperatorKeys('views').section(0x00)); // { kind: 'operator', operator: 'views', section: 0, parts: [] }
 * ```
 */
export function decodeStoreKey(key: Uint8Array): DecodedStoreKey {
  if (key.length > 2) {
    const group = (key[0]! << 8) | key[1]!;
    if (group < 0x8000 || group === 0xffff) {
      const op = decodeOperatorKey(key, 2);
      if (op !== undefined) return { kind: 'operator', ...op, keyGroup: group === 0xffff ? 'operator' : group };
    }
  }
  const op = decodeOperatorKey(key, 0);
  if (op !== undefined) return { kind: 'operator', ...op };
  const parts = tryDecodeTuple(key, 0);
  return parts !== undefined ? { kind: 'tuple', parts } : { kind: 'raw' };
}

/** The index just past the terminator of the string component starting at `start`; `undefined` if unterminated. */
function stringComponentEnd(key: Uint8Array, start: number): number | undefined {
  let p = start + 1;
  while (p < key.length) {
    const b = key[p++]!;
    if (b !== 0) continue;
    if (key[p] === 0xff) {
      p++; // an escaped 0x00 inside the string
      continue;
    }
    return p;
  }
  return undefined;
}

function tryDecodeTuple(bytes: Uint8Array, offset: number): KeyPart[] | undefined {
  try {
    return decodeTuple(bytes, offset);
  } catch {
    return undefined;
  }
}
