// A job in two stages joined by a repartition (issue 17 item 4; docs/scale-out.md): orders come
// partitioned by shop; stage 1 (one worker per input partition) maps each order and writes it,
// exactly once, to intermediate streams partitioned by the user's key group (one stream per
// stage-1 worker: a jetStreamSink must be its stream's only writer); stage 2 (each worker owning
// a contiguous range of those partitions, so of the users' key groups) reads its partitions from
// every stage-1 stream and sums each user's spend per 10 s window, into streams of its own.
// Shared by repartitionJob.test.ts and repartitionWorker.ts (the stage-1 worker as a process).
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { CheckpointCoordinator } from '@weir/checkpoint';
import { JetStreamCheckpointStorage, jetStreamSink, jetStreamSource, readJetStreamSinkOutput, repartitionStreams } from '@weir/nats';
import { ownershipOf, partitionOfKey } from '@weir/partition';
import { mapRecords } from '@weir/stream';
import { sum, tumblingWindow } from '@weir/window';

/** An input order. */
export interface Order {
  readonly i: number;
  readonly shop: string;
  readonly user: string;
  readonly cents: number;
  readonly ts: number;
}

/** What stage 1 writes: an order regrouped by user. */
export interface Spend {
  readonly i: number;
  readonly user: string;
  readonly cents: number;
  readonly ts: number;
}

/** Stage 2's result: a user's spend in one 10 s window. */
export interface UserSpend {
  readonly user: string;
  readonly start: number;
  readonly cents: number;
}

export const INPUT = { stream: 'ORDERS', subject: 'orders', partitions: 2 } as const;
/** The intermediate partitions and the job's key groups (fixed for the life of its checkpoints). */
export const LAYOUT = { partitions: 4, keyGroups: 32 } as const;
export const STAGE1_WORKERS = 2;
export const STAGE2_WORKERS = 2;
export const WINDOW_MS = 10_000;
export const MAX_OUT_OF_ORDERNESS = 1_000;
export const MID = repartitionStreams({ stream: 'SPEND_BY_USER', subject: 'spend.by-user', writers: STAGE1_WORKERS, partitions: LAYOUT.partitions });
export const OUT = repartitionStreams({ stream: 'USER_SPEND', subject: 'user-spend', writers: STAGE2_WORKERS, partitions: LAYOUT.partitions });

/** The input partition of a shop (the producer's choice, unrelated to key groups: a 31-multiplier string hash). */
export function inputPartitionOf(shop: string): number {
  let h = 0;
  for (let i = 0; i < shop.length; i++) h = (h * 31 + shop.charCodeAt(i)) >>> 0;
  return h % INPUT.partitions;
}

/** `n` seeded orders: 40 users, 12 shops, event time rising ~5 ms an order with up to 400 ms of disorder. */
export function orders(n: number, seed = 7): Order[] {
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: n }, (_, i) => ({
    i,
    shop: `shop-${Math.floor(next() * 12)}`,
    user: `user-${Math.floor(next() * 40)}`,
    cents: 1 + Math.floor(next() * 5_000),
    ts: 1_700_000_000_000 + i * 5 - Math.floor(next() * 400),
  }));
}

/** Creates the input stream, the intermediate and output streams, and publishes `input` by shop. */
export async function prepare(nc: NatsConnection, input: readonly Order[]): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: INPUT.stream, subjects: [`${INPUT.subject}.>`] });
  await MID.create(nc);
  await OUT.create(nc);
  const js = jetstream(nc);
  const inFlight: Promise<unknown>[] = [];
  for (const o of input) {
    inFlight.push(js.publish(`${INPUT.subject}.${inputPartitionOf(o.shop)}`, JSON.stringify(o), { msgID: `order-${o.i}` }));
    if (inFlight.length >= 512) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
}

/** Runs stage-1 worker `w` (input partition `w`) to the input's end; checkpoints every `every` orders. */
export async function runStage1(nc: NatsConnection, w: number, every: number, hooks: { onStart?: (restoredFrom: number | undefined) => void; onCheckpoint?: (id: number) => void } = {}): Promise<number> {
  const job = await CheckpointCoordinator.open({
    storage: new JetStreamCheckpointStorage({ connection: nc, bucket: `repartition-stage1-w${w}` }),
    interval: { events: every },
    ...(hooks.onCheckpoint === undefined ? {} : { onCheckpoint: (r: { id: number }) => hooks.onCheckpoint?.(r.id) }),
  });
  const source = jetStreamSource<Order>({ connection: nc, stream: INPUT.stream, subjects: [`${INPUT.subject}.${w}`], eventTime: { field: 'ts' }, stopAt: 'latest' });
  const sink = jetStreamSink<Spend>({ connection: nc, ...MID.sinkTarget(w), partitionOf: (s) => partitionOfKey(s.user, LAYOUT) });
  hooks.onStart?.(job.restoredFrom);
  const summary = await job.run(
    job.source('orders', source, { maxOutOfOrderness: MAX_OUT_OF_ORDERNESS }).pipe(
      mapRecords((o: Order): Spend => ({ i: o.i, user: o.user, cents: o.cents, ts: o.ts })),
      job.sink('spend-by-user', sink),
    ),
  );
  return summary.recordsRead;
}

/** Runs stage-2 worker `d` of {@link STAGE2_WORKERS} to the intermediate streams' end; resolves to the records too late for their window. */
export async function runStage2(nc: NatsConnection, d: number, every: number): Promise<number> {
  const mine = ownershipOf(d, STAGE2_WORKERS, LAYOUT);
  const job = await CheckpointCoordinator.open({ storage: new JetStreamCheckpointStorage({ connection: nc, bucket: `repartition-stage2-w${d}` }), interval: { events: every } });
  const windows = tumblingWindow({
    size: WINDOW_MS,
    key: (s: Spend) => s.user,
    aggregate: sum((s: Spend) => s.cents),
    keyGroups: LAYOUT.keyGroups,
    store: job.store('spend'),
    name: 'spend',
    checkpoint: job,
  });
  const source = jetStreamSource<Spend>({ connection: nc, inputs: MID.inputsOf(mine.partitions), eventTime: { field: 'ts' }, stopAt: 'latest' });
  const sink = jetStreamSink<UserSpend>({ connection: nc, ...OUT.sinkTarget(d), partitionOf: (r) => partitionOfKey(r.user, LAYOUT) });
  await job.run(
    job.source('spend-by-user', source, { maxOutOfOrderness: MAX_OUT_OF_ORDERNESS }).pipe(
      windows,
      mapRecords((r): UserSpend => ({ user: r.key, start: r.start, cents: r.value })),
      job.sink('user-spend', sink),
    ),
  );
  return windows.metrics.lateRecords;
}

/** Every committed record of the streams of `streams`' writers, decoded, with the writer and partition. */
export async function committed<T>(nc: NatsConnection, streams: typeof MID): Promise<Array<{ writer: number; partition: number; value: T }>> {
  const decoder = new TextDecoder();
  const out: Array<{ writer: number; partition: number; value: T }> = [];
  for (let w = 0; w < streams.writers; w++) {
    const { stream, subject } = streams.sinkTarget(w);
    for (const r of await readJetStreamSinkOutput(nc, { stream, subject })) out.push({ writer: w, partition: r.partition, value: JSON.parse(decoder.decode(r.data)) as T });
  }
  return out;
}

/** The plain computation: each user's spend per window, as `user@start=cents` lines, sorted. */
export function expectedSpend(input: readonly Order[]): string[] {
  const totals = new Map<string, number>();
  for (const o of input) {
    const k = `${o.user}@${o.ts - (o.ts % WINDOW_MS)}`;
    totals.set(k, (totals.get(k) ?? 0) + o.cents);
  }
  return [...totals].map(([k, v]) => `${k}=${v}`).sort();
}
