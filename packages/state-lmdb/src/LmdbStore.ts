import { InMemoryStore, StateError, StateSnapshot, assertBytes, compareBytes, describeValue, prefixSuccessor, type Entry, type StateStore } from '@weir/state';
import { EntryCounts } from './EntryCounts';
import { LmdbDatabase } from './LmdbDatabase';
import { MAX_KEY_BYTES, checkKeySize } from './lmdbKeys';
import { type LmdbStoreOptions, type ResolvedOptions, resolveOptions } from './LmdbStoreOptions';
import { mergeScan, type Resource } from './mergeScan';
import { PRESENT, TOMBSTONE, TOMBSTONE_TAG, UNCOUNTED, tagged, untagged } from './pendingWrites';
import { toStateError } from './storeErrors';

const NO_ENTRIES: readonly Entry[] = [];

/**
 * A persistent, larger-than-memory {@link StateStore} on LMDB (through the `lmdb` package): the
 * entries live in a memory-mapped B+ tree on disk, so the state can outgrow the heap (the
 * operating system keeps the hot pages in memory), and a snapshot is an LMDB read transaction,
 * O(1), never a copy.
 *
 * Writes are batched: `put` and `delete` go to an in-memory table of pending writes (which
 * `get` and the scans read first, so a `get` always sees the latest `put`) and are committed
 * to LMDB in one transaction, in key order, every `writeBatch` distinct keys (default 16,384),
 * at {@link snapshot} and at {@link flush}. One transaction per write costs tens of
 * microseconds here; one per batch a few per write (docs/performance.md has the figures).
 *
 * Costs (n entries, k results, p pending writes <= `writeBatch`): `get` / `contains` O(1) when
 * pending, else O(log n) (a B+ tree lookup, a page fault when the page is not in memory);
 * `put` O(1) expected (a blind write: LMDB is not read), `delete` O(log n) (it reads whether the
 * key is there), plus every `writeBatch` keys a commit of O(p log n); `prefixScan` /
 * `rangeScan` O(log n + k); `snapshot` O(p log n) to commit what is pending, then O(1);
 * `restore` O(n) (one transaction); `clear` O(pages); `len` / `sizeBytes` / `isEmpty` O(1)
 * amortised (the keys put since the last commit are looked up once, when first asked).
 *
 * Scans are stable views: up to 128 results are collected when the scan is called; a longer
 * scan continues over the LMDB read transaction it started with and the pending writes as they
 * were, released when the iteration ends or is stopped. Snapshots hold their read transaction
 * until {@link StateSnapshot.release} (the checkpoint coordinator calls it once the checkpoint is
 * persisted; garbage collection is the fallback). While a snapshot is held, LMDB cannot reuse
 * the pages of entries overwritten after it, so the file grows by what is written meanwhile.
 *
 * Keys may be at most {@link LmdbStore.MAX_KEY_BYTES} (1,977) bytes: LMDB's limit, less one byte
 * this store prepends so that the empty key can be stored. A longer key is refused with
 * `StateError` `NOT_SUPPORTED`. Values may be up to LMDB's 4 GiB.
 *
 * The directory is created if missing; a missing or read-only directory that cannot be created
 * or written fails with `StateError` `IO` naming the path. One store owns a directory at a time
 * (a lock file holding its pid): opening a directory another live process (or another store in
 * this process) has open fails with `IO`; a lock left by a killed process is taken over. By
 * default the store starts empty, discarding a database it finds (see {@link LmdbExisting}).
 * A store that cannot commit because it is full (see {@link LmdbStoreOptions.mapSize}) throws
 * `CAPACITY_EXCEEDED` from the call that needed the commit and keeps its entries: it still reads
 * them, deletes always succeed, and writes succeed again once there is room.
 *
 * @example
 * ```ts
 * const store = new LmdbStore({ path: '/tmp/weir/views' });
 * store.put(encodeTuple(['page', 'home']), Uint8Array.of(1));
 * store.get(encodeTuple(['page', 'home'])); // Uint8Array [1]
 * const snap = store.snapshot();            // O(1): a read transaction
 * const bytes = snap.encode();              // streams the entries from LMDB
 * snap.release();                           // lets the read transaction go
 * await store.close();
 * ```
 */
export class LmdbStore implements StateStore {
  /** The longest key this store takes, in bytes. */
  static readonly MAX_KEY_BYTES = MAX_KEY_BYTES;

  /** The database directory (absolute). */
  readonly path: string;
  readonly #o: ResolvedOptions;
  readonly #where: string;
  readonly #db: LmdbDatabase;
  /** Writes not yet committed: tagged values (see pendingWrites.ts), in key order. */
  #pending: InMemoryStore;
  /** Open scans and snapshots, closed before the environment is. */
  readonly #open = new Set<Resource>();
  /** Entries and bytes, with the pending writes. */
  readonly #counts: EntryCounts;
  /** How many pending writes make a delete commit them (more than `writeBatch` while full). */
  #deleteCommitAt: number;
  #closed = false;

  /**
   * Opens (creating if needed) the database in `options.path`. O(1), plus O(n) when reopening a
   * database whose entry count was not recorded.
   *
   * @throws `StateError` `INVALID_ARGUMENT` for a bad or unknown option; `StateError` `IO` when
   *   the directory cannot be created or written, or another store holds it
   */
  constructor(options: LmdbStoreOptions) {
    const o = resolveOptions(options);
    this.#o = o;
    this.#pending = this.#newPending();
    this.#deleteCommitAt = o.writeBatch;
    this.path = o.path;
    this.#where = `LmdbStore(${o.path})`;
    this.#db = new LmdbDatabase(o, this.#where);
    this.#counts = new EntryCounts((key) => this.#db.sizeOf(key));
    this.#counts.reset(this.#db.opened);
  }

  /**
   * The value stored under `key`, or `undefined`. The returned array (a copy out of the map, or
   * a view of a pending value) is never mutated by the store.
   *
   * @remarks O(1) for a key written since the last commit, else O(log n): an LMDB lookup, which
   * copies the value out of the map.
   */
  get(key: Uint8Array): Uint8Array | undefined {
    assertBytes(key, 'key', 'LmdbStore.get');
    this.#checkOpen('get');
    const pending = this.#pending.get(key);
    if (pending !== undefined) return pending[0] === TOMBSTONE_TAG ? undefined : untagged(pending);
    if (key.length > MAX_KEY_BYTES) return undefined;
    const value = this.#db.get(key);
    this.#counts.remember(key, value === undefined ? -1 : value.length);
    return value;
  }

  /** Whether `key` is present. O(1) for a key written since the last commit, else O(log n). */
  contains(key: Uint8Array): boolean {
    assertBytes(key, 'key', 'LmdbStore.contains');
    this.#checkOpen('contains');
    const pending = this.#pending.get(key);
    if (pending !== undefined) return pending[0] !== TOMBSTONE_TAG;
    return this.#counts.committedSize(key) >= 0;
  }

  /**
   * Stores a copy of `value` under a copy of `key`, replacing any previous value.
   *
   * @remarks O(1) expected: a blind write into the pending writes, LMDB is not read (the entry
   * count and byte size catch up when asked for, or at the commit). Every `writeBatch` keys the
   * pending writes are committed first, O(p log n), and a full store throws
   * `CAPACITY_EXCEEDED` (this put not applied). A key longer than {@link LmdbStore.MAX_KEY_BYTES}
   * throws `NOT_SUPPORTED`.
   */
  put(key: Uint8Array, value: Uint8Array): void {
    assertBytes(key, 'key', 'LmdbStore.put');
    assertBytes(value, 'value', 'LmdbStore.put');
    this.#checkOpen('put');
    checkKeySize(key, 'LmdbStore.put');
    if (this.#pending.len() >= this.#o.writeBatch) this.#commit('LmdbStore.put', false);
    const pending = this.#pending.get(key);
    if (pending === undefined) {
      if (this.#counts.isRemembered(key)) {
        this.#counts.change(key, this.#counts.rememberedSize, value.length);
        this.#pending.put(key, tagged(value, PRESENT));
      } else {
        this.#counts.uncounted++;
        this.#pending.put(key, tagged(value, UNCOUNTED));
      }
    } else if (pending[0] === UNCOUNTED) {
      this.#pending.put(key, tagged(value, UNCOUNTED));
    } else {
      this.#counts.change(key, pending[0] === PRESENT ? pending.length - 1 : -1, value.length);
      this.#pending.put(key, tagged(value, PRESENT));
    }
  }

  /**
   * Removes `key`; returns whether an entry was removed.
   *
   * @remarks O(log n). Never fails for lack of room: when the store is full, the delete is kept
   * pending (and committed with the next commit that fits).
   */
  delete(key: Uint8Array): boolean {
    assertBytes(key, 'key', 'LmdbStore.delete');
    this.#checkOpen('delete');
    const pending = this.#pending.get(key);
    let old: number;
    if (pending === undefined) old = this.#counts.committedSize(key);
    else if (pending[0] === TOMBSTONE_TAG) old = -1;
    else {
      if (pending[0] === UNCOUNTED) this.#counts.settle(this.#pending, key, pending);
      old = pending.length - 1;
    }
    if (old < 0) return false;
    if (this.#pending.len() >= this.#deleteCommitAt) {
      try {
        this.#commit('LmdbStore.delete', false);
      } catch (err) {
        if (!(err instanceof StateError && err.code === 'CAPACITY_EXCEEDED')) throw err;
        // Full: keep the delete pending (it makes room) and retry only a batch later, so that
        // emptying a full store does not attempt a commit per delete.
        this.#deleteCommitAt = this.#pending.len() + this.#o.writeBatch;
      }
    }
    this.#pending.put(key, TOMBSTONE);
    this.#counts.change(key, old, -1);
    return true;
  }

  /**
   * The value under `key`; if absent, stores a copy of `defaultValue` first and returns it. The
   * costs of {@link get}, then of {@link put}.
   */
  getOrInsert(key: Uint8Array, defaultValue: Uint8Array): Uint8Array {
    assertBytes(defaultValue, 'defaultValue', 'LmdbStore.getOrInsert');
    const found = this.get(key);
    if (found !== undefined) return found;
    this.put(key, defaultValue);
    return this.get(key)!;
  }

  /**
   * Every entry whose key starts with `prefix`, in key order; a stable view (see the class).
   * O(log n + k).
   */
  prefixScan(prefix: Uint8Array): IterableIterator<Entry> {
    assertBytes(prefix, 'prefix', 'LmdbStore.prefixScan');
    this.#checkOpen('prefixScan');
    if (prefix.length > MAX_KEY_BYTES) return NO_ENTRIES[Symbol.iterator]();
    return this.#scan(prefix, prefixSuccessor(prefix));
  }

  /**
   * Every entry with `start <= key < end` in key order; an omitted `end` scans to the last key,
   * an empty or inverted range yields nothing. A stable view (see the class). O(log n + k).
   */
  rangeScan(start: Uint8Array, end?: Uint8Array): IterableIterator<Entry> {
    assertBytes(start, 'start', 'LmdbStore.rangeScan');
    if (end !== undefined) assertBytes(end, 'end', 'LmdbStore.rangeScan');
    this.#checkOpen('rangeScan');
    if (end !== undefined && compareBytes(start, end) >= 0) return NO_ENTRIES[Symbol.iterator]();
    return this.#scan(start, end);
  }

  /**
   * Number of entries.
   *
   * @remarks O(1), amortised: after puts of keys not seen since the last commit, their committed
   * predecessors are looked up first (in key order, once per key).
   */
  len(): number {
    this.#counts.settleAll(this.#pending);
    return this.#counts.entries;
  }

  /** `len() === 0`. O(1) amortised, as {@link len}. */
  isEmpty(): boolean {
    return this.len() === 0;
  }

  /** Bytes of keys plus values held (LMDB's page overhead excluded). O(1) amortised, as {@link len}. */
  sizeBytes(): number {
    this.#counts.settleAll(this.#pending);
    return this.#counts.bytes;
  }

  /**
   * A point-in-time view of every entry, isolated from later writes, for checkpoints.
   *
   * @remarks Commits the pending writes (O(p log n), at most `writeBatch` keys), then opens an LMDB
   * read transaction: O(1), whatever the state size. The snapshot reads the entries through it,
   * lazily, when encoded or restored; call {@link StateSnapshot.release} when done with it.
   * Throws `CAPACITY_EXCEEDED` if the pending writes do not fit.
   */
  snapshot(): StateSnapshot {
    this.#checkOpen('snapshot');
    this.#commit('LmdbStore.snapshot', false);
    const held = this.#db.snapshotView((view) => this.#open.delete(view));
    this.#open.add(held);
    const snapshot = StateSnapshot.fromSource({
      len: this.#counts.entries,
      sizeBytes: this.#counts.bytes,
      entries: () => held.entries(),
      release: () => held.release(),
    });
    held.watch(snapshot);
    return snapshot;
  }

  /**
   * Replaces all state with a snapshot's (taken from any store, or decoded from bytes). A corrupt
   * or foreign snapshot throws `StateError` `CORRUPTION` and leaves the store unchanged.
   *
   * @remarks O(n), in one LMDB transaction: the database is emptied and refilled in key order,
   * then committed, so a snapshot that fails (corrupt, released, holding a key longer than
   * {@link LmdbStore.MAX_KEY_BYTES}, or too large for `mapSize`) leaves the store as it was.
   * Restoring bytes decodes them first (`StateSnapshot.decode`, O(n) memory).
   */
  restore(snapshot: StateSnapshot | Uint8Array): void {
    const where = 'LmdbStore.restore';
    let snap: StateSnapshot;
    if (snapshot instanceof StateSnapshot) snap = snapshot;
    else if (snapshot instanceof Uint8Array) snap = StateSnapshot.decode(snapshot);
    else throw new StateError('CORRUPTION', `${where}: expected a StateSnapshot or its encoded bytes, got ${describeValue(snapshot)}`);
    this.#checkOpen('restore');
    this.#counts.reset(this.#db.restore(snap, where));
    this.#pending = this.#newPending();
    this.#deleteCommitAt = this.#o.writeBatch;
  }

  /**
   * Removes every entry.
   *
   * @remarks O(pages of the database), in one transaction.
   */
  clear(): void {
    this.#checkOpen('clear');
    this.#db.clear();
    this.#counts.reset({ entries: 0, bytes: 0 });
    this.#pending = this.#newPending();
    this.#deleteCommitAt = this.#o.writeBatch;
  }

  /**
   * Commits the pending writes; with `sync: 'fsync'`, returns once everything committed is on
   * disk. O(p log n). Throws `CAPACITY_EXCEEDED` when the writes do not fit (the store keeps
   * them pending and readable).
   */
  flush(): void {
    this.#checkOpen('flush');
    this.#commit('LmdbStore.flush', this.#o.sync === 'fsync');
  }

  /**
   * Commits the pending writes (durably, with `sync: 'fsync'`), releases the snapshots and scans
   * still open (reading them afterwards throws `StateError` `IO`), closes the database and
   * releases the directory once the database is closed: await it before opening the directory
   * again. Idempotent. If the final commit fails, the store is closed anyway and the error is
   * thrown: the database holds the state of the last successful commit.
   *
   * @example
   * ```ts
   * const store = new LmdbStore({ path: 'state/views', existing: 'reopen' });
   * try {
   *   store.put(Uint8Array.of(1), Uint8Array.of(2));
   * } finally {
   *   await store.close();
   * }
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    let failure: unknown;
    try {
      this.#commit('LmdbStore.close', this.#o.sync === 'fsync');
    } catch (err) {
      failure = err;
    }
    for (const resource of [...this.#open]) resource.close();
    this.#closed = true;
    try {
      await this.#db.close();
    } catch (err) {
      failure ??= err;
    }
    if (failure !== undefined) throw failure;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  #scan(start: Uint8Array, end: Uint8Array | undefined): IterableIterator<Entry> {
    const pending = this.#pending.isEmpty() ? undefined : this.#pending.rangeScan(start, end);
    try {
      return mergeScan(
        this.#db.range(start, end),
        pending,
        (scan) => {
          this.#open.add(scan);
          return () => this.#open.delete(scan);
        },
        () => this.#checkOpen('a scan'),
      );
    } catch (err) {
      throw toStateError(`${this.#where}: scan failed`, err);
    }
  }

  /** An empty table of pending writes, sized for a full batch (no rehashing while it fills). */
  #newPending(): InMemoryStore {
    return InMemoryStore.withCapacity(Math.min(this.#o.writeBatch, 1 << 20));
  }

  /**
   * Commits the pending writes in one transaction, in key order. On failure (a full store, an I/O
   * error) nothing is committed and the writes stay pending.
   */
  #commit(where: string, durable: boolean): void {
    const pending = this.#pending;
    if (pending.isEmpty() && !durable) return;
    this.#counts.reset(this.#db.commit(pending, this.#counts, durable, where));
    this.#deleteCommitAt = this.#o.writeBatch;
    if (!pending.isEmpty()) this.#pending = this.#newPending();
  }

  #checkOpen(what: string): void {
    if (this.#closed) throw new StateError('IO', `${this.#where}: ${what} after the store was closed`);
  }
}
