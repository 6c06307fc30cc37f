// npm run bench -w @weir/nats   (or `npm run bench` at the root; needs nats-server)
//
// What JetStream costs a weir job, against the raw client on the same server in the same run.
// One loopback nats-server (Debian 2.9.10, file storage, R1 streams) in a temp dir, started here
// and stopped by pid. Each round runs every row once, in the order printed (rounds alternate the
// rows, so a change in the machine's load touches them all); each row's figure is the median.
// The floor (the raw client, @nats-io/jetstream, no weir code):
// - raw publish, one at a time: `js.publish` with a Nats-Msg-Id, each awaited before the next (the
//   client's plain use; one round trip per message);
// - raw publish, pipelined: the same with 1,024 publishes in flight (jetStreamSink's default maxInFlight);
// - raw replay: an ordered consumer from sequence 1, each payload decoded as JSON.
// The weir rows (weirJobs.ts), each a CheckpointCoordinator job with default options (checkpoints
// every 10k clicks, in JetStreamCheckpointStorage on the same server; a fresh bucket each round):
// - weir job: jetStreamSource -> 1-minute tumbling count per page -> jetStreamSink (the job of
//   examples/src/nats-job), against the raw replay: what reading the stream through weir costs;
// - where its time goes: the source alone (into a collecting sink), the window alone (clicks from
//   memory into a collecting sink, its checkpoints still in JetStream), the sink alone (clicks
//   from memory, each one published), and a copy (source straight into the sink, every click
//   published again) against the raw pipelined publish.
// Prints a table; writes bench/results/nats.json (machine, Node, load average, every round).
// Options: --messages 30000  --repeat 3
import { loadavg } from 'node:os';
import { connect } from '@nats-io/transport-node';
import { benchOptions } from '../../../bench/lib/benchOptions';
import { printTable } from '../../../bench/lib/report';
import { startNatsServer } from '../src/testing';
import { finishBench, measureRates, type RateRow } from './rateRows';
import { freshStream, publishClicks, replayClicks } from './rawClient';
import { clicksInMemory, sinkOnly, sourceOnly, streamCopy, streamSource, windowInMemory, windowJob } from './weirJobs';

const options = benchOptions({ messages: 30_000, repeat: 3 });
const N = options.messages;

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const server = await startNatsServer();
  const nc = await connect({ servers: server.url });
  try {
    // The replay reads a stream filled once, before the rounds.
    await freshStream(nc, 'BENCH_IN', 'bench.in');
    await publishClicks(nc, 'bench.in', N, 256, 'in');
    const clicks = clicksInMemory(N);

    const rows: RateRow[] = [
      {
        name: 'raw publish, one at a time (msg id)',
        against: '-',
        run: async (round) => {
          await freshStream(nc, 'BENCH_PUB', 'bench.pub');
          await publishClicks(nc, 'bench.pub', N, 1, `a${round}`);
        },
      },
      {
        name: 'raw publish, 1024 in flight (msg id)',
        against: '-',
        run: async (round) => {
          await freshStream(nc, 'BENCH_PUB', 'bench.pub');
          await publishClicks(nc, 'bench.pub', N, 1024, `b${round}`);
        },
      },
      {
        name: 'raw replay (ordered consumer, JSON)',
        against: '-',
        run: async () => {
          const { read } = await replayClicks(nc, 'BENCH_IN', N);
          if (read !== N) throw new Error(`replay read ${read} of ${N}`);
        },
      },
      {
        name: 'weir job: stream -> window -> stream',
        against: 'raw replay (ordered consumer, JSON)',
        run: async (round) => {
          await windowJob(nc, streamSource(nc, 'BENCH_IN'), `bench-job-${round}`, { stream: 'BENCH_OUT', subject: 'bench.out' });
        },
      },
      {
        name: 'weir: stream -> jetStreamSource -> memory',
        against: 'raw replay (ordered consumer, JSON)',
        run: (round) => sourceOnly(nc, 'BENCH_IN', N, round),
      },
      {
        name: 'weir: memory -> jetStreamSink',
        against: 'raw publish, 1024 in flight (msg id)',
        run: (round) => sinkOnly(nc, clicks, round),
      },
      {
        name: 'weir: memory -> window -> memory',
        against: 'raw replay (ordered consumer, JSON)',
        run: async (round) => {
          await windowInMemory(nc, clicks, round);
        },
      },
      {
        name: 'weir: stream -> stream copy (every click)',
        against: 'raw publish, 1024 in flight (msg id)',
        run: (round) => streamCopy(nc, 'BENCH_IN', N, round),
      },
    ];

    const results = await measureRates(rows, options.repeat, N);
    console.log(`NATS JetStream, ${N.toLocaleString('en-US')} messages per row, median of ${options.repeat} rounds; nats-server at ${server.url}`);
    printTable(
      ['row', 'msg/s', 'vs', 'ratio'],
      results.map((r) => [r.name, r.messagesPerSecond.toLocaleString('en-US'), r.against, r.ratio === null ? '' : `${r.ratio.toFixed(2)}x`]),
    );
    finishBench('nats', loadBefore, { messages: N, repeat: options.repeat, results });
  } finally {
    await nc.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
