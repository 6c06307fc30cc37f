// How long the main thread waited for a core between two moments: a worker thread samples the
// main thread's scheduler statistics (/proc/<pid>/task/<pid>/schedstat: nanoseconds run,
// nanoseconds waited in the run queue) every ~0.25 ms into shared memory. The kernel adds a
// wait to the second figure when the thread gets a core back, so the wait inside a gap on the
// record path is the step of that figure between the last sample before the gap and the first
// after it (it can include a wait that straddles either sample: an over-estimate of at most the
// sampling interval, more when the sampler itself waits for a core). A gap less that wait is what
// the job's own thread spent in it (the checkpoint's synchronous work, garbage collection), not
// what the machine's other processes took, which on a busy shared machine is most of a long gap.
// (The run-time figure is no use here: for a thread running without interruption the kernel
// updates it only at scheduler ticks, every 4 ms.) Linux only; elsewhere `available` is false.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** Samples kept (two doubles each): at one per ~0.25 ms, several minutes. */
const CAPACITY = 1 << 20;

const WORKER = `
const { workerData } = require('node:worker_threads');
const { openSync, readSync } = require('node:fs');
const { file, shared } = workerData;
const state = new Int32Array(shared, 0, 2); // [stop, count]
const samples = new Float64Array(shared, 8);
const fd = openSync(file, 'r');
const buf = Buffer.alloc(128);
const capacity = samples.length / 2;
while (Atomics.load(state, 0) === 0) {
  const n = readSync(fd, buf, 0, 128, 0);
  const at = Number(process.hrtime.bigint()) / 1e6;
  const wait = Number(buf.toString('latin1', 0, n).split(' ')[1]) / 1e6;
  const i = Atomics.load(state, 1);
  if (i < capacity) {
    samples[2 * i] = at;
    samples[2 * i + 1] = wait;
    Atomics.store(state, 1, i + 1);
  }
  Atomics.wait(state, 0, 0, 0.25);
}
`;

/** A sampler of the main thread's run-queue wait; `waitMs(from, to)` takes `performance.now()` times. */
export interface RunQueueWait {
  readonly available: boolean;
  /** Milliseconds the main thread waited for a core between two moments (NaN when not sampled). */
  waitMs(from: number, to: number): number;
  stop(): Promise<void>;
}

/** Starts sampling the main thread's run-queue wait; resolves once the sampler runs. */
export async function startRunQueueWait(): Promise<RunQueueWait> {
  const file = `/proc/${process.pid}/task/${process.pid}/schedstat`;
  if (!existsSync(file)) return { available: false, waitMs: () => Number.NaN, stop: async () => undefined };
  const shared = new SharedArrayBuffer(8 + CAPACITY * 16);
  const state = new Int32Array(shared, 0, 2);
  const samples = new Float64Array(shared, 8);
  const worker = new Worker(WORKER, { eval: true, workerData: { file, shared } });
  while (Atomics.load(state, 1) < 1) await new Promise<void>((resolve) => setTimeout(resolve, 1));
  // performance.now() and hrtime share the monotonic clock; this is their offset.
  const offset = Number(process.hrtime.bigint()) / 1e6 - performance.now();
  /** The index of the last sample at or before hrtime `t` (-1 before the first). */
  const before = (t: number, n: number): number => {
    let lo = -1;
    let hi = n;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (samples[2 * mid]! <= t) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  return {
    available: true,
    waitMs(from, to) {
      const n = Atomics.load(state, 1);
      const a = before(from + offset, n);
      const b = before(to + offset, n) + 1;
      if (a < 0 || b >= n) return Number.NaN;
      return samples[2 * b + 1]! - samples[2 * a + 1]!;
    },
    async stop() {
      Atomics.store(state, 0, 1);
      await worker.terminate();
    },
  };
}
