// npm run bench -w @weir/checkpoint   (or `npm run bench` at the root)
//
// Runs as compiled JavaScript (bench/lib/runCompiled.js), as a job runs; `npm run bench:ts-node -w
// @weir/checkpoint` runs the same under ts-node, whose compiler then shares the measured heap (a
// separate, labelled figure: it roughly doubles the old generation every major GC marks).
// What a checkpoint costs a job holding 10k, 100k and 1M keys of window state: a tumbling window
// counting records by key, fed by a seeded generator source through a CheckpointCoordinator that
// persists to a FileCheckpointStorage in a temp directory (fsync on). The headline rows use the
// window's default options (a bounded write-back cache of 16,384 entries whose waiting changes a
// barrier writes as a barrier log, docs/architecture.md §3.2); a write-through row (cacheSize 0:
// one store entry per key) is a separate, labelled row.
// Checkpoints are triggered every keys/4 records (the earlier ones warm the barrier path up, as in
// any long-running job). Once every key has been seen (keys + 2,000 records read) the source asks
// for a checkpoint (`checkpointNow`); the one measured is the checkpoint that answers it, by id:
// the first triggered after every key was seen. Records keep flowing until it is persisted.
// - stall: what a user feels, the longest gap between two records reaching the window while the
//   checkpoint was in flight (a probe on the record path, independent of the coordinator's own
//   figure), median and max over the runs; next to it the coordinator's reported pause
//   (`CheckpointReport.pauseMs`) and the barrier injection alone (`barrierMs`: the window's
//   barrier log and its O(1) store snapshot);
// - less GC: that stall less the garbage-collection pauses inside it (perf_hooks 'gc' entries);
// - less run-queue wait: the longest such gap less the time the job's thread waited for a core
//   inside it (its scheduler statistics, sampled by a worker thread: runQueueWait.ts), median /
//   max: the checkpoint's own synchronous work and garbage collection, without what the machine's
//   other processes took (on a shared 2-core machine under load, most of a long gap);
// - no checkpoint in flight: the same probe's longest gap between checkpoints (what garbage
//   collection and the machine's load cost the record path anyway);
// - total: trigger to persisted and committed (chunked encoding between batches, checksums, file
//   writes, fsync, rename);
// - size: encoded bytes of the store; entries: the store's entries (with the barrier log, fewer
//   than keys: what waits is in a few LOG entries);
// - restore: CheckpointCoordinator.open (list, load, verify) + store() (decode and restore).
// Under the table, the same figures of earlier builds (bench/results/checkpoint-<name>.json, see
// --compare), so the old figure is printed next to the new one. Prints the load average before and
// after; writes bench/results/checkpoint.json (or checkpoint-<label>.json with --label).
//
// Run with --expose-gc (the package script does) so restore starts from a clean heap.
// Options: --storage file|memory (default file)  --sizes 10000,100000,1000000  --repeat 3
// --caches default,0 (window cacheSize per row group: `default` or a number)  --label NAME (a row
// label, e.g. for a run of an older commit: the probe only uses APIs every version has)
// --compare before:0,paged-store-rerun (earlier results to print under the table, NAME or
// NAME:CACHESIZE for files written before rows recorded the window's cacheSize, whose default
// then it names; '' for none)
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { tap } from 'rxjs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamElement } from '@weir/stream';
import { count, tumblingWindow } from '@weir/window';
import { CheckpointCoordinator, FileCheckpointStorage, MemoryCheckpointStorage, collectingSink, generatorSource, type CheckpointReport, type CheckpointStorage, type Source } from '@weir/checkpoint';
import { benchOptions } from '../../../bench/lib/benchOptions';
import { startRunQueueWait } from './runQueueWait';
import { machineInfo, printTable, readResults, resultsFile, writeResults } from '../../../bench/lib/report';

const options = benchOptions({ sizes: '10000,100000,1000000', repeat: 3, caches: 'default,0', label: 'this build', compare: 'before:0,paged-store-rerun,before-stall-slices', storage: 'file' });
const SIZES = options.sizes.split(',').map(Number);
const REPEAT = options.repeat;
const LABEL = options.label;
const CACHES = options.caches.split(',').map((c) => (c === 'default' ? undefined : Number(c)));
const COMPARE = options.compare.split(',').filter((c) => c.length > 0);
// How this process runs the code: compiled, as a job runs (`npm run bench`), or under ts-node
// (`npm run bench:ts-node`: the TypeScript compiler then shares the job's heap).
const RUNTIME = __filename.endsWith('.ts') ? 'ts-node (the compiler in the heap)' : 'compiled JavaScript';
// Where checkpoints go: `file` (FileCheckpointStorage, fsync on: the headline) or `memory`
// (MemoryCheckpointStorage, what tests and the other packages' benchmarks use).
if (options.storage !== 'file' && options.storage !== 'memory') throw new Error(`--storage must be file or memory, got ${JSON.stringify(options.storage)}`);
const STORAGE = options.storage;
const STORAGE_LABEL = STORAGE === 'file' ? `FileCheckpointStorage in ${tmpdir()} with fsync` : 'MemoryCheckpointStorage';
const TAIL = 2_000; // records after every key was seen, so the job is mid-stream when the checkpoint is taken

interface Measure {
  keys: number;
  /** The window's cacheSize (`undefined`: the default). */
  cacheSize?: number | undefined;
  /** The longest gap between records on the record path while the checkpoint was in flight. */
  stallMs: number;
  /** The largest stallMs of the runs (only in the median row). */
  stallMaxMs?: number;
  /** Every run's stallMs (only in the median row). */
  stallRunsMs?: number[];
  /** The longest such gap less the garbage-collection pauses inside it. */
  stallWithoutGcMs: number;
  /** The longest such gap less the run-queue wait inside it (NaN where not measured). */
  stallLessWaitMs?: number;
  /** The largest stallLessWaitMs of the runs (only in the median row). */
  stallLessWaitMaxMs?: number;
  /** The longest gap between records while no checkpoint was in flight. */
  baselineMs: number;
  /** What the coordinator reported as the checkpoint's pause. */
  pauseMs: number;
  /** The largest pauseMs of the runs (only in the median row). */
  pauseMaxMs?: number;
  barrierMs: number;
  totalMs: number;
  sizeBytes: number;
  entries: number;
  restoreMs: number;
}

async function measure(keys: number, cacheSize: number | undefined): Promise<Measure> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-bench-chk-'));
  try {
    const storage = STORAGE === 'file' ? new FileCheckpointStorage(dir, { retain: 2 }) : new MemoryCheckpointStorage({ retain: 2 });
    const { report: first, reports, stallMs, stallWithoutGcMs, stallLessWaitMs, baselineMs } = await checkpointOnce(storage, keys, cacheSize);
    // A recovering process starts with an empty heap: drop the job's state first.
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = performance.now();
    const restored = await CheckpointCoordinator.open({ storage });
    const store = restored.store('counts');
    const restoreMs = performance.now() - t0;
    // the measured checkpoint, or one triggered after it that was under way when the job stopped
    const newest = reports.find((r) => r.id === restored.restoredFrom);
    if (newest === undefined || newest.id < first.id) throw new Error(`restored checkpoint ${String(restored.restoredFrom)}, expected ${first.id} or later`);
    if (store.len() !== newest.entries) throw new Error(`restored ${store.len()} entries, expected ${newest.entries}`);
    const barrierMs = (first as { barrierMs?: number }).barrierMs ?? first.pauseMs; // older builds reported the injection as the pause
    return { keys, cacheSize, stallMs, stallWithoutGcMs, stallLessWaitMs, baselineMs, pauseMs: first.pauseMs, barrierMs, totalMs: first.durationMs, sizeBytes: first.sizeBytes, entries: first.entries, restoreMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the job until the first checkpoint triggered after every key was seen is persisted;
 * returns that checkpoint's report and the longest gap between records while it was in flight.
 */
async function checkpointOnce(storage: CheckpointStorage, keys: number, cacheSize: number | undefined): Promise<{ report: CheckpointReport; reports: CheckpointReport[]; stallMs: number; stallWithoutGcMs: number; stallLessWaitMs: number; baselineMs: number }> {
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
  const wait = await startRunQueueWait();
  const probe = tap<StreamElement<{ k: number; ts: number }>>(() => {
    const t = performance.now();
    if (t - last > 1) gaps.push([t, t - last]);
    last = t;
  });
  const job = await CheckpointCoordinator.open({
    storage,
    interval: { events: keys / 4 },
    batchSize: 1_000,
    onCheckpoint: (r) => {
      reports.push(r);
      completedAt.push(performance.now());
    },
  });
  // `keys` distinct keys at times 0..keys-1, all in one window of 1e9 ms, then updates of them.
  // Once every key is in, the source asks for a checkpoint and stops the job (a crash) once that
  // checkpoint is persisted, so the newest checkpoint on disk is the one measured; the input is
  // long enough that records flow for the whole checkpoint.
  const source = generatorSource({ count: 20 * keys + 10 * TAIL, seed: 1, generate: (i: number) => ({ k: i % keys, ts: Math.min(i, keys - 1) }) });
  let read = 0;
  let measured: number | undefined; // the id of the checkpoint answering the request, once persisted
  let asked = false;
  const stopping: Source<{ k: number; ts: number }> = {
    describe: () => 'generator, stopping after the measured checkpoint',
    async open(offset) {
      const reader = await source.open(offset);
      return {
        read: async (max: number) => {
          if (read >= keys + TAIL) {
            // Every key is in: ask for a checkpoint (it is triggered at the next round boundary
            // with a free slot) and keep the records flowing (the probe measures their gaps)
            // until it is persisted; then a crash.
            if (!asked) void job.checkpointNow().then((id) => (measured = id));
            asked = true;
            if (measured !== undefined) throw new Error('stop');
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
      tumblingWindow({ size: 1_000_000_000, key: (e: { k: number }) => e.k, aggregate: count(), store: job.store('counts'), name: 'counts', checkpoint: job, ...(cacheSize === undefined ? {} : { cacheSize }) }),
      job.sink('out', collectingSink()),
    );
  await job.run(out).catch((err: unknown) => {
    if (!String(err).includes('stop')) throw err;
  });
  gcObserver.disconnect();
  await wait.stop();
  const i = reports.findIndex((r) => r.id === measured);
  const full = reports[i];
  if (full === undefined) throw new Error(`the checkpoint requested once every key was seen (${String(measured)}) did not complete`);
  const end = completedAt[i]!;
  const start = end - full.durationMs - 1; // durationMs is on the coordinator's ms clock
  let stallMs = 0;
  let stallWithoutGcMs = 0;
  let stallLessWaitMs = wait.available ? 0 : Number.NaN;
  for (const [t, gap] of gaps) {
    if (t < start || t - gap > end) continue;
    stallMs = Math.max(stallMs, gap);
    stallLessWaitMs = Math.max(stallLessWaitMs, Math.max(0, gap - wait.waitMs(t - gap, t)));
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
  return { report: full, reports, stallMs, stallWithoutGcMs, stallLessWaitMs, baselineMs };
}

const cacheLabel = (c: number | undefined): string => (c === undefined ? 'default (16,384, barrier log)' : c === 0 ? 'write-through (cacheSize 0)' : `cacheSize ${c.toLocaleString('en')}`);
const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ');

interface Stored {
  build?: string;
  machine?: { date?: string };
  load?: { before?: number[]; after?: number[] };
  results?: Measure[];
}

/** A table row of `r`, measured by `build`. */
function row(build: string, r: Measure): string[] {
  return [
    build,
    r.keys.toLocaleString('en'),
    cacheLabel(r.cacheSize),
    r.entries.toLocaleString('en'),
    `${r.stallMs.toFixed(1)} / ${(r.stallMaxMs ?? r.stallMs).toFixed(1)} ms`,
    `${r.stallWithoutGcMs.toFixed(1)} ms`,
    r.stallLessWaitMs === undefined || Number.isNaN(r.stallLessWaitMs) ? '-' : `${r.stallLessWaitMs.toFixed(1)} / ${(r.stallLessWaitMaxMs ?? r.stallLessWaitMs).toFixed(1)} ms`,
    `${r.baselineMs.toFixed(1)} ms`,
    `${r.pauseMs.toFixed(1)} ms`,
    `${r.barrierMs.toFixed(2)} ms`,
    `${r.totalMs.toFixed(0)} ms`,
    `${(r.sizeBytes / 2 ** 20).toFixed(1)} MiB`,
    `${r.restoreMs.toFixed(0)} ms`,
    r.keys === 1_000_000 ? `stall ${(r.stallMaxMs ?? r.stallMs) < 10 ? 'met' : 'MISSED'} (< 10 ms)` : '',
  ];
}

/** The median and max of the runs' stall less run-queue wait (NaN when no run measured it). */
function lessWait(xs: number[]): { stallLessWaitMs: number; stallLessWaitMaxMs: number } {
  if (xs.length === 0) return { stallLessWaitMs: Number.NaN, stallLessWaitMaxMs: Number.NaN };
  const sorted = [...xs].sort((a, b) => a - b);
  return { stallLessWaitMs: sorted[Math.floor(sorted.length / 2)]!, stallLessWaitMaxMs: sorted[sorted.length - 1]! };
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const rows: Measure[] = [];
  for (const cacheSize of CACHES) {
    for (const keys of SIZES) {
      const runs: Measure[] = [];
      for (let r = 0; r < REPEAT; r++) {
        runs.push(await measure(keys, cacheSize));
        process.stdout.write('.');
      }
      const median = (f: (m: Measure) => number): number => runs.map(f).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
      rows.push({
        keys,
        cacheSize,
        stallMs: median((m) => m.stallMs),
        stallMaxMs: Math.max(...runs.map((m) => m.stallMs)),
        stallRunsMs: runs.map((m) => m.stallMs),
        stallWithoutGcMs: median((m) => m.stallWithoutGcMs),
        // runs where the sampler missed a gap's edges (NaN) are left out
        ...lessWait(runs.map((m) => m.stallLessWaitMs ?? Number.NaN).filter(Number.isFinite)),
        baselineMs: median((m) => m.baselineMs),
        pauseMs: median((m) => m.pauseMs),
        pauseMaxMs: Math.max(...runs.map((m) => m.pauseMs)),
        barrierMs: median((m) => m.barrierMs),
        totalMs: median((m) => m.totalMs),
        sizeBytes: median((m) => m.sizeBytes),
        entries: runs[0]!.entries,
        restoreMs: median((m) => m.restoreMs),
      });
    }
  }
  const loadAfter = loadavg();
  const machine = machineInfo();
  console.log(`\n\n@weir/checkpoint benchmark: window state of ${SIZES.join(', ')} keys; ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${machine.date}`);
  console.log(`median of ${REPEAT} runs (stall: median / max); ${RUNTIME}; ${STORAGE_LABEL}; load average (1/5/15 min) ${load(loadBefore)} before, ${load(loadAfter)} after\n`);
  const earlier: string[][] = [];
  for (const entry of COMPARE) {
    const [name, cacheThen] = entry.split(':');
    const file = `checkpoint-${name}`;
    if (!existsSync(resultsFile(file))) {
      console.log(`(no ${file}.json to compare with)`);
      continue;
    }
    const old = readResults(file) as Stored;
    const when = `${old.build ?? name}, ${old.machine?.date?.slice(0, 16) ?? '?'}${old.load?.before !== undefined ? `, load ${old.load.before[0]!.toFixed(1)}` : ''}`;
    for (const stored of old.results ?? []) {
      const r = 'cacheSize' in stored || cacheThen === undefined ? stored : { ...stored, cacheSize: Number(cacheThen) };
      if (SIZES.includes(r.keys) && CACHES.includes(r.cacheSize)) earlier.push(row(when, r));
    }
  }
  printTable(
    ['build', 'keys', 'window cache', 'store entries', 'record-path stall (median / max)', 'less GC', 'less run-queue wait (median / max)', 'no checkpoint in flight', 'reported pause', 'barrier', 'total checkpoint', 'size', 'restore', 'target'],
    [...rows.map((r) => row(LABEL, r)), ...earlier],
  );
  const out = writeResults(LABEL === 'this build' ? 'checkpoint' : `checkpoint-${LABEL.replace(/[^\w.-]+/g, '-')}`, {
    benchmark: '@weir/checkpoint',
    build: LABEL,
    command: `npm run bench -w @weir/checkpoint -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine,
    load: { before: loadBefore, after: loadAfter },
    config: { sizes: SIZES, repeat: REPEAT, caches: CACHES.map((c) => c ?? 'default'), tail: TAIL, storage: STORAGE === 'file' ? 'FileCheckpointStorage, fsync' : 'MemoryCheckpointStorage', runtime: RUNTIME },
    results: rows,
  });
  console.log(`\nwrote ${out}`);
}

void main();
