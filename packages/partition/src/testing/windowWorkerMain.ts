// The worker program of the launcher tests and the benchmark: one worker of the partitioned
// window job, opened from WEIR_PARTITION_DIR / WEIR_WORKER. Input: WEIR_TEST_INPUT (a directory of
// clicks-<p>.jsonl) or WEIR_TEST_GENERATED ("<per partition>,<pages>"); WEIR_TEST_DELAY_MS slows
// every read; WEIR_TEST_CHECKPOINT_EVERY and WEIR_TEST_BATCH set the coordinator's pace. Prints
// one JSON line { worker, pid, records, ms, cpuMs, mainCpuMs (Linux) } on stdout when done (or into the directory
// WEIR_TEST_REPORT). With WEIR_TEST_GATE=<path> it writes <path>.ready-<worker> once open and waits
// for <path> to exist before reading.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FENCED_EXIT_CODE, isFenced } from '../index';
import { workerFromEnv } from '../workerFromEnv';
import { slowedSource } from './slowedSource';
import { threadCpuMs } from './threadCpuMs';
import { runWindowWorker } from './windowJob';

async function main(): Promise<void> {
  const env = process.env;
  const w = await workerFromEnv(env, { fsync: false });
  const delay = Number(env['WEIR_TEST_DELAY_MS'] ?? 0);
  const inputDir = env['WEIR_TEST_INPUT'];
  const [perPartition, pages] = (env['WEIR_TEST_GENERATED'] ?? '0,0').split(',').map(Number);
  const gate = env['WEIR_TEST_GATE'];
  if (gate !== undefined) {
    // set up, then wait for the benchmark to start every worker at once
    writeFileSync(`${gate}.ready-${w.ownership.worker}`, '');
    while (!existsSync(gate)) await new Promise((r) => setTimeout(r, 2));
  }
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const threads0 = threadCpuMs();
  const summary = await runWindowWorker({
    worker: w.ownership.worker,
    workers: w.layout.workers,
    partitions: w.layout.partitions,
    keyGroups: w.layout.keyGroups,
    input: inputDir !== undefined ? { files: (p) => join(inputDir, `clicks-${p}.jsonl`) } : { generated: { perPartition: perPartition!, pages: pages! } },
    storage: w.storage,
    out: w.outputDir('views'),
    wrapSink: w.fence,
    ...(delay > 0 ? { wrapSource: (s) => slowedSource(s, delay) } : {}),
    checkpointEvery: Number(env['WEIR_TEST_CHECKPOINT_EVERY'] ?? 2_000),
    batchSize: Number(env['WEIR_TEST_BATCH'] ?? 1_000),
  });
  const cpu = process.cpuUsage(cpu0);
  const threads1 = threadCpuMs();
  const mainCpuMs = threads0 !== undefined && threads1 !== undefined ? threads1.main - threads0.main : undefined;
  const line = JSON.stringify({ worker: w.ownership.worker, pid: process.pid, records: summary.recordsRead, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, mainCpuMs, startedAt: performance.timeOrigin + t0 });
  const reportDir = env['WEIR_TEST_REPORT'];
  if (reportDir !== undefined) writeFileSync(join(reportDir, `worker-${w.ownership.worker}-${process.pid}.json`), line);
  else process.stdout.write(`${line}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`worker ${process.env['WEIR_WORKER']}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(isFenced(err) ? FENCED_EXIT_CODE : 1);
  },
);
