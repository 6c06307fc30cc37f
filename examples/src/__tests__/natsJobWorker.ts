// The NATS job as a process of its own, for the tests that kill it (SIGKILL) or stop it (SIGSTOP):
// `node natsJobWorker.js <server url> <results stream> <results subject> <checkpoint bucket> <checkpoint every>`.
// Prints `started` once the job has opened, `done <clicks read>` at the end; a failure is printed
// to stderr with its code and its causes' (e.g. `NatsError FENCED: ...`, or `CheckpointError SINK:
// ...` then `caused by NatsError FENCED: ...` when the fence was met at a pre-commit) and exits 1.
import { connectNats } from '@weir/nats';
import { describeError } from '../common/describeError';
import { runNatsJob } from '../nats-job/job';
import { NATS_JOB_STREAMS } from '../nats-job/publish';

async function main(): Promise<void> {
  const [url, stream, subject, bucket, every] = process.argv.slice(2);
  if (url === undefined || stream === undefined || subject === undefined || bucket === undefined || every === undefined) {
    throw new Error('usage: natsJobWorker <server url> <results stream> <results subject> <checkpoint bucket> <checkpoint every>');
  }
  const connection = await connectNats({ servers: url });
  try {
    const summary = await runNatsJob({
      connection,
      streams: { clicks: NATS_JOB_STREAMS.clicks, views: { stream, subject }, checkpoints: bucket },
      checkpointEvery: Number(every),
      onStart: () => process.stdout.write('started\n'),
    });
    process.stdout.write(`done ${summary.clicksRead}\n`);
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${describeError(err)}\n`);
  process.exit(1);
});
