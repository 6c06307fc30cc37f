import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCommittedLines } from '@weir/checkpoint';
import { PartitionError, createPartitionedJob, runPartitioned } from '../index';
import { runWindowWorker, testStorage, workerPaths, writePartitionedClicks } from '../testing';

const ROOT = join(__dirname, '..', '..', '..', '..');
const ENTRY = join(__dirname, '..', 'testing', 'windowWorkerMain.ts');
const EXEC_ARGV = ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register'];
const P = 4;
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'weir-launcher-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function committedRows(root: string): Promise<string[]> {
  const rows: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const names = await fs.readdir(d, { withFileTypes: true }).catch(() => []);
    if (names.some((n) => n.isFile() && n.name.endsWith('.jsonl'))) rows.push(...(await readCommittedLines(d)));
    for (const n of names) if (n.isDirectory()) await walk(join(d, n.name));
  };
  await walk(root);
  return rows.sort();
}

describe('runPartitioned', () => {
  it('restarts a worker SIGKILLed at random moments from its checkpoint while the other keeps running: nothing lost or duplicated', async () => {
    const input = join(dir, 'in');
    const files = await writePartitionedClicks(input, { partitions: P, perPartition: 3_000, pages: 200, seed: 11 });
    const reference = join(dir, 'reference');
    const paths = workerPaths(reference, 0, 0);
    await runWindowWorker({ worker: 0, workers: 1, partitions: P, input: { files: (p) => files[p]! }, storage: testStorage(paths.checkpoints), out: paths.out, checkpointEvery: 500, batchSize: 100 });
    const expected = await committedRows(paths.out);

    const job = join(dir, 'job');
    await createPartitionedJob(job, { partitions: P, workers: 2 });
    const starts: number[][] = [[], []];
    const kills: number[] = []; // planned, ms after a start
    let fired = 0; // kills that hit a running process
    const run = runPartitioned({
      dir: job,
      entry: ENTRY,
      execArgv: EXEC_ARGV,
      env: { TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), WEIR_TEST_INPUT: input, WEIR_TEST_DELAY_MS: '100', WEIR_TEST_CHECKPOINT_EVERY: '500', WEIR_TEST_BATCH: '100' },
      onStart: (worker, child) => {
        starts[worker]!.push(child.pid!);
        if (worker !== 1 || kills.length >= 3) return;
        const after = 3_000 + Math.floor(Math.random() * 4_000); // mostly while it reads, sometimes while it starts
        kills.push(after);
        setTimeout(() => {
          if (child.exitCode !== null || child.signalCode !== null) return; // it had finished
          fired++;
          child.kill('SIGKILL');
        }, after);
      },
    });
    const report = await run.done;
    expect(report.restarts[0]).toBe(0);
    expect(starts[0]).toHaveLength(1); // worker 0 ran on, in one process
    expect(fired).toBeGreaterThanOrEqual(1);
    expect(report.restarts[1]).toBe(fired); // every SIGKILL was followed by a restart from the checkpoint
    expect(starts[1]).toHaveLength(fired + 1);
    const got = await committedRows(join(job, 'out'));
    expect(got.length).toBe(expected.length);
    expect(got).toEqual(expected);
    // both workers committed output of their own
    expect((await committedRows(join(job, 'out', 'gen-0', 'worker-0'))).length).toBeGreaterThan(0);
    expect((await committedRows(join(job, 'out', 'gen-0', 'worker-1'))).length).toBeGreaterThan(0);
  }, 180_000);

  it('fails with WORKER after maxRestarts, naming the worker', async () => {
    const job = join(dir, 'failing');
    await createPartitionedJob(job, { partitions: P, workers: 1 });
    const run = runPartitioned({ dir: job, entry: join(dir, 'missing.js'), execArgv: [], maxRestarts: 1 });
    await expect(run.done).rejects.toMatchObject({ code: 'WORKER', message: expect.stringContaining('worker 0') });
    await expect(run.done).rejects.toBeInstanceOf(PartitionError);
  }, 30_000);
});
