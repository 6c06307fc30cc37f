import { fork, type ChildProcess } from 'node:child_process';
import { describeValue, optionKeys } from '@weir/state';
import { checkPartitionOptionKeys } from './checkPartitionOptionKeys';
import { PartitionError } from './PartitionError';
import { readJobLayout } from './PartitionedJobDir';

/** The exit code of a worker that found itself fenced off: the launcher does not restart it. */
export const FENCED_EXIT_CODE = 75;

/** Options of {@link runPartitioned}. */
export interface RunPartitionedOptions {
  /** The job's shared directory (created by `createPartitionedJob`): its layout says how many workers to start. */
  readonly dir: string;
  /** The worker program (a module that calls `workerFromEnv()` and runs the job). */
  readonly entry: string;
  /** Arguments and Node options of every worker process (`execArgv`: `['-r', 'ts-node/register']`, say). */
  readonly args?: readonly string[];
  readonly execArgv?: readonly string[];
  /** Extra environment of every worker (added to this process's). */
  readonly env?: Readonly<Record<string, string>>;
  /** How many times one worker may be restarted after it died (a signal or a failing exit); default 10. */
  readonly maxRestarts?: number;
  /** Called each time a worker process starts (its index, the process, how many restarts so far). */
  readonly onStart?: (worker: number, child: ChildProcess, restarts: number) => void;
  readonly log?: (message: string) => void;
}

const KEYS = optionKeys<RunPartitionedOptions>({ dir: true, entry: true, args: true, execArgv: true, env: true, maxRestarts: true, onStart: true, log: true });

/** What {@link runPartitioned} resolves to. */
export interface PartitionedRunReport {
  readonly workers: number;
  readonly generation: number;
  /** Restarts per worker. */
  readonly restarts: readonly number[];
}

/** A running partitioned job (see {@link runPartitioned}). */
export interface PartitionedRun {
  /** Resolves when every worker exited 0; rejects with `PartitionError` `WORKER` when one failed for good. */
  readonly done: Promise<PartitionedRunReport>;
  /** The current process of worker `worker` (until it exits for good). */
  process(worker: number): ChildProcess | undefined;
  /** Stops every worker (SIGTERM) and restarts none; `done` then rejects. */
  stop(): void;
}

/**
 * Runs a partitioned job as one OS process per worker (docs/architecture.md §6): forks
 * `entry` once per worker of the current generation of `dir` with `WEIR_PARTITION_DIR` and
 * `WEIR_WORKER` in its environment (a worker opens itself with {@link workerFromEnv}), and
 * restarts a worker that dies (killed by a signal, or exiting non-zero) from its latest
 * checkpoint while the others keep running, up to `maxRestarts` times per worker. A worker that
 * exits with {@link FENCED_EXIT_CODE} (another process took its lease) is not restarted and fails
 * the run. On a cluster, run each worker under your own supervisor with the same two variables.
 *
 * @example
 * ```ts
 * await createPartitionedJob('shared', { partitions: 8, workers: 2 });
 * const run = runPartitioned({ dir: 'shared', entry: require.resolve('./worker') });
 * const report = await run.done; // { workers: 2, generation: 0, restarts: [0, 0] }
 * ```
 */
export function runPartitioned(options: RunPartitionedOptions): PartitionedRun {
  const where = 'runPartitioned';
  if (typeof options !== 'object' || options === null) throw new PartitionError('INVALID_ARGUMENT', `${where}: expected options { dir, entry, ... }, got ${describeValue(options)}`);
  checkPartitionOptionKeys(where, options, KEYS);
  const { dir, entry, log = () => undefined } = options;
  if (typeof dir !== 'string' || dir === '' || typeof entry !== 'string' || entry === '') throw new PartitionError('INVALID_ARGUMENT', `${where}: options \`dir\` and \`entry\` must be paths, got ${describeValue(dir)} and ${describeValue(entry)}`);
  const maxRestarts = options.maxRestarts ?? 10;
  if (!Number.isSafeInteger(maxRestarts) || maxRestarts < 0) throw new PartitionError('INVALID_ARGUMENT', `${where}: option \`maxRestarts\` must be an integer >= 0, got ${describeValue(options.maxRestarts)}`);
  const children: Array<ChildProcess | undefined> = [];
  let stopped = false;
  const done = (async (): Promise<PartitionedRunReport> => {
    const layout = await readJobLayout(dir);
    if (layout === undefined) throw new PartitionError('IO', `${where}: ${dir} holds no partitioned job (no layout.json): createPartitionedJob first`);
    const restarts = new Array<number>(layout.workers).fill(0);
    const runWorker = (worker: number): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        const start = (): void => {
          if (stopped) {
            reject(new PartitionError('WORKER', `${where}: stopped`));
            return;
          }
          const child = fork(entry, [...(options.args ?? [])], {
            execArgv: [...(options.execArgv ?? process.execArgv)],
            env: { ...process.env, ...options.env, WEIR_PARTITION_DIR: dir, WEIR_WORKER: String(worker) },
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          });
          children[worker] = child;
          options.onStart?.(worker, child, restarts[worker]!);
          child.once('error', (err) => log(`worker ${worker}: ${err.message}`));
          child.once('exit', (code, signal) => {
            children[worker] = undefined;
            if (code === 0) return resolve();
            const how = signal !== null ? `was killed by ${signal}` : `exited with ${code}`;
            if (code === FENCED_EXIT_CODE) return reject(new PartitionError('WORKER', `${where}: worker ${worker} (pid ${child.pid}) was fenced off: another process runs it`));
            if (stopped || restarts[worker]! >= maxRestarts) return reject(new PartitionError('WORKER', `${where}: worker ${worker} (pid ${child.pid}) ${how}${stopped ? '' : `, after ${restarts[worker]} restarts`}`));
            restarts[worker]!++;
            log(`worker ${worker} (pid ${child.pid}) ${how}: restarting it from its latest checkpoint (restart ${restarts[worker]})`);
            start();
          });
        };
        start();
      });
    const results = await Promise.allSettled(restarts.map((_, w) => runWorker(w)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return { workers: layout.workers, generation: layout.generation, restarts };
  })();
  done.catch(() => undefined); // the caller awaits it; a rejection with no listener yet is not unhandled
  return {
    done,
    process: (worker) => children[worker],
    stop() {
      stopped = true;
      for (const child of children) child?.kill('SIGTERM');
    },
  };
}
