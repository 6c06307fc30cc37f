import type BTree from 'sorted-btree';
import type { Entry } from './Entry';
import type { StateStore } from './StateStore';
import { HashIndex, hashBytes, hashLatin1 } from './HashIndex';
import { Cell, cellKey, nextEpoch } from './Cell';
import { StateSnapshot, decodeCollecting, snapshotOfTree, snapshotTree, toSnapshot } from './StateSnapshot';
import { newCellTree } from './cellTree';
import type { DecodedEntries } from './decodeSnapshot';
import { assertBytes, bytesToLatin1, copyBytes } from './bytes';
import { describeValue } from './describeValue';
import { StateError } from './StateError';

const NO_ENTRIES: readonly Entry[] = [];
/** Scans of up to this many entries are collected eagerly; longer ones read a tree clone. */
const EAGER_SCAN = 128;

/**
 * The in-memory {@link StateStore}: an ordered copy-on-write B+ tree (`sorted-btree`) for scans
 * and snapshots, with a hash index beside it for point operations.
 *
 * Keys live in the tree as latin1 strings (one code unit per byte), whose native comparison is
 * unsigned byte order; the hash index keeps each key's hash and first 20 bytes inline in a flat
 * table, so `get` does not build a string at all.
 *
 * Costs (n entries, k results): `get` / `contains` O(1) expected; `put` of a new key O(log n);
 * `put` over an existing key O(1) expected when no snapshot was taken since that key was last
 * written (the value is replaced in place), else O(log n) (copy-on-write, so snapshots stay
 * isolated); `delete` O(log n); `prefixScan` / `rangeScan` O(log n + k); `snapshot` O(1);
 * `restore` O(n) (the tree is shared, the hash index rebuilt); `len` / `sizeBytes` O(1).
 *
 * Scans are stable views: up to 128 results are collected when the scan is called; a longer scan
 * continues over an O(1) clone of the tree taken at the same moment. Either way the store may be
 * modified freely while a scan is being iterated.
 *
 * @example
 * ```ts
 * const store = new InMemoryStore();
 * store.put(encodeTuple(['page', 'home']), new Uint8Array([1]));
 * for (const [key, value] of store.prefixScan(encodeTuple(['page']))) {
 *   console.log(decodeTuple(key), value);
 * }
 * const snap = store.snapshot();    // O(1), isolated from later writes
 * store.clear();
 * store.restore(snap);              // back to one entry
 * ```
 */
export class InMemoryStore implements StateStore {
  private tree: BTree<string, Cell>;
  private index: HashIndex;
  private bytes = 0;
  /** Cells stamped with this epoch are seen by no snapshot and may be overwritten in place. */
  private epoch = nextEpoch();

  /** An empty store. */
  constructor() {
    this.tree = newCellTree();
    this.index = new HashIndex();
  }

  /**
   * An empty store whose hash index is sized for `capacity` entries up front (no rehash while it
   * fills). The ordered tree needs no pre-sizing.
   */
  static withCapacity(capacity: number): InMemoryStore {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new StateError('INVALID_ARGUMENT', `InMemoryStore.withCapacity: capacity must be a non-negative integer, got ${describeValue(capacity)}`);
    }
    const store = new InMemoryStore();
    store.index = new HashIndex(capacity);
    return store;
  }

  /** Entries the store holds before its hash index grows (always >= `len()`). O(1). */
  capacity(): number {
    return this.index.capacity();
  }

  /** Shrinks the hash index to fit the current entries, releasing memory after mass deletes. O(n). */
  shrinkToFit(): void {
    this.index.shrinkToFit();
  }

  /** {@inheritDoc StateStore.get} */
  get(key: Uint8Array): Uint8Array | undefined {
    assertBytes(key, 'key', 'InMemoryStore.get');
    const index = this.index;
    const slot = index.find(key, hashBytes(key));
    if (slot < 0) return undefined;
    const id = index.idAt(slot);
    const v = index.values[id];
    return v !== undefined ? v : (index.values[id] = index.cells[id]!.v);
  }

  /** {@inheritDoc StateStore.contains} */
  contains(key: Uint8Array): boolean {
    assertBytes(key, 'key', 'InMemoryStore.contains');
    return this.index.find(key, hashBytes(key)) >= 0;
  }

  /** {@inheritDoc StateStore.put} */
  put(key: Uint8Array, value: Uint8Array): void {
    assertBytes(key, 'key', 'InMemoryStore.put');
    assertBytes(value, 'value', 'InMemoryStore.put');
    const index = this.index;
    const h = hashBytes(key);
    const slot = index.find(key, h);
    const v = copyBytes(value);
    if (slot >= 0) {
      const id = index.idAt(slot);
      this.bytes += v.length - index.cells[id]!.size;
      index.values[id] = v;
      const cell = index.cells[id]!;
      if (cell.e === this.epoch) {
        cell.v = v;
      } else {
        const fresh = new Cell(cell.k, v, this.epoch);
        index.cells[id] = fresh;
        this.tree.set(index.strs[id]!, fresh);
      }
    } else {
      const str = bytesToLatin1(key);
      const cell = new Cell(undefined, v, this.epoch);
      index.insert(str, v, cell, h);
      this.tree.set(str, cell);
      this.bytes += key.length + v.length;
    }
  }

  /** {@inheritDoc StateStore.delete} */
  delete(key: Uint8Array): boolean {
    assertBytes(key, 'key', 'InMemoryStore.delete');
    const index = this.index;
    const slot = index.find(key, hashBytes(key));
    if (slot < 0) return false;
    const id = index.idAt(slot);
    const str = index.strs[id]!;
    this.bytes -= str.length + index.cells[id]!.size;
    this.tree.delete(str);
    index.removeSlot(slot);
    return true;
  }

  /** {@inheritDoc StateStore.getOrInsert} */
  getOrInsert(key: Uint8Array, defaultValue: Uint8Array): Uint8Array {
    assertBytes(defaultValue, 'defaultValue', 'InMemoryStore.getOrInsert');
    const existing = this.get(key);
    if (existing !== undefined) return existing;
    this.put(key, defaultValue);
    return this.get(key)!;
  }

  /** {@inheritDoc StateStore.prefixScan} */
  prefixScan(prefix: Uint8Array): IterableIterator<Entry> {
    assertBytes(prefix, 'prefix', 'InMemoryStore.prefixScan');
    const lo = bytesToLatin1(prefix);
    // The latin1 successor of a prefix: strip trailing 0xFF units, bump the last one.
    let end = lo.length;
    while (end > 0 && lo.charCodeAt(end - 1) === 0xff) end--;
    const hi = end === 0 ? undefined : lo.slice(0, end - 1) + String.fromCharCode(lo.charCodeAt(end - 1) + 1);
    return this.scan(lo, hi);
  }

  /** {@inheritDoc StateStore.rangeScan} */
  rangeScan(start: Uint8Array, end?: Uint8Array): IterableIterator<Entry> {
    assertBytes(start, 'start', 'InMemoryStore.rangeScan');
    if (end !== undefined) assertBytes(end, 'end', 'InMemoryStore.rangeScan');
    return this.scan(bytesToLatin1(start), end === undefined ? undefined : bytesToLatin1(end));
  }

  private scan(lo: string, hi: string | undefined): IterableIterator<Entry> {
    const tree = this.tree;
    const last = tree.maxKey();
    if (last === undefined || (hi !== undefined && lo >= hi) || lo > last) return NO_ENTRIES[Symbol.iterator]();
    const found: Entry[] = [];
    let resumeAfter: string | undefined;
    tree.forRange(lo, hi ?? last, hi === undefined, (str, cell) => {
      found.push([cellKey(str, cell), cell.v]);
      if (found.length === EAGER_SCAN) {
        resumeAfter = str;
        return { break: true };
      }
      return undefined;
    });
    if (resumeAfter === undefined) return found[Symbol.iterator]();
    // A long scan continues over a clone; cells it shares must no longer be written in place.
    this.epoch = nextEpoch();
    return continueScan(found, tree.clone(), resumeAfter, hi);
  }

  /** {@inheritDoc StateStore.len} */
  len(): number {
    return this.tree.size;
  }

  /** {@inheritDoc StateStore.isEmpty} */
  isEmpty(): boolean {
    return this.tree.size === 0;
  }

  /** {@inheritDoc StateStore.sizeBytes} */
  sizeBytes(): number {
    return this.bytes;
  }

  /**
   * {@inheritDoc StateStore.snapshot}
   *
   * @remarks O(1): shares the copy-on-write tree with the snapshot.
   */
  snapshot(): StateSnapshot {
    this.epoch = nextEpoch();
    const view = this.tree.clone();
    view.freeze();
    return snapshotOfTree(view, this.bytes);
  }

  /**
   * {@inheritDoc StateStore.restore}
   *
   * @remarks O(n): a snapshot's tree is shared (O(1)) and the hash index rebuilt from it; bytes
   * are decoded and the index built as they are, with each value's array made on first read.
   */
  restore(snapshot: StateSnapshot | Uint8Array): void {
    if (snapshot instanceof Uint8Array) {
      // From bytes: the decoder hands over each entry's key, cell and hash as it goes, so the
      // hash index is built without walking the new tree again.
      let got: DecodedEntries | undefined;
      const snap = decodeCollecting(snapshot, (count) => (got = { strs: new Array<string>(count), cells: new Array<Cell>(count), hashes: new Int32Array(count) }));
      const tree = snapshotTree(snap).clone();
      tree.unfreeze();
      this.index = HashIndex.build(got!.strs, got!.cells, got!.hashes);
      this.tree = tree;
      this.bytes = snap.sizeBytes();
      return;
    }
    const snap = toSnapshot(snapshot, 'InMemoryStore.restore');
    const tree = snapshotTree(snap).clone();
    tree.unfreeze();
    const n = tree.size;
    const strs: string[] = new Array<string>(n);
    const cells: Cell[] = new Array<Cell>(n);
    const hashes = new Int32Array(n);
    let i = 0;
    tree.forEachPair((str, cell) => {
      strs[i] = str;
      cells[i] = cell;
      hashes[i++] = hashLatin1(str);
    });
    const index = HashIndex.build(strs, cells, hashes);
    this.tree = tree;
    this.index = index;
    this.bytes = snap.sizeBytes();
  }

  /** {@inheritDoc StateStore.clear} */
  clear(): void {
    this.tree = newCellTree();
    this.index = new HashIndex();
    this.bytes = 0;
  }

  /** A no-op: nothing in memory needs flushing. */
  flush(): void {}
}

function* continueScan(
  first: Entry[],
  view: BTree<string, Cell>,
  after: string,
  hi: string | undefined,
): IterableIterator<Entry> {
  yield* first;
  const pair: [string, Cell] = ['', undefined as unknown as Cell];
  for (const [str, cell] of view.entries(after, pair)) {
    if (str === after) continue;
    if (hi !== undefined && str >= hi) return;
    yield [cellKey(str, cell), cell.v];
  }
}
