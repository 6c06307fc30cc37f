// npx ts-node --transpile-only -r tsconfig-paths/register packages/checkpoint/bench/barrierTurn.bench.ts [keys] [barriers]
//
// The synchronous turn a checkpoint barrier costs a tumbling window holding `keys` groups with
// its default options (write-back cache of 16,384): the window's barrier log of every group still
// waiting, its meta entry and the store's O(1) snapshot, as `checkpointOnce` in checkpoint.bench.ts
// sees it inside the coordinator's trigger. Measured alone (no coordinator, no storage), so it can
// be run against two builds in alternation on a loaded machine: between two barriers 20,000 records
// update 20,000 distinct keys (the cache then holds 16,384 waiting groups), then the barrier is
// pushed and its turn timed. Prints min / p25 / median / p75 of the barrier turns, ms: wall time
// and the process's CPU time in them (what a loaded machine's other processes do not inflate).
import { Subject } from 'rxjs';
import { InMemoryStore } from '@weir/state';
import { barrier, record, type StreamElement } from '@weir/stream';
import { count, tumblingWindow } from '@weir/window';

const KEYS = Number(process.argv[2] ?? 1_000_000);
const BARRIERS = Number(process.argv[3] ?? 40);
// 'repeat': records only before the first barrier, then barriers back to back (the same waiting
// groups logged again each time: a profile of the barrier alone)
const BETWEEN = process.argv[4] === 'repeat' ? 0 : 20_000;
// 'cold': 96 MiB read through before each barrier, as the coordinator's encoding of the previous
// checkpoint (tens of MiB) does between barriers: the barrier log then starts from cold caches
const SWEEP = process.argv[4] === 'cold' ? new Uint8Array(96 * 2 ** 20).fill(1) : undefined;
let swept = 0;

const store = new InMemoryStore();
const input = new Subject<StreamElement<{ k: number }>>();
let snapshots = 0;
const hook = {
  snapshotTaken: (): void => {
    snapshots++;
  },
};
input.pipe(tumblingWindow({ size: 1_000_000_000, key: (e: { k: number }) => e.k, aggregate: count(), store, name: 'counts', checkpoint: hook })).subscribe({ error: (e: unknown) => console.error(e) });

let next = 0;
const feed = (n: number): void => {
  for (let j = 0; j < n; j++) {
    const k = next++ % KEYS;
    input.next(record({ k }, Math.min(k, KEYS - 1)));
  }
};
feed(KEYS); // every key once
if (BETWEEN === 0) feed(20_000);
const times: number[] = [];
/** CPU time of the process in each barrier turn (getrusage: every thread, so GC helpers too), ms. */
const cpu: number[] = [];
for (let b = 1; b <= BARRIERS + 3; b++) {
  feed(BETWEEN);
  if (SWEEP !== undefined) for (let i = 0; i < SWEEP.length; i += 64) swept += SWEEP[i]!;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  input.next(barrier(b));
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  if (b > 3) {
    // the first barriers warm the path up
    times.push(ms);
    cpu.push((c.user + c.system) / 1000);
  }
}
const quartiles = (xs: number[]): string => {
  xs.sort((a, b) => a - b);
  const q = (p: number): string => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!.toFixed(2);
  return `min ${q(0)} p25 ${q(0.25)} median ${q(0.5)} p75 ${q(0.75)} ms`;
};
console.log(`barrier turn, ${KEYS} keys, ${times.length} barriers (${snapshots} snapshots${SWEEP === undefined ? '' : `, cold: ${swept}`}): wall ${quartiles(times)}; CPU ${quartiles(cpu)}`);
