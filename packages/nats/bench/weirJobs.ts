// The weir rows of the NATS benchmark: checkpointed jobs through the CheckpointCoordinator with
// their checkpoints in JetStreamCheckpointStorage, default options, against the same server as
// the raw rows (rawClient.ts).
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { arraySource, CheckpointCoordinator, collectingSink, type Source } from '@weir/checkpoint';
import { mapRecords } from '@weir/stream';
import { count, tumblingWindow } from '@weir/window';
import { JetStreamCheckpointStorage, jetStreamSink, jetStreamSource } from '../src';
import { benchClick, type BenchClick } from './rawClient';

/** Checkpoint every this many clicks (the jobs' only non-default option: a 30k-click run would otherwise checkpoint only at its end). */
export const CHECKPOINT_EVERY = 10_000;

/** What a window job emits: views of one page in one minute. */
interface PageMinute {
  readonly page: string;
  readonly minute: number;
  readonly views: number;
}

/** The first `n` benchmark clicks, in memory. */
export function clicksInMemory(n: number): BenchClick[] {
  return Array.from({ length: n }, (_, i) => benchClick(i));
}

/** A new, empty output stream for a sink on `<subject>.>`. */
async function freshOutput(nc: NatsConnection, stream: string, subject: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(stream).catch(() => false);
  await jsm.streams.add({ name: stream, subjects: [`${subject}.>`] });
}

/** A coordinator on a fresh checkpoint bucket (so every round starts from nothing). */
async function coordinator(nc: NatsConnection, bucket: string): Promise<CheckpointCoordinator> {
  const jsm = await jetstreamManager(nc);
  for (const s of [`OBJ_${bucket}`, `KV_${bucket}`]) await jsm.streams.delete(s).catch(() => false);
  return CheckpointCoordinator.open({ storage: new JetStreamCheckpointStorage({ connection: nc, bucket }), interval: { events: CHECKPOINT_EVERY } });
}

/** The window every window row runs: views per page per 1-minute tumbling window, state in the job's store. */
function pageViews(job: CheckpointCoordinator) {
  return tumblingWindow({ size: 60_000, key: (c: BenchClick) => c.page, aggregate: count(), store: job.store('views'), name: 'views', checkpoint: job });
}

/** weir sink: clicks from memory, each published exactly once to a stream by jetStreamSink. */
export async function sinkOnly(nc: NatsConnection, clicks: readonly BenchClick[], round: number): Promise<void> {
  await freshOutput(nc, 'BENCH_SINK', 'bench.sink');
  const job = await coordinator(nc, `bench-sink-${round}`);
  const clicks$ = job.source('clicks', arraySource(clicks), { timestamp: (c) => c.ts, maxOutOfOrderness: 1_000 });
  const summary = await job.run(clicks$.pipe(job.sink('out', jetStreamSink<BenchClick>({ connection: nc, stream: 'BENCH_SINK', subject: 'bench.sink' }))));
  if (summary.recordsRead !== clicks.length) throw new Error(`sink job read ${summary.recordsRead} of ${clicks.length}`);
}

/** The benchmark's input stream as a weir source (defaults; bounded: it ends at the stream's last message at open). */
export function streamSource(nc: NatsConnection, stream: string): Source<BenchClick> {
  return jetStreamSource<BenchClick>({ connection: nc, stream, stopAt: 'latest' });
}

/** weir source: every click of `stream` through a job into a collecting sink. */
export async function sourceOnly(nc: NatsConnection, stream: string, n: number, round: number): Promise<void> {
  const job = await coordinator(nc, `bench-src-${round}`);
  const sink = collectingSink<BenchClick>();
  const summary = await job.run(job.source('clicks', streamSource(nc, stream), { timestamp: (c) => c.ts, maxOutOfOrderness: 1_000 }).pipe(job.sink('out', sink)));
  if (summary.recordsRead !== n || sink.committed().length !== n) throw new Error(`source job read ${summary.recordsRead} of ${n}`);
}

/** weir copy: every click of `stream` republished exactly once to another stream (source -> sink, nothing between). */
export async function streamCopy(nc: NatsConnection, stream: string, n: number, round: number): Promise<void> {
  await freshOutput(nc, 'BENCH_COPY', 'bench.copy');
  const job = await coordinator(nc, `bench-copy-${round}`);
  const clicks$ = job.source('clicks', streamSource(nc, stream), { timestamp: (c) => c.ts, maxOutOfOrderness: 1_000 });
  const summary = await job.run(clicks$.pipe(job.sink('out', jetStreamSink<BenchClick>({ connection: nc, stream: 'BENCH_COPY', subject: 'bench.copy' }))));
  if (summary.recordsRead !== n) throw new Error(`copy job read ${summary.recordsRead} of ${n}`);
}

/** weir window, no NATS: clicks from memory -> the window -> a collecting sink, checkpoints in JetStream (the compute and checkpoints alone). */
export async function windowInMemory(nc: NatsConnection, clicks: readonly BenchClick[], round: number): Promise<number> {
  return windowJob(nc, arraySource(clicks), `bench-mem-${round}`, undefined);
}

/**
 * A window job from `source` to a jetStreamSink on `output` (or to a collecting sink when
 * `undefined`); resolves with the number of results.
 */
export async function windowJob(nc: NatsConnection, source: Source<BenchClick>, bucket: string, output: { stream: string; subject: string } | undefined): Promise<number> {
  const job = await coordinator(nc, bucket);
  const views$ = job.source('clicks', source, { timestamp: (c) => c.ts, maxOutOfOrderness: 1_000 }).pipe(
    pageViews(job),
    mapRecords((r): PageMinute => ({ page: r.key, minute: r.start, views: r.value })),
  );
  if (output === undefined) {
    const sink = collectingSink<PageMinute>();
    await job.run(views$.pipe(job.sink('views', sink)));
    return sink.committed().length;
  }
  await freshOutput(nc, output.stream, output.subject);
  let results = 0;
  await job.run(views$.pipe(mapRecords((v) => (results++, v)), job.sink('views', jetStreamSink<PageMinute>({ connection: nc, stream: output.stream, subject: output.subject }))));
  return results;
}
