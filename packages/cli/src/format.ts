// Pure formatting helpers of the `weir` command: sizes, times, names (tables: formatTable.ts).
// Nothing here touches the file system or the process. The rendering of store keys and values
// lives in @weir/state (decodeStoreKey, formatStoreKey, formatStoreValue), shared with the job
// server's store queries (@weir/http); it is re-exported here under the names weir has used.
export {
  decodeStoreKey as decodeKey,
  formatStoreKey as formatKey,
  formatStoreValue as formatValue,
  formatKeyPart,
  formatData,
  hexLiteral,
} from '@weir/state';
export type { DecodedStoreKey as DecodedKey } from '@weir/state';

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
