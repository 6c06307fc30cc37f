// Internal: the committed side of an LmdbStore: the LMDB environment in its directory, with the
// data database (the entries) and the meta database (the format and the recorded entry count and
// byte size), and the transactions that change them.
import { mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { TransactionFlags, open, type Database, type RootDatabase } from 'lmdb';
import { StateError, type InMemoryStore, type StateSnapshot } from '@weir/state';
import { lockDirectory } from './directoryLock';
import { checkKeySize, keyEncoder, lmdbRange } from './lmdbKeys';
import type { ResolvedOptions } from './LmdbStoreOptions';
import type { LmdbEntry } from './mergeScan';
import { SnapshotView, type HeldTransaction } from './SnapshotView';
import { TOMBSTONE_TAG, UNCOUNTED, untagged } from './pendingWrites';
import { codeOf, toStateError } from './storeErrors';

const EMPTY = new Uint8Array(0);
const DATA_DB = 'weir-state';
const META_DB = 'weir-meta';
const STATS_KEY = 'stats';
const FORMAT_KEY = 'format';
const FORMAT = 1;
/** lmdb-js transaction flags: abortable, synchronous commit, flushed to disk before returning. */
const DURABLE_COMMIT = TransactionFlags.ABORTABLE | TransactionFlags.SYNCHRONOUS_COMMIT;
/** The same, but returning before the flush to disk (which LMDB then does asynchronously). */
const PROMPT_COMMIT = DURABLE_COMMIT | TransactionFlags.NO_SYNC_FLUSH;

/** What lmdb-js's `getStats()` reports of a database (the fields used here). */
interface DbStats {
  readonly pageSize: number;
  readonly treeBranchPageCount: number;
  readonly treeLeafPageCount: number;
  readonly overflowPages: number;
  readonly entryCount: number;
}

/** How many entries, and bytes of keys plus values, a store holds. */
export interface Counts {
  readonly entries: number;
  readonly bytes: number;
}

/**
 * The LMDB database of one store directory, locked for this store while open. Every failure of
 * LMDB or the file system comes out as a `StateError` (see `toStateError`) naming `where`.
 */
export class LmdbDatabase {
  readonly #root: RootDatabase;
  readonly #data: Database<Uint8Array, Uint8Array>;
  readonly #meta: Database<Uint8Array, string>;
  readonly #unlock: () => void;
  readonly #mapSize: number;
  readonly #where: string;
  /** What the database held when it was opened (recounted if it was not recorded). */
  readonly opened: Counts;

  /**
   * Creates the directory if needed, takes its lock, discards what it holds unless
   * `o.existing` is `'reopen'`, and opens the environment. Throws `IO` (nothing left open or
   * locked) when any of that fails, `CORRUPTION` for a database of another format.
   */
  constructor(o: ResolvedOptions, where: string) {
    this.#mapSize = o.mapSize;
    this.#where = where;
    try {
      mkdirSync(o.path, { recursive: true });
    } catch (err) {
      throw toStateError(`${where}: cannot create the database directory ${o.path}`, err);
    }
    this.#unlock = lockDirectory(o.path, where);
    let root: RootDatabase | undefined;
    try {
      if (o.existing === 'discard') {
        for (const file of ['data.mdb', 'lock.mdb']) removeIfPresent(join(o.path, file), where);
      }
      root = open({ path: o.path, mapSize: o.mapSize, noSync: o.sync === 'nosync', maxDbs: 4, noSubdir: false });
      this.#root = root;
      this.#data = root.openDB<Uint8Array, Uint8Array>(DATA_DB, { keyEncoder, encoding: 'binary' } as Parameters<RootDatabase['openDB']>[1]);
      this.#meta = root.openDB<Uint8Array, string>(META_DB, { encoding: 'binary' });
      this.opened = this.#loadCounts();
    } catch (err) {
      try {
        void root?.close();
      } finally {
        this.#unlock();
      }
      throw toStateError(`${where}: cannot open the database`, err);
    }
  }

  /** The committed value under `key` (a copy out of the map), or undefined. O(log n). */
  get(key: Uint8Array): Uint8Array | undefined {
    try {
      return this.#data.getBinary(key);
    } catch (err) {
      throw toStateError(`${this.#where}: get failed`, err);
    }
  }

  /** The committed value's length under `key`, or -1 if absent. O(log n), no copy. */
  sizeOf(key: Uint8Array): number {
    let value: Uint8Array | undefined;
    try {
      value = this.#data.getBinaryFast(key);
    } catch (err) {
      throw toStateError(`${this.#where}: read failed`, err);
    }
    return value === undefined ? -1 : value.length;
  }

  /** The committed entries with `start <= key < end`, in key order (lmdb-js may throw). */
  range(start: Uint8Array, end: Uint8Array | undefined): Iterator<LmdbEntry> {
    return this.#data.getRange(lmdbRange(start, end))[Symbol.iterator]();
  }

  /** A snapshot's view: a read transaction over what is committed now. O(1). */
  snapshotView(onRelease: (view: SnapshotView) => void): SnapshotView {
    let txn: HeldTransaction;
    try {
      txn = this.#data.useReadTransaction();
    } catch (err) {
      throw toStateError(`${this.#where}: snapshot failed to open a read transaction`, err);
    }
    return new SnapshotView(this.#data, txn, this.#where, onRelease);
  }

  /**
   * Writes the pending writes (tagged values, see pendingWrites.ts) in one transaction, in key
   * order, and returns the counts after it; UNCOUNTED values are counted inside the transaction,
   * each key's committed size read just before it is written (neighbouring keys share pages).
   * On failure (a full store, an I/O error) nothing is committed. O(p log n).
   */
  commit(pending: InMemoryStore, counts: Counts, durable: boolean, where: string): Counts {
    const data = this.#data;
    let { entries, bytes } = counts;
    try {
      this.#root.transactionSync(() => {
        for (const [key, value] of pending.prefixScan(EMPTY)) {
          if (value[0] === TOMBSTONE_TAG) {
            data.removeSync(key);
            continue;
          }
          if (value[0] === UNCOUNTED) {
            const old = data.getBinaryFast(key);
            if (old === undefined) entries++;
            else bytes -= key.length + old.length;
            bytes += key.length + value.length - 1;
          }
          data.putSync(key, untagged(value));
        }
        this.#writeCounts(entries, bytes);
        this.#checkCapacity(where);
      }, durable ? DURABLE_COMMIT : PROMPT_COMMIT);
    } catch (err) {
      throw toStateError(`${this.#where}: ${where} could not commit ${pending.len()} pending writes (they are kept, the store still reads them)`, err);
    }
    return { entries, bytes };
  }

  /**
   * Replaces every entry with the snapshot's in one transaction, and returns the new counts. A
   * snapshot that fails (corrupt, released, out of key order, holding a key too long, too large
   * for mapSize) leaves the database as it was. O(n).
   */
  restore(snap: StateSnapshot, where: string): Counts {
    const data = this.#data;
    let entries = 0;
    let bytes = 0;
    try {
      this.#root.transactionSync(() => {
        data.clearSync();
        for (const [key, value] of snap.entries()) {
          checkKeySize(key, where);
          // MDB_APPEND: the fast path for keys in order; lmdb-js returns false for one out of order
          const appended = data.putSync(key, value, { append: true }) as unknown as boolean;
          if (!appended) {
            throw new StateError('CORRUPTION', `${where}: the snapshot's entry ${entries} is out of key order`);
          }
          entries++;
          bytes += key.length + value.length;
        }
        if (entries !== snap.len()) throw new StateError('CORRUPTION', `${where}: the snapshot announced ${snap.len()} entries but held ${entries}`);
        this.#writeCounts(entries, bytes);
        this.#checkCapacity(where);
      }, PROMPT_COMMIT);
    } catch (err) {
      throw toStateError(`${this.#where}: restore failed, the store is unchanged`, err);
    }
    return { entries, bytes };
  }

  /** Removes every entry, in one transaction. O(pages). */
  clear(): void {
    try {
      this.#root.transactionSync(() => {
        this.#data.clearSync();
        this.#writeCounts(0, 0);
      }, PROMPT_COMMIT);
    } catch (err) {
      throw toStateError(`${this.#where}: clear failed`, err);
    }
  }

  /** Closes the environment, then releases the directory's lock (even if closing failed). */
  async close(): Promise<void> {
    try {
      await this.#root.close();
    } catch (err) {
      throw toStateError(`${this.#where}: close failed`, err);
    } finally {
      this.#unlock();
    }
  }

  /** Inside a write transaction: throws CAPACITY_EXCEEDED (aborting it) if the entries' pages exceed mapSize. */
  #checkCapacity(where: string): void {
    const s = this.#data.getStats() as DbStats;
    const used = (s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages) * s.pageSize;
    if (used > this.#mapSize) {
      throw new StateError(
        'CAPACITY_EXCEEDED',
        `${this.#where}: ${where}: the store is full: the entries would take ${used} bytes of pages, more than mapSize (${this.#mapSize} bytes). ` +
          'Nothing was committed: the store keeps what it held. Delete entries, or reopen with a larger mapSize.',
      );
    }
  }

  /** Inside a write transaction: records the entry count and byte size beside the entries. */
  #writeCounts(entries: number, bytes: number): void {
    const stats = new Float64Array([entries, bytes]);
    this.#meta.putSync(STATS_KEY, new Uint8Array(stats.buffer));
  }

  /** At open: the entry count and byte size of what the database holds (recounted if not recorded). */
  #loadCounts(): Counts {
    const format = this.#meta.getBinary(FORMAT_KEY);
    if (format !== undefined && (format.length !== 1 || format[0] !== FORMAT)) {
      throw new StateError('CORRUPTION', `${this.#where}: the database was written in format ${format[0] ?? '?'} of LmdbStore; this build reads format ${FORMAT}`);
    }
    const raw = this.#meta.getBinary(STATS_KEY);
    const recorded = (this.#data.getStats() as DbStats).entryCount;
    let entries = -1;
    let bytes = 0;
    if (raw !== undefined && raw.length === 16) {
      const view = new DataView(raw.buffer, raw.byteOffset, 16);
      entries = view.getFloat64(0, true);
      bytes = view.getFloat64(8, true);
    }
    if (entries !== recorded) {
      entries = 0;
      bytes = 0;
      for (const { key, value } of this.#data.getRange({ start: EMPTY })) {
        entries++;
        bytes += key.length + value.length;
      }
    }
    this.#root.transactionSync(() => {
      this.#meta.putSync(FORMAT_KEY, Uint8Array.of(FORMAT));
      this.#writeCounts(entries, bytes);
    }, PROMPT_COMMIT);
    return { entries, bytes };
  }
}

function removeIfPresent(file: string, where: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if (codeOf(err) !== 'ENOENT') throw toStateError(`${where}: cannot remove ${file}`, err);
  }
}
