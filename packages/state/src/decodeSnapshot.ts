// Internal: reads the byte format of StateSnapshot.encode back into a store view.
import { crc32 } from 'node:zlib';
import { StateError } from './StateError';
import { type StoreView, ViewBuilder } from './StoreView';
import { describeValue } from './describeValue';
import { FORMAT_VERSION, HEADER_BYTES, MAGIC, TRAILER_BYTES, readVarint, varintEnd } from './snapshotFormat';
import { hex32 } from './toHex';

/** A decoded snapshot: its view and, when asked for, each entry's key hash by entry id. */
export interface DecodedSnapshot {
  readonly view: StoreView;
  readonly hashes: Int32Array | undefined;
}

/**
 * Decodes snapshot bytes (see `StateSnapshot.decode`) into a view built in one pass (the entries
 * are in key order, so the tree is bulk-built; keys and values are copied into the view's pages,
 * the input is not kept). With `withHashes`, also returns each entry's key hash for the hash
 * index of a store restoring the bytes. Throws `StateError` `CORRUPTION` for anything but
 * well-formed snapshot bytes. O(n).
 */
export function decodeSnapshot(bytes: Uint8Array, withHashes: boolean): DecodedSnapshot {
  if (!(bytes instanceof Uint8Array)) {
    throw new StateError('CORRUPTION', `StateSnapshot.decode: expected snapshot bytes, got ${describeValue(bytes)}`);
  }
  const corrupt = (why: string): StateError =>
    new StateError('CORRUPTION', `StateSnapshot.decode: ${why} (${bytes.length} bytes)`);
  if (bytes.length < HEADER_BYTES + TRAILER_BYTES) throw corrupt('too short to be a weir state snapshot');
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw corrupt('not a weir state snapshot (bad magic bytes)');
  }
  const data = bytes;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const version = view.getUint16(8);
  if (version !== FORMAT_VERSION) {
    throw corrupt(`snapshot format version ${version} is not supported (this build reads version ${FORMAT_VERSION})`);
  }
  const end = data.length - TRAILER_BYTES;
  const expected = view.getUint32(end);
  const actual = crc32(data.subarray(0, end)) >>> 0;
  if (expected !== actual) throw corrupt(`checksum mismatch (stored ${hex32(expected)}, computed ${hex32(actual)})`);
  const count = view.getUint32(12);
  // every entry takes at least two length bytes: a count beyond that is a lie, not a reason to allocate
  if (count > (end - HEADER_BYTES) / 2) throw corrupt(`entry count ${count} does not fit in the bytes`);
  const builder = new ViewBuilder(count, withHashes);
  let pos = HEADER_BYTES;
  let prevAt = -1;
  let prevLen = 0;
  for (let i = 0; i < count; i++) {
    const keyLen = readVarint(data, pos, end);
    if (keyLen < 0) throw corrupt(`entry ${i}: bad key length`);
    pos = varintEnd(data, pos);
    if (pos + keyLen > end) throw corrupt(`entry ${i}: key runs past the end`);
    const keyAt = pos;
    pos += keyLen;
    const valueLen = readVarint(data, pos, end);
    if (valueLen < 0) throw corrupt(`entry ${i}: bad value length`);
    pos = varintEnd(data, pos);
    if (pos + valueLen > end) throw corrupt(`entry ${i}: value runs past the end`);
    const valueAt = pos;
    pos += valueLen;
    if (prevAt >= 0 && !follows(data, prevAt, prevLen, keyAt, keyLen)) throw corrupt(`entry ${i}: keys out of order`);
    prevAt = keyAt;
    prevLen = keyLen;
    builder.add(data, keyAt, keyLen, data, valueAt, valueLen);
  }
  if (pos !== end) throw corrupt(`${end - pos} unexpected bytes after ${count} entries`);
  return { view: builder.finish(), hashes: builder.hashes };
}

/** Whether the key at `b` sorts strictly after the key at `a` (both in `data`). */
function follows(data: Uint8Array, a: number, aLen: number, b: number, bLen: number): boolean {
  const n = aLen < bLen ? aLen : bLen;
  for (let i = 0; i < n; i++) {
    const x = data[a + i]!;
    const y = data[b + i]!;
    if (x !== y) return y > x;
  }
  return bLen > aLen;
}
