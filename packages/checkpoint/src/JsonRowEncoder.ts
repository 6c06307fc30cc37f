import { LINE_CHUNK_BYTES, type LineChunks } from './LineChunks';

/** Bytes a number can take in JSON (`-1.2345678901234567e-308` is 24). */
const NUMBER_BYTES = 25;

/**
 * Internal (the `fields` option of {@link jsonLinesSink}): encodes values as the JSON objects of
 * known fields, the line `JSON.stringify(value, fields)`, byte for byte, straight into a
 * {@link LineChunks} chunk instead of building a string per line.
 *
 * Fast path, per field: a string of printable ASCII without `"` or `\` is copied byte by byte, a
 * safe integer written digit by digit, a boolean or `null` as its word; a field whose value is
 * `undefined`, a function or a symbol is left out (as `JSON.stringify` does). Anything else (a
 * string that needs escaping or is not ASCII, a fractional or non-finite number) is encoded by
 * `JSON.stringify` of that field value alone. A value that is not a plain non-array object, has
 * a `toJSON`, or has a field holding an object or a bigint takes the general path: the line is
 * `JSON.stringify` of an object of the fields' values (each field is read once).
 *
 * **Cost.** O(line) with no allocation on the fast path: one read per field, one pass over each
 * string.
 *
 * @example
 * ```ts
 * const rows = new JsonRowEncoder(['page', 'start', 'views']);
 * rows.encode({ page: 'a', start: 0, views: 3 }, chunks); // true: encoded into chunks
 * // chunks now end with {"page":"a","start":0,"views":3}\n
 * ```
 */
export class JsonRowEncoder {
  readonly #fields: readonly string[];
  /** Each field's `"name":` in UTF-8. */
  readonly #keys: Uint8Array[];
  readonly #keyBytes: number;
  /** The current value's field values (cleared after each value). */
  readonly #values: unknown[];

  constructor(fields: readonly string[]) {
    this.#fields = [...fields];
    this.#keys = fields.map((f) => Buffer.from(`${JSON.stringify(f)}:`, 'utf8'));
    this.#keyBytes = this.#keys.reduce((n, k) => n + k.length + 1, 0);
    this.#values = new Array<unknown>(fields.length).fill(undefined);
  }

  /**
   * Encodes `value` and its `\n` into `chunks` and returns `true`, or, for a value of the
   * general path, returns its line (a string from `JSON.stringify`, or `undefined` as that
   * returns it) for the caller to check and add. Throws what `JSON.stringify` throws (a bigint,
   * a cycle).
   */
  encode(value: unknown, chunks: LineChunks): true | string | undefined {
    const fields = this.#fields;
    if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(value, fields as string[]);
    const values = this.#values;
    const n = fields.length;
    let most = this.#keyBytes + 2;
    let general = false;
    for (let i = 0; i < n; i++) {
      const v = (value as Record<string, unknown>)[fields[i]!];
      values[i] = v;
      switch (typeof v) {
        case 'string':
          most += v.length * 6 + 2;
          break;
        case 'number':
          most += NUMBER_BYTES;
          break;
        case 'boolean':
        case 'undefined':
        case 'function':
        case 'symbol':
          most += 5;
          break;
        default:
          if (v === null) most += 4;
          else general = true;
      }
    }
    if (general || most >= LINE_CHUNK_BYTES) return this.#general();
    const chunk = chunks.reserve(most + 1);
    let pos = chunks.position;
    let first = true;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      values[i] = undefined;
      const t = typeof v;
      if (t === 'undefined' || t === 'function' || t === 'symbol') continue;
      chunk[pos++] = first ? 0x7b : 0x2c; // { or ,
      first = false;
      const key = this.#keys[i]!;
      for (let k = 0; k < key.length; k++) chunk[pos++] = key[k]!;
      if (t === 'string') pos = writeString(chunk, pos, v as string);
      else if (t === 'number') pos = writeNumber(chunk, pos, v as number);
      else pos = writeAscii(chunk, pos, v === null ? 'null' : v === true ? 'true' : 'false');
    }
    if (first) chunk[pos++] = 0x7b;
    chunk[pos++] = 0x7d; // }
    chunk[pos++] = 0x0a;
    chunks.advance(pos);
    return true;
  }

  /** The line of the general path, from the field values read. */
  #general(): string | undefined {
    const picked: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    const values = this.#values;
    for (let i = 0; i < values.length; i++) {
      picked[this.#fields[i]!] = values[i];
      values[i] = undefined;
    }
    return JSON.stringify(picked, this.#fields as string[]);
  }
}

/** `s` as a JSON string at `pos`; returns the position after it. */
function writeString(chunk: Buffer, pos: number, s: string): number {
  const len = s.length;
  chunk[pos] = 0x22;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return pos + chunk.write(JSON.stringify(s), pos);
    chunk[pos + 1 + i] = c;
  }
  chunk[pos + 1 + len] = 0x22;
  return pos + len + 2;
}

/** `v` as JSON writes a number (`null` when not finite) at `pos`; returns the position after it. */
function writeNumber(chunk: Buffer, pos: number, v: number): number {
  if (!Number.isSafeInteger(v)) return writeAscii(chunk, pos, Number.isFinite(v) ? String(v) : 'null');
  if (v < 0) {
    chunk[pos++] = 0x2d;
    v = -v;
  }
  let digits = 1;
  for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
  const end = pos + digits;
  for (let p = end - 1; p >= pos; p--) {
    const q = Math.floor(v / 10);
    chunk[p] = 0x30 + (v - q * 10);
    v = q;
  }
  return end;
}

/** ASCII text at `pos`; returns the position after it. */
function writeAscii(chunk: Buffer, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) chunk[pos + i] = s.charCodeAt(i);
  return pos + s.length;
}
