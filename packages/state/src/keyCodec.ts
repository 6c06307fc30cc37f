import { StateError } from './StateError';
import type { KeyPart } from './keyPart';
import { KeyWriter, TAG_BYTES, TAG_INT, TAG_STRING, readI64, writeI64 } from './KeyWriter';
import { describeValue } from './describeValue';
import { toHex } from './toHex';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const shared = new KeyWriter(256);

/**
 * Encodes a signed 64-bit integer (a timestamp in epoch ms, say) as 8 bytes, big-endian with the
 * sign bit flipped, so unsigned byte order equals numeric order: `-1 < 0 < 1`. No type tag: use
 * it for a fixed-width field. Throws `SERIALIZATION` for a non-integer or out-of-range value.
 *
 * @example
 * ```ts
 * store.rangeScan(encodeI64(from), encodeI64(to)); // every key stamped in [from, to)
 * ```
 */
export function encodeI64(n: number | bigint): Uint8Array {
  const out = new Uint8Array(8);
  writeI64(out, 0, n, 'encodeI64');
  return out;
}

/**
 * Decodes 8 bytes written by {@link encodeI64} at `offset`: a number when it is a safe integer,
 * else a bigint. Throws `DESERIALIZATION` when fewer than 8 bytes remain.
 */
export function decodeI64(bytes: Uint8Array, offset = 0): number | bigint {
  if (offset < 0 || offset + 8 > bytes.length) {
    throw new StateError('DESERIALIZATION', `decodeI64: need 8 bytes at offset ${offset}, have ${bytes.length - offset}`);
  }
  return readI64(bytes, offset);
}

/**
 * Encodes a string as one tuple component (tag, escaped UTF-8, terminator): byte order equals
 * Unicode code-point order, and the result is a prefix of any tuple key that starts with `s`.
 */
export function encodeString(s: string): Uint8Array {
  return shared.reset().string(s).finish();
}

/** Encodes a byte string as one tuple component (tag, escaped bytes, terminator). */
export function encodeBytes(b: Uint8Array): Uint8Array {
  return shared.reset().bytes(b).finish();
}

/**
 * Encodes a tuple so that unsigned byte order of the results equals the tuple order of the values:
 * component by component, a shorter tuple before its extensions; integers numerically, strings by
 * code point, byte strings lexicographically; components of different types by type
 * (byte string < string < integer). Integers are signed 64-bit (numbers must be safe integers).
 * O(total length).
 *
 * @example
 * ```ts
 * const key = encodeTuple(['clicks', 'user-7', 1_700_000_000_000]);
 * decodeTuple(key); // ['clicks', 'user-7', 1700000000000]
 * store.prefixScan(encodeTuple(['clicks', 'user-7'])); // every window of user-7, in time order
 * ```
 */
export function encodeTuple(parts: readonly KeyPart[]): Uint8Array {
  if (!Array.isArray(parts)) {
    throw new StateError('SERIALIZATION', `encodeTuple: expected an array of key parts, got ${describeValue(parts)}`);
  }
  const w = shared.reset();
  for (const part of parts) writePart(w, part, 'encodeTuple');
  return w.finish();
}

/** Appends one {@link KeyPart} to a writer, dispatching on its type. */
function writePart(w: KeyWriter, part: KeyPart, where: string): void {
  if (typeof part !== 'string' && typeof part !== 'number' && typeof part !== 'bigint' && !(part instanceof Uint8Array)) {
    throw new StateError(
      'SERIALIZATION',
      `${where}: a key part must be a number, bigint, string or Uint8Array, got ${describeValue(part)}`,
    );
  }
  w.part(part);
}

/**
 * Decodes a key written by {@link encodeTuple} (or a {@link KeyWriter} using only tuple
 * components), starting at `offset` (to skip a raw operator tag, say). Integers come back as
 * numbers when safe, else bigints. Throws `DESERIALIZATION` with the offending bytes in hex for
 * anything malformed.
 */
export function decodeTuple(bytes: Uint8Array, offset = 0): KeyPart[] {
  const out: KeyPart[] = [];
  const bad = (why: string): StateError =>
    new StateError('DESERIALIZATION', `decodeTuple: ${why} in key ${toHex(bytes)}`);
  let p = offset;
  while (p < bytes.length) {
    const tag = bytes[p++]!;
    if (tag === TAG_INT) {
      if (p + 8 > bytes.length) throw bad(`truncated integer at offset ${p - 1}`);
      out.push(readI64(bytes, p));
      p += 8;
    } else if (tag === TAG_STRING || tag === TAG_BYTES) {
      const chunk: number[] = [];
      for (;;) {
        if (p >= bytes.length) throw bad(`unterminated ${tag === TAG_STRING ? 'string' : 'byte string'}`);
        const b = bytes[p++]!;
        if (b !== 0) {
          chunk.push(b);
        } else if (p < bytes.length && bytes[p] === 0xff) {
          chunk.push(0);
          p++;
        } else {
          break;
        }
      }
      const raw = Uint8Array.from(chunk);
      if (tag === TAG_BYTES) {
        out.push(raw);
      } else {
        try {
          out.push(utf8.decode(raw));
        } catch (cause) {
          throw new StateError('DESERIALIZATION', `decodeTuple: invalid UTF-8 in key ${toHex(bytes)}`, { cause });
        }
      }
    } else {
      throw bad(`unknown component tag 0x${toHex(Uint8Array.of(tag))} at offset ${p - 1}`);
    }
  }
  return out;
}
