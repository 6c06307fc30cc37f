import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { describeValue, messageOf, optionKeys } from '@weir/state';
import { CheckpointError } from './CheckpointError';
import { checkPreCommitId } from './checkPreCommitId';
import { fsyncDirectory } from './fsyncDirectory';
import { checkCheckpointOptionKeys } from './checkCheckpointOptionKeys';
import type { Json } from './Json';
import { jsonLinesSink } from './jsonLinesSink';
import { lineFormatOptions } from './lineFormatOptions';
import { findPartitionDirs, isOwnedFile, partitionProblem } from './partitionDirs';
import type { Sink, SinkWriter } from './Sink';

/** Options of {@link partitionedJsonLinesSink}. */
export interface PartitionedJsonLinesSinkOptions<T> {
  /**
   * The partition directory of a value, relative to the output directory, `/`-separated
   * (`dt=2015-07-15/hm=00:01`): no empty, `.` or `..` segment, not absolute, no NUL or
   * backslash, no segment named like a part file. Anything else (or a throw) is a
   * `CheckpointError` `SINK` from `write` naming the value. Called once per value: keep it cheap.
   */
  readonly partitionOf: (value: T) => string;
  /**
   * As {@link JsonLinesSinkOptions.serialize}: one line per value, default `JSON.stringify`
   * (a bad line or a throw is a `CheckpointError` `SINK` from `write`).
   */
  readonly serialize?: (value: T) => string;
  /**
   * As {@link JsonLinesSinkOptions.fields}: the fields of every value, for rows of a known shape,
   * each line then `JSON.stringify(value, fields)` written straight into the output buffer (not
   * with `serialize`).
   */
  readonly fields?: readonly string[];
  /**
   * Whether the files and directories are fsynced (default `true`), as
   * {@link JsonLinesSinkOptions.fsync}; a new partition directory's parents are fsynced too.
   */
  readonly fsync?: boolean;
}

const KEYS = optionKeys<PartitionedJsonLinesSinkOptions<unknown>>({ partitionOf: true, serialize: true, fields: true, fsync: true });

/** Partition directories recovered at once by `open` (each costs a listing and two fsyncs). */
const RECOVERY_CONCURRENCY = 8;

/** A pre-commit asked of a child whose writer is still opening. */
interface Cut {
  readonly id: number;
  readonly resolve: (state: Json) => void;
  readonly reject: (err: unknown) => void;
}

/** A value written while its child was opening. */
interface Held<T> {
  readonly value: T;
}

/** The child sink of one partition. */
interface Child<T> {
  readonly partition: string;
  /** Set once the child has opened and caught up with {@link Child.backlog}. */
  writer: SinkWriter<T> | undefined;
  /** Values and cuts that came while the child was opening, in order. */
  backlog: Array<Held<T> | Cut>;
  /** The open writer, after the backlog went to it. */
  ready: Promise<SinkWriter<T>>;
  /** Whether it was written to since the last pre-commit. */
  dirty: boolean;
  /** The last pre-commit that cut lines of it (-1: none yet). */
  lastCut: number;
}

/** The composite's checkpointed state. */
interface PartitionedState {
  readonly upTo: number;
  readonly partitions: ReadonlyArray<readonly [string, Json]>;
}

function parseState(state: Json): PartitionedState | undefined {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) return undefined;
  const { upTo, partitions } = state as { readonly [key: string]: Json };
  if (typeof upTo !== 'number' || !Number.isSafeInteger(upTo) || upTo < 0) return undefined;
  if (partitions === null || typeof partitions !== 'object' || Array.isArray(partitions)) return undefined;
  const entries = Object.entries(partitions as { readonly [partition: string]: Json });
  if (entries.some(([p]) => partitionProblem(p) !== undefined)) return undefined;
  return { upTo, partitions: entries };
}

/**
 * A {@link Sink} that writes JSON Lines files into partition directories with two-phase commit
 * (like Flink's filesystem connector with `PARTITIONED BY`): each value goes to
 * `dir/<partitionOf(value)>`, which a {@link jsonLinesSink} of its own manages, so a partition's
 * committed output is `dir/<partition>/part-<checkpoint id>.jsonl` and a job that crashes and
 * resumes shows every value exactly once, in its partition. Partitions may nest
 * (`dt=2015-07-15/hm=00:01`).
 *
 * **Children.** A partition's child sink is opened at the partition's first value (its directory
 * created then; values written meanwhile wait in memory). Every barrier's `preCommit` and
 * `commit` go to every open child. A child that has received nothing since a pre-commit that a
 * later `commit` covers has all its output committed: that commit closes and forgets it, and a
 * later value for its partition opens a new one (which keeps the committed parts). So the open
 * children, and the state, are the partitions written since the pre-commit of the last committed
 * checkpoint (one or two for Nexmark q10, whose partition is the minute of event time), not every
 * partition ever written; each child holds a file open only between its first flushed output
 * (1 MiB buffered, or the pre-commit) and the end of the next pre-commit.
 *
 * **State** (what `preCommit(n)` returns): `{ upTo: n, partitions: { <partition>: <child state> } }`,
 * one entry per open child.
 *
 * **Recovery** (`open`). The sink owns every partition directory under `dir` (one sink per
 * directory tree). Resuming from a state: each partition it names is recovered with its child
 * state (its pending parts committed, the rest discarded, see {@link jsonLinesSink}); every other
 * directory under `dir` that holds part files is recovered as a child with no pending parts at
 * checkpoint `upTo`: its uncommitted output and its parts above `upTo` are deleted, its committed
 * parts up to `upTo` (those of forgotten children) kept. Starting fresh (`undefined`): every part
 * and in-progress file under `dir` is deleted. Directories are left in place.
 *
 * **Cost.** `write`: `partitionOf`, a map lookup and the child's write (serialize and buffer,
 * O(line)); a value that comes while its partition's child is still opening is serialized twice
 * (checked at once, written when the child has opened). A new partition costs a child open
 * (mkdir, a listing, and with `fsync` the fsyncs of its directory and its parents). `preCommit`
 * and `commit` cost what the child's do, per open child. `open` walks `dir` and recovers every partition
 * directory: O(directories under `dir`), eight at a time.
 *
 * **Errors** are `CheckpointError`s: `SINK` for a bad partition (naming the value and the
 * partition), a `serialize` or `partitionOf` that throws, and any failure of a child (naming the
 * partition; `cause` is the child's error): a child that cannot open, flush or pre-commit fails
 * the writer, whose later calls fail with the same error; `STATE` for checkpoint ids out of
 * order; `INVALID_ARGUMENT` for bad options (an unknown key too).
 *
 * @param dir - the output directory, holding the partition directories
 * @param options - see {@link PartitionedJsonLinesSinkOptions}
 *
 * @example
 * ```ts
 * const sink = partitionedJsonLinesSink<PartitionedBid>('out/q10', { partitionOf: (r) => r.partition });
 * await job.run(rows$.pipe(job.sink('q10', sink)));
 * const byPartition = await readCommittedPartitions('out/q10'); // 'dt=2015-07-15/hm=00:01' => lines
 * ```
 */
export function partitionedJsonLinesSink<T>(dir: string, options: PartitionedJsonLinesSinkOptions<T>): Sink<T> {
  const kind = 'partitionedJsonLinesSink';
  if (typeof dir !== 'string' || dir === '') {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind}: expected a directory path, got ${describeValue(dir)}`);
  }
  if (options === null || typeof options !== 'object') {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind} (${dir}): expected options { partitionOf, serialize?, fields?, fsync? }, got ${describeValue(options)}`);
  }
  checkCheckpointOptionKeys(kind, options, KEYS);
  const { partitionOf } = options;
  if (typeof partitionOf !== 'function') {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind} (${dir}): option \`partitionOf\` must be a function value => partition directory, got ${describeValue(partitionOf)}`);
  }
  const { serialize, fields, fsync } = lineFormatOptions(kind, dir, options);
  const where = `${kind} (${dir})`;
  const sinkError = (message: string, err: unknown): CheckpointError => new CheckpointError('SINK', `${where}: ${message}: ${messageOf(err)}`, { cause: err });
  const childError = (partition: string, op: string, err: unknown): CheckpointError => sinkError(`partition '${partition}' failed to ${op}`, err);
  const childOptions = serialize !== undefined ? { serialize, fsync } : fields !== undefined ? { fields, fsync } : { fsync };
  const childSink = (partition: string): Sink<T> => jsonLinesSink<T>(join(dir, ...partition.split('/')), childOptions);

  /** Makes a new partition directory's entry durable: fsyncs its parents up to `dir`. */
  async function syncParents(partition: string): Promise<void> {
    if (!fsync) return;
    const segments = partition.split('/');
    for (let n = segments.length - 1; n >= 0; n--) await fsyncDirectory(join(dir, ...segments.slice(0, n)));
  }

  /** Recovers partition directories with the given child states, then closes them. */
  async function recoverChildren(jobs: ReadonlyArray<readonly [string, Json | undefined]>): Promise<void> {
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (!failed && next < jobs.length) {
        const [partition, state] = jobs[next++]!;
        try {
          const writer = await childSink(partition).open(state);
          await writer.close?.();
        } catch (err) {
          failed = true;
          throw childError(partition, 'recover', err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(RECOVERY_CONCURRENCY, jobs.length) }, worker));
  }

  /** Throws what the child's `write` would for a value it cannot turn into one line. */
  function checkLine(value: T): void {
    let line: unknown;
    try {
      line = serialize !== undefined ? serialize(value) : JSON.stringify(value, fields as string[] | undefined);
    } catch (err) {
      throw sinkError(`cannot serialize ${describeValue(value)}`, err);
    }
    if (typeof line !== 'string' || (serialize !== undefined && line.includes('\n'))) {
      throw new CheckpointError(
        'SINK',
        `${where}: ${serialize === undefined ? 'JSON.stringify' : 'serialize'} must turn ${describeValue(value)} into one line of text, got ${describeValue(line)}`,
      );
    }
  }

  return {
    describe: () => `partitioned JSON Lines in ${dir}`,
    async open(restored: Json | undefined): Promise<SinkWriter<T>> {
      let state: PartitionedState | undefined;
      if (restored !== undefined) {
        state = parseState(restored);
        if (state === undefined) {
          throw new CheckpointError('SINK', `${where}: cannot recover from ${describeValue(restored)}: expected { upTo, partitions: { <partition>: <state> } } as returned by preCommit`);
        }
      }
      try {
        await fs.mkdir(dir, { recursive: true });
      } catch (err) {
        throw sinkError(`cannot create ${dir}`, err);
      }
      const found = await findPartitionDirs(dir, isOwnedFile, (op, path, err) => sinkError(`cannot ${op} ${path}`, err));
      const named = new Set(state?.partitions.map(([p]) => p));
      // Not named: a forgotten child (committed parts up to `upTo` stay), or one newer than the state.
      const rest: Json | undefined = state === undefined ? undefined : { upTo: state.upTo, pending: [] };
      const others = found.filter((p) => !named.has(p) && partitionProblem(p) === undefined).map((p) => [p, rest] as const);
      await recoverChildren([...(state?.partitions ?? []), ...others]);

      let lastPreCommit = state?.upTo ?? -1;
      let failure: CheckpointError | undefined; // a child that failed: every later call fails with it
      const children = new Map<string, Child<T>>();
      const closing = new Map<string, Promise<void>>(); // forgotten children still closing

      function openChild(partition: string): Child<T> {
        // Its recovery deletes what is not committed up to the last pre-commit: nothing of this
        // run's, since a forgotten child left nothing pending (and a fresh run none at all).
        const childState: Json | undefined = lastPreCommit < 0 ? undefined : { upTo: lastPreCommit, pending: [] };
        const previous = closing.get(partition) ?? Promise.resolve();
        const child: Child<T> = { partition, writer: undefined, backlog: [], ready: undefined as never, dirty: false, lastCut: -1 };
        const fail = (err: unknown, op: string): never => {
          failure ??= childError(partition, op, err);
          for (const item of child.backlog) if ('id' in item) item.reject(err);
          child.backlog = [];
          throw failure;
        };
        child.ready = previous
          .then(async () => {
            const writer = await childSink(partition).open(childState);
            await syncParents(partition);
            return writer;
          })
          .then(
            (writer) => {
              try {
                for (const item of child.backlog) {
                  if (!('id' in item)) {
                    writer.write(item.value);
                  } else {
                    let state: Promise<Json>;
                    try {
                      state = Promise.resolve(writer.preCommit(item.id));
                    } catch (err) {
                      state = Promise.reject(err);
                    }
                    state.then(item.resolve, item.reject);
                  }
                }
              } catch (err) {
                return fail(err, 'write');
              }
              child.backlog = [];
              child.writer = writer;
              return writer;
            },
            (err: unknown) => fail(err, 'open'),
          );
        child.ready.catch(() => undefined); // surfaces through `failure` and the cuts
        return child;
      }

      function forget(child: Child<T>): void {
        children.delete(child.partition);
        const done: Promise<void> = child.ready
          .then((writer) => writer.close?.())
          .catch(() => undefined)
          .then(() => {
            if (closing.get(child.partition) === done) closing.delete(child.partition);
          });
        closing.set(child.partition, done);
      }

      return {
        write(value: T): void {
          if (failure !== undefined) throw failure;
          let partition: unknown;
          try {
            partition = partitionOf(value);
          } catch (err) {
            throw sinkError(`partitionOf threw for ${describeValue(value)}`, err);
          }
          let child = typeof partition === 'string' ? children.get(partition) : undefined;
          if (child === undefined) {
            const problem = partitionProblem(partition);
            if (problem !== undefined) {
              throw new CheckpointError('SINK', `${where}: partitionOf(${describeValue(value)}) returned ${describeValue(partition)}, which is not a partition directory: ${problem}`);
            }
          }
          if (child === undefined) {
            checkLine(value);
            child = openChild(partition as string);
            children.set(child.partition, child);
          } else if (child.writer !== undefined) {
            try {
              child.writer.write(value);
            } catch (err) {
              throw childError(child.partition, 'write', err);
            }
            child.dirty = true;
            return;
          } else {
            checkLine(value);
          }
          // The child is opening and serializes when it has: the value was checked now, so that a bad one throws here.
          child.backlog.push({ value });
          child.dirty = true;
        },

        async preCommit(checkpointId: number): Promise<Json> {
          checkPreCommitId(where, checkpointId, lastPreCommit);
          if (failure !== undefined) throw failure;
          lastPreCommit = checkpointId;
          // The cut, made before the first await: every child's own preCommit is called now.
          const open = [...children.values()];
          const states = open.map((child) => {
            if (child.dirty) {
              child.dirty = false;
              child.lastCut = checkpointId;
            }
            let state: Promise<Json>;
            if (child.writer === undefined) {
              state = new Promise<Json>((resolve, reject) => child.backlog.push({ id: checkpointId, resolve, reject }));
            } else {
              try {
                state = Promise.resolve(child.writer.preCommit(checkpointId));
              } catch (err) {
                state = Promise.reject(err);
              }
            }
            return state.catch((err: unknown) => {
              failure ??= childError(child.partition, `pre-commit checkpoint ${checkpointId}`, err);
              throw failure;
            });
          });
          const resolved = await Promise.all(states);
          const partitions: { [partition: string]: Json } = {};
          open.forEach((child, i) => Object.defineProperty(partitions, child.partition, { value: resolved[i]!, enumerable: true, writable: true, configurable: true }));
          return { upTo: checkpointId, partitions };
        },

        async commit(checkpointId: number): Promise<void> {
          if (!Number.isSafeInteger(checkpointId) || checkpointId < 0) {
            throw new CheckpointError('INVALID_ARGUMENT', `${where}: commit needs a checkpoint id (a non-negative integer), got ${describeValue(checkpointId)}`);
          }
          if (failure !== undefined) throw failure;
          const open = [...children.values()];
          // Idle children whose last output this commit covers; their pre-commit was called before it.
          const idle = open.filter((c) => !c.dirty && c.lastCut >= 0 && c.lastCut <= checkpointId).map((c) => [c, c.lastCut] as const);
          await Promise.all(
            open.map(async (child) => {
              try {
                await (await child.ready).commit(checkpointId);
              } catch (err) {
                throw err instanceof CheckpointError && err === failure ? err : childError(child.partition, `commit checkpoint ${checkpointId}`, err);
              }
            }),
          );
          for (const [child, cut] of idle) if (!child.dirty && child.lastCut === cut && children.get(child.partition) === child) forget(child);
        },

        async close(): Promise<void> {
          const open = [...children.values()];
          children.clear();
          await Promise.all(open.map((child) => child.ready.then((writer) => writer.close?.()).catch(() => undefined)));
          await Promise.all([...closing.values()]);
        },
      };
    },
  };
}
