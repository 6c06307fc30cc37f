import type { Entry } from './Entry';
import { EntryPages, valueOf } from './EntryPages';
import { KeyTree } from './KeyTree';
import type { SnapshotSource } from './SnapshotSource';
import { SourceCheck } from './SourceCheck';
import { StateError } from './StateError';
import { type StoreView, ViewBuilder } from './StoreView';
import { TreeCursor } from './TreeCursor';
import { assertBytes, compareBytes } from './bytes';
import { type DecodedSnapshot, decodeSnapshot } from './decodeSnapshot';
import { describeValue } from './describeValue';
import { toHex } from './toHex';
import { checkOptionKeys } from './checkOptionKeys';
import { ENCODE_CHUNKS_KEYS, type EncodeChunksOptions } from './EncodeChunksOptions';
import { checkEntryCount, encodeEntries, encodeEntriesChunks, encodeView, encodeViewChunks, freshChunk, reusedChunk } from './encodeSnapshot';

let viewOfSnapshot: (snapshot: StateSnapshot) => StoreView;
let heldViewOf: (snapshot: StateSnapshot) => StoreView | undefined;
let makeSnapshot: (view: StoreView) => StateSnapshot;

/**
 * A point-in-time, immutable view of a store's entries: what a checkpoint persists.
 *
 * Snapshots are store-independent: one taken from any {@link StateStore} can be restored into any
 * other. {@link InMemoryStore.snapshot} takes one in O(1) by sharing the store's copy-on-write
 * tree and pages; later writes to the store copy the tree nodes and pages they touch and never
 * reach the snapshot.
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
  readonly #view: StoreView | undefined;
  readonly #source: SnapshotSource | undefined;
  readonly #len: number;
  readonly #sizeBytes: number;
  #released = false;
  /** For a lazily-backed snapshot made by withEntries: the snapshot it reads and every entry added to it. */
  #merged: { readonly base: StateSnapshot; readonly added: ReadonlyArray<Entry> } | undefined;

  static {
    viewOfSnapshot = (snapshot) => snapshot.#view ?? snapshot.#viewFromSource();
    heldViewOf = (snapshot) => snapshot.#view;
    makeSnapshot = (view) => new StateSnapshot(view, undefined, view.len, view.sizeBytes);
  }

  private constructor(view: StoreView | undefined, source: SnapshotSource | undefined, len: number, sizeBytes: number) {
    this.#view = view;
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
   * @throws StateError `INVALID_ARGUMENT` when `source` does not have that shape
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
    if (typeof source !== 'object' || source === null) throw new StateError('INVALID_ARGUMENT', `${where}: source must be an object, got ${describeValue(source)}`);
    const { len, sizeBytes, entries, release } = source;
    if (!Number.isSafeInteger(len) || len < 0) throw new StateError('INVALID_ARGUMENT', `${where}: source.len must be a non-negative integer, got ${describeValue(len)}`);
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) throw new StateError('INVALID_ARGUMENT', `${where}: source.sizeBytes must be a non-negative integer, got ${describeValue(sizeBytes)}`);
    if (typeof entries !== 'function') throw new StateError('INVALID_ARGUMENT', `${where}: source.entries must be a function, got ${describeValue(entries)}`);
    if (release !== undefined && typeof release !== 'function') throw new StateError('INVALID_ARGUMENT', `${where}: source.release must be a function when given, got ${describeValue(release)}`);
    return new StateSnapshot(undefined, source, len, sizeBytes);
  }

  /**
   * Builds a snapshot from entries in any order (a later duplicate key wins). Keys and values are
   * copied. For custom stores whose snapshot is not a shared tree. O(n log n).
   */
  static fromEntries(entries: Iterable<readonly [Uint8Array, Uint8Array]>): StateSnapshot {
    const pairs: [Uint8Array, Uint8Array][] = [];
    for (const pair of entries) {
      const [key, value] = pair;
      assertBytes(key, 'entry key', 'StateSnapshot.fromEntries');
      assertBytes(value, 'entry value', 'StateSnapshot.fromEntries');
      pairs.push([key, value]);
    }
    // a stable sort keeps equal keys in input order: the last of each run wins
    pairs.sort((x, y) => compareBytes(x[0], y[0]));
    const builder = new ViewBuilder(pairs.length, false);
    for (let i = 0; i < pairs.length; i++) {
      const [key, value] = pairs[i]!;
      const next = pairs[i + 1];
      if (next !== undefined && compareBytes(key, next[0]) === 0) continue;
      builder.add(key, 0, key.length, value, 0, value.length);
    }
    return makeSnapshot(builder.finish());
  }

  /**
   * A new snapshot holding this snapshot's entries and `entries` besides: the part of a snapshot an
   * operator produces after its barrier (docs/architecture.md §5.3, deferred entries). Keys and
   * values are copied; this snapshot is unchanged and stays valid.
   *
   * Cost, k entries added to n: O(k log n) plus a copy of the page table (one pointer per 512
   * entries) for a snapshot held in memory (its tree and pages are shared, copied on write, each
   * touched leaf once per call; entries in any order); O(k log k) for a lazily-backed one ({@link StateSnapshot.fromSource}), whose entries are merged as
   * they are read and whose {@link release} releases this snapshot's source (entries added by
   * successive calls join one merge over the first snapshot, however many calls there were).
   *
   * @param entries - entries whose keys this snapshot does not hold, each key once
   * @throws StateError `INVALID_ARGUMENT` for a key or value that is not a Uint8Array, or a key this
   *   snapshot holds or `entries` repeats (a lazily-backed snapshot finds a held key when read)
   *
   * @example
   * ```ts
   * const snap = store.snapshot();                              // at the barrier, O(1)
   * const full = snap.withEntries([[logKey, encodedLog]]);      // later, before it is persisted
   * ```
   */
  withEntries(entries: Iterable<Entry>): StateSnapshot {
    const where = 'StateSnapshot.withEntries';
    const view = this.#view;
    if (view !== undefined) {
      // inserted as they come (a leaf is copied once, at its first insert); new ids go to new
      // pages: the shared ones are neither scanned for free ids nor copied; pages.add copies
      const tree = new KeyTree(view.root, view.len);
      const pages = new EntryPages(view.pages.slice(), undefined, false);
      let bytes = view.sizeBytes;
      for (const pair of entries) {
        const [key, value] = pair;
        assertBytes(key, 'entry key', where);
        assertBytes(value, 'entry value', where);
        if (tree.find(key) >= 0) {
          const held = new KeyTree(view.root, view.len).find(key) >= 0;
          throw new StateError('INVALID_ARGUMENT', held ? `${where}: the snapshot already holds key ${toHex(key)}` : `${where}: key ${toHex(key)} is given twice`);
        }
        tree.insert(key, pages.add(key, value));
        bytes += key.length + value.length;
      }
      return makeSnapshot({ root: tree.share(), pages: pages.share(), len: tree.size, sizeBytes: bytes });
    }
    const added: Array<[Uint8Array, Uint8Array]> = [];
    let bytes = 0;
    for (const pair of entries) {
      const [key, value] = pair;
      assertBytes(key, 'entry key', where);
      assertBytes(value, 'entry value', where);
      added.push([key.slice(), value.slice()]);
      bytes += key.length + value.length;
    }
    added.sort((x, y) => compareBytes(x[0], y[0]));
    for (let i = 1; i < added.length; i++) {
      if (compareBytes(added[i - 1]![0], added[i]![0]) === 0) throw new StateError('INVALID_ARGUMENT', `${where}: key ${toHex(added[i]![0])} is given twice`);
    }
    // entries added to a lazily-backed snapshot that was itself made by withEntries join the
    // earlier ones (a merge of two sorted lists) over the same base: one merge when read, however
    // many calls made it
    const merged = this.#merged;
    const all = merged === undefined ? added : mergeSorted(merged.added, added, where);
    const base = merged?.base ?? this;
    const full = StateSnapshot.fromSource({
      len: this.#len + added.length,
      sizeBytes: this.#sizeBytes + bytes,
      entries: () => mergeEntries(base.#sourceEntries(where), all, where),
      release: () => base.release(),
    });
    full.#merged = { base, added: all };
    return full;
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
    const view = this.#view;
    if (view === undefined) {
      const it = this.#sourceEntries('StateSnapshot.entries');
      try {
        for (let next = it.next(); next.done !== true; next = it.next()) yield next.value;
      } finally {
        it.return?.(); // the caller stopped early: let the source close its cursor
      }
      return;
    }
    for (const cursor = new TreeCursor(view.root); cursor.leaf !== undefined; cursor.next()) {
      yield [cursor.leaf.key(cursor.i), valueOf(view.pages, cursor.id())];
    }
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
    if (this.#view === undefined) {
      const check = new SourceCheck('StateSnapshot.encode', 'SERIALIZATION', this.#len, this.#sizeBytes);
      return encodeEntries(this.#sourceEntries('StateSnapshot.encode'), check, this.#len, this.#sizeBytes);
    }
    return encodeView(this.#view);
  }

  /**
   * Encodes the snapshot as a sequence of byte chunks whose concatenation equals {@link encode}'s
   * result: a header, then `entriesPerChunk` entries per chunk, then the checksum. Iterating it a
   * chunk at a time lets a checkpoint encode a large snapshot between records instead of stalling
   * them for the whole O(n) (the snapshot is immutable, so the pauses are safe). O(n) in total,
   * O(entriesPerChunk) per step.
   *
   * @param entriesPerChunk - entries per chunk (default 65,536)
   * @param options - see {@link EncodeChunksOptions} (`reuseBuffer`: chunks share one buffer, each
   *   valid until the next step); an unknown key throws `StateError` `INVALID_ARGUMENT`
   *
   * @example
   * ```ts
   * for (const chunk of snap.encodeChunks(50_000)) {
   *   await file.write(chunk);
   *   await new Promise((resolve) => setImmediate(resolve)); // let records through
   * }
   * ```
   */
  *encodeChunks(entriesPerChunk = 65_536, options: EncodeChunksOptions = {}): Generator<Uint8Array, void, undefined> {
    const where = 'StateSnapshot.encodeChunks';
    if (!Number.isSafeInteger(entriesPerChunk) || entriesPerChunk < 1) {
      throw new StateError('INVALID_ARGUMENT', `${where}: entriesPerChunk must be a positive integer, got ${describeValue(entriesPerChunk)}`);
    }
    checkOptionKeys(where, options, ENCODE_CHUNKS_KEYS, (message) => new StateError('INVALID_ARGUMENT', message));
    const reuse = options.reuseBuffer ?? false;
    if (typeof reuse !== 'boolean') throw new StateError('INVALID_ARGUMENT', `${where}: option \`reuseBuffer\` must be a boolean, got ${describeValue(reuse)}`);
    checkEntryCount(this.#len, where);
    const chunk = reuse ? reusedChunk() : freshChunk;
    if (this.#view !== undefined) {
      yield* encodeViewChunks(this.#view, entriesPerChunk, chunk);
      return;
    }
    const it = this.#sourceEntries(where);
    const check = new SourceCheck(where, 'SERIALIZATION', this.#len, this.#sizeBytes);
    yield* encodeEntriesChunks(it, check, this.#len, entriesPerChunk, chunk);
  }

  /**
   * Decodes bytes written by {@link encode}. Throws `StateError` `CORRUPTION` for anything else:
   * a foreign format, an unknown version, a checksum mismatch, truncation, keys out of order.
   * The input is copied (into the snapshot's own pages) and not kept. O(n).
   */
  static decode(bytes: Uint8Array): StateSnapshot {
    return makeSnapshot(decodeSnapshot(bytes, false).view);
  }

  /** A lazily-backed snapshot's entries, refused once released. */
  #sourceEntries(where: string): Iterator<Entry> {
    if (this.#released) {
      throw new StateError('IO', `${where}: this snapshot was released (StateSnapshot.release), its entries can no longer be read`);
    }
    return this.#source!.entries();
  }

  /**
   * The view of a lazily-backed snapshot's entries (for `InMemoryStore.restore`): built from the
   * source in one pass, checked, O(n). Keys and values are copied into the view's pages.
   */
  #viewFromSource(): StoreView {
    const where = 'StateSnapshot (restoring a snapshot from StateSnapshot.fromSource)';
    const it = this.#sourceEntries(where);
    const check = new SourceCheck(where, 'CORRUPTION', this.#len, this.#sizeBytes);
    const builder = new ViewBuilder(this.#len, false);
    try {
      for (let next = it.next(); next.done !== true; next = it.next()) {
        const [key, value] = next.value;
        check.entry(key, value);
        builder.add(key, 0, key.length, value, 0, value.length);
      }
    } finally {
      it.return?.();
    }
    check.end();
    return builder.finish();
  }
}

/** Two lists of entries sorted by key, merged into one; a key in both throws. O(a + b). */
function mergeSorted(a: ReadonlyArray<Entry>, b: ReadonlyArray<Entry>, where: string): Entry[] {
  const out: Entry[] = new Array<Entry>(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const c = compareBytes(a[i]![0], b[j]![0]);
    if (c === 0) throw new StateError('INVALID_ARGUMENT', `${where}: key ${toHex(b[j]![0])} is given twice`);
    out[n++] = c < 0 ? a[i++]! : b[j++]!;
  }
  while (i < a.length) out[n++] = a[i++]!;
  while (j < b.length) out[n++] = b[j++]!;
  return out;
}

/** The entries of `base` and of `added` (sorted, copied) in key order; a key in both throws. */
function* mergeEntries(base: Iterator<Entry>, added: ReadonlyArray<Entry>, where: string): Generator<Entry, void, undefined> {
  let j = 0;
  try {
    for (let next = base.next(); next.done !== true; next = base.next()) {
      const key = next.value[0];
      for (; j < added.length; j++) {
        const c = compareBytes(added[j]![0], key);
        if (c > 0) break;
        if (c === 0) throw new StateError('INVALID_ARGUMENT', `${where}: the snapshot already holds key ${toHex(key)}`);
        yield added[j]!;
      }
      yield next.value;
    }
  } finally {
    base.return?.();
  }
  for (; j < added.length; j++) yield added[j]!;
}

/** Internal: decodes bytes for `InMemoryStore.restore(bytes)`, with each entry's key hash. */
export function decodeForRestore(bytes: Uint8Array): DecodedSnapshot {
  return decodeSnapshot(bytes, true);
}

/** Internal: the view behind a snapshot (for O(1) restore into an InMemoryStore). */
export function snapshotView(snapshot: StateSnapshot): StoreView {
  return viewOfSnapshot(snapshot);
}

/** Internal: the view a snapshot holds, `undefined` for a lazily-backed one (nothing is built). */
export function heldSnapshotView(snapshot: StateSnapshot): StoreView | undefined {
  return heldViewOf(snapshot);
}

/** Internal: wraps a frozen store view as a snapshot. */
export function snapshotOfView(view: StoreView): StateSnapshot {
  return makeSnapshot(view);
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
