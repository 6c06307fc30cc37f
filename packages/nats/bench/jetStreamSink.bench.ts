// cd packages/nats && TS_NODE_TRANSPILE_ONLY=1 node -r ts-node/register -r tsconfig-paths/register bench/jetStreamSink.bench.ts
//
// What one checkpoint of jetStreamSink costs, phase by phase, against the raw client publishing
// the same records on the same server in the same run. One loopback nats-server (Debian 2.9.10,
// file storage, R1), started here and stopped by pid. Each round runs every row once, in the
// order printed, on a fresh stream; each figure is the median over the rounds.
// - raw publish, 256 in flight (msg id): `js.publish` of every click (the floor of nats.bench.ts);
// - jetStreamSink (defaults): open, write every click, preCommit(1), commit(1), 8 partitions by user;
// - jetStreamSink, maxInFlight 4096 (tuned): the same with more publishes awaiting their ack.
// Prints a table; writes bench/results/jetStreamSink.json (machine, Node, load average, every round).
// Options: --messages 30000  --repeat 3
import { loadavg } from 'node:os';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { benchOptions } from '../../../bench/lib/benchOptions';
import { printTable } from '../../../bench/lib/report';
import { jetStreamSink } from '../src';
import { startNatsServer } from '../src/testing';
import { finishBench } from './rateRows';
import { benchClick, freshStream, publishClicks, type BenchClick } from './rawClient';

const options = benchOptions({ messages: 30_000, repeat: 3 });
const N = options.messages;

interface Phases {
  total: number;
  write: number;
  preCommit: number;
  commit: number;
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const server = await startNatsServer();
  const nc = await connect({ servers: server.url });
  const clicks: BenchClick[] = Array.from({ length: N }, (_, i) => benchClick(i));
  const sinkRound = async (maxInFlight: number | undefined): Promise<Phases> => {
    await freshStream(nc, 'BENCH_SINK', 'bench.sink.>');
    // the staging stream too: its duplicate window still holds the last round's staged ids,
    // which a sink on a re-created output stream (fence epochs from 1 again) would reuse
    await (await jetstreamManager(nc)).streams.delete('BENCH_SINK_WEIR_STAGING').catch(() => false);
    const sink = jetStreamSink<BenchClick>({ connection: nc, stream: 'BENCH_SINK', subject: 'bench.sink', partitions: 8, key: (c) => c.user, ...(maxInFlight === undefined ? {} : { maxInFlight }) });
    const t0 = performance.now();
    const w = await sink.open(undefined);
    const t1 = performance.now();
    for (const c of clicks) w.write(c);
    const t2 = performance.now();
    await w.preCommit(1);
    const t3 = performance.now();
    await w.commit(1);
    const t4 = performance.now();
    await w.close?.();
    return { total: t4 - t0, write: t2 - t1, preCommit: t3 - t2, commit: t4 - t3 };
  };
  const rows: Array<{ name: string; run: (round: number) => Promise<Phases> }> = [
    {
      name: 'raw publish, 256 in flight (msg id)',
      run: async (round) => {
        await freshStream(nc, 'BENCH_RAW', 'bench.raw');
        const t = performance.now();
        await publishClicks(nc, 'bench.raw', N, 256, `r${round}`);
        const total = performance.now() - t;
        return { total, write: 0, preCommit: 0, commit: total };
      },
    },
    { name: 'jetStreamSink (defaults)', run: () => sinkRound(undefined) },
    { name: 'jetStreamSink, maxInFlight 4096 (tuned)', run: () => sinkRound(4096) },
  ];
  try {
    const rounds: Phases[][] = rows.map(() => []);
    for (let round = 0; round < options.repeat; round++) {
      for (const [i, row] of rows.entries()) rounds[i]!.push(await row.run(round));
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const results = rows.map((row, i) => {
      const r = rounds[i]!;
      const ms = (k: keyof Phases): number => Number(median(r.map((p) => p[k])).toFixed(1));
      return { name: row.name, recordsPerSecond: Math.round(N / (ms('total') / 1000)), totalMs: ms('total'), writeMs: ms('write'), preCommitMs: ms('preCommit'), commitMs: ms('commit'), rounds: r };
    });
    const floor = results[0]!.recordsPerSecond;
    console.log(`jetStreamSink, one checkpoint of ${N.toLocaleString('en-US')} records (~80 B JSON), median of ${options.repeat} rounds; nats-server at ${server.url}`);
    printTable(
      ['row', 'records/s', 'vs raw', 'write ms', 'preCommit ms', 'commit ms'],
      results.map((r) => [r.name, r.recordsPerSecond.toLocaleString('en-US'), `${(r.recordsPerSecond / floor).toFixed(2)}x`, String(r.writeMs), String(r.preCommitMs), String(r.commitMs)]),
    );
    finishBench('jetStreamSink', loadBefore, { messages: N, repeat: options.repeat, results });
  } finally {
    await nc.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
