// Rendering of store entries for people, one line each (`weir inspect`, the job server's
// `/state` queries): keys by the operators' layouts (decodeStoreKey), values as msgpack.
import { decodeValue } from './typedAccess';
import { decodeStoreKey } from './decodeStoreKey';
import type { KeyPart } from './keyPart';
import { toHex } from './toHex';

/** Bytes of a hex value shown before it is cut short. */
const VALUE_HEX_BYTES = 32;
/** Bytes of a hex key shown before it is cut short. */
const KEY_HEX_BYTES = 64;
/** Characters of a rendered key or value shown before it is cut short. */
const MAX_RENDERED_CHARS = 200;
/** Nesting shown of a decoded value; deeper levels print as `…`. */
const MAX_DEPTH = 6;

/**
 * Bytes as a hex literal `x'0a0b'`, cut after `max` bytes with an ellipsis and the full length:
 * `x'0a0b…' (45 bytes)`.
 */
export function hexLiteral(bytes: Uint8Array, max = VALUE_HEX_BYTES): string {
  const shown = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, max)).toString('hex');
  return bytes.length > max ? `x'${shown}…' (${bytes.length} bytes)` : `x'${shown}'`;
}

/**
 * Renders a store key: `("views", 0x02, 60000, 0, "home")` for an operator key (name, section
 * byte in hex, then the parts), after `[34] ` (its key group) or `[op] ` (operator-scoped) for
 * an operator with key groups, `("clicks", 7)` for a tuple, else its hex `x'…'`. Strings are
 * JSON-quoted, integers plain, byte strings hex literals `x'0a0b'`.
 *
 * @example
 * ```ts
 * formatStoreKey(encodeTuple(['clicks', 7])); // '("clicks", 7)'
 * ```
 */
export function formatStoreKey(key: Uint8Array): string {
  const d = decodeStoreKey(key);
  switch (d.kind) {
    case 'operator':
      return clip(
        `${d.keyGroup === undefined ? '' : d.keyGroup === 'operator' ? '[op] ' : `[${d.keyGroup}] `}(${[JSON.stringify(d.operator), `0x${toHex(Uint8Array.of(d.section))}`, ...d.parts.map(formatKeyPart)].join(', ')})`,
      );
    case 'tuple':
      return clip(`(${d.parts.map(formatKeyPart).join(', ')})`);
    case 'raw':
      return hexLiteral(key, KEY_HEX_BYTES);
  }
}

/** One tuple component as {@link formatStoreKey} prints it. */
export function formatKeyPart(part: KeyPart): string {
  if (typeof part === 'string') return JSON.stringify(part);
  if (part instanceof Uint8Array) return hexLiteral(part, KEY_HEX_BYTES);
  return String(part);
}

/**
 * Renders a store value: decoded as msgpack when it is (`{watermark: 12, nextSeq: 3}`); as a
 * flags byte followed by msgpack, the layout of join rows, when that is (`flags=1 {id: 7}`);
 * else its hex, cut after 32 bytes (`x'0000…' (45 bytes)`).
 *
 * @example
 * ```ts
 * formatStoreValue(encodeValue({ count: 3 })); // '{count: 3}'
 * ```
 */
export function formatStoreValue(value: Uint8Array): string {
  const d = decodeStoreValue(value);
  switch (d.kind) {
    case 'msgpack':
      return clip(formatData(d.value));
    case 'flagged':
      return clip(`flags=${d.flags} ${formatData(d.value)}`);
    case 'raw':
      return hexLiteral(value, VALUE_HEX_BYTES);
  }
}

/**
 * A store value, decoded as far as its layout allows: `msgpack` when it is msgpack (what
 * `encodeValue` writes), `flagged` when it is a flags byte followed by msgpack (the layout of
 * join rows), else `raw`.
 */
export type DecodedStoreValue =
  | { readonly kind: 'msgpack'; readonly value: unknown }
  | { readonly kind: 'flagged'; readonly flags: number; readonly value: unknown }
  | { readonly kind: 'raw' };

/** Decodes a store value (see {@link DecodedStoreValue}); never throws. O(value size). *
 * @example
 * ```ts
 * decodeStoreValue(encodeValue([1, 2])); // { kind: 'msgpack', value: [1, 2] }
 * ```
 */
export function decodeStoreValue(value: Uint8Array): DecodedStoreValue {
  const whole = tryDecodeValue(value);
  if (whole.ok) return { kind: 'msgpack', value: whole.value };
  if (value.length >= 2) {
    const rest = tryDecodeValue(value.subarray(1));
    if (rest.ok) return { kind: 'flagged', flags: value[0]!, value: rest.value };
  }
  return { kind: 'raw' };
}

/**
 * A decoded value, JavaScript-like and on one line: strings JSON-quoted, object keys bare when
 * they are identifiers, bigints with `n`, byte arrays as hex literals, dates in ISO, maps as
 * `Map{k => v}`; nesting beyond a few levels as `…`.
 */
export function formatData(value: unknown, depth = 0): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return hexLiteral(value, VALUE_HEX_BYTES);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Date(Invalid)' : `Date(${value.toISOString()})`;
  if (depth >= MAX_DEPTH) return '…';
  if (Array.isArray(value)) return `[${value.map((v: unknown) => formatData(v, depth + 1)).join(', ')}]`;
  if (value instanceof Map) {
    const items = [...value.entries()].map(([k, v]: [unknown, unknown]) => `${formatData(k, depth + 1)} => ${formatData(v, depth + 1)}`);
    return `Map{${items.join(', ')}}`;
  }
  if (value instanceof Set) return `Set[${[...value].map((v: unknown) => formatData(v, depth + 1)).join(', ')}]`;
  const fields = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${formatData(v, depth + 1)}`,
  );
  return fields.length === 0 ? '{}' : `{${fields.join(', ')}}`;
}

function tryDecodeValue(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  if (bytes.length === 0) return { ok: false };
  try {
    return { ok: true, value: decodeValue<unknown>(bytes) };
  } catch {
    return { ok: false };
  }
}

/** Cuts a rendering longer than the limit, marking the cut. */
function clip(text: string): string {
  return text.length > MAX_RENDERED_CHARS ? `${text.slice(0, MAX_RENDERED_CHARS - 1)}…` : text;
}
