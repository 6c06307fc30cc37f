// npm run bench -w @weir/checkpoint   (or `npm run bench` at the root)
//
// What a checkpoint costs a job holding 10k, 100k and 1M keys of window state: a tumbling window
// (write-through, the default) counting records by key, fed by a seeded generator source through
// a CheckpointCoordinator that persists to a FileCheckpointStorage in a temp directory (fsync on).
// Checkpoints are triggered every keys/4 records; the one measured is the first that holds every
// key (the earlier ones warm the barrier path up, as in any long-running job); then the job goes on.
// - pause: how long the record path stood still for the checkpoint (barrier injection: the
//   window's flush and its O(1) store.snapshot());
// - total: trigger to persisted and committed (chunked encoding between batches, checksums, file
//   writes, fsync, rename);
// - size: encoded bytes of the store;
// - restore: CheckpointCoordinator.open (list, load, verify) + store() (decode and restore).
// Prints a table; writes bench/results/checkpoint.json.
//
// Run with --expose-gc (the package script does) so restore starts from a clean heap.
// Options: --sizes 10000,100000,1000000  --repeat 3
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, tumblingWindow } from '@weir/window';
import { CheckpointCoordinator, FileCheckpointStorage, collectingSink, generatorSource, type CheckpointReport, type Source } from '../src';
import { machineInfo, printTable, writeResults } from '../../../bench/lib/report';

const args = process.argv.slice(2);
const argOf = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const SIZES = argOf('sizes', '10000,100000,1000000').split(',').map(Number);
const REPEAT = Number(argOf('repeat', '3'));
const TAIL = 2_000; // records after the checkpoint, so the job is mid-stream when it is taken

interface Measure {
  keys: number;
  pauseMs: number;
  totalMs: number;
  sizeBytes: number;
  entries: number;
  restoreMs: number;
}

async function measure(keys: number): Promise<Measure> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-bench-chk-'));
  try {
    const storage = new FileCheckpointStorage(dir, { retain: 2 });
    const first = await checkpointOnce(storage, keys);
    // A recovering process starts with an empty heap: drop the job's state first.
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = performance.now();
    const restored = await CheckpointCoordinator.open({ storage });
    const store = restored.store('counts');
    const restoreMs = performance.now() - t0;
    if (store.len() !== first.entries) throw new Error(`restored ${store.len()} entries, expected ${first.entries}`);
    return { keys, pauseMs: first.pauseMs, totalMs: first.durationMs, sizeBytes: first.sizeBytes, entries: first.entries, restoreMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the job until just after its first checkpoint (holding every key); returns that checkpoint's report. */
async function checkpointOnce(storage: FileCheckpointStorage, keys: number): Promise<CheckpointReport> {
  {
    const reports: CheckpointReport[] = [];
    let persisted: () => void = () => undefined;
    const fullPersisted = new Promise<void>((resolve) => (persisted = resolve));
    const job = await CheckpointCoordinator.open({
      storage,
      interval: { events: keys / 4 },
      batchSize: 1_000,
      onCheckpoint: (r) => {
        reports.push(r);
        if (r.entries > keys) persisted();
      },
    });
    // `keys` distinct keys at times 0..keys-1, all in one window of 1e9 ms. The source stops the
    // job TAIL records after the last key (a crash), so the newest checkpoint on disk is the one
    // holding every key.
    const source = generatorSource({ count: 2 * keys + 10 * TAIL, seed: 1, generate: (i: number) => ({ k: i % keys, ts: Math.min(i, keys - 1) }) });
    let read = 0;
    const stopping: Source<{ k: number; ts: number }> = {
      describe: () => 'generator, stopping after the first checkpoint',
      async open(offset) {
        const reader = await source.open(offset);
        return {
          read: async (max: number) => {
            if (read >= keys + TAIL) {
              await fullPersisted; // the records keep flowing until here; then a crash
              throw new Error('stop');
            }
            const got = await reader.read(max);
            read += got.length;
            return got;
          },
          offset: () => reader.offset(),
        };
      },
    };
    const out = job
      .source('events', stopping, { timestamp: (e) => e.ts, maxOutOfOrderness: 0 })
      .pipe(
        tumblingWindow({ size: 1_000_000_000, key: (e: { k: number }) => e.k, aggregate: count(), store: job.store('counts'), name: 'counts', checkpoint: job }),
        job.sink('out', collectingSink()),
      );
    await job.run(out).catch((err: unknown) => {
      if (!String(err).includes('stop')) throw err;
    });
    // the first checkpoint holding every key (three earlier ones, at a quarter, half and three
    // quarters of the keys, have run the barrier path as a long-running job would have)
    const full = reports.find((r) => r.entries > keys);
    if (full === undefined) throw new Error('no checkpoint with every key completed');
    return full;
  }
}

async function main(): Promise<void> {
  const rows: Measure[] = [];
  for (const keys of SIZES) {
    const runs: Measure[] = [];
    for (let r = 0; r < REPEAT; r++) {
      runs.push(await measure(keys));
      process.stdout.write('.');
    }
    const median = (f: (m: Measure) => number): number => runs.map(f).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
    rows.push({ keys, pauseMs: median((m) => m.pauseMs), totalMs: median((m) => m.totalMs), sizeBytes: median((m) => m.sizeBytes), entries: runs[0]!.entries, restoreMs: median((m) => m.restoreMs) });
  }
  const machine = machineInfo();
  console.log(`\n\n@weir/checkpoint benchmark: window state of ${SIZES.join(', ')} keys; ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${machine.date}`);
  console.log(`median of ${REPEAT} runs; FileCheckpointStorage in ${tmpdir()} with fsync\n`);
  printTable(
    ['keys', 'store entries', 'pause', 'total checkpoint', 'size', 'restore', 'targets'],
    rows.map((r) => [
      r.keys.toLocaleString('en'),
      r.entries.toLocaleString('en'),
      `${r.pauseMs.toFixed(3)} ms`,
      `${r.totalMs.toFixed(0)} ms`,
      `${(r.sizeBytes / 2 ** 20).toFixed(1)} MiB`,
      `${r.restoreMs.toFixed(0)} ms`,
      r.keys === 1_000_000 ? `pause ${r.pauseMs < 1 ? 'met' : 'MISSED'} (< 1 ms); restore ${r.restoreMs < 2_000 ? 'met' : 'MISSED'} (< 2 s)` : '',
    ]),
  );
  const out = writeResults('checkpoint', { benchmark: '@weir/checkpoint', machine, config: { sizes: SIZES, repeat: REPEAT, tail: TAIL, storage: 'FileCheckpointStorage, fsync' }, results: rows });
  console.log(`\nwrote ${out}`);
}

void main();
