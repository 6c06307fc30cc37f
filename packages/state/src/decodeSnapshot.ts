// Internal: reads the byte format of StateSnapshot.encode back into an ordered tree.
import type BTree from 'sorted-btree';
import { crc32 } from 'node:zlib';
import { Cell, FROZEN_EPOCH } from './Cell';
import { hashRange } from './HashIndex';
import { StateError } from './StateError';
import { copyBytes } from './bytes';
import { newCellTree } from './cellTree';
import { describeValue } from './describeValue';
import { FORMAT_VERSION, HEADER_BYTES, MAGIC, TRAILER_BYTES, readVarint, varintEnd } from './snapshotFormat';
import { hex32 } from './toHex';

/** What {@link decodeSnapshot} also gathers, by position, for a store restoring the bytes. */
export interface DecodedEntries {
  readonly strs: string[];
  readonly cells: Cell[];
  readonly hashes: Int32Array;
}

/** A decoded snapshot: its frozen tree and its bytes of keys plus values. */
export interface DecodedSnapshot {
  readonly tree: BTree<string, Cell>;
  readonly sizeBytes: number;
}

/**
 * Decodes snapshot bytes (see `StateSnapshot.decode`) into a frozen tree; with `collect`, also
 * fills each entry's tree key, cell and hash by position, so `InMemoryStore.restore(bytes)` can
 * build its hash index without walking the tree again. Throws `StateError` `CORRUPTION` for
 * anything but well-formed snapshot bytes. The input is copied. O(n log n) worst case.
 */
export function decodeSnapshot(bytes: Uint8Array, collect: ((count: number) => DecodedEntries) | undefined): DecodedSnapshot {
  if (!(bytes instanceof Uint8Array)) {
    throw new StateError('CORRUPTION', `StateSnapshot.decode: expected snapshot bytes, got ${describeValue(bytes)}`);
  }
  const corrupt = (why: string): StateError =>
    new StateError('CORRUPTION', `StateSnapshot.decode: ${why} (${bytes.length} bytes)`);
  if (bytes.length < HEADER_BYTES + TRAILER_BYTES) throw corrupt('too short to be a weir state snapshot');
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw corrupt('not a weir state snapshot (bad magic bytes)');
  }
  const data = copyBytes(bytes);
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
  const tree = newCellTree();
  // Keys become latin1 tree strings straight from the bytes (no per-key array view; a cell's key
  // bytes are rebuilt from its string on first need, as for keys that were put).
  const latin1 = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out = collect?.(count);
  let pos = HEADER_BYTES;
  let size = 0;
  let previous: string | undefined;
  for (let i = 0; i < count; i++) {
    const keyLen = readVarint(data, pos, end);
    if (keyLen < 0) throw corrupt(`entry ${i}: bad key length`);
    pos = varintEnd(data, pos);
    if (pos + keyLen > end) throw corrupt(`entry ${i}: key runs past the end`);
    const str = latin1.toString('latin1', pos, pos + keyLen);
    if (out !== undefined) out.hashes[i] = hashRange(data, pos, pos + keyLen);
    pos += keyLen;
    const valueLen = readVarint(data, pos, end);
    if (valueLen < 0) throw corrupt(`entry ${i}: bad value length`);
    pos = varintEnd(data, pos);
    if (pos + valueLen > end) throw corrupt(`entry ${i}: value runs past the end`);
    const valueAt = pos;
    pos += valueLen;
    if (previous !== undefined && !(str > previous)) throw corrupt(`entry ${i}: keys out of order`);
    previous = str;
    const cell = Cell.lazy(data, valueAt, valueLen, FROZEN_EPOCH);
    tree.set(str, cell);
    if (out !== undefined) {
      out.strs[i] = str;
      out.cells[i] = cell;
    }
    size += keyLen + valueLen;
  }
  if (pos !== end) throw corrupt(`${end - pos} unexpected bytes after ${count} entries`);
  tree.freeze();
  return { tree, sizeBytes: size };
}
