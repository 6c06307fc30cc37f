// One worker of the partitioned window job: it owns a contiguous range of the input partitions
// (so of key groups), reads them from JetStream, counts page views per page per minute in a
// tumbling window whose state holds only its key groups, checkpoints to a bucket of its own, and
// commits its counts exactly once to a stream of its own (docs/scale-out.md).
import type { NatsConnection } from '@nats-io/nats-core';
import { CheckpointCoordinator } from '@weir/checkpoint';
import { JetStreamCheckpointStorage, jetStreamSink, jetStreamSource } from '@weir/nats';
import { ownershipOf, partitionOfKey } from '@weir/partition';
import { mapRecords } from '@weir/stream';
import { count, tumblingWindow } from '@weir/window';
import type { PageViews } from '../nats-job/expected';
import type { Click } from '../window-job/generate';
import { checkpointBucket, INPUT, inputSubject, LAYOUT, MAX_OUT_OF_ORDERNESS, outputStreams } from './layout';

/** Options of {@link runPartitionedWorker}. */
export interface PartitionedWorkerOptions {
  readonly connection: NatsConnection;
  /** This worker's index, in [0, workers). */
  readonly worker: number;
  readonly workers: number;
  /** Checkpoint every this many clicks; default 10,000 (and always at the end). */
  readonly checkpointEvery?: number;
  /** Called once the job has opened (restored its checkpoint, if any) and starts reading. */
  readonly onStart?: (restoredFrom: number | undefined) => void;
  /** Called after each checkpoint is persisted and committed, with its id. */
  readonly onCheckpoint?: (id: number) => void;
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
  const mine = ownershipOf(o.worker, o.workers, LAYOUT);
  const job = await CheckpointCoordinator.open({
    storage: new JetStreamCheckpointStorage({ connection: nc, bucket: checkpointBucket(o.worker) }),
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
  const source = jetStreamSource<Click>({ connection: nc, stream: INPUT.stream, subjects: mine.partitions.map(inputSubject), eventTime: { field: 'ts' }, stopAt: 'latest' });
  const sink = jetStreamSink<PageViews>({ connection: nc, ...outputStreams(o.workers).sinkTarget(o.worker), partitionOf: (r) => partitionOfKey(r.page, LAYOUT) });
  o.onStart?.(job.restoredFrom);
  const summary = await job.run(
    job.source('clicks', source, { maxOutOfOrderness: MAX_OUT_OF_ORDERNESS }).pipe(
      views,
      mapRecords((r): PageViews => ({ page: r.key, minute: new Date(r.start).toISOString(), views: r.value })),
      job.sink('page-views', sink),
    ),
  );
  return {
    worker: o.worker,
    partitions: mine.partitions,
    keyGroups: mine.keyGroups.toString(),
    restoredFrom: summary.restoredFrom,
    clicksRead: summary.recordsRead,
    late: views.metrics.lateRecords,
    lastCheckpoint: summary.lastCheckpoint,
    ms: performance.now() - t0,
  };
}
