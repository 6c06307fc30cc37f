// Shared by the query tests: a query run under the CheckpointCoordinator once whole and once
// crashed three times and resumed, so each test checks the two committed outputs its own way.
import { CheckpointCoordinator, MemoryCheckpointStorage, collectingSink } from '@weir/checkpoint';
import { crashingAfter } from '@weir/checkpoint/testing';
import { eventTime, nexmarkSource, type NexmarkQuery, type QueryContext } from '../index';

/** 1,000 events per second of event time: 30k events span 30 s. */
export const SLOW = { firstEventRate: 1_000 };

/** The events the runs read. */
export const CRASH_RUN_EVENTS = 30_000;

type Sink = ReturnType<typeof collectingSink<unknown>>;

async function runJob(query: NexmarkQuery<unknown>, storage: MemoryCheckpointStorage, sink: Sink, baseTime: number | undefined, crashAt?: number): Promise<void> {
  const job = await CheckpointCoordinator.open({ storage, interval: { events: 3_000 }, batchSize: 500 });
  const source = nexmarkSource({ events: CRASH_RUN_EVENTS, ...SLOW, ...(baseTime === undefined ? {} : { baseTime }) });
  const events$ = job.source('nexmark', crashAt === undefined ? source : crashingAfter(source, crashAt), { timestamp: eventTime, maxOutOfOrderness: 0 });
  const ctx: QueryContext = { store: (name) => job.store(name), checkpoint: job, cacheSize: 50, config: SLOW };
  await job.run(events$.pipe(query.build(ctx), job.sink('out', sink)));
}

/**
 * Runs `query` over {@link CRASH_RUN_EVENTS} events at {@link SLOW} (a checkpoint every 3,000
 * records, `cacheSize` 50): once uninterrupted, and once crashed after 7, 13 and 29 source reads
 * (each crash must reject with the simulated crash) and resumed from its checkpoints to the end.
 * Returns what each committed.
 */
export async function crashAndResume(query: NexmarkQuery<unknown>, options: { readonly baseTime?: number } = {}): Promise<{ whole: readonly unknown[]; resumed: readonly unknown[] }> {
  const whole = collectingSink<unknown>();
  await runJob(query, new MemoryCheckpointStorage(), whole, options.baseTime);
  const storage = new MemoryCheckpointStorage();
  const sink = collectingSink<unknown>();
  for (const crashAt of [7, 13, 29]) {
    await expect(runJob(query, storage, sink, options.baseTime, crashAt)).rejects.toThrow(/simulated crash/);
  }
  await runJob(query, storage, sink, options.baseTime);
  return { whole: whole.committed(), resumed: sink.committed() };
}
