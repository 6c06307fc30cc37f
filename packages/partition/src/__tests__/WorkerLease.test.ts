import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCommittedLines, type JobSummary } from '@weir/checkpoint';
import { PartitionError, WorkerLease, createPartitionedJob, isFenced, openWorker } from '../index';
import { runWindowWorker, slowedSource, testStorage, workerPaths, writePartitionedClicks } from '../testing';

const P = 4;
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'weir-lease-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('WorkerLease', () => {
  it('gives each acquirer a higher epoch and fences the older holders', async () => {
    const leaseDir = join(dir, 'lease');
    const held = await Promise.all([1, 2, 3, 4].map(() => WorkerLease.acquire(leaseDir)));
    expect(held.map((l) => l.epoch).sort()).toEqual([1, 2, 3, 4]); // exclusive creation: no epoch twice
    const newest = held.find((l) => l.epoch === 4)!;
    await expect(newest.check('save')).resolves.toBeUndefined();
    for (const old of held.filter((l) => l !== newest)) {
      const err = await old.check('checkpoint 7').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PartitionError);
      expect(err).toMatchObject({ code: 'FENCED', message: expect.stringContaining(`epoch ${old.epoch}`) });
    }
  });

  it('keeps the lease directory small however often the worker restarts: epoch files more than 16 below the newest are deleted, and every older holder stays fenced', async () => {
    const leaseDir = join(dir, 'restarts');
    const held: WorkerLease[] = [];
    for (let i = 0; i < 40; i++) held.push(await WorkerLease.acquire(leaseDir));
    expect(held.map((l) => l.epoch)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const files = (await fs.readdir(leaseDir)).sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)));
    expect(files).toEqual(Array.from({ length: 17 }, (_, i) => `epoch-${24 + i}`));
    for (const old of held.slice(0, 39)) await expect(old.check('commit 3')).rejects.toMatchObject({ code: 'FENCED' });
    await expect(held[39]!.check('commit 3')).resolves.toBeUndefined();
  });

  it('a second worker started for the same index fences the first off: it writes no checkpoint and commits no output after that', async () => {
    const files = await writePartitionedClicks(join(dir, 'in'), { partitions: P, perPartition: 2_000, pages: 100, seed: 3 });
    const reference = workerPaths(join(dir, 'reference'), 0, 0);
    await runWindowWorker({ worker: 0, workers: 1, partitions: P, input: { files: (p) => files[p]! }, storage: testStorage(reference.checkpoints), out: reference.out, checkpointEvery: 400, batchSize: 100 });
    const expected = (await readCommittedLines(reference.out)).sort();

    const job = join(dir, 'job');
    await createPartitionedJob(job, { partitions: P, workers: 1 });
    const run = (w: Awaited<ReturnType<typeof openWorker>>, delay: number): Promise<JobSummary> =>
      runWindowWorker({
        worker: 0,
        workers: 1,
        partitions: P,
        input: { files: (p) => files[p]! },
        storage: w.storage,
        out: w.outputDir('views'),
        wrapSink: w.fence,
        wrapSource: (s) => slowedSource(s, delay),
        checkpointEvery: 400,
        batchSize: 100,
      });
    const first = await openWorker(job, 0, { fsync: false });
    const firstRun = run(first, 20);
    // let the first complete a few checkpoints, then start a second process for the same worker
    for (;;) {
      const list = await first.storage.list();
      if (list.length >= 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const second = await openWorker(job, 0, { fsync: false });
    expect(second.lease.epoch).toBe(first.lease.epoch + 1);
    const err = await firstRun.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isFenced(err)).toBe(true);
    const idsAtFence = (await second.storage.list()).map((c) => c.id);
    await run(second, 0);
    // nothing the first wrote after the fence survives: the union is exactly once
    const got = (await readCommittedLines(second.outputDir('views'))).sort();
    expect(got.length).toBe(expected.length);
    expect(got).toEqual(expected);
    expect(idsAtFence.length).toBeGreaterThan(0);
  }, 60_000);
});
