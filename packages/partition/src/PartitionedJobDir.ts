import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { describeValue, messageOf, optionKeys, type OperatorScopeMerge } from '@weir/state';
import { FileCheckpointStorage, type CheckpointStorage, type Sink } from '@weir/checkpoint';
import { checkPartitionOptionKeys } from './checkPartitionOptionKeys';
import { PartitionError } from './PartitionError';
import { ownershipOf, resolveLayout, type Ownership, type PartitionLayout } from './PartitionLayout';
import type { PartitionedOffsets } from './PartitionedOffsets';
import { rescaleCheckpoints, type RescaleReport } from './rescaleCheckpoints';
import { WorkerLease, fencedSink, fencedStorage } from './WorkerLease';

/** What `layout.json` of a partitioned job's shared directory records. */
export interface JobLayout extends PartitionLayout {
  /** How many workers the current generation has. */
  readonly workers: number;
  /** The current generation: 0 at creation, one more after every rescale. */
  readonly generation: number;
}

const FORMAT = 'weir-partitioned-job';

/** The directory of worker `worker` of generation `generation`. */
function workerDir(dir: string, generation: number, worker: number): string {
  return join(dir, `gen-${generation}`, `worker-${worker}`);
}

/**
 * The layout recorded in `dir/layout.json`, or `undefined` when there is none.
 * @throws PartitionError `IO` for an unreadable or foreign file
 *
 * @example
 * ```ts
 * const layout = await readJobLayout('shared'); // { partitions: 8, keyGroups: 128, workers: 2, generation: 1 }
 * ```
 */
export async function readJobLayout(dir: string): Promise<JobLayout | undefined> {
  const path = join(dir, 'layout.json');
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new PartitionError('IO', `readJobLayout: cannot read ${path}: ${messageOf(err)}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new PartitionError('IO', `readJobLayout: ${path} is not JSON: ${messageOf(err)}`, { cause: err });
  }
  const l = parsed as Partial<JobLayout> & { format?: unknown };
  if (l?.format !== FORMAT || !Number.isInteger(l.generation) || !Number.isInteger(l.workers)) throw new PartitionError('IO', `readJobLayout: ${path} is not a partitioned job's layout: ${describeValue(parsed)}`);
  const layout = resolveLayout({ partitions: l.partitions!, keyGroups: l.keyGroups! }, `readJobLayout (${path})`);
  return { ...layout, workers: l.workers!, generation: l.generation! };
}

async function writeJobLayout(dir: string, layout: JobLayout): Promise<void> {
  const path = join(dir, 'layout.json');
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(tmp, `${JSON.stringify({ format: FORMAT, ...layout }, null, 2)}\n`);
    await fs.rename(tmp, path); // atomic: the generation switches at once
  } catch (err) {
    throw new PartitionError('IO', `writeJobLayout: cannot write ${path}: ${messageOf(err)}`, { cause: err });
  }
}

/**
 * Creates a partitioned job's shared directory (`dir/layout.json`: partitions, key groups,
 * workers, generation 0), or checks an existing one: a different number of partitions or key
 * groups is `LAYOUT_MISMATCH` (they are fixed for the job's life), and so is a different number
 * of workers (rescale first: {@link rescaleJob}). Returns the recorded layout.
 *
 * @example
 * ```ts
 * await createPartitionedJob('shared', { partitions: 8, workers: 2 });
 * ```
 */
export async function createPartitionedJob(dir: string, options: { readonly partitions: number; readonly keyGroups?: number; readonly workers: number }): Promise<JobLayout> {
  const where = `createPartitionedJob (${dir})`;
  checkPartitionOptionKeys(where, options, ['partitions', 'keyGroups', 'workers']);
  const layout = resolveLayout(options, where);
  ownershipOf(0, options.workers, layout); // checks the number of workers
  const recorded = await readJobLayout(dir);
  if (recorded === undefined) {
    const created = { ...layout, workers: options.workers, generation: 0 };
    await writeJobLayout(dir, created);
    return created;
  }
  if (recorded.partitions !== layout.partitions || recorded.keyGroups !== layout.keyGroups || recorded.workers !== options.workers) {
    throw new PartitionError(
      'LAYOUT_MISMATCH',
      `${where}: the job was created with ${recorded.partitions} partitions, ${recorded.keyGroups} key groups and (generation ${recorded.generation}) ${recorded.workers} workers; ` +
        `asked for ${layout.partitions}, ${layout.keyGroups} and ${options.workers}. Partitions and key groups are fixed; rescale to change the workers.`,
    );
  }
  return recorded;
}

/** A worker of a partitioned job, as {@link openWorker} opens it in its process. */
export interface PartitionedWorker {
  readonly dir: string;
  readonly layout: JobLayout;
  /** What this worker owns: its partitions and key groups. */
  readonly ownership: Ownership;
  /** Its lease: this process's epoch for the worker's index. */
  readonly lease: WorkerLease;
  /** Its checkpoint storage (this generation's), fenced by the lease: pass it to `CheckpointCoordinator.open`. */
  readonly storage: CheckpointStorage;
  /** Wraps a sink so that a fenced process commits nothing ({@link fencedSink}). */
  fence<T>(sink: Sink<T>): Sink<T>;
  /** A directory of this worker's own in this generation, for its sinks' output: `dir/out/gen-<g>/worker-<i>/<name>`. */
  outputDir(name: string): string;
}

/**
 * Opens worker `worker` of the partitioned job in `dir`, in its own process: reads the layout,
 * takes the worker's lease for the current generation (fencing any earlier process of the same
 * index) and gives the fenced checkpoint storage its coordinator restores from.
 *
 * @param options - `fsync` of its checkpoint storage (default `true`)
 * @throws PartitionError `INVALID_ARGUMENT` for a worker index the generation does not have,
 *   `IO` when the directory has no layout
 *
 * @example
 * ```ts
 * const w = await openWorker('shared', Number(process.env.WEIR_WORKER));
 * const job = await CheckpointCoordinator.open({ storage: w.storage });
 * ```
 */
export async function openWorker(dir: string, worker: number, options: { readonly fsync?: boolean } = {}): Promise<PartitionedWorker> {
  checkPartitionOptionKeys('openWorker', options, ['fsync']);
  const layout = await readJobLayout(dir);
  if (layout === undefined) throw new PartitionError('IO', `openWorker: ${dir} holds no partitioned job (no layout.json): createPartitionedJob first`);
  const ownership = ownershipOf(worker, layout.workers, layout);
  const base = workerDir(dir, layout.generation, worker);
  const lease = await WorkerLease.acquire(join(base, 'lease'));
  const storage = fencedStorage(new FileCheckpointStorage(join(base, 'checkpoints'), { fsync: options.fsync ?? true }), lease);
  return {
    dir,
    layout,
    ownership,
    lease,
    storage,
    fence: (sink) => fencedSink(sink, lease),
    outputDir: (name) => join(dir, 'out', `gen-${layout.generation}`, `worker-${worker}`, name),
  };
}

/** Options of {@link rescaleJob}. */
export interface RescaleJobOptions {
  /** The job's shared directory. */
  readonly dir: string;
  /** The new number of workers, in [1, partitions]. */
  readonly to: number;
  /** See {@link RescaleCheckpointsOptions.mergeOperatorScope}. */
  readonly mergeOperatorScope?: OperatorScopeMerge;
  /** The sink `name` of old worker `worker` as the job made it (output under {@link PartitionedWorker.outputDir} of that generation), to commit its pre-committed output. */
  readonly sinks?: (name: string, worker: number, outputDir: string) => Sink<unknown>;
  readonly offsets?: Readonly<Record<string, PartitionedOffsets>>;
  readonly partitionName?: (partition: number) => string;
  readonly log?: (message: string) => void;
}

const RESCALE_KEYS = optionKeys<RescaleJobOptions>({ dir: true, to: true, mergeOperatorScope: true, sinks: true, offsets: true, partitionName: true, log: true });

/**
 * Rescales the partitioned job in `dir` to `to` workers (see {@link rescaleCheckpoints}): takes
 * every old worker's lease (so a worker still running is fenced off at its next checkpoint),
 * writes the next generation's checkpoints, commits the old sinks, then switches `layout.json`
 * to the new generation in one rename. Run it with the job stopped; safe to run again after a
 * crash (until the switch, the old generation is untouched).
 *
 * @example
 * ```ts
 * await rescaleJob({ dir: 'shared', to: 3, mergeOperatorScope: mergeWindowOperatorScope, sinks: (name, worker, out) => jsonLinesSink(out) });
 * ```
 */
export async function rescaleJob(options: RescaleJobOptions): Promise<RescaleReport & { readonly layout: JobLayout }> {
  const where = 'rescaleJob';
  checkPartitionOptionKeys(where, options, RESCALE_KEYS);
  const { dir, to } = options;
  const old = await readJobLayout(dir);
  if (old === undefined) throw new PartitionError('IO', `${where}: ${dir} holds no partitioned job (no layout.json)`);
  ownershipOf(0, to, old); // checks `to`
  const g = old.generation;
  for (let i = 0; i < old.workers; i++) await WorkerLease.acquire(join(workerDir(dir, g, i), 'lease'));
  const storage = (gen: number, i: number): FileCheckpointStorage => new FileCheckpointStorage(join(workerDir(dir, gen, i), 'checkpoints'));
  const outputDir = (i: number) => (name: string) => join(dir, 'out', `gen-${g}`, `worker-${i}`, name);
  const { sinks } = options;
  const report = await rescaleCheckpoints({
    from: Array.from({ length: old.workers }, (_, i) => storage(g, i)),
    to: Array.from({ length: to }, (_, j) => storage(g + 1, j)),
    layout: old,
    ...(options.mergeOperatorScope !== undefined ? { mergeOperatorScope: options.mergeOperatorScope } : {}),
    ...(sinks !== undefined ? { sinks: (name: string, worker: number) => sinks(name, worker, outputDir(worker)(name)) } : {}),
    ...(options.offsets !== undefined ? { offsets: options.offsets } : {}),
    ...(options.partitionName !== undefined ? { partitionName: options.partitionName } : {}),
    ...(options.log !== undefined ? { log: options.log } : {}),
  });
  const layout = { partitions: old.partitions, keyGroups: old.keyGroups, workers: to, generation: g + 1 };
  await writeJobLayout(dir, layout);
  return { ...report, layout };
}
