// npm run bench -w @weir/checkpoint   (or `npm run bench` at the root)
//
// What a checkpoint costs a job holding 10k, 100k and 1M keys of window state: a tumbling window
// (write-through, the default) counting records by key, fed by a seeded generator source through
// a CheckpointCoordinator that persists to a FileCheckpointStorage in a temp directory (fsync on).
// Checkpoints are triggered every keys/4 records; the one measured is the first that holds every
// key (the earlier ones warm the barrier path up, as in any long-running job); then the job goes on.
// - stall: what a user feels, the longest gap between two records reaching the window while the
//   checkpoint was in flight (a probe on the record path, independent of the coordinator's own
//   figure), median and max over the runs; next to it the coordinator's reported pause
//   (`CheckpointReport.pauseMs`) and the barrier injection alone (the window's flush and O(1) snapshot);
// - less GC: that stall less the garbage-collection pauses inside it (perf_hooks 'gc' entries);
// - no checkpoint in flight: the same probe's longest gap between checkpoints (what garbage
//   collection and the machine's load cost the record path anyway);
// - total: trigger to persisted and committed (chunked encoding between batches, checksums, file
//   writes, fsync, rename);
// - size: encoded bytes of the store;
// - restore: CheckpointCoordinator.open (list, load, verify) + store() (decode and restore).
// Prints a table; writes bench/results/checkpoint.json.
//
// Run with --expose-gc (the package script does) so restore starts from a clean heap.
// Options: --sizes 10000,100000,1000000  --repeat 3  --label NAME (a row label, e.g. for a run of
// an older commit: the probe only uses APIs every version has)
import { mkdtemp, rm } from 'node:fs/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { tap } from 'rxjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamElement } from '@weir/stream';
import { count, tumblingWindow } from '@weir/window';
import { CheckpointCoordinator, FileCheckpointStorage, collectingSink, generatorSource, type CheckpointReport, type Source } from '../src';
import { benchOptions } from '../../../bench/lib/benchOptions';
import { machineInfo, printTable, writeResults } from '../../../bench/lib/report';

const options = benchOptions({ sizes: '10000,100000,1000000', repeat: 3, label: 'this build' });
const SIZES = options.sizes.split(',').map(Number);
const REPEAT = options.repeat;
const LABEL = options.label;
const TAIL = 2_000; // records after the checkpoint, so the job is mid-stream when it is taken

interface Measure {
  keys: number;
  /** The longest gap between records on the record path while the checkpoint was in flight. */
  stallMs: number;
  /** The largest stallMs of the runs (only in the median row). */
  stallMaxMs?: number;
  /** The longest such gap less the garbage-collection pauses inside it. */
  stallWithoutGcMs: number;
  /** The longest gap between records while no checkpoint was in flight. */
  baselineMs: number;
  /** What the coordinator reported as the checkpoint's pause. */
  pauseMs: number;
  barrierMs: number;
  totalMs: number;
  sizeBytes: number;
  entries: number;
  restoreMs: number;
}

async function measure(keys: number): Promise<Measure> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-bench-chk-'));
  try {
    const storage = new FileCheckpointStorage(dir, { retain: 2 });
    const { report: first, stallMs, stallWithoutGcMs, baselineMs } = await checkpointOnce(storage, keys);
    // A recovering process starts with an empty heap: drop the job's state first.
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = performance.now();
    const restored = await CheckpointCoordinator.open({ storage });
    const store = restored.store('counts');
    const restoreMs = performance.now() - t0;
    if (store.len() !== first.entries) throw new Error(`restored ${store.len()} entries, expected ${first.entries}`);
    const barrierMs = (first as { barrierMs?: number }).barrierMs ?? first.pauseMs; // older builds reported the injection as the pause
    return { keys, stallMs, stallWithoutGcMs, baselineMs, pauseMs: first.pauseMs, barrierMs, totalMs: first.durationMs, sizeBytes: first.sizeBytes, entries: first.entries, restoreMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the job until just after its first checkpoint (holding every key); returns that
 * checkpoint's report and the longest gap between records while it was in flight.
 */
async function checkpointOnce(storage: FileCheckpointStorage, keys: number): Promise<{ report: CheckpointReport; stallMs: number; stallWithoutGcMs: number; baselineMs: number }> {
  {
    const reports: CheckpointReport[] = [];
    const completedAt: number[] = [];
    // Gaps over 1 ms between records reaching the window: [time of the later record, gap].
    const gaps: Array<[number, number]> = [];
    let last = performance.now();
    // Garbage-collection pauses, to tell the stall the checkpoint's own work causes from the
    // collector's (which the state's allocation pattern drives, checkpoint or not).
    const gcs: Array<[number, number]> = [];
    const gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) gcs.push([e.startTime, e.duration]);
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    const probe = tap<StreamElement<{ k: number; ts: number }>>(() => {
      const t = performance.now();
      if (t - last > 1) gaps.push([t, t - last]);
      last = t;
    });
    let persisted: () => void = () => undefined;
    const fullPersisted = new Promise<void>((resolve) => (persisted = resolve));
    const job = await CheckpointCoordinator.open({
      storage,
      interval: { events: keys / 4 },
      batchSize: 1_000,
      onCheckpoint: (r) => {
        reports.push(r);
        completedAt.push(performance.now());
        if (r.entries > keys) persisted();
      },
    });
    // `keys` distinct keys at times 0..keys-1, all in one window of 1e9 ms, then updates of them.
    // Once every key is in, the source asks for a checkpoint and stops the job (a crash) once one
    // holding every key is persisted, so the newest checkpoint on disk is that one; the input is
    // long enough that records flow for the whole checkpoint.
    const source = generatorSource({ count: 20 * keys + 10 * TAIL, seed: 1, generate: (i: number) => ({ k: i % keys, ts: Math.min(i, keys - 1) }) });
    let read = 0;
    let asked = false;
    let persistedFull = false;
    void fullPersisted.then(() => (persistedFull = true));
    const stopping: Source<{ k: number; ts: number }> = {
      describe: () => 'generator, stopping after the first checkpoint',
      async open(offset) {
        const reader = await source.open(offset);
        return {
          read: async (max: number) => {
            if (read >= keys + TAIL) {
              // Every key is in: ask for a checkpoint (one due may be waiting for a free slot) and
              // keep the records flowing (the probe measures their gaps) until a checkpoint
              // holding every key is persisted; then a crash.
              if (!asked) void job.checkpointNow();
              asked = true;
              if (persistedFull) throw new Error('stop');
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
        probe,
        tumblingWindow({ size: 1_000_000_000, key: (e: { k: number }) => e.k, aggregate: count(), store: job.store('counts'), name: 'counts', checkpoint: job }),
        job.sink('out', collectingSink()),
      );
    await job.run(out).catch((err: unknown) => {
      if (!String(err).includes('stop')) throw err;
    });
    // the first checkpoint holding every key (three earlier ones, at a quarter, half and three
    // quarters of the keys, have run the barrier path as a long-running job would have)
    const i = reports.findIndex((r) => r.entries > keys);
    const full = reports[i];
    if (full === undefined) throw new Error('no checkpoint with every key completed');
    const end = completedAt[i]!;
    const start = end - full.durationMs - 1; // durationMs is on the coordinator's ms clock
    gcObserver.disconnect();
    let stallMs = 0;
    let stallWithoutGcMs = 0;
    for (const [t, gap] of gaps) {
      if (t < start || t - gap > end) continue;
      stallMs = Math.max(stallMs, gap);
      let gc = 0;
      for (const [at, d] of gcs) gc += Math.max(0, Math.min(t, at + d) - Math.max(t - gap, at));
      stallWithoutGcMs = Math.max(stallWithoutGcMs, gap - gc);
    }
    // The same probe while no checkpoint was in flight (after the first one started): the gaps
    // the job has anyway (garbage collection, the machine's other work).
    const flights = reports.map((r, k) => [completedAt[k]! - r.durationMs - 1, completedAt[k]!] as const);
    const firstStart = flights[0]![0];
    let baselineMs = 0;
    for (const [t, gap] of gaps) {
      if (t - gap < firstStart || t > start) continue;
      if (flights.some(([a, b]) => t >= a && t - gap <= b)) continue;
      baselineMs = Math.max(baselineMs, gap);
    }
    return { report: full, stallMs, stallWithoutGcMs, baselineMs };
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
    rows.push({
      keys,
      stallMs: median((m) => m.stallMs),
      stallMaxMs: Math.max(...runs.map((m) => m.stallMs)),
      stallWithoutGcMs: median((m) => m.stallWithoutGcMs),
      baselineMs: median((m) => m.baselineMs),
      pauseMs: median((m) => m.pauseMs),
      barrierMs: median((m) => m.barrierMs),
      totalMs: median((m) => m.totalMs), sizeBytes: median((m) => m.sizeBytes), entries: runs[0]!.entries, restoreMs: median((m) => m.restoreMs) });
  }
  const machine = machineInfo();
  console.log(`\n\n@weir/checkpoint benchmark: window state of ${SIZES.join(', ')} keys; ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${machine.date}`);
  console.log(`median of ${REPEAT} runs; FileCheckpointStorage in ${tmpdir()} with fsync\n`);
  printTable(
    ['build', 'keys', 'store entries', 'record-path stall (median / max)', 'less GC', 'no checkpoint in flight', 'reported pause', 'barrier', 'total checkpoint', 'size', 'restore', 'targets'],
    rows.map((r) => [
      LABEL,
      r.keys.toLocaleString('en'),
      r.entries.toLocaleString('en'),
      `${r.stallMs.toFixed(1)} / ${(r.stallMaxMs ?? r.stallMs).toFixed(1)} ms`,
      `${r.stallWithoutGcMs.toFixed(1)} ms`,
      `${r.baselineMs.toFixed(1)} ms`,
      `${r.pauseMs.toFixed(1)} ms`,
      `${r.barrierMs.toFixed(3)} ms`,
      `${r.totalMs.toFixed(0)} ms`,
      `${(r.sizeBytes / 2 ** 20).toFixed(1)} MiB`,
      `${r.restoreMs.toFixed(0)} ms`,
      r.keys === 1_000_000 ? `stall ${(r.stallMaxMs ?? r.stallMs) < 10 ? 'met' : 'MISSED'} (< 10 ms); restore ${r.restoreMs < 2_000 ? 'met' : 'MISSED'} (< 2 s)` : '',
    ]),
  );
  const out = writeResults(LABEL === 'this build' ? 'checkpoint' : `checkpoint-${LABEL.replace(/[^\w.-]+/g, '-')}`, {
    benchmark: '@weir/checkpoint',
    build: LABEL,
    machine,
    config: { sizes: SIZES, repeat: REPEAT, tail: TAIL, storage: 'FileCheckpointStorage, fsync' },
    results: rows,
  });
  console.log(`\nwrote ${out}`);
}

void main();
