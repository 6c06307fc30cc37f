import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryCheckpointStorage, jsonLinesSink, loadLatestCheckpoint, readCommittedLines } from '@weir/checkpoint';
import { mergeWindowOperatorScope } from '@weir/window';
import { PartitionError, createPartitionedJob, openWorker, readJobLayout, rescaleCheckpoints, rescaleJob } from '../index';
import { crashingAfterRecords, runWindowWorker, slowedSource, testStorage, workerPaths, writePartitionedClicks } from '../testing';

const P = 6;
const layout = { partitions: P, keyGroups: 128 };
let dir: string;
let files: string[];

beforeAll(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'weir-rescale-'));
  files = await writePartitionedClicks(join(dir, 'in'), { partitions: P, perPartition: 3_000, pages: 300, seed: 7 });
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Every committed row of every sink directory under `root`, sorted. */
async function committedRows(root: string): Promise<string[]> {
  const rows: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const names = await fs.readdir(d, { withFileTypes: true });
    if (names.some((n) => n.isFile() && n.name.endsWith('.jsonl'))) rows.push(...(await readCommittedLines(d)));
    for (const n of names) if (n.isDirectory()) await walk(join(d, n.name));
  };
  await walk(root);
  return rows.sort();
}

/** Runs every worker of generation `gen` in this process, each stopping (crashing) after `stopAfter` records, or to the end. */
async function runGeneration(root: string, gen: number, workers: number, stopAfter?: number): Promise<void> {
  const runs = Array.from({ length: workers }, (_, worker) => {
    const paths = workerPaths(root, gen, worker);
    return runWindowWorker({
      worker,
      workers,
      ...layout,
      input: { files: (p) => files[p]! },
      storage: testStorage(paths.checkpoints),
      out: paths.out,
      checkpointEvery: 300,
      batchSize: 100,
      ...(stopAfter !== undefined ? { wrapSource: (s) => crashingAfterRecords(slowedSource(s, 2), stopAfter) } : {}),
    });
  });
  const settled = await Promise.allSettled(runs);
  for (const s of settled) {
    if (stopAfter === undefined && s.status === 'rejected') throw s.reason;
    if (stopAfter !== undefined && (s.status !== 'rejected' || !String(s.reason).includes('simulated crash'))) throw new Error(`expected a simulated crash, got ${String(s.status === 'rejected' ? s.reason : 'success')}`);
  }
}

async function rescale(root: string, gen: number, from: number, to: number): Promise<void> {
  const report = await rescaleCheckpoints({
    from: Array.from({ length: from }, (_, i) => testStorage(workerPaths(root, gen, i).checkpoints)),
    to: Array.from({ length: to }, (_, j) => testStorage(workerPaths(root, gen + 1, j).checkpoints)),
    layout,
    mergeOperatorScope: mergeWindowOperatorScope,
    sinks: (_name, worker) => jsonLinesSink(workerPaths(root, gen, worker).out, { fsync: false }),
  });
  expect(report.workers).toHaveLength(to);
  expect(report.committedSinks).toHaveLength(from);
}

describe('rescaleCheckpoints', () => {
  it('1 -> 2 -> 3 -> 1 workers: the union of committed output equals an uninterrupted single-process run', async () => {
    const reference = join(dir, 'reference');
    await runGeneration(reference, 0, 1);
    const expected = await committedRows(join(reference, 'out'));
    expect(expected.length).toBeGreaterThan(1_000);

    const root = join(dir, 'rescaled');
    await runGeneration(root, 0, 1, 4_000); // 1 worker reads 4,000 of 18,000 clicks, then stops
    await rescale(root, 0, 1, 2);
    await runGeneration(root, 1, 2, 3_000);
    await rescale(root, 1, 2, 3);
    await runGeneration(root, 2, 3, 1_500);
    await rescale(root, 2, 3, 1);
    await runGeneration(root, 3, 1); // to the end
    const got = await committedRows(join(root, 'out'));
    // every generation committed part of the output, so state and offsets did move
    for (const [gen, workers] of [[0, 1], [1, 2], [2, 3], [3, 1]] as const) {
      let rows = 0;
      for (let w = 0; w < workers; w++) rows += (await committedRows(workerPaths(root, gen, w).out)).length;
      expect(`gen ${gen}: ${rows > 0 ? "some" : "none"}`).toBe(`gen ${gen}: some`);
    }
    expect(got.length).toBe(expected.length);
    expect(got).toEqual(expected);
  }, 120_000);

  it('refuses a different number of key groups or partitions with LAYOUT_MISMATCH, and missing checkpoints with NO_CHECKPOINT', async () => {
    const root = join(dir, 'mismatch');
    await runGeneration(root, 0, 2, 2_000);
    const from = [0, 1].map((i) => testStorage(workerPaths(root, 0, i).checkpoints));
    const to = [testStorage(join(root, 'never'))];
    await expect(rescaleCheckpoints({ from, to, layout: { partitions: P, keyGroups: 64 } })).rejects.toMatchObject({ code: 'LAYOUT_MISMATCH', message: expect.stringContaining('key group') });
    await expect(rescaleCheckpoints({ from, to, layout: { partitions: 5, keyGroups: 128 } })).rejects.toMatchObject({ code: 'LAYOUT_MISMATCH' });
    await expect(rescaleCheckpoints({ from: [from[0]!, from[1]!, from[1]!], to, layout })).rejects.toMatchObject({ code: 'LAYOUT_MISMATCH' });
    await expect(rescaleCheckpoints({ from: [testStorage(join(root, 'empty'))], to, layout })).rejects.toMatchObject({ code: 'NO_CHECKPOINT' });
    // a checkpoint whose sink still holds pre-committed output, and no sinks given to commit it
    const pending = await Promise.all(
      from.map(async (storage) => {
        const latest = (await loadLatestCheckpoint(storage))!;
        const copy = new MemoryCheckpointStorage();
        await copy.save({ ...latest, sinks: { views: { upTo: latest.id, pending: [latest.id] } } });
        return copy;
      }),
    );
    const refused = await rescaleCheckpoints({ from: pending, to, layout, mergeOperatorScope: mergeWindowOperatorScope }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PartitionError);
    expect(refused).toMatchObject({ code: 'UNCOMMITTED_OUTPUT', message: expect.stringContaining("sink 'views' of old worker 0") });
    await expect(rescaleCheckpoints({ from, to, layout, mergeOperatorScop: mergeWindowOperatorScope } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('mergeOperatorScope') });
  }, 60_000);

  it('rescaleJob: the shared directory moves to the next generation, the old workers fenced, and the job goes on exactly once', async () => {
    const reference = join(dir, 'reference-job');
    await runGeneration(reference, 0, 1);
    const expected = await committedRows(join(reference, 'out'));
    const job = join(dir, 'job');
    const runAll = async (stopAfter?: number): Promise<void> => {
      const layout0 = (await readJobLayout(job))!;
      const runs = [];
      for (let worker = 0; worker < layout0.workers; worker++) {
        const w = await openWorker(job, worker, { fsync: false });
        runs.push(
          runWindowWorker({
            worker,
            workers: layout0.workers,
            ...layout,
            input: { files: (p) => files[p]! },
            storage: w.storage,
            out: w.outputDir('views'),
            wrapSink: w.fence,
            checkpointEvery: 700,
            batchSize: 100,
            ...(stopAfter !== undefined ? { wrapSource: (s) => crashingAfterRecords(s, stopAfter) } : {}),
          }),
        );
      }
      const settled = await Promise.allSettled(runs);
      if (stopAfter === undefined) for (const s of settled) if (s.status === 'rejected') throw s.reason;
    };
    await createPartitionedJob(job, { ...layout, workers: 2 });
    await expect(createPartitionedJob(job, { ...layout, workers: 3 })).rejects.toMatchObject({ code: 'LAYOUT_MISMATCH' });
    await runAll(3_000);
    const sinks = (_name: string, _worker: number, out: string) => jsonLinesSink(out, { fsync: false });
    const report = await rescaleJob({ dir: job, to: 3, mergeOperatorScope: mergeWindowOperatorScope, sinks });
    expect(report.layout).toEqual({ ...layout, workers: 3, generation: 1 });
    expect(await readJobLayout(job)).toEqual({ ...layout, workers: 3, generation: 1 });
    for (const w of [0, 1]) expect(await fs.readdir(join(job, 'gen-0', `worker-${w}`, 'lease'))).toEqual(['epoch-1', 'epoch-2']); // the rescale took each old lease
    await runAll(2_000);
    await rescaleJob({ dir: job, to: 1, mergeOperatorScope: mergeWindowOperatorScope, sinks });
    await runAll();
    expect(await committedRows(join(job, 'out'))).toEqual(expected);
  }, 120_000);
});
