import BTree from 'sorted-btree';
import { crc32 } from 'node:zlib';
import { StateError } from './StateError';
import type { Entry } from './StateStore';
import { Cell, FROZEN_EPOCH, cellKey } from './Cell';
import { hashRange } from './HashIndex';
import { assertBytes, bytesToLatin1, compareBytes, copyBytes, describeValue } from './bytes';

const MAGIC = [0x57, 0x45, 0x49, 0x52, 0x53, 0x4e, 0x41, 0x50]; // "WEIRSNAP"
const FORMAT_VERSION = 1;
const HEADER_BYTES = 16; // magic(8) version(u16) flags(u16) count(u32)
const TRAILER_BYTES = 4; // crc32 of everything before it
const ENCODE_BATCH = 64;

/** Orders latin1 tree keys: code-unit order equals unsigned byte order. */
export function compareLatin1(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A new empty ordered tree of latin1 key -> cell, as stores and snapshots use. */
export function newCellTree(): BTree<string, Cell> {
  return new BTree<string, Cell>(undefined, compareLatin1);
}

/**
 * What a lazily-backed snapshot reads its entries from (see {@link StateSnapshot.fromSource}): a
 * store's own point-in-time view, such as an LMDB read transaction, that stays unchanged however
 * the store is written afterwards.
 *
 * @example
 * ```ts
 * const frozen: Entry[] = [[Uint8Array.of(1), Uint8Array.of(2)]];
 * const source: SnapshotSource = { len: 1, sizeBytes: 2, entries: () => frozen[Symbol.iterator]() };
 * const snap = StateSnapshot.fromSource(source);
 * ```
 */
export interface SnapshotSource {
  /** Number of entries in the view. */
  readonly len: number;
  /** Bytes of keys plus values in the view. */
  readonly sizeBytes: number;
  /**
   * A new iterator over the view's entries, keys in strictly increasing unsigned byte order. It
   * may be called any number of times (each call starts over) until {@link release}. The arrays
   * it yields must never be mutated afterwards (snapshots and stores restored from it share them).
   */
  entries(): Iterator<Entry>;
  /**
   * Frees what the view holds (a read transaction, a file). Optional; called at most once, by
   * {@link StateSnapshot.release}. An iteration already under way may still finish.
   */
  release?(): void;
}

let treeOf: (snapshot: StateSnapshot) => BTree<string, Cell>;
let makeSnapshot: (tree: BTree<string, Cell>, sizeBytes: number) => StateSnapshot;

/**
 * A point-in-time, immutable view of a store's entries: what a checkpoint persists.
 *
 * Snapshots are store-independent: one taken from any {@link StateStore} can be restored into any
 * other. {@link InMemoryStore.snapshot} takes one in O(1) by sharing the store's copy-on-write
 * tree; later writes to the store copy the tree nodes they touch and never reach the snapshot.
 *
 * A store that keeps its own point-in-time views (an LMDB read transaction, say) wraps one with
 * {@link StateSnapshot.fromSource}: O(1), the entries read lazily when encoded or restored. Such a
 * snapshot holds on to its view until {@link release} is called (the checkpoint coordinator calls
 * it once a checkpoint is persisted).
 *
 * The byte form ({@link encode} / {@link StateSnapshot.decode}) is versioned and checksummed:
 * `"WEIRSNAP"`, format version (u16), flags (u16), entry count (u32), then per entry in key order
 * a LEB128 key length, the key, a LEB128 value length, the value, and a CRC-32 of all preceding
 * bytes.
 *
 * @example
 * ```ts
 * const snap = store.snapshot();          // O(1)
 * const bytes = snap.encode();            // off the record path: O(n)
 * other.restore(StateSnapshot.decode(bytes));
 * ```
 */
export class StateSnapshot {
  /** The entries, unless the snapshot reads them from a {@link SnapshotSource}. */
  readonly #tree: BTree<string, Cell> | undefined;
  readonly #source: SnapshotSource | undefined;
  readonly #len: number;
  readonly #sizeBytes: number;
  #released = false;

  static {
    treeOf = (snapshot) => snapshot.#tree ?? snapshot.#treeFromSource();
    makeSnapshot = (tree, sizeBytes) => new StateSnapshot(tree, undefined, tree.size, sizeBytes);
  }

  private constructor(tree: BTree<string, Cell> | undefined, source: SnapshotSource | undefined, len: number, sizeBytes: number) {
    this.#tree = tree;
    this.#source = source;
    this.#len = len;
    this.#sizeBytes = sizeBytes;
  }

  /**
   * A snapshot over a store's own point-in-time view, read lazily: O(1), nothing is copied.
   * {@link entries}, {@link encode}, {@link encodeChunks} and every store's `restore` read through
   * `source.entries()`; {@link release} calls `source.release()`. For stores whose snapshot is not
   * a copy (an LMDB read transaction, a copy-on-write structure of their own); a store with
   * nothing of the kind uses {@link StateSnapshot.fromEntries}.
   *
   * The source must keep its promises (a fixed view, strictly increasing keys, `len` and
   * `sizeBytes` matching the entries): encoding checks them as it goes and throws `StateError`
   * `SERIALIZATION` when they are broken, restoring throws `CORRUPTION`.
   *
   * @param source - the view: its entry count and byte size, an iterator factory, an optional release
   * @throws TypeError when `source` does not have that shape
   *
   * @example
   * ```ts
   * // inside a store whose engine has read transactions
   * snapshot(): StateSnapshot {
   *   const txn = this.db.beginRead();
   *   return StateSnapshot.fromSource({
   *     len: this.count,
   *     sizeBytes: this.bytes,
   *     entries: () => txn.iterate(),
   *     release: () => txn.end(),
   *   });
   * }
   * ```
   */
  static fromSource(source: SnapshotSource): StateSnapshot {
    const where = 'StateSnapshot.fromSource';
    if (typeof source !== 'object' || source === null) throw new TypeError(`${where}: source must be an object, got ${describeValue(source)}`);
    const { len, sizeBytes, entries, release } = source;
    if (!Number.isSafeInteger(len) || len < 0) throw new TypeError(`${where}: source.len must be a non-negative integer, got ${describeValue(len)}`);
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) throw new TypeError(`${where}: source.sizeBytes must be a non-negative integer, got ${describeValue(sizeBytes)}`);
    if (typeof entries !== 'function') throw new TypeError(`${where}: source.entries must be a function, got ${describeValue(entries)}`);
    if (release !== undefined && typeof release !== 'function') throw new TypeError(`${where}: source.release must be a function when given, got ${describeValue(release)}`);
    return new StateSnapshot(undefined, source, len, sizeBytes);
  }

  /**
   * Builds a snapshot from entries in any order (a later duplicate key wins). Keys and values are
   * copied. For custom stores whose snapshot is not a shared tree. O(n log n).
   */
  static fromEntries(entries: Iterable<readonly [Uint8Array, Uint8Array]>): StateSnapshot {
    const tree = newCellTree();
    let size = 0;
    for (const pair of entries) {
      const [key, value] = pair;
      assertBytes(key, 'entry key', 'StateSnapshot.fromEntries');
      assertBytes(value, 'entry value', 'StateSnapshot.fromEntries');
      const k = copyBytes(key);
      const v = copyBytes(value);
      const str = bytesToLatin1(k);
      const old = tree.get(str);
      if (old !== undefined) size -= str.length + old.size;
      tree.set(str, new Cell(k, v, FROZEN_EPOCH));
      size += k.length + v.length;
    }
    tree.freeze();
    return new StateSnapshot(tree, undefined, tree.size, size);
  }

  /** Number of entries. O(1). */
  len(): number {
    return this.#len;
  }

  /** Bytes of keys plus values. O(1). */
  sizeBytes(): number {
    return this.#sizeBytes;
  }

  /**
   * The entries in key order. The arrays are shared: do not mutate them. O(1) per entry.
   *
   * @throws StateError `IO` for a lazily-backed snapshot after {@link release}
   */
  *entries(): IterableIterator<Entry> {
    if (this.#tree === undefined) {
      const it = this.#sourceEntries('StateSnapshot.entries');
      try {
        for (let next = it.next(); next.done !== true; next = it.next()) yield next.value;
      } finally {
        it.return?.(); // the caller stopped early: let the source close its cursor
      }
      return;
    }
    const pair: [string, Cell] = ['', undefined as unknown as Cell];
    for (const [str, cell] of this.#tree.entries(undefined, pair)) yield [cellKey(str, cell), cell.v];
  }

  /**
   * Lets go of what a lazily-backed snapshot ({@link StateSnapshot.fromSource}) holds, such as an
   * LMDB read transaction (which keeps the pages of every later-overwritten entry from being
   * reused while it is open). Afterwards reading it ({@link entries}, {@link encode},
   * {@link encodeChunks}, `restore`) throws `StateError` `IO`. Idempotent, O(1).
   *
   * Whoever consumes the snapshot calls it once done with it: the checkpoint coordinator calls it
   * for every snapshot it collected, after the checkpoint is persisted (or has failed). For
   * snapshots held in memory (`InMemoryStore`'s, `decode`'s, `fromEntries`') it does nothing and
   * they stay readable: garbage collection frees them.
   *
   * @example
   * ```ts
   * const snap = store.snapshot();
   * try {
   *   await writeFile('state.bin', snap.encode());
   * } finally {
   *   snap.release();
   * }
   * ```
   */
  release(): void {
    if (this.#source === undefined || this.#released) return;
    this.#released = true;
    this.#source.release?.();
  }

  /** Encodes the snapshot into the versioned, checksummed byte form. O(n). */
  encode(): Uint8Array {
    if (this.#tree === undefined) return this.#encodeSource();
    const count = this.#tree.size;
    if (count > 0xffffffff) {
      throw new StateError('SERIALIZATION', `StateSnapshot.encode: ${count} entries exceed the format's limit`);
    }
    const out = new Uint8Array(HEADER_BYTES + count * 10 + this.#sizeBytes + TRAILER_BYTES);
    out.set(MAGIC, 0);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    view.setUint16(8, FORMAT_VERSION);
    view.setUint16(10, 0);
    view.setUint32(12, count);
    // Entries live scattered in the heap, so encoding is bound by cache misses. Gathering a batch
    // of cells before touching their values lets the CPU overlap those misses (~1.5x measured).
    const strs: string[] = new Array(ENCODE_BATCH);
    const cells: Cell[] = new Array(ENCODE_BATCH);
    const values: Uint8Array[] = new Array(ENCODE_BATCH);
    let pending = 0;
    let pos = HEADER_BYTES;
    const drain = (): void => {
      for (let i = 0; i < pending; i++) values[i] = cells[i]!.v;
      for (let i = 0; i < pending; i++) {
        pos = writeLatin1Chunk(out, pos, strs[i]!);
        pos = writeChunk(out, pos, values[i]!);
      }
      pending = 0;
    };
    this.#tree.forEachPair((str, cell) => {
      strs[pending] = str;
      cells[pending++] = cell;
      if (pending === ENCODE_BATCH) drain();
    });
    drain();
    view.setUint32(pos, crc32(out.subarray(0, pos)) >>> 0);
    pos += TRAILER_BYTES;
    return out.length - pos > 4096 ? out.slice(0, pos) : out.subarray(0, pos);
  }

  /**
   * Encodes the snapshot as a sequence of byte chunks whose concatenation equals {@link encode}'s
   * result: a header, then `entriesPerChunk` entries per chunk, then the checksum. Iterating it a
   * chunk at a time lets a checkpoint encode a large snapshot between records instead of stalling
   * them for the whole O(n) (the snapshot is immutable, so the pauses are safe). O(n) in total,
   * O(entriesPerChunk) per step.
   *
   * @param entriesPerChunk - entries per chunk (default 65,536)
   *
   * @example
   * ```ts
   * for (const chunk of snap.encodeChunks(50_000)) {
   *   await file.write(chunk);
   *   await new Promise((resolve) => setImmediate(resolve)); // let records through
   * }
   * ```
   */
  *encodeChunks(entriesPerChunk = 65_536): Generator<Uint8Array, void, undefined> {
    if (!Number.isSafeInteger(entriesPerChunk) || entriesPerChunk < 1) {
      throw new StateError('SERIALIZATION', `StateSnapshot.encodeChunks: entriesPerChunk must be a positive integer, got ${describeValue(entriesPerChunk)}`);
    }
    const count = this.#len;
    if (count > 0xffffffff) {
      throw new StateError('SERIALIZATION', `StateSnapshot.encodeChunks: ${count} entries exceed the format's limit`);
    }
    if (this.#tree === undefined) {
      yield* this.#encodeSourceChunks(entriesPerChunk);
      return;
    }
    const header = headerBytes(count);
    let crc = crc32(header);
    yield header;
    const strs: string[] = [];
    const values: Uint8Array[] = [];
    const it = this.#tree.entries();
    for (let done = false; !done; ) {
      strs.length = 0;
      values.length = 0;
      let bytes = 0;
      while (strs.length < entriesPerChunk) {
        const next = it.next();
        if (next.done === true) {
          done = true;
          break;
        }
        const [str, cell] = next.value;
        strs.push(str);
        values.push(cell.v);
        bytes += lengthBytes(str.length) + str.length + lengthBytes(cell.v.length) + cell.v.length;
      }
      if (strs.length === 0) break;
      const out = new Uint8Array(bytes);
      let pos = 0;
      for (let i = 0; i < strs.length; i++) {
        pos = writeLatin1Chunk(out, pos, strs[i]!);
        pos = writeChunk(out, pos, values[i]!);
      }
      crc = crc32(out, crc);
      yield out;
    }
    const trailer = new Uint8Array(TRAILER_BYTES);
    new DataView(trailer.buffer).setUint32(0, crc >>> 0);
    yield trailer;
  }

  /**
   * Decodes bytes written by {@link encode}. Throws `StateError` `CORRUPTION` for anything else:
   * a foreign format, an unknown version, a checksum mismatch, truncation, keys out of order.
   * The input is copied; O(n log n) worst case, O(n) for well-formed (sorted) input in practice.
   */
  static decode(bytes: Uint8Array): StateSnapshot {
    return decodeSnapshot(bytes, undefined);
  }

  /** A lazily-backed snapshot's entries, refused once released. */
  #sourceEntries(where: string): Iterator<Entry> {
    if (this.#released) {
      throw new StateError('IO', `${where}: this snapshot was released (StateSnapshot.release), its entries can no longer be read`);
    }
    return this.#source!.entries();
  }

  /** {@link encode} for a lazily-backed snapshot: one pass over the source, checked as it goes. */
  #encodeSource(): Uint8Array {
    const count = this.#len;
    if (count > 0xffffffff) {
      throw new StateError('SERIALIZATION', `StateSnapshot.encode: ${count} entries exceed the format's limit`);
    }
    const out = new Uint8Array(HEADER_BYTES + count * 10 + this.#sizeBytes + TRAILER_BYTES);
    out.set(headerBytes(count), 0);
    const check = new SourceCheck('StateSnapshot.encode', 'SERIALIZATION', count, this.#sizeBytes);
    const it = this.#sourceEntries('StateSnapshot.encode');
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
    new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(pos, crc32(out.subarray(0, pos)) >>> 0);
    pos += TRAILER_BYTES;
    return out.length - pos > 4096 ? out.slice(0, pos) : out.subarray(0, pos);
  }

  /** {@link encodeChunks} for a lazily-backed snapshot. */
  *#encodeSourceChunks(entriesPerChunk: number): Generator<Uint8Array, void, undefined> {
    const count = this.#len;
    const it = this.#sourceEntries('StateSnapshot.encodeChunks');
    const check = new SourceCheck('StateSnapshot.encodeChunks', 'SERIALIZATION', count, this.#sizeBytes);
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
        const out = new Uint8Array(bytes);
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
    const trailer = new Uint8Array(TRAILER_BYTES);
    new DataView(trailer.buffer).setUint32(0, crc >>> 0);
    yield trailer;
  }

  /**
   * The tree of a lazily-backed snapshot's entries (for `InMemoryStore.restore`): built from the
   * source, checked, O(n log n). The cells share the source's arrays.
   */
  #treeFromSource(): BTree<string, Cell> {
    const where = 'StateSnapshot (restoring a snapshot from StateSnapshot.fromSource)';
    const it = this.#sourceEntries(where);
    const check = new SourceCheck(where, 'CORRUPTION', this.#len, this.#sizeBytes);
    const tree = newCellTree();
    try {
      for (let next = it.next(); next.done !== true; next = it.next()) {
        const [key, value] = next.value;
        check.entry(key, value);
        tree.set(bytesToLatin1(key), new Cell(key, value, FROZEN_EPOCH));
      }
    } finally {
      it.return?.();
    }
    check.end();
    tree.freeze();
    return tree;
  }
}

/**
 * Checks, entry by entry, that a {@link SnapshotSource} keeps its promises: byte arrays, keys
 * strictly increasing, as many entries and bytes as it announced.
 */
class SourceCheck {
  private previous: Uint8Array | undefined;
  private count = 0;
  private bytes = 0;

  constructor(
    private readonly where: string,
    private readonly code: 'SERIALIZATION' | 'CORRUPTION',
    private readonly len: number,
    private readonly sizeBytes: number,
  ) {}

  entry(key: unknown, value: unknown): void {
    if (!(key instanceof Uint8Array) || !(value instanceof Uint8Array)) {
      throw new StateError(this.code, `${this.where}: the snapshot's source yielded ${describeValue(key)} => ${describeValue(value)} as entry ${this.count}, not two Uint8Arrays`);
    }
    if (this.previous !== undefined && compareBytes(this.previous, key) >= 0) {
      throw new StateError(this.code, `${this.where}: the snapshot's source yielded entry ${this.count} out of key order`);
    }
    this.previous = key;
    this.bytes += key.length + value.length;
    if (++this.count > this.len || this.bytes > this.sizeBytes) this.fail();
  }

  end(): void {
    if (this.count !== this.len || this.bytes !== this.sizeBytes) this.fail();
  }

  private fail(): never {
    throw new StateError(
      this.code,
      `${this.where}: the snapshot's source announced ${this.len} entries of ${this.sizeBytes} bytes, but its entries do not add up to that (${this.count} entries of ${this.bytes} bytes read)`,
    );
  }
}

function headerBytes(count: number): Uint8Array {
  const header = new Uint8Array(HEADER_BYTES);
  header.set(MAGIC, 0);
  const view = new DataView(header.buffer);
  view.setUint16(8, FORMAT_VERSION);
  view.setUint16(10, 0);
  view.setUint32(12, count);
  return header;
}

/** Internal: what {@link decodeSnapshot} also gathers for a store restoring the bytes. */
export interface DecodedEntries {
  readonly strs: string[];
  readonly cells: Cell[];
  readonly hashes: Int32Array;
}

/**
 * Internal: decodes snapshot bytes (see {@link StateSnapshot.decode}); with `collect`, also fills
 * each entry's tree key, cell and hash by position, so `InMemoryStore.restore(bytes)` can build
 * its hash index without walking the tree again.
 */
export function decodeSnapshot(bytes: Uint8Array, collect: ((count: number) => DecodedEntries) | undefined): StateSnapshot {
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
  return makeSnapshot(tree, size);
}

/** Internal: the shared tree behind a snapshot (for O(1) restore into an InMemoryStore). */
export function snapshotTree(snapshot: StateSnapshot): BTree<string, Cell> {
  return treeOf(snapshot);
}

/** Internal: wraps a (cloned, frozen) tree as a snapshot. */
export function snapshotOfTree(tree: BTree<string, Cell>, sizeBytes: number): StateSnapshot {
  return makeSnapshot(tree, sizeBytes);
}

/**
 * Internal: the snapshot a `restore` argument denotes. Bytes are decoded; anything that is neither
 * bytes nor a snapshot is a foreign object and throws `CORRUPTION`.
 */
export function toSnapshot(input: unknown, where: string): StateSnapshot {
  if (input instanceof StateSnapshot) return input;
  if (input instanceof Uint8Array) return StateSnapshot.decode(input);
  throw new StateError('CORRUPTION', `${where}: expected a StateSnapshot or its encoded bytes, got ${describeValue(input)}`);
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

function lengthBytes(n: number): number {
  let bytes = 1;
  while (n >= 0x80) {
    n >>>= 7;
    bytes++;
  }
  return bytes;
}

function writeLength(out: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[pos++] = n;
  return pos;
}

function writeChunk(out: Uint8Array, pos: number, bytes: Uint8Array): number {
  pos = writeLength(out, pos, bytes.length);
  out.set(bytes, pos);
  return pos + bytes.length;
}

function writeLatin1Chunk(out: Uint8Array, pos: number, str: string): number {
  const n = str.length;
  pos = writeLength(out, pos, n);
  for (let i = 0; i < n; i++) out[pos + i] = str.charCodeAt(i);
  return pos + n;
}

// LEB128 of at most 5 bytes (values < 2^32); -1 when malformed or truncated.
function readVarint(data: Uint8Array, pos: number, end: number): number {
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

function varintEnd(data: Uint8Array, pos: number): number {
  while ((data[pos]! & 0x80) !== 0) pos++;
  return pos + 1;
}
