// The NATS job: the window job's page views per page per minute, on JetStream at both ends.
// Clicks come from a stream (read from a stream sequence: the source's offset), the tumbling
// window counts them per page per minute (its state in a checkpointed store), and the counts go
// to another stream through a two-phase-commit sink; checkpoints live in the JetStream object
// store. Killed at any moment and started again, the results stream ends up holding exactly what
// an uninterrupted run commits (docs/nats.md).
import type { NatsConnection } from '@nats-io/nats-core';
import { CheckpointCoordinator, type CheckpointReport } from '@weir/checkpoint';
import { JetStreamCheckpointStorage, jetStreamSink, jetStreamSource, type InvalidJetStreamMessage } from '@weir/nats';
import { mapRecords } from '@weir/stream';
import { count, tumblingWindow } from '@weir/window';
import { servingWhileRunning, type HttpEndpoint } from '../common/httpEndpoint';
import type { Click } from '../window-job/generate';
import type { PageViews } from './expected';
import { NATS_JOB_STREAMS, type NatsJobStreams } from './publish';

/** How far out of order clicks may arrive and still count (as in the window job). */
export const MAX_OUT_OF_ORDERNESS = 30_000;

/** Options of {@link runNatsJob}. */
export interface NatsJobOptions {
  /** An open connection (from `connectNats`); the job does not close it. */
  readonly connection: NatsConnection;
  /** The streams and the checkpoint bucket; default {@link NATS_JOB_STREAMS}. */
  readonly streams?: NatsJobStreams;
  /** Checkpoint every this many clicks; default 10,000 (and always at the end). */
  readonly checkpointEvery?: number;
  /** Replicas of the checkpoint bucket when the job creates it (3 on a 3-node cluster); default 1. */
  readonly replicas?: number;
  /** Called once the job has opened (restored its checkpoint, if any) and starts reading. */
  readonly onStart?: (resumedFrom: number | undefined) => void;
  /** Receives what the coordinator reports (the checkpoint restored, corrupt ones skipped). */
  readonly log?: (message: string) => void;
  /** Called after each checkpoint is persisted and committed, with its id. */
  readonly onCheckpoint?: (id: number) => void;
  /** Serve /metrics, /status, the live page and the stores here while the job runs (`--http`). */
  readonly http?: HttpEndpoint;
  /**
   * The side output of input messages that are not clicks (not JSON, or without a numeric `ts`):
   * each is counted and handed here, then skipped. Default: the job fails on the first one
   * (`NatsError` `DECODE`, naming the stream and sequence).
   */
  readonly invalid?: (message: InvalidJetStreamMessage) => void;
}

/** What {@link runNatsJob} resolves to. */
export interface NatsJobSummary {
  readonly resumedFrom: number | undefined;
  readonly clicksRead: number;
  /** Clicks too late for their minute (counted by the window, across restarts; left out of the counts). */
  readonly late: number;
  /** Input messages of this run that were not clicks (handed to `invalid`). */
  readonly invalid: number;
  readonly lastCheckpoint: number | undefined;
}

/** Runs the job until the input stream's end (its last message when the job started). */
export async function runNatsJob(options: NatsJobOptions): Promise<NatsJobSummary> {
  const nc = options.connection;
  const streams = options.streams ?? NATS_JOB_STREAMS;
  const job = await CheckpointCoordinator.open({
    storage: new JetStreamCheckpointStorage({ connection: nc, bucket: streams.checkpoints, replicas: options.replicas ?? 1 }),
    interval: { events: options.checkpointEvery ?? 10_000 },
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.onCheckpoint === undefined ? {} : { onCheckpoint: (report: CheckpointReport) => options.onCheckpoint?.(report.id) }),
  });
  const views = tumblingWindow({
    size: 60_000,
    key: (c: Click) => c.page,
    aggregate: count(),
    store: job.store('page-views'),
    name: 'page-views',
    checkpoint: job,
  });
  // The input ends at the stream's last message when the job starts (a bounded run); each click's
  // event time is its `ts` field.
  const source = jetStreamSource<Click>({
    connection: nc,
    stream: streams.clicks.stream,
    eventTime: { field: 'ts' },
    stopAt: 'latest',
    ...(options.invalid === undefined ? {} : { invalid: options.invalid }),
  });
  const clicks$ = job.source('clicks', source, { maxOutOfOrderness: MAX_OUT_OF_ORDERNESS });
  const rows$ = clicks$.pipe(
    views,
    mapRecords((r): PageViews => ({ page: r.key, minute: new Date(r.start).toISOString(), views: r.value })),
  );
  options.onStart?.(job.restoredFrom);
  const summary = await servingWhileRunning(job, 'nats-job', options.http, () =>
    job.run(rows$.pipe(job.sink('page-views', jetStreamSink<PageViews>({ connection: nc, stream: streams.views.stream, subject: streams.views.subject })))),
  );
  return { resumedFrom: summary.restoredFrom, clicksRead: summary.recordsRead, late: views.metrics.lateRecords, invalid: source.metrics().invalid, lastCheckpoint: summary.lastCheckpoint };
}
