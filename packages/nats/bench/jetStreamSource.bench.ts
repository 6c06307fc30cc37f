// TS_NODE_TRANSPILE_ONLY=1 node -r ts-node/register -r tsconfig-paths/register packages/nats/bench/jetStreamSource.bench.ts [--messages 40000] [--repeat 3]
//
// What reading JetStream through jetStreamSource costs, and which partition layout to use: one
// stream with a subject per partition, or one stream per partition. One loopback nats-server
// (Debian 2.9.10, file storage, R1 streams) in a temp dir, started here and stopped by pid. The
// same clicks (rawClient.ts) fill three layouts once: one stream on one subject, one stream with 4
// subjects, 4 streams. Each round runs every row once, in the order printed; each row's figure is
// the median. Rows:
// - raw replay: the client's ordered consumer over the one-subject stream, JSON-decoding each
//   payload (the floor, no weir code);
// - jetStreamSource, bounded (stopAt 'latest'), read with a bare reader (readEach until ended),
//   default options: one partition (the whole stream), 4 subjects, 4 streams;
// - the 4-subject source through a CheckpointCoordinator (watermarks per partition, checkpoints in
//   memory every 10,000 records, no operator);
// - tuned: 4 subjects with batch 1024 (a separate, labelled row).
// Prints a table; writes bench/results/nats-source.json (machine, Node, load average, every round).
import { loadavg } from 'node:os';
import { filter } from 'rxjs';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { CheckpointCoordinator, MemoryCheckpointStorage } from '@weir/checkpoint';
import { benchOptions } from '../../../bench/lib/benchOptions';
import { printTable } from '../../../bench/lib/report';
import { connectNats, jetStreamSource, type JetStreamSourceOptions } from '../src';
import { startNatsServer } from '../src/testing';
import { finishBench, measureRates, type RateRow } from './rateRows';
import { freshStream, publishClicks, replayClicks, type BenchClick } from './rawClient';

const options = benchOptions({ messages: 40_000, repeat: 3 });
const N = options.messages;
const PARTITIONS = 4;

/** Reads a bounded source to its end with a bare reader; checks it read `N`. */
async function readToEnd(o: JetStreamSourceOptions<BenchClick>): Promise<void> {
  const reader = await jetStreamSource<BenchClick>(o).open(undefined);
  let read = 0;
  let checksum = 0;
  const emit = (c: BenchClick): void => {
    checksum = (checksum + c.ts) % 1_000_000_007;
    read++;
  };
  while (!reader.ended!()) await reader.readEach!(1_000, emit);
  reader.close?.();
  if (read !== N) throw new Error(`read ${read} of ${N} (checksum ${checksum})`);
}

async function throughCoordinator(o: JetStreamSourceOptions<BenchClick>): Promise<void> {
  const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage(), interval: { events: 10_000 } });
  const summary = await job.run(job.source('clicks', jetStreamSource<BenchClick>(o), { maxOutOfOrderness: 1_000 }).pipe(filter(() => false)));
  if (summary.recordsRead !== N) throw new Error(`the job read ${summary.recordsRead} of ${N}`);
}

async function fill(nc: NatsConnection): Promise<void> {
  await freshStream(nc, 'SRC_ONE', 'one');
  await publishClicks(nc, 'one', N, 256, 'one');
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete('SRC_SUBJECTS').catch(() => false);
  await jsm.streams.add({ name: 'SRC_SUBJECTS', subjects: ['subj.*'] });
  for (let p = 0; p < PARTITIONS; p++) {
    await publishClicks(nc, `subj.${p}`, N / PARTITIONS, 256, `subj${p}`);
    await freshStream(nc, `SRC_${p}`, `part.${p}`);
    await publishClicks(nc, `part.${p}`, N / PARTITIONS, 256, `part${p}`);
  }
}

async function main(): Promise<void> {
  if (N % PARTITIONS !== 0) throw new Error(`--messages must be a multiple of ${PARTITIONS}`);
  const loadBefore = loadavg();
  const server = await startNatsServer();
  const nc = await connectNats({ servers: server.url });
  try {
    await fill(nc);
    const subjects = Array.from({ length: PARTITIONS }, (_, p) => `subj.${p}`);
    const streams = Array.from({ length: PARTITIONS }, (_, p) => `SRC_${p}`);
    const base = { connection: nc, stopAt: 'latest' as const, eventTime: { field: 'ts' } };
    const FLOOR = 'raw replay (ordered consumer, JSON)';
    const rows: RateRow[] = [
      {
        name: FLOOR,
        against: '-',
        run: async () => {
          const { read } = await replayClicks(nc, 'SRC_ONE', N);
          if (read !== N) throw new Error(`replay read ${read} of ${N}`);
        },
      },
      { name: 'jetStreamSource, 1 partition (whole stream)', against: FLOOR, run: () => readToEnd({ ...base, stream: 'SRC_ONE' }) },
      { name: `jetStreamSource, ${PARTITIONS} subjects of 1 stream`, against: FLOOR, run: () => readToEnd({ ...base, stream: 'SRC_SUBJECTS', subjects }) },
      { name: `jetStreamSource, ${PARTITIONS} streams`, against: FLOOR, run: () => readToEnd({ ...base, streams }) },
      { name: `coordinator: ${PARTITIONS} subjects, per-partition watermarks`, against: FLOOR, run: () => throughCoordinator({ ...base, stream: 'SRC_SUBJECTS', subjects }) },
      { name: `tuned: ${PARTITIONS} subjects, batch 1024`, against: FLOOR, run: () => readToEnd({ ...base, stream: 'SRC_SUBJECTS', subjects, batch: 1_024 }) },
    ];
    const results = await measureRates(rows, options.repeat, N);
    console.log(`jetStreamSource, ${N.toLocaleString('en-US')} messages per row, median of ${options.repeat} rounds; nats-server at ${server.url}`);
    printTable(
      ['row', 'msg/s', 'vs', 'ratio'],
      results.map((r) => [r.name, r.messagesPerSecond.toLocaleString('en-US'), r.against === '-' ? '-' : 'raw replay', r.ratio === null ? '' : `${r.ratio.toFixed(2)}x`]),
    );
    finishBench('nats-source', loadBefore, { messages: N, repeat: options.repeat, results });
  } finally {
    await nc.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
