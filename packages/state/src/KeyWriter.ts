import { StateError } from './StateError';
import { describeValue } from './describeValue';
import type { KeyPart } from './keyPart';

/** Tag byte of a byte-string component. Tags order mixed-type components: bytes < string < int. */
export const TAG_BYTES = 0x01;
/** Tag byte of a string component (UTF-8, escaped, 0-terminated). */
export const TAG_STRING = 0x02;
/** Tag byte of a signed 64-bit integer component (8 bytes big-endian, sign bit flipped). */
export const TAG_INT = 0x05;

const TWO_32 = 4294967296;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/**
 * Builds order-preserving keys component by component into a reusable buffer: the byte order of
 * two keys equals the order of their component tuples (see {@link encodeTuple} for the rules).
 * Operators keep one writer per operator and `reset()` it per key, so building a key allocates
 * only the final copy.
 *
 * Cost: O(total length) per key.
 *
 * @example
 * ```ts
 * const w = new KeyWriter();
 * const key = w.reset().byte(0x10).string(userId).int(windowEnd).finish();
 * // same bytes as: concat([0x10], encodeTuple([userId, windowEnd]))
 * ```
 */
export class KeyWriter {
  private buf: Uint8Array;
  private pos = 0;

  /** @param initialCapacity - starting buffer size in bytes; it grows as needed */
  constructor(initialCapacity = 64) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /**
   * The writer's own buffer, whose first {@link length} bytes are the key so far: for copying a
   * key out with no view made (a view is garbage per key on a hot path). Valid until the next
   * write or reset; never write into it. O(1).
   *
   * @example
   * ```ts
   * const w = new KeyWriter().string('home').int(7);
   * out.set(w.buffer.subarray(0, w.length)); // or copy byte by byte, allocating nothing
   * ```
   */
  get buffer(): Uint8Array {
    return this.buf;
  }

  /** Forgets what was written; the buffer is kept. */
  reset(): this {
    this.pos = 0;
    return this;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Appends one raw byte (an operator tag, say). Not a tuple component: no type tag. */
  byte(b: number): this {
    if (!Number.isInteger(b) || b < 0 || b > 255) {
      throw new StateError('SERIALIZATION', `KeyWriter.byte: expected an integer 0..255, got ${describeValue(b)}`);
    }
    this.ensure(1);
    this.buf[this.pos++] = b;
    return this;
  }

  /** Appends raw bytes as they are (an already encoded key prefix, say). */
  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /**
   * Appends a component of whichever kind `part` is: {@link KeyWriter.string}, {@link KeyWriter.int}
   * or {@link KeyWriter.bytes}; anything else throws `SERIALIZATION`. For operators whose keys
   * hold a user's group or join key.
   *
   * @example
   * ```ts
   * w.reset().raw(prefix).part(userKey).int(windowEnd).finish();
   * ```
   */
  part(part: KeyPart): this {
    if (typeof part === 'string') return this.string(part);
    if (typeof part === 'number' || typeof part === 'bigint') return this.int(part);
    if (part instanceof Uint8Array) return this.bytes(part);
    throw new StateError('SERIALIZATION', `KeyWriter.part: a key part must be a number, bigint, string or Uint8Array, got ${describeValue(part)}`);
  }

  /**
   * Appends a signed 64-bit integer component (a timestamp, a count). Numbers must be safe
   * integers; bigints must fit in 64 bits signed.
   */
  int(n: number | bigint): this {
    this.ensure(9);
    const buf = this.buf;
    buf[this.pos++] = TAG_INT;
    writeI64(buf, this.pos, n, 'KeyWriter.int');
    this.pos += 8;
    return this;
  }

  /**
   * Appends a string component: UTF-8 with 0x00 escaped as 0x00 0xFF, then a 0x00 terminator,
   * so strings order by Unicode code point and a shorter string sorts before its extensions.
   * Lone surrogates cannot be encoded and throw `SERIALIZATION`.
   */
  string(s: string): this {
    if (typeof s !== 'string') {
      throw new StateError('SERIALIZATION', `KeyWriter.string: expected a string, got ${describeValue(s)}`);
    }
    this.ensure(2 + s.length * 4);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = TAG_STRING;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) {
        if (c === 0) {
          buf[p++] = 0;
          buf[p++] = 0xff;
        } else {
          buf[p++] = c;
        }
      } else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c > 0xdbff || d < 0xdc00 || d > 0xdfff) {
          throw new StateError(
            'SERIALIZATION',
            `KeyWriter.string: lone surrogate U+${c.toString(16).toUpperCase()} at index ${i} of ${describeValue(s)} cannot be encoded as UTF-8`,
          );
        }
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        buf[p++] = 0xf0 | (c >> 18);
        buf[p++] = 0x80 | ((c >> 12) & 0x3f);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      } else {
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      }
    }
    buf[p++] = 0;
    this.pos = p;
    return this;
  }

  /** Appends a byte-string component: escaped and terminated like {@link string}. */
  bytes(b: Uint8Array): this {
    if (!(b instanceof Uint8Array)) {
      throw new StateError('SERIALIZATION', `KeyWriter.bytes: expected a Uint8Array, got ${describeValue(b)}`);
    }
    this.ensure(2 + b.length * 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = TAG_BYTES;
    for (let i = 0; i < b.length; i++) {
      const x = b[i]!;
      buf[p++] = x;
      if (x === 0) buf[p++] = 0xff;
    }
    buf[p++] = 0;
    this.pos = p;
    return this;
  }

  /** A copy of the bytes written so far: the finished key. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** The bytes written so far without copying; valid only until the next write or reset. */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** Writes `n` at `pos` as 8 big-endian bytes with the sign bit flipped. */
export function writeI64(buf: Uint8Array, pos: number, n: number | bigint, where: string): void {
  if (typeof n === 'number') {
    if (!Number.isSafeInteger(n)) {
      throw new StateError(
        'SERIALIZATION',
        `${where}: expected a safe integer (use a bigint beyond 2^53), got ${describeValue(n)}`,
      );
    }
    const hi = Math.floor(n / TWO_32);
    const lo = n - hi * TWO_32;
    const h = (hi ^ 0x80000000) >>> 0;
    buf[pos] = h >>> 24;
    buf[pos + 1] = (h >>> 16) & 0xff;
    buf[pos + 2] = (h >>> 8) & 0xff;
    buf[pos + 3] = h & 0xff;
    buf[pos + 4] = lo >>> 24;
    buf[pos + 5] = (lo >>> 16) & 0xff;
    buf[pos + 6] = (lo >>> 8) & 0xff;
    buf[pos + 7] = lo & 0xff;
    return;
  }
  if (typeof n !== 'bigint' || n < I64_MIN || n > I64_MAX) {
    throw new StateError('SERIALIZATION', `${where}: expected a signed 64-bit integer, got ${describeValue(n)}`);
  }
  const u = BigInt.asUintN(64, n) ^ (1n << 63n);
  new DataView(buf.buffer, buf.byteOffset, buf.byteLength).setBigUint64(pos, u);
}

/**
 * Reads 8 bytes written by {@link writeI64}: a number when it is a safe integer, else a bigint.
 */
export function readI64(buf: Uint8Array, pos: number): number | bigint {
  const hi = ((buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!) ^ 0x80000000;
  const lo = ((buf[pos + 4]! << 24) | (buf[pos + 5]! << 16) | (buf[pos + 6]! << 8) | buf[pos + 7]!) >>> 0;
  if ((hi > -2097152 && hi < 2097152) || (hi === -2097152 && lo !== 0)) return hi * TWO_32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}
