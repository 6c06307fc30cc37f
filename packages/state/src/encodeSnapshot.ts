// Internal: writes a snapshot's entries in the byte format of StateSnapshot.encode, from an
// in-memory store view or from a SnapshotSource's iterator, whole or in chunks.
import { crc32 } from 'node:zlib';
import { copyRange } from './bytes';
import { type PageTable, pageBytesOf, valueLength, valueStart } from './EntryPages';
import type { StoreView } from './StoreView';
import { TreeCursor } from './TreeCursor';
import type { Entry } from './Entry';
import type { SourceCheck } from './SourceCheck';
import { StateError } from './StateError';
import {
  HEADER_BYTES,
  MAX_ENTRIES,
  TRAILER_BYTES,
  headerBytes,
  lengthBytes,
  trailerBytes,
  writeChunk,
  writeHeader,
  writeLength,
} from './snapshotFormat';

/** Throws `SERIALIZATION` when `count` entries do not fit the format. */
export function checkEntryCount(count: number, where: string): void {
  if (count > MAX_ENTRIES) {
    throw new StateError('SERIALIZATION', `${where}: ${count} entries exceed the format's limit`);
  }
}

/** The whole encoding of a store view. O(n). */
export function encodeView(view: StoreView): Uint8Array {
  const count = view.len;
  checkEntryCount(count, 'StateSnapshot.encode');
  const out = new Uint8Array(HEADER_BYTES + count * 10 + view.sizeBytes + TRAILER_BYTES);
  writeHeader(out, count);
  const pos = writeViewEntries(out, HEADER_BYTES, view.pages, new TreeCursor(view.root), count);
  return finish(out, pos);
}

/** Where a chunk of `bytes` bytes is encoded: a fresh array, or a view of a reused buffer. */
export type ChunkSpace = (bytes: number) => Uint8Array;

/** A fresh array per chunk. */
export const freshChunk: ChunkSpace = (bytes) => new Uint8Array(bytes);

/** Views of one buffer, grown as needed: each valid until the next call. */
export function reusedChunk(): ChunkSpace {
  let buffer = new Uint8Array(0);
  return (bytes) => {
    if (buffer.length < bytes) buffer = new Uint8Array(Math.max(bytes, 2 * buffer.length, 4_096));
    return buffer.subarray(0, bytes);
  };
}

/** The encoding of a view as a header, chunks of `entriesPerChunk` entries and a trailer. */
export function* encodeViewChunks(view: StoreView, entriesPerChunk: number, chunk: ChunkSpace = freshChunk): Generator<Uint8Array, void, undefined> {
  const header = headerBytes(view.len);
  let crc = crc32(header);
  yield header;
  const cursor = new TreeCursor(view.root);
  const pages = view.pages;
  while (cursor.leaf !== undefined) {
    // size the chunk first, then write it
    let bytes = 0;
    let entries = 0;
    const sizer = cursor.clone();
    while (sizer.leaf !== undefined && entries < entriesPerChunk) {
      const keyLen = sizer.keyEnd() - sizer.keyStart();
      const valueLen = valueLength(pages, sizer.id());
      bytes += lengthBytes(keyLen) + keyLen + lengthBytes(valueLen) + valueLen;
      entries++;
      sizer.next();
    }
    const out = chunk(bytes);
    writeViewEntries(out, 0, pages, cursor, entries);
    crc = crc32(out, crc);
    yield out;
  }
  yield trailerBytes(crc);
}

/**
 * Writes up to `count` entries from `cursor` (advancing it) at `pos`; returns the position after.
 * No allocation per entry: a checkpoint encodes every entry of the store, and a view and a result
 * object per entry were 100 bytes of garbage each (at 1M entries, extra young collections while
 * the checkpoint runs beside the record path).
 */
function writeViewEntries(out: Uint8Array, pos: number, pages: PageTable, cursor: TreeCursor, count: number): number {
  for (let written = 0; written < count && cursor.leaf !== undefined; written++) {
    const start = cursor.keyStart();
    const end = cursor.keyEnd();
    pos = writeLength(out, pos, end - start);
    pos = copyRange(out, pos, cursor.leaf.kb, start, end - start);
    const id = cursor.id();
    const from = valueStart(pages, id);
    const length = valueLength(pages, id);
    pos = writeLength(out, pos, length);
    pos = copyRange(out, pos, pageBytesOf(pages, id), from, length);
    cursor.next();
  }
  return pos;
}

/**
 * The whole encoding of a source's entries, read once through `it` and checked by `check` (which
 * knows the announced count and size); the iterator is closed however it ends. O(n).
 */
export function encodeEntries(it: Iterator<Entry>, check: SourceCheck, count: number, sizeBytes: number): Uint8Array {
  checkEntryCount(count, 'StateSnapshot.encode');
  const out = new Uint8Array(HEADER_BYTES + count * 10 + sizeBytes + TRAILER_BYTES);
  writeHeader(out, count);
  let pos = HEADER_BYTES;
  try {
    for (let next = it.next(); next.done !== true; next = it.next()) {
      const [key, value] = next.value;
      check.entry(key, value);
      pos = writeChunk(out, pos, key);
      pos = writeChunk(out, pos, value);
    }
  } finally {
    it.return?.();
  }
  check.end();
  return finish(out, pos);
}

/** {@link encodeEntries} as a header, chunks of `entriesPerChunk` entries and a trailer. */
export function* encodeEntriesChunks(it: Iterator<Entry>, check: SourceCheck, count: number, entriesPerChunk: number, chunk: ChunkSpace = freshChunk): Generator<Uint8Array, void, undefined> {
  const header = headerBytes(count);
  let crc = crc32(header);
  yield header;
  const batch: Entry[] = [];
  try {
    for (let done = false; !done; ) {
      batch.length = 0;
      let bytes = 0;
      while (batch.length < entriesPerChunk) {
        const next = it.next();
        if (next.done === true) {
          done = true;
          break;
        }
        const [key, value] = next.value;
        check.entry(key, value);
        batch.push(next.value);
        bytes += lengthBytes(key.length) + key.length + lengthBytes(value.length) + value.length;
      }
      if (batch.length === 0) break;
      const out = chunk(bytes);
      let pos = 0;
      for (const [key, value] of batch) {
        pos = writeChunk(out, pos, key);
        pos = writeChunk(out, pos, value);
      }
      crc = crc32(out, crc);
      yield out;
    }
  } finally {
    it.return?.();
  }
  check.end();
  yield trailerBytes(crc);
}

/** Appends the checksum of `out[0, pos)` and trims the unused tail (copying when it is large). */
function finish(out: Uint8Array, pos: number): Uint8Array {
  new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(pos, crc32(out.subarray(0, pos)) >>> 0);
  pos += TRAILER_BYTES;
  return out.length - pos > 4096 ? out.slice(0, pos) : out.subarray(0, pos);
}
