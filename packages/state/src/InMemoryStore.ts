import type { Entry } from './Entry';
import type { StateStore } from './StateStore';
import { EntryPages, type PageTable, valueOf } from './EntryPages';
import { HashIndex, hashBytes, hashRange } from './HashIndex';
import { KeyTree } from './KeyTree';
import type { StoreView } from './StoreView';
import { TreeCursor } from './TreeCursor';
import { StateSnapshot, decodeForRestore, snapshotOfView, snapshotView, toSnapshot } from './StateSnapshot';
import { assertBytes, compareBytes } from './bytes';
import { compareAt } from './KeyTree';
import { describeValue } from './describeValue';
import { prefixSuccessor } from './prefixSuccessor';
import { StateError } from './StateError';

const NO_ENTRIES: readonly Entry[] = [];
/** Scans of up to this many entries are collected eagerly; longer ones read a frozen view. */
const EAGER_SCAN = 128;

/**
 * The in-memory {@link StateStore}: keys and values in shared byte buffers, with next to no
 * JavaScript objects per entry (so memory stays close to the bytes stored and garbage collection
 * has little to trace), an ordered copy-on-write B+ tree for scans and snapshots, and a hash
 * index for point operations.
 *
 * - Entry records: each entry has an id; ids come in pages of 512, each page one buffer holding
 *   the offsets and lengths of its ids and then their keys and values side by side.
 * - Order: a B+ tree whose leaves hold up to 128 keys, their bytes, ids and offsets in one
 *   buffer; a branch's separators are packed the same way.
 * - Lookups: an open-addressing table of [hash, id] pairs in one Int32Array.
 * About 80 bytes of bookkeeping per entry beyond its key and value bytes (81-82 measured at 1M
 * entries of 20-byte keys and 24-byte values: `npm run bench:memory -w @weir/state`), and about
 * one buffer per 75 entries for the garbage collector to trace and sweep.
 *
 * Costs (n entries, k results): `get` / `contains` O(1) expected (`get` copies the value out);
 * `put` of a new key O(log n); `put` over an existing key O(1) expected (in place when the new
 * value fits and no snapshot shares its page, else the page is copied first: once per page and
 * snapshot); `delete` O(log n); `prefixScan` / `rangeScan` O(log n + k); `snapshot` O(1) for the
 * tree plus a copy of the page table (one pointer per 512 entries); `restore` O(n) (a snapshot's
 * tree and pages are shared, the hash index rebuilt; bytes are decoded into a bulk-built tree);
 * `len` / `sizeBytes` O(1).
 *
 * Arrays returned by `get` and scans are copies the store never touches again. Scans are stable
 * views: up to 128 results are collected when the scan is called; a longer scan continues over a
 * frozen view taken at the same moment. Either way the store may be modified freely while a scan
 * is being iterated.
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
  private tree = new KeyTree();
  private records = new EntryPages();
  private index: HashIndex;
  private bytes = 0;

  /** An empty store. */
  constructor() {
    this.index = new HashIndex();
  }

  /**
   * An empty store whose hash index is sized for `capacity` entries up front (no rehash while it
   * fills). The ordered tree and the pages need no pre-sizing.
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

  /**
   * Shrinks the hash index to fit the current entries and packs the pages that are mostly free
   * space, releasing memory after mass deletes. O(n).
   */
  shrinkToFit(): void {
    this.index.shrinkToFit();
    this.records.shrink();
  }

  /** {@inheritDoc StateStore.get} */
  get(key: Uint8Array): Uint8Array | undefined {
    assertBytes(key, 'key', 'InMemoryStore.get');
    const pages = this.records.pages;
    const index = this.index;
    const slot = index.find(key, hashBytes(key), pages);
    return slot < 0 ? undefined : valueOf(pages, index.idAt(slot));
  }

  /** {@inheritDoc StateStore.contains} */
  contains(key: Uint8Array): boolean {
    assertBytes(key, 'key', 'InMemoryStore.contains');
    return this.index.find(key, hashBytes(key), this.records.pages) >= 0;
  }

  /** {@inheritDoc StateStore.put} */
  put(key: Uint8Array, value: Uint8Array): void {
    assertBytes(key, 'key', 'InMemoryStore.put');
    assertBytes(value, 'value', 'InMemoryStore.put');
    const index = this.index;
    const h = hashBytes(key);
    const slot = index.find(key, h, this.records.pages);
    if (slot >= 0) {
      this.bytes += value.length - this.records.set(index.idAt(slot), value);
      return;
    }
    const id = this.records.add(key, value);
    index.insert(id, h);
    this.tree.insert(key, id);
    this.bytes += key.length + value.length;
  }

  /** {@inheritDoc StateStore.delete} */
  delete(key: Uint8Array): boolean {
    assertBytes(key, 'key', 'InMemoryStore.delete');
    const index = this.index;
    const slot = index.find(key, hashBytes(key), this.records.pages);
    if (slot < 0) return false;
    const id = index.idAt(slot);
    this.tree.remove(key);
    index.removeSlot(slot);
    this.bytes -= this.records.remove(id);
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
    return this.scan(prefix, prefixSuccessor(prefix));
  }

  /** {@inheritDoc StateStore.rangeScan} */
  rangeScan(start: Uint8Array, end?: Uint8Array): IterableIterator<Entry> {
    assertBytes(start, 'start', 'InMemoryStore.rangeScan');
    if (end !== undefined) assertBytes(end, 'end', 'InMemoryStore.rangeScan');
    return this.scan(start, end);
  }

  private scan(lo: Uint8Array, hi: Uint8Array | undefined): IterableIterator<Entry> {
    if (hi !== undefined && compareBytes(lo, hi) >= 0) return NO_ENTRIES[Symbol.iterator]();
    const cursor = new TreeCursor(this.tree.root, lo);
    const pages = this.records.pages;
    const found: Entry[] = [];
    while (cursor.leaf !== undefined && found.length < EAGER_SCAN) {
      if (hi !== undefined && compareAt(hi, cursor.leaf.kb, cursor.keyStart(), cursor.keyEnd()) <= 0) break;
      found.push([cursor.leaf.key(cursor.i), valueOf(pages, cursor.id())]);
      cursor.next();
    }
    if (found.length < EAGER_SCAN || cursor.leaf === undefined) return found[Symbol.iterator]();
    // A long scan continues over the same root, frozen now, and a frozen page table.
    this.tree.share();
    return continueScan(found, cursor, this.records.share(), hi);
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
   * @remarks O(1) for the tree (shared, copy on write) plus a copy of the page table (one
   * pointer per 512 entries); the pages themselves are shared and copied on their next write.
   */
  snapshot(): StateSnapshot {
    const root = this.tree.share();
    return snapshotOfView({ root, pages: this.records.share(), len: this.tree.size, sizeBytes: this.bytes });
  }

  /**
   * {@inheritDoc StateStore.restore}
   *
   * @remarks O(n): a snapshot's tree and pages are shared (copied on write) and the hash index
   * rebuilt from them; bytes are decoded straight into pages and a bulk-built tree.
   */
  restore(snapshot: StateSnapshot | Uint8Array): void {
    if (snapshot instanceof Uint8Array) {
      const { view, hashes } = decodeForRestore(snapshot);
      this.adopt(view, undefined, hashes!);
      return;
    }
    const view = snapshotView(toSnapshot(snapshot, 'InMemoryStore.restore'));
    const n = view.len;
    const ids = new Int32Array(n);
    const hashes = new Int32Array(n);
    let j = 0;
    for (const cursor = new TreeCursor(view.root); cursor.leaf !== undefined; cursor.next()) {
      ids[j] = cursor.id();
      hashes[j++] = hashRange(cursor.leaf.kb, cursor.keyStart(), cursor.keyEnd());
    }
    this.adopt(view, ids, hashes);
  }

  private adopt(view: StoreView, ids: Int32Array | undefined, hashes: Int32Array): void {
    const index = HashIndex.build(view.len, ids, hashes);
    this.tree = new KeyTree(view.root, view.len);
    this.records = new EntryPages(view.pages.slice());
    this.index = index;
    this.bytes = view.sizeBytes;
  }

  /** {@inheritDoc StateStore.clear} */
  clear(): void {
    this.tree = new KeyTree();
    this.records = new EntryPages();
    this.index = new HashIndex();
    this.bytes = 0;
  }

  /** A no-op: nothing in memory needs flushing. */
  flush(): void {}
}

function* continueScan(
  first: Entry[],
  cursor: TreeCursor,
  pages: PageTable,
  hi: Uint8Array | undefined,
): IterableIterator<Entry> {
  yield* first;
  for (; cursor.leaf !== undefined; cursor.next()) {
    const leaf = cursor.leaf;
    if (hi !== undefined && compareAt(hi, leaf.kb, cursor.keyStart(), cursor.keyEnd()) <= 0) return;
    yield [leaf.key(cursor.i), valueOf(pages, cursor.id())];
  }
}
