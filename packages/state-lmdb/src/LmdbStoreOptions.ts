import { resolve } from 'node:path';
import { StateError, checkOptionKeys, describeValue, optionKeys } from '@weir/state';

/**
 * When an {@link LmdbStore}'s commits reach the disk.
 *
 * - `'nosync'` (the default): a commit is written to the operating system's page cache and not
 *   flushed. It survives the process crashing or being killed, not the machine losing power
 *   (after which the database may be lost or damaged). The right choice when the store is a
 *   working copy that checkpoints make durable, as in a checkpointed job.
 * - `'fsync'`: {@link LmdbStore.flush} and {@link LmdbStore.close} return once the data is on
 *   disk (an fsync, ~0.5 ms here), and LMDB's write-ahead-free design keeps the database
 *   consistent through a power loss. For a store that is itself the durable record (with
 *   `existing: 'reopen'`). Commits between flushes are flushed asynchronously.
 *
 * @example
 * ```ts
 * const store = new LmdbStore({ path: 'state/profiles', existing: 'reopen', sync: 'fsync' });
 * ```
 */
export type LmdbSyncMode = 'nosync' | 'fsync';

/**
 * What an {@link LmdbStore} does with a database it finds in its directory.
 *
 * - `'discard'` (the default): starts empty, deleting the LMDB files (`data.mdb`, `lock.mdb`)
 *   first. The store is a working copy: in a checkpointed job the checkpoint is the durable
 *   state, restored into the store on resume, and a store that kept what a killed run left
 *   behind would hold state no checkpoint describes.
 * - `'reopen'`: keeps the entries (as of the last commit) and continues from them; the store is
 *   then a persistent key-value store of its own. Opening reads the entry count and byte size
 *   kept beside the entries, O(1) (O(n) if they are missing).
 *
 * @example
 * ```ts
 * const store = new LmdbStore({ path: 'state/profiles', existing: 'reopen' });
 * ```
 */
export type LmdbExisting = 'discard' | 'reopen';

/**
 * Options of {@link LmdbStore}.
 *
 * @example
 * ```ts
 * const store = new LmdbStore({ path: '/var/lib/job/state/views', mapSize: 256 * 2 ** 30 });
 * ```
 */
export interface LmdbStoreOptions {
  /**
   * The directory of the database, created (with its parents) if missing. One store per
   * directory: a second store on it, in this or another process, fails with `StateError` `IO`.
   */
  readonly path: string;
  /**
   * The most bytes the entries may occupy, in LMDB pages (keys, values and B-tree overhead):
   * a commit that would go beyond it is refused with `StateError` `CAPACITY_EXCEEDED`, and the
   * store keeps what it held. Default 64 GiB. It is also the address space LMDB reserves up
   * front (virtual memory, not RAM). The database file can be larger by the pages of
   * superseded versions that unreleased snapshots still read.
   */
  readonly mapSize?: number;
  /** When commits reach the disk; default `'nosync'`. See {@link LmdbSyncMode}. */
  readonly sync?: LmdbSyncMode;
  /** What to do with a database already in `path`; default `'discard'`. See {@link LmdbExisting}. */
  readonly existing?: LmdbExisting;
  /**
   * How many distinct keys may be written (put or deleted) before the writes are committed to
   * LMDB in one transaction; they are held in memory until then, and committed at
   * {@link LmdbStore.snapshot} and {@link LmdbStore.flush} too. Default 16,384. Larger batches
   * commit less often (each commit costs about one page write per touched page) but make the
   * checkpoint pause ({@link LmdbStore.snapshot}) and memory bounded by a larger number.
   */
  readonly writeBatch?: number;
}

/** Options with their defaults filled in and checked. */
export interface ResolvedOptions {
  readonly path: string;
  readonly mapSize: number;
  readonly sync: LmdbSyncMode;
  readonly existing: LmdbExisting;
  readonly writeBatch: number;
}

/** Default {@link LmdbStoreOptions.mapSize}: 64 GiB. */
export const DEFAULT_MAP_SIZE = 64 * 2 ** 30;
/** Default {@link LmdbStoreOptions.writeBatch}. */
export const DEFAULT_WRITE_BATCH = 16_384;
const MIN_MAP_SIZE = 64 * 1024;
const KEYS = optionKeys<LmdbStoreOptions>({ path: true, mapSize: true, sync: true, existing: true, writeBatch: true });

/**
 * Fills in defaults and checks each option: a bad one throws `StateError` `INVALID_ARGUMENT`
 * naming it and the value, an unknown one naming it and the nearest valid option.
 */
export function resolveOptions(options: LmdbStoreOptions): ResolvedOptions {
  const where = 'LmdbStore';
  const bad = (message: string): StateError => new StateError('INVALID_ARGUMENT', message);
  if (typeof options !== 'object' || options === null) throw bad(`${where}: options must be an object with a path, got ${describeValue(options)}`);
  checkOptionKeys(where, options, KEYS, bad);
  const { path, mapSize = DEFAULT_MAP_SIZE, sync = 'nosync', existing = 'discard', writeBatch = DEFAULT_WRITE_BATCH } = options;
  if (typeof path !== 'string' || path.length === 0) throw bad(`${where}: option \`path\` must be a non-empty string (a directory), got ${describeValue(path)}`);
  if (!Number.isSafeInteger(mapSize) || mapSize < MIN_MAP_SIZE) throw bad(`${where}: option \`mapSize\` must be an integer number of bytes >= ${MIN_MAP_SIZE}, got ${describeValue(mapSize)}`);
  if (sync !== 'nosync' && sync !== 'fsync') throw bad(`${where}: option \`sync\` must be 'nosync' or 'fsync', got ${describeValue(sync)}`);
  if (existing !== 'discard' && existing !== 'reopen') throw bad(`${where}: option \`existing\` must be 'discard' or 'reopen', got ${describeValue(existing)}`);
  if (!Number.isSafeInteger(writeBatch) || writeBatch < 1) throw bad(`${where}: option \`writeBatch\` must be a positive integer, got ${describeValue(writeBatch)}`);
  return { path: resolve(path), mapSize, sync, existing, writeBatch };
}
