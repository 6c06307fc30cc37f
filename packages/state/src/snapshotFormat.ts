// Internal: the pieces of the snapshot byte format (see StateSnapshot): its header, trailer and
// the LEB128-length-prefixed chunks each entry's key and value are written as.

/** `"WEIRSNAP"`: the first eight bytes of every encoded snapshot. */
export const MAGIC: readonly number[] = [0x57, 0x45, 0x49, 0x52, 0x53, 0x4e, 0x41, 0x50];
/** The format version this build writes and reads. */
export const FORMAT_VERSION = 1;
/** magic(8) version(u16) flags(u16) count(u32) */
export const HEADER_BYTES = 16;
/** The CRC-32 of everything before it. */
export const TRAILER_BYTES = 4;
/** Most entries an encoded snapshot can hold (the header's count is a u32). */
export const MAX_ENTRIES = 0xffffffff;

/** The header of a snapshot of `count` entries. */
export function headerBytes(count: number): Uint8Array {
  const header = new Uint8Array(HEADER_BYTES);
  writeHeader(header, count);
  return header;
}

/** Writes the header of a snapshot of `count` entries at the start of `out`. */
export function writeHeader(out: Uint8Array, count: number): void {
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer, out.byteOffset, HEADER_BYTES);
  view.setUint16(8, FORMAT_VERSION);
  view.setUint16(10, 0);
  view.setUint32(12, count);
}

/** A trailer holding the checksum `crc`. */
export function trailerBytes(crc: number): Uint8Array {
  const trailer = new Uint8Array(TRAILER_BYTES);
  new DataView(trailer.buffer).setUint32(0, crc >>> 0);
  return trailer;
}

/** Bytes the LEB128 encoding of `n` takes. */
export function lengthBytes(n: number): number {
  let bytes = 1;
  while (n >= 0x80) {
    n >>>= 7;
    bytes++;
  }
  return bytes;
}

/** Writes `n` as LEB128 at `pos`; returns the position after. */
export function writeLength(out: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[pos++] = n;
  return pos;
}

/** Writes `bytes` with its LEB128 length before it at `pos`; returns the position after. */
export function writeChunk(out: Uint8Array, pos: number, bytes: Uint8Array): number {
  pos = writeLength(out, pos, bytes.length);
  out.set(bytes, pos);
  return pos + bytes.length;
}

/** Reads a LEB128 length of at most 5 bytes (values < 2^32); -1 when malformed or truncated. */
export function readVarint(data: Uint8Array, pos: number, end: number): number {
  let result = 0;
  let shift = 0;
  for (let i = 0; i < 5; i++) {
    if (pos + i >= end) return -1;
    const b = data[pos + i]!;
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return result;
    shift += 7;
  }
  return -1;
}

/** The position after the LEB128 length at `pos` (already checked by {@link readVarint}). */
export function varintEnd(data: Uint8Array, pos: number): number {
  while ((data[pos]! & 0x80) !== 0) pos++;
  return pos + 1;
}
