// Pure formatting helpers of the `weir` command: sizes, times, and the rendering of store keys
// and values (tables: formatTable.ts). Nothing here touches the file system or the process.
import { decodeTuple, decodeValue, toHex, type KeyPart } from '@weir/state';

/** Tag byte of a tuple string component (as `KeyWriter.string` writes it). */
const TAG_STRING = 0x02;
/** Bytes of a hex value shown before it is cut short. */
const VALUE_HEX_BYTES = 32;
/** Bytes of a hex key shown before it is cut short. */
const KEY_HEX_BYTES = 64;
/** Characters of a rendered key or value shown before it is cut short. */
const MAX_RENDERED_CHARS = 200;
/** Nesting shown of a decoded value; deeper levels print as `…`. */
const MAX_DEPTH = 6;

/**
 * A byte count for people: exact below 1 KiB (`"812 B"`), else with one decimal in KiB, MiB or
 * GiB (`"1.5 KiB"`). The JSON output keeps exact counts.
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** An epoch-ms time as ISO 8601 (`"2024-01-02T03:04:05.000Z"`); `"-"` when it is not a valid time (NaN). */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '-' : d.toISOString();
}

/**
 * A number as the checkpoint manifest writes it to JSON: itself when finite, else `"Infinity"`,
 * `"-Infinity"` or `"NaN"` (strings, since JSON has no such numbers).
 */
export function jsonNumber(n: number): number | string {
  return Number.isFinite(n) ? n : String(n);
}

/** Compact JSON of a JSON value (a source offset, a sink state); `undefined` for nothing. */
export function compactJson(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * A store name as printed: as it is when it is a plain word (letters, digits, `_ - . / : @`),
 * else quoted as a JSON string, so names with spaces, commas or nothing at all stay readable.
 */
export function displayName(name: string): string {
  return /^[\w.\-/:@]+$/.test(name) ? name : JSON.stringify(name);
}

/**
 * Bytes as a hex literal `x'0a0b'`, cut after `max` bytes with an ellipsis and the full length:
 * `x'0a0b…' (45 bytes)`.
 */
export function hexLiteral(bytes: Uint8Array, max = VALUE_HEX_BYTES): string {
  const shown = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, max)).toString('hex');
  return bytes.length > max ? `x'${shown}…' (${bytes.length} bytes)` : `x'${shown}'`;
}

/**
 * Parses a hex byte string (`--prefix`): an even number of hex digits, optionally after `0x`;
 * `undefined` when it is not one. The empty string is the empty prefix.
 */
export function parseHex(text: string): Uint8Array | undefined {
  const digits = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) return undefined;
  return new Uint8Array(Buffer.from(digits, 'hex'));
}

/** Whether `bytes` starts with `prefix`. */
export function hasPrefix(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/**
 * A store key, decoded as far as its layout allows:
 * - `operator`: the layout of weir's operators (window, join): the operator's name as a tuple
 *   string component, a raw section byte, then tuple components;
 * - `tuple`: a plain `encodeTuple` key;
 * - `raw`: anything else.
 */
export type DecodedKey =
  | { readonly kind: 'operator'; readonly operator: string; readonly section: number; readonly parts: KeyPart[] }
  | { readonly kind: 'tuple'; readonly parts: KeyPart[] }
  | { readonly kind: 'raw' };

/**
 * Decodes a store key: first as an operator key (name, section byte, tuple parts), then as a
 * plain tuple, else `raw`. The operator layout is tried first since operator keys cannot be
 * plain tuples (a section byte is no tuple tag, or is followed by bytes that are no component).
 */
export function decodeKey(key: Uint8Array): DecodedKey {
  if (key[0] === TAG_STRING) {
    const end = stringComponentEnd(key, 0);
    if (end !== undefined && end < key.length) {
      const name = tryDecodeTuple(key.subarray(0, end), 0);
      const parts = tryDecodeTuple(key, end + 1);
      if (name !== undefined && parts !== undefined && typeof name[0] === 'string') {
        return { kind: 'operator', operator: name[0], section: key[end]!, parts };
      }
    }
  }
  const parts = tryDecodeTuple(key, 0);
  return parts !== undefined ? { kind: 'tuple', parts } : { kind: 'raw' };
}

/**
 * Renders a store key: `("views", 0x02, 60000, 0, "home")` for an operator key (name, section
 * byte in hex, then the parts), `("clicks", 7)` for a tuple, else its hex `x'…'`. Strings are
 * JSON-quoted, integers plain, byte strings hex literals `x'0a0b'`.
 */
export function formatKey(key: Uint8Array): string {
  const d = decodeKey(key);
  switch (d.kind) {
    case 'operator':
      return clip(`(${[JSON.stringify(d.operator), `0x${toHex(Uint8Array.of(d.section))}`, ...d.parts.map(formatKeyPart)].join(', ')})`);
    case 'tuple':
      return clip(`(${d.parts.map(formatKeyPart).join(', ')})`);
    case 'raw':
      return hexLiteral(key, KEY_HEX_BYTES);
  }
}

/** One tuple component as {@link formatKey} prints it. */
export function formatKeyPart(part: KeyPart): string {
  if (typeof part === 'string') return JSON.stringify(part);
  if (part instanceof Uint8Array) return hexLiteral(part, KEY_HEX_BYTES);
  return String(part);
}

/**
 * Renders a store value: decoded as msgpack when it is (`{watermark: 12, nextSeq: 3}`); as a
 * flags byte followed by msgpack, the layout of join rows, when that is (`flags=1 {id: 7}`);
 * else its hex, cut after 32 bytes (`x'0000…' (45 bytes)`).
 */
export function formatValue(value: Uint8Array): string {
  const whole = tryDecodeValue(value);
  if (whole.ok) return clip(formatData(whole.value));
  if (value.length >= 2) {
    const rest = tryDecodeValue(value.subarray(1));
    if (rest.ok) return clip(`flags=${value[0]!} ${formatData(rest.value)}`);
  }
  return hexLiteral(value, VALUE_HEX_BYTES);
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
