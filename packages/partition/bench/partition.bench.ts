// The partitioned window job (clicks per page per second, tumbling count, default options) with 1
// and with 2 worker processes, alternating rounds in one run, and the time to resume after a
// rescale 1 -> 2 of a checkpoint holding 1M keys. Prints a table; writes bench/results/partition.json.
//
//   npm run bench -w @weir/partition [-- --events-per-partition N --rounds R --keys K]
//   (--rounds 0: the rescale alone, written to bench/results/partition-rescale.json)
//
// Throughput: records of all workers / the job's time, from the first worker's start of reading
// to the last worker's end (each worker reports its own start and duration; process start-up
// (ts-node, ~2-5 s here) is excluded and reported apart), and records per CPU-second of the
// workers, which other processes on the machine do not change, and from those CPU times the
// speed-up two idle cores would give (a worker's main thread bounds one worker; two workers share
// two cores with their GC and file-writing threads).
import { promises as fs, readdirSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointCoordinator, FileCheckpointStorage } from '@weir/checkpoint';
import { mergeWindowOperatorScope } from '@weir/window';
import { createPartitionedJob, rescaleJob, runPartitioned } from '../src/index';
import { crashingAfterRecords, runWindowWorker } from '../src/testing';
import { machineInfo, printTable, writeResults } from '../../../bench/lib/report';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const PARTITIONS = 8;
// 16M records a round: a streaming job's throughput is its steady state, and each run pays a
// fixed ~0.3 s (JIT warm-up, its compiler threads competing for the cores with the other worker;
// the final checkpoint): at 500k per partition (2-s runs for two workers) that fixed cost alone
// took the 2 / 1 ratio from ~1.75 to ~1.66 (docs/scale-out.md).
const PER_PARTITION = arg('events-per-partition', 2_000_000);
const PAGES = 10_000;
const ROUNDS = arg('rounds', 3);
const KEYS = arg('keys', 1_000_000);
const ENTRY = join(__dirname, '..', 'src', 'testing', 'windowWorkerMain.ts');
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Round {
  readonly workers: number;
  readonly records: number;
  readonly jobMs: number;
  readonly wallMs: number;
  readonly perWorkerMs: number[];
  /** CPU time (user + system) of each worker's run, ms. */
  readonly perWorkerCpuMs: number[];
  /** The same, of each worker's main thread alone (Linux; else NaN). */
  readonly perWorkerMainCpuMs: number[];
}

async function throughputRound(root: string, workers: number, round: number): Promise<Round> {
  const dir = join(root, `tp-${workers}-${round}`);
  const report = join(dir, 'report');
  await fs.mkdir(report, { recursive: true });
  await createPartitionedJob(dir, { partitions: PARTITIONS, workers });
  const gate = join(dir, 'gate');
  const t0 = Date.now();
  const run = runPartitioned({
    dir,
    entry: ENTRY,
    execArgv: ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register'],
    env: { TS_NODE_TRANSPILE_ONLY: '1', WEIR_TEST_GENERATED: `${PER_PARTITION},${PAGES}`, WEIR_TEST_CHECKPOINT_EVERY: '100000', WEIR_TEST_REPORT: report, WEIR_TEST_GATE: gate },
    maxRestarts: 0,
  });
  // every worker opened (restored, sources and sinks made) before any reads: start them together
  while (!Array.from({ length: workers }, (_, w) => `gate.ready-${w}`).every((f) => readdirSync(dir).includes(f))) await new Promise((r) => setTimeout(r, 5));
  await fs.writeFile(gate, '');
  await run.done;
  const wallMs = Date.now() - t0;
  const reports = readdirSync(report).map((f) => JSON.parse(readFileSync(join(report, f), 'utf8')) as { records: number; ms: number; cpuMs: number; mainCpuMs?: number; startedAt: number });
  const start = Math.min(...reports.map((r) => r.startedAt));
  const end = Math.max(...reports.map((r) => r.startedAt + r.ms));
  await fs.rm(dir, { recursive: true, force: true });
  return { workers, records: reports.reduce((a, r) => a + r.records, 0), jobMs: end - start, wallMs, perWorkerMs: reports.map((r) => r.ms), perWorkerCpuMs: reports.map((r) => r.cpuMs), perWorkerMainCpuMs: reports.map((r) => r.mainCpuMs ?? Number.NaN) };
}

/** A 1-worker checkpoint with ~KEYS keys in one open window, rescaled to 2; the new workers' restore timed. */
async function rescaleResume(root: string): Promise<Record<string, number>> {
  const dir = join(root, 'rescale');
  await createPartitionedJob(dir, { partitions: PARTITIONS, workers: 1 });
  const perPartition = Math.ceil(KEYS / PARTITIONS);
  const storage = new FileCheckpointStorage(join(dir, 'gen-0', 'worker-0', 'checkpoints'), { fsync: false });
  // every click of every page in one hour-long window; the job stops before the window closes
  await runWindowWorker({
    worker: 0,
    workers: 1,
    partitions: PARTITIONS,
    input: { generated: { perPartition: perPartition * 2, pages: KEYS, step: 0, cycle: true } },
    windowMs: 3_600_000,
    storage,
    out: join(dir, 'out', 'gen-0', 'worker-0', 'views'),
    checkpointEvery: KEYS,
    wrapSource: (s) => crashingAfterRecords(s, KEYS + 100_000),
  }).catch((err: unknown) => {
    if (!String(err).includes('simulated crash')) throw err;
  });
  // the old worker's restore, for comparison (its store dropped before the rescale runs)
  const t1 = performance.now();
  const oldEntries = (await CheckpointCoordinator.open({ storage })).store('views').len();
  const oldRestoreMs = performance.now() - t1;
  (globalThis as { gc?: () => void }).gc?.();
  const t2 = performance.now();
  const report = await rescaleJob({ dir, to: 2, mergeOperatorScope: mergeWindowOperatorScope });
  const rescaleMs = performance.now() - t2;
  const restoreMs: number[] = [];
  for (let w = 0; w < 2; w++) {
    const t = performance.now();
    const job = await CheckpointCoordinator.open({ storage: new FileCheckpointStorage(join(dir, 'gen-1', `worker-${w}`, 'checkpoints'), { fsync: false }) });
    restoreMs.push(performance.now() - t);
    job.store('views');
    (globalThis as { gc?: () => void }).gc?.();
  }
  await fs.rm(dir, { recursive: true, force: true });
  return {
    entriesBefore: oldEntries,
    oldRestoreMs,
    rescaleMs,
    worker0Entries: report.workers[0]!.entries,
    worker1Entries: report.workers[1]!.entries,
    worker0Bytes: report.workers[0]!.bytes,
    worker1Bytes: report.workers[1]!.bytes,
    worker0RestoreMs: restoreMs[0]!,
    worker1RestoreMs: restoreMs[1]!,
  };
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const root = await fs.mkdtemp(join(tmpdir(), 'weir-partition-bench-'));
  try {
    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) for (const workers of r % 2 === 0 ? [1, 2] : [2, 1]) rounds.push(await throughputRound(root, workers, r));
    const rate = (x: Round): number => x.records / (x.jobMs / 1000);
    const one = rounds.filter((x) => x.workers === 1);
    const two = rounds.filter((x) => x.workers === 2);
    const speedup = median(two.map(rate)) / median(one.map(rate));
    // records per CPU-second of the workers: how much work partitioning adds, whatever the load
    const perCpu = (x: Round): number => x.records / (x.perWorkerCpuMs.reduce((a, b) => a + b, 0) / 1000);
    const efficiency = median(two.map(perCpu)) / median(one.map(perCpu));
    // One worker can go no faster than its main thread (records per main-thread CPU-second); two
    // workers on two idle cores no faster than 2 cores x their records per CPU-second. Their ratio
    // is the speed-up an idle machine would show, computed from CPU times: other processes do
    // not change it as they change the wall-clock one.
    const offMain = (x: Round): number => 1 - x.perWorkerMainCpuMs.reduce((a, b) => a + b, 0) / x.perWorkerCpuMs.reduce((a, b) => a + b, 0);
    const perMainCpu = (x: Round): number => x.records / (x.perWorkerMainCpuMs[0]! / 1000);
    const ceiling = (2 * median(two.map(perCpu))) / median(one.map(perMainCpu));
    const rescale = await rescaleResume(root);
    const loadAfter = loadavg();
    const throughputRows: string[][] = ROUNDS === 0 ? [] : [
        ['1 worker, records/s', median(one.map(rate)).toFixed(0), one.map((x) => rate(x).toFixed(0)).join(' ')],
        ['2 workers, records/s', median(two.map(rate)).toFixed(0), two.map((x) => rate(x).toFixed(0)).join(' ')],
        ['speed-up 2 / 1 (wall clock: needs 2 idle cores)', speedup.toFixed(2), ''],
        ['1 worker, records per CPU-second', median(one.map(perCpu)).toFixed(0), one.map((x) => perCpu(x).toFixed(0)).join(' ')],
        ['2 workers, records per CPU-second (both)', median(two.map(perCpu)).toFixed(0), two.map((x) => perCpu(x).toFixed(0)).join(' ')],
        ['CPU efficiency 2 / 1 (x 2 = the speed-up if each worker had a core of its own)', efficiency.toFixed(2), ''],
        ['1 worker, share of its CPU time off the main thread (GC, compiler, file writes)', median(one.map(offMain)).toFixed(3), one.map((x) => offMain(x).toFixed(3)).join(' ')],
        ['1 worker, records per main-thread CPU-second', median(one.map(perMainCpu)).toFixed(0), one.map((x) => perMainCpu(x).toFixed(0)).join(' ')],
        ['speed-up 2 / 1 on 2 idle cores, from CPU times (2 x 2-worker rate per CPU-s / 1-worker rate per main-thread CPU-s)', ceiling.toFixed(2), ''],
        ['wall time incl. process start, 1 worker, ms', median(one.map((x) => x.wallMs)).toFixed(0), ''],
        ['wall time incl. process start, 2 workers, ms', median(two.map((x) => x.wallMs)).toFixed(0), ''],
      ];
    printTable(
      ['measure', 'median', 'rounds'],
      [
        ...throughputRows,
        [`restore 1 worker (${rescale.entriesBefore} entries), ms`, rescale.oldRestoreMs!.toFixed(0), ''],
        ['rescale 1 -> 2 (read, slice, merge, write), ms', rescale.rescaleMs!.toFixed(0), ''],
        [`restore new worker 0 (${rescale.worker0Entries} entries), ms`, rescale.worker0RestoreMs!.toFixed(0), ''],
        [`restore new worker 1 (${rescale.worker1Entries} entries), ms`, rescale.worker1RestoreMs!.toFixed(0), ''],
        ['time to resume after the rescale (rescale + slower restore), ms', (rescale.rescaleMs! + Math.max(rescale.worker0RestoreMs!, rescale.worker1RestoreMs!)).toFixed(0), ''],
      ],
    );
    const machine = machineInfo();
    console.log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`);
    // --rounds 0 times the rescale alone, into a file of its own (the throughput figures stay)
    const file = writeResults(ROUNDS === 0 ? 'partition-rescale' : 'partition', {
      machine,
      loadAverage: { before: loadBefore, after: loadAfter },
      job: { partitions: PARTITIONS, eventsPerPartition: PER_PARTITION, pages: PAGES, window: 'tumbling 1 s count, default options', checkpointEvery: 100_000, source: 'generatorSource per partition', storage: 'FileCheckpointStorage without fsync' },
      rounds,
      medianRecordsPerSecond: { one: median(one.map(rate)), two: median(two.map(rate)) },
      speedup,
      recordsPerCpuSecond: { one: median(one.map(perCpu)), two: median(two.map(perCpu)) },
      cpuEfficiency: efficiency,
      offMainThreadShareOneWorker: median(one.map(offMain)),
      recordsPerMainThreadCpuSecondOneWorker: median(one.map(perMainCpu)),
      idleSpeedupFromCpuTimes: ceiling,
      rescale: { keys: KEYS, ...rescale },
    });
    console.log(`wrote ${file}`);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
