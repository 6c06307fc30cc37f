// One worker of the partitioned window job (all 8 partitions) in this process, for profiling:
// prints records, ms, CPU ms, records per CPU-second and the share of the CPU time spent off
// the main thread (GC helper threads, file writes) as one JSON line.
//
//   TS_NODE_TRANSPILE_ONLY=1 node [--cpu-prof | --trace-gc] -r ts-node/register -r tsconfig-paths/register \
//     packages/partition/bench/profileWorker.ts [--events-per-partition N]
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWindowWorker, testStorage } from '../src/testing';
import { threadCpuMs } from '../src/testing/threadCpuMs';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(join(tmpdir(), 'weir-profile-worker-'));
  try {
    const threads0 = threadCpuMs();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const summary = await runWindowWorker({
      worker: 0,
      workers: 1,
      partitions: 8,
      input: { generated: { perPartition: arg('events-per-partition', 500_000), pages: 10_000 } },
      storage: testStorage(join(dir, 'checkpoints')),
      out: join(dir, 'out'),
      checkpointEvery: 100_000,
    });
    const cpu = process.cpuUsage(cpu0);
    const ms = performance.now() - t0;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const threads1 = threadCpuMs();
    // the share of the CPU time spent off the main thread: what a second worker competes for
    const offMain = threads0 !== undefined && threads1 !== undefined ? (threads1.others - threads0.others) / (threads1.main - threads0.main + threads1.others - threads0.others) : undefined;
    console.log(JSON.stringify({ records: summary.recordsRead, ms: Math.round(ms), cpuMs: Math.round(cpuMs), perCpuSecond: Math.round(summary.recordsRead / (cpuMs / 1000)), perSecond: Math.round(summary.recordsRead / (ms / 1000)), offMainThread: offMain === undefined ? undefined : Number(offMain.toFixed(3)) }));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

void main();
