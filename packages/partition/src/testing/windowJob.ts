// The partitioned window job of the tests, the worker processes and the benchmark: clicks per
// page per second (a tumbling count), one worker of a job spread over `workers` processes.
import { join } from 'node:path';
import { mapRecords } from '@weir/stream';
import { CheckpointCoordinator, FileCheckpointStorage, generatorSource, jsonLinesSink, jsonLinesSource, type CheckpointStorage, type JobSummary, type Sink, type Source } from '@weir/checkpoint';
import { count, tumblingWindow } from '@weir/window';
import { ownershipOf } from '../PartitionLayout';
import { partitionedSource } from '../partitionedSource';
import { clickOf, pagesByPartition, type Click } from './partitionedClicks';

/** One output row: a page's clicks in one second. */
export interface ViewsRow {
  readonly page: string;
  readonly start: number;
  readonly views: number;
}

/** The fields of a {@link ViewsRow}, in the order its lines have them. */
export const VIEWS_FIELDS: readonly string[] = ['page', 'start', 'views'];

/** Options of {@link runWindowWorker}. */
export interface WindowWorkerOptions {
  readonly worker: number;
  readonly workers: number;
  readonly partitions: number;
  readonly keyGroups?: number;
  /** The input: one JSON Lines file per partition (`input(p)`), or generated clicks (`generated`). */
  readonly input:
    | { readonly files: (partition: number) => string }
    | {
        /** Generated clicks: `perPartition` per partition over `pages` pages (each partition's share of them), `step` ms apart; `cycle` takes the pages in turn instead of at random. */
        readonly generated: { readonly perPartition: number; readonly pages: number; readonly step?: number; readonly cycle?: boolean };
      };
  /** The window size, ms; default {@link WINDOW_MS}. */
  readonly windowMs?: number;
  readonly storage: CheckpointStorage;
  /** The output directory of this worker's sink (a fresh one per generation). */
  readonly out: string;
  /** Wraps the sink (fencing) and the checkpoint storage is given wrapped already. */
  readonly wrapSink?: <T>(sink: Sink<T>) => Sink<T>;
  /** Wraps the source (crash injection). */
  readonly wrapSource?: <T>(source: Source<T>) => Source<T>;
  readonly checkpointEvery?: number;
  /** Records each round of the coordinator (its `batchSize`); default 1,000. */
  readonly batchSize?: number;
  readonly log?: (message: string) => void;
}

/** The window: clicks per page per second. */
export const WINDOW_MS = 1_000;
export const MAX_OUT_OF_ORDERNESS = 100;

/** Runs worker `worker` of the partitioned window job until its input ends. */
export async function runWindowWorker(o: WindowWorkerOptions): Promise<JobSummary> {
  const layout = { partitions: o.partitions, keyGroups: o.keyGroups ?? 128 };
  const own = ownershipOf(o.worker, o.workers, layout);
  const job = await CheckpointCoordinator.open({ storage: o.storage, interval: { events: o.checkpointEvery ?? 2_000 }, batchSize: o.batchSize ?? 1_000, ...(o.log !== undefined ? { log: o.log } : {}) });
  const input = o.input;
  const pages = 'generated' in input ? pagesByPartition({ ...layout, pages: input.generated.pages }) : [];
  const perPartition = (p: number): Source<Click> =>
    'files' in input
      ? jsonLinesSource<Click>(input.files(p))
      : generatorSource<Click>({ count: pages[p]!.length > 0 ? input.generated.perPartition : 0, seed: 1000 + p, generate: (i, rnd) => generated(p, i, rnd) });
  const generated = (p: number, i: number, rnd: () => number): Click => {
    const g = (input as { generated: { step?: number; cycle?: boolean } }).generated;
    const click = clickOf(p, i, pages[p]!, rnd, g.step ?? 10, 50);
    return g.cycle === true ? { ...click, page: pages[p]![i % pages[p]!.length]! } : click;
  };
  let source: Source<Click> = partitionedSource({ partitions: own.partitions, source: perPartition });
  if (o.wrapSource !== undefined) source = o.wrapSource(source);
  const clicks$ = job.source('clicks', source, { timestamp: (c) => c.time, maxOutOfOrderness: MAX_OUT_OF_ORDERNESS });
  const views$ = clicks$.pipe(
    tumblingWindow({ size: o.windowMs ?? WINDOW_MS, key: (c: Click) => c.page, aggregate: count(), store: job.store('views'), name: 'views', checkpoint: job, keyGroups: layout.keyGroups }),
    mapRecords((r): ViewsRow => ({ page: r.key, start: r.start, views: r.value })),
  );
  // a row of known fields: encoded straight into the sink's buffer, the same bytes as JSON.stringify
  let sink: Sink<ViewsRow> = jsonLinesSink<ViewsRow>(o.out, { fsync: false, fields: VIEWS_FIELDS });
  if (o.wrapSink !== undefined) sink = o.wrapSink(sink);
  return job.run(views$.pipe(job.sink('views', sink)));
}

/** The storage and output of worker `worker` of generation `generation` under `dir`, as the tests lay them out. */
export function workerPaths(dir: string, generation: number, worker: number): { readonly checkpoints: string; readonly out: string } {
  return { checkpoints: join(dir, `gen-${generation}`, `worker-${worker}`, 'checkpoints'), out: join(dir, 'out', `gen-${generation}`, `worker-${worker}`) };
}

/** A file checkpoint storage without fsync (tests survive process crashes, not power loss). */
export function testStorage(path: string): FileCheckpointStorage {
  return new FileCheckpointStorage(path, { fsync: false });
}
