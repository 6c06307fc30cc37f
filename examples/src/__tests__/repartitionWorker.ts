// Stage-1 worker of the repartition job as a process of its own, for the test that kills it
// (SIGKILL): `node repartitionWorker.js <server url> <worker index> <checkpoint every> [freeze at]`.
// Prints `started <checkpoint restored or ->`, `checkpoint <id>` after each, `done <orders read>` at
// the end; a failure goes to stderr with its code, exit 1. With `freeze at` n, the process freezes
// (its thread blocked, nothing more read or written) on the turn after its n-th checkpoint of this
// run, mid-stream, so the test's SIGKILL always finds it running instead of racing its end.
import { connectNats } from '@weir/nats';
import { runStage1 } from './repartitionJob';

async function main(): Promise<void> {
  const [url, worker, every, freezeAt] = process.argv.slice(2);
  let checkpoints = 0;
  if (url === undefined || worker === undefined || every === undefined) throw new Error('usage: repartitionWorker <server url> <worker index> <checkpoint every>');
  const connection = await connectNats({ servers: url });
  try {
    const read = await runStage1(connection, Number(worker), Number(every), {
      onStart: (from) => process.stdout.write(`started ${from ?? '-'}\n`),
      onCheckpoint: (id) => {
        process.stdout.write(`checkpoint ${id}\n`);
        if (freezeAt !== undefined && ++checkpoints === Number(freezeAt)) setImmediate(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000));
      },
    });
    process.stdout.write(`done ${read}\n`);
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  const code = typeof err === 'object' && err !== null && 'code' in err ? ` ${String((err as { code: unknown }).code)}` : '';
  process.stderr.write(`${err instanceof Error ? err.name : 'Error'}${code}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
