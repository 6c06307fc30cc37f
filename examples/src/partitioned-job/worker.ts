// One worker of the partitioned window job, a process started by runPartitioned (@weir/partition):
// it owns a contiguous range of the input partitions (so of key groups), reads them from
// JetStream, counts page views per page per minute in a tumbling window whose state holds only
// its key groups, checkpoints to the job's shared directory under its lease, and commits its
// counts exactly once to a stream of its own (docs/scale-out.md).
import type { NatsConnection } from '@nats-io/nats-core';
import { CheckpointCoordinator, type Source } from '@weir/checkpoint';
import { jetStreamSink, jetStreamSource } from '@weir/nats';
import { partitionOfKey, type PartitionedWorker } from '@weir/partition';
import { mapRecords } from '@weir/stream';
import { count, tumblingWindow } from '@weir/window';
import { servingWhileRunning, type HttpEndpoint } from '../common/httpEndpoint';
import type { PageViews } from '../nats-job/expected';
import type { Click } from '../window-job/generate';
import { INPUT, inputSubject, LAYOUT, MAX_OUT_OF_ORDERNESS, outputStreams } from './layout';

/** Options of {@link runPartitionedWorker}. */
export interface PartitionedWorkerOptions {
  readonly connection: NatsConnection;
  /** This worker as the launcher started it (`workerFromEnv()`): its ownership, lease and fenced checkpoint storage. */
  readonly worker: PartitionedWorker;
  /** Checkpoint every this many clicks; default 10,000 (and always at the end). */
  readonly checkpointEvery?: number;
  /** Called once the job has opened (restored its checkpoint, if any) and starts reading. */
  readonly onStart?: (restoredFrom: number | undefined) => void;
  /** Called after each checkpoint is persisted and committed, with its id. */
  readonly onCheckpoint?: (id: number) => void;
  /**
   * Serve this worker's /metrics, /status, live page and stores here while it runs (`--http`);
   * its `partition` option is filled in from the worker's ownership.
   */
  readonly http?: HttpEndpoint & { readonly urlOf?: (worker: number) => string };
  /** Wraps the worker's source (tests hold the workers' first read with it). */
  readonly wrapSource?: (source: Source<Click>) => Source<Click>;
}

/** What a worker did, as it reports it to the launcher. */
export interface PartitionedWorkerSummary {
  readonly worker: number;
  readonly partitions: readonly number[];
  /** The key groups it owns, `[start, end)`. */
  readonly keyGroups: string;
  readonly restoredFrom: number | undefined;
  readonly clicksRead: number;
  readonly late: number;
  readonly lastCheckpoint: number | undefined;
  /** ms from open to the end of the run. */
  readonly ms: number;
}

/** Runs worker `worker` of `workers` until its partitions' last message (when it opened). */
export async function runPartitionedWorker(o: PartitionedWorkerOptions): Promise<PartitionedWorkerSummary> {
  const nc = o.connection;
  const t0 = performance.now();
  const w = o.worker;
  const mine = w.ownership;
  if (w.layout.partitions !== LAYOUT.partitions || w.layout.keyGroups !== LAYOUT.keyGroups) {
    throw new Error(`partitioned job: the job directory ${w.dir} has ${w.layout.partitions} partitions and ${w.layout.keyGroups} key groups; this job reads ${LAYOUT.partitions} and ${LAYOUT.keyGroups}`);
  }
  const job = await CheckpointCoordinator.open({
    storage: w.storage,
    interval: { events: o.checkpointEvery ?? 10_000 },
    ...(o.onCheckpoint === undefined ? {} : { onCheckpoint: (r: { id: number }) => o.onCheckpoint?.(r.id) }),
  });
  const views = tumblingWindow({
    size: 60_000,
    key: (c: Click) => c.page,
    aggregate: count(),
    keyGroups: LAYOUT.keyGroups,
    store: job.store('page-views'),
    name: 'page-views',
    checkpoint: job,
  });
  const read = jetStreamSource<Click>({ connection: nc, stream: INPUT.stream, subjects: mine.partitions.map(inputSubject), eventTime: { field: 'ts' }, stopAt: 'latest' });
  const source = o.wrapSource === undefined ? read : o.wrapSource(read);
  // the sink fences itself (an epoch on its stream), and the lease fences it too
  const sink = w.fence(jetStreamSink<PageViews>({ connection: nc, ...outputStreams(w.layout.workers).sinkTarget(mine.worker), partitionOf: (r) => partitionOfKey(r.page, LAYOUT) }));
  o.onStart?.(job.restoredFrom);
  const http =
    o.http === undefined
      ? undefined
      : { ...o.http, partition: { worker: mine.worker, workers: w.layout.workers, partitions: w.layout.partitions, keyGroups: w.layout.keyGroups, ...(o.http.urlOf === undefined ? {} : { urlOf: o.http.urlOf }) } };
  const summary = await servingWhileRunning(job, `partitioned-job worker ${mine.worker}`, http, () =>
    job.run(
      job.source('clicks', source, { maxOutOfOrderness: MAX_OUT_OF_ORDERNESS }).pipe(
        views,
        mapRecords((r): PageViews => ({ page: r.key, minute: new Date(r.start).toISOString(), views: r.value })),
        job.sink('page-views', sink),
      ),
    ),
  );
  return {
    worker: mine.worker,
    partitions: mine.partitions,
    keyGroups: mine.keyGroups.toString(),
    restoredFrom: summary.restoredFrom,
    clicksRead: summary.recordsRead,
    late: views.metrics.lateRecords,
    lastCheckpoint: summary.lastCheckpoint,
    ms: performance.now() - t0,
  };
}
