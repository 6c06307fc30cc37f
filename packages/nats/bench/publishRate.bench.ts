// TS_NODE_TRANSPILE_ONLY=1 node -r ts-node/register -r tsconfig-paths/register packages/nats/bench/publishRate.bench.ts [--messages 20000] [--repeat 3]
//
// The publish rate per process, the limit of a partitioned job whose output (or repartition
// stream) is as large as its input (docs/scale-out.md): how many records a second one process
// commits to JetStream, and whether two processes, each the only writer of its own stream (as
// partitioned workers are), commit twice as many together. One loopback nats-server (file
// storage, R1). Rows, each `messages` records of ~80 B per process, median of `repeat` rounds,
// rounds alternating the rows:
// - raw publish, 1024 in flight: `js.publish` with a message id (the client's floor);
// - jetStreamSink, 8 partitions by key group: write + preCommit + commit every 5,000 records
//   (a checkpoint's worth), `partitionOf` = the partition carrying the user's key group of 128
//   (what partitionOfKey of @weir/partition computes), no coordinator;
// - the same two rows with 2 processes at once, each on its own stream: the aggregate rate (2 x
//   messages over the time from "go" to the last one done; process start-up outside the time).
// Prints a table; writes bench/results/nats-publish-rate.json (machine, Node, load average, rounds).
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { KeyWriter, keyGroupOf } from '@weir/state';
import { benchOptions } from '../../../bench/lib/benchOptions';
import { printTable } from '../../../bench/lib/report';
import { connectNats, jetStreamSink } from '../src';
import { startNatsServer } from '../src/testing';
import { finishBench, measureRates, type RateRow } from './rateRows';
import { benchClick, publishClicks, type BenchClick } from './rawClient';

type Kind = 'raw' | 'sink';
interface Task {
  readonly kind: Kind;
  readonly stream: string;
  readonly subject: string;
  readonly n: number;
  readonly round: number;
}

const PARTITIONS = 8;
const KEY_GROUPS = 128;
const COMMIT_EVERY = 5_000;
const writer = new KeyWriter(64);
const partitionOfUser = (c: BenchClick): number => Math.floor((keyGroupOf(writer.reset().part(c.user).view(), KEY_GROUPS) * PARTITIONS) / KEY_GROUPS);

/** A new, empty stream `stream` on `<subject>.>` (and no staging stream left from a round before). */
async function fresh(nc: NatsConnection, stream: string, subject: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const s of [stream, `${stream}_WEIR_STAGING`]) await jsm.streams.delete(s).catch(() => false);
  await jsm.streams.add({ name: stream, subjects: [`${subject}.>`] });
}

/** Runs one task on `nc`: `n` records into `stream`. */
async function runTask(nc: NatsConnection, t: Task, clicks: readonly BenchClick[]): Promise<void> {
  if (t.kind === 'raw') {
    await publishClicks(nc, `${t.subject}.0`, t.n, 1024, `${t.stream}-${t.round}`);
    return;
  }
  const w = await jetStreamSink<BenchClick>({ connection: nc, stream: t.stream, subject: t.subject, partitions: PARTITIONS, partitionOf: partitionOfUser }).open(undefined);
  let id = 0;
  for (let i = 0; i < t.n; i++) {
    w.write(clicks[i]!);
    if ((i + 1) % COMMIT_EVERY === 0 || i === t.n - 1) {
      await w.preCommit(++id);
      await w.commit(id);
    }
  }
  await w.close?.();
}

/** Child mode: a connection, then tasks from the parent ({ task } -> { done: seconds }). */
async function child(url: string): Promise<void> {
  const nc = await connectNats({ servers: url });
  const clicks = Array.from({ length: 200_000 }, (_, i) => benchClick(i));
  process.on('message', (m: { task?: Task; exit?: true }) => {
    if (m.exit === true) {
      void nc.close().then(() => process.exit(0));
      return;
    }
    const t0 = performance.now();
    runTask(nc, m.task!, clicks).then(
      () => process.send!({ done: (performance.now() - t0) / 1000 }),
      (err: unknown) => {
        process.stderr.write(`${String(err)}\n`);
        process.exit(1);
      },
    );
  });
  process.send!({ ready: true });
}

function ask(c: ChildProcess, task: Task): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { done?: number }): void => {
      if (m.done === undefined) return;
      c.off('message', onMessage);
      resolve();
    };
    c.on('message', onMessage);
    c.once('exit', (code) => reject(new Error(`bench child exited with ${code}`)));
    c.send({ task });
  });
}

async function main(): Promise<void> {
  const { messages: N, repeat } = benchOptions({ messages: 20_000, repeat: 3 });
  const loadBefore = loadavg();
  const server = await startNatsServer();
  const nc = await connectNats({ servers: server.url });
  const children: ChildProcess[] = [];
  try {
    const clicks = Array.from({ length: N }, (_, i) => benchClick(i));
    for (let i = 0; i < 2; i++) {
      const c = fork(__filename, [], { env: { ...process.env, WEIR_BENCH_CHILD: server.url }, execArgv: process.execArgv });
      children.push(c);
      await new Promise<void>((resolve) => c.once('message', () => resolve()));
    }
    const two = (kind: Kind) => async (round: number): Promise<void> => {
      // streams made before the clock starts would be fairer, but measureRates times run(); the two requests cost ~ms
      await Promise.all(children.map((c, i) => ask(c, { kind, stream: `RATE_${kind.toUpperCase()}_W${i}`, subject: `rate.${kind}.w${i}`, n: N, round })));
    };
    for (const kind of ['raw', 'sink'] as const) for (let i = 0; i < 2; i++) await fresh(nc, `RATE_${kind.toUpperCase()}_W${i}`, `rate.${kind}.w${i}`);
    await fresh(nc, 'RATE_RAW', 'one.raw');
    await fresh(nc, 'RATE_SINK', 'one.sink');
    const rows: RateRow[] = [
      { name: 'raw publish, 1024 in flight, 1 process', against: '-', run: (round) => runTask(nc, { kind: 'raw', stream: 'RATE_RAW', subject: 'one.raw', n: N, round }, clicks) },
      { name: 'jetStreamSink, 8 partitions by key group, 1 process', against: 'raw publish, 1024 in flight, 1 process', run: (round) => runTask(nc, { kind: 'sink', stream: 'RATE_SINK', subject: 'one.sink', n: N, round }, clicks) },
      { name: 'raw publish, 2 processes, own streams (per process)', against: 'raw publish, 1024 in flight, 1 process', run: two('raw') },
      { name: 'jetStreamSink, 2 processes, own streams (per process)', against: 'jetStreamSink, 8 partitions by key group, 1 process', run: two('sink') },
    ];
    const results = await measureRates(rows, repeat, N);
    printTable(
      ['row', 'records/s', 'aggregate', 'vs', 'ratio'],
      results.map((r) => {
        const procs = r.name.includes('2 processes') ? 2 : 1;
        return [r.name, r.messagesPerSecond.toLocaleString('en-US'), (r.messagesPerSecond * procs).toLocaleString('en-US'), r.against, r.ratio === null ? '' : `${r.ratio.toFixed(2)}x`];
      }),
    );
    finishBench('nats-publish-rate', loadBefore, { messages: N, repeat, partitions: PARTITIONS, keyGroups: KEY_GROUPS, commitEvery: COMMIT_EVERY, results });
  } finally {
    for (const c of children) c.send({ exit: true });
    await nc.close();
    await server.stop();
  }
}

if (process.env.WEIR_BENCH_CHILD !== undefined) void child(process.env.WEIR_BENCH_CHILD);
else
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
