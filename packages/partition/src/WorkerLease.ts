import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { describeValue, messageOf } from '@weir/state';
import type { CheckpointStorage, Sink } from '@weir/checkpoint';
import { PartitionError } from './PartitionError';

const EPOCH = /^epoch-(\d+)$/;
/**
 * Epoch files kept below a new holder's: older ones are deleted, so a lease directory holds at
 * most this many + 1 files however often its worker restarts. Deleting a number lets a starter
 * that listed the directory before those acquisitions take it again; with this margin it would
 * have to be this many acquisitions late, and it would hold an epoch already fenced.
 */
const KEPT_EPOCHS = 16;

/** The highest epoch taken in `dir` (0 when none). */
async function highestEpoch(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return 0;
    throw new PartitionError('IO', `WorkerLease: cannot list ${dir}: ${messageOf(err)}`, { cause: err });
  }
  let max = 0;
  for (const name of names) {
    const m = EPOCH.exec(name);
    if (m !== null) max = Math.max(max, Number(m[1]));
  }
  return max;
}

/** Deletes the epoch files of `dir` numbered below `below` (another starter may delete them first). */
async function pruneEpochs(dir: string, below: number): Promise<void> {
  if (below <= 1) return;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    throw new PartitionError('IO', `WorkerLease: cannot list ${dir}: ${messageOf(err)}`, { cause: err });
  }
  for (const name of names) {
    const m = EPOCH.exec(name);
    if (m === null || Number(m[1]) >= below) continue;
    try {
      await fs.unlink(join(dir, name));
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ENOENT') throw new PartitionError('IO', `WorkerLease: cannot delete ${join(dir, name)}: ${messageOf(err)}`, { cause: err });
    }
  }
}

/**
 * A worker's claim on its index, with an epoch, in a shared directory: a fence against zombies
 * (docs/architecture.md §6). Whoever starts worker i takes the next epoch by creating
 * `dir/epoch-<n>` exclusively (`O_EXCL`: two starters never get the same epoch); a process holding
 * an older epoch is fenced off: {@link check} throws `PartitionError` `FENCED`, and
 * {@link fencedStorage} and {@link fencedSink} call it before every checkpoint write, sink
 * pre-commit and commit, so a worker that was presumed dead and replaced cannot write a
 * checkpoint or commit output over its successor's.
 *
 * **Limit.** The check and the write it guards are two file-system operations: a write that
 * passed its check just before the successor took the lease still lands (at most one operation
 * per zombie; the successor's recovery, which runs after it took the lease, then sees it or
 * replaces it). Storage with a compare-and-set (JetStream's expected last sequence, a KV
 * revision) closes that window; a shared directory cannot.
 *
 * Cost: {@link check} is one directory listing (~20 µs on a local disk).
 *
 * @example
 * ```ts
 * const lease = await WorkerLease.acquire('shared/gen-0/worker-1/lease');
 * const storage = fencedStorage(new FileCheckpointStorage('shared/gen-0/worker-1/checkpoints'), lease);
 * ```
 */
export class WorkerLease {
  private constructor(
    /** The lease directory. */
    readonly dir: string,
    /** This holder's epoch: 1 for the first, increasing with every acquire. */
    readonly epoch: number,
  ) {}

  /**
   * Takes the next epoch in `dir` (created if missing), fencing every earlier holder, and deletes
   * the epoch files more than 16 below its own (the directory stays small however often the
   * worker restarts). Cost: two listings and one exclusive file creation (more when starters race).
   * @throws PartitionError `IO` when the directory cannot be written
   *
   * @example
   * ```ts
   * const lease = await WorkerLease.acquire('shared/gen-0/worker-0/lease'); // lease.epoch: 1, then 2, ...
   * ```
   */
  static async acquire(dir: string): Promise<WorkerLease> {
    if (typeof dir !== 'string' || dir === '') throw new PartitionError('INVALID_ARGUMENT', `WorkerLease.acquire: expected a directory path, got ${describeValue(dir)}`);
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (err) {
      throw new PartitionError('IO', `WorkerLease: cannot create ${dir}: ${messageOf(err)}`, { cause: err });
    }
    for (;;) {
      const epoch = (await highestEpoch(dir)) + 1;
      try {
        await fs.writeFile(join(dir, `epoch-${epoch}`), JSON.stringify({ pid: process.pid, time: Date.now() }), { flag: 'wx' });
      } catch (err) {
        if ((err as { code?: unknown }).code === 'EEXIST') continue; // another starter took it: take the next
        throw new PartitionError('IO', `WorkerLease: cannot write ${join(dir, `epoch-${epoch}`)}: ${messageOf(err)}`, { cause: err });
      }
      await pruneEpochs(dir, epoch - KEPT_EPOCHS);
      return new WorkerLease(dir, epoch);
    }
  }

  /**
   * Throws `PartitionError` `FENCED` when a newer epoch was taken (this holder is a zombie).
   * @param what - the operation it guards, for the message
   *
   * @example
   * ```ts
   * await lease.check('commit 12'); // before anything a successor must not see twice
   * ```
   */
  async check(what: string): Promise<void> {
    const newest = await highestEpoch(this.dir);
    if (newest > this.epoch) {
      throw new PartitionError('FENCED', `${what}: fenced off: this process holds epoch ${this.epoch} of ${this.dir}, and epoch ${newest} was taken since (another process runs this worker)`);
    }
  }
}

/**
 * Whether `err`, or any error in its `cause` chain, is a `PartitionError` `FENCED` (the
 * coordinator wraps a storage's or a sink's error in its own). O(chain length).
 *
 * @example
 * ```ts
 * job.run(...).catch((err) => process.exit(isFenced(err) ? FENCED_EXIT_CODE : 1));
 * ```
 */
export function isFenced(err: unknown): boolean {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 16; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof PartitionError && e.code === 'FENCED') return true;
  }
  return false;
}

/**
 * `storage`, with `lease` checked before every `save`: a fenced worker's checkpoint is refused
 * (the coordinator then fails the job with the `FENCED` error as its cause). Reads pass through.
 *
 * @example
 * ```ts
 * const job = await CheckpointCoordinator.open({ storage: fencedStorage(storage, lease) });
 * ```
 */
export function fencedStorage(storage: CheckpointStorage, lease: WorkerLease): CheckpointStorage {
  return {
    describe: () => `${storage.describe()} (fenced by ${lease.dir}, epoch ${lease.epoch})`,
    save: async (checkpoint) => {
      await lease.check(`checkpoint ${checkpoint.id} to ${storage.describe()}`);
      return storage.save(checkpoint);
    },
    list: () => storage.list(),
    load: (id) => storage.load(id),
  };
}

/**
 * `sink`, with `lease` checked before it opens (recovery commits and deletes output), before
 * every commit, and with every pre-commit (made at once, as the output's cut must be, then
 * refused when fenced, which fails the checkpoint): a fenced worker makes no output visible.
 *
 * @example
 * ```ts
 * results$.pipe(job.sink('out', fencedSink(jsonLinesSink(dir), lease)));
 * ```
 */
export function fencedSink<T>(sink: Sink<T>, lease: WorkerLease): Sink<T> {
  return {
    describe: () => `${sink.describe()} (fenced, epoch ${lease.epoch})`,
    async open(restored) {
      await lease.check(`opening ${sink.describe()}`);
      const writer = await sink.open(restored);
      return {
        write: (value) => writer.write(value),
        preCommit: async (id) => {
          // The call itself cuts the output (Sink contract), so it is made at once; its result
          // is refused when fenced. A pre-commit is not visible: only commits must never pass.
          const state = writer.preCommit(id);
          Promise.resolve(state).catch(() => undefined); // its failure is reported when awaited below
          await lease.check(`pre-commit ${id} of ${sink.describe()}`);
          return state;
        },
        commit: async (id) => {
          await lease.check(`commit ${id} of ${sink.describe()}`);
          return writer.commit(id);
        },
        close: () => writer.close?.(),
      };
    },
  };
}
