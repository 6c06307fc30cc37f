// npm run bench:barrier -w @weir/join
//
// What a checkpoint barrier costs a join's record path: the time from pushing barrier n into both
// inputs to the return of the second push (aligning, writing the changed rows that wait in
// memory, the meta entry, store.snapshot(), forwarding). Interval join, inner, 10k keys, one
// event per ms per input (80% of right events within +-4 s of a left one, 5% up to 1 s out of
// order), a barrier every 100k events, a CheckpointRecorder taking each snapshot; with bounds
// +-5 s (about 6k rows held per side) and +-60 s (about 61k per side, more than the default
// write-back capacity of 8,192 per side, so the barrier's work is capped), each with the default
// options, cacheSize 0 (write-through) and cacheSize 100,000 (everything waits). The recorder
// takes deferred entries, as a CheckpointCoordinator does (the waiting rows are captured at the
// barrier, encoded and written after it: completed here 1,000 events after the barrier, timed
// apart as "deferred work", which a coordinator does in slices between records); a labelled row
// has a recorder that takes none (the rows written at the barrier). Also the entries of each
// checkpoint's snapshot, and the run's throughput.
// Prints a table; writes bench/results/join-barrier.json.
//
// Options: --events 1000000  --keys 10000
import { Subject } from 'rxjs';
import { InMemoryStore } from '@weir/state';
import { barrier, record, watermark, type StreamElement } from '@weir/stream';
import { CheckpointRecorder } from '@weir/stream/testing';
import { intervalJoin } from '../src';
import { benchOptions } from '../../../bench/lib/benchOptions';
import { arrivalOrder, rng, type Ev } from './benchEvents';
import { machineInfo, printTable, writeResults } from '../../../bench/lib/report';
import { loadavg } from 'node:os';

const { events: EVENTS, keys: KEYS } = benchOptions({ events: 1_000_000, keys: 10_000 });
const BARRIER_EVERY = 100_000;
const BOUND = 1_000;

function inputs(pairs: number): { left: Ev[]; right: Ev[] } {
  const rand = rng(7);
  const left: Ev[] = [];
  const right: Ev[] = [];
  for (let i = 0; i < pairs; i++) {
    const ts = 10_000 + i;
    const key = Math.floor(rand() * KEYS);
    left.push({ key, ts, v: i });
    right.push({ key: rand() < 0.8 ? key : Math.floor(rand() * KEYS), ts: ts + Math.floor((rand() * 2 - 1) * 4_000), v: i });
  }
  return { left: arrivalOrder(left, rand, BOUND - 1), right: arrivalOrder(right, rand, BOUND - 1) };
}

const { left, right } = inputs(EVENTS / 2);
const machine = machineInfo();
const loadBefore = loadavg();
console.log(`join barrier pause: ${EVENTS.toLocaleString('en')} events, ${KEYS.toLocaleString('en')} keys, a barrier every ${BARRIER_EVERY.toLocaleString('en')}`);
console.log(`${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${machine.date}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);

interface Row {
  bounds: string;
  cacheSize: string;
  deferredMs: number;
  barriers: number;
  medianMs: number;
  maxMs: number;
  storeRowsAtBarrier: number;
  eventsPerSec: number;
}
const rows: Row[] = [];
for (const bound of [5_000, 60_000]) {
  for (const [cacheSize, deferred] of [
    [undefined, true],
    [undefined, false],
    [0, true],
    [100_000, true],
  ] as const) {
    (globalThis as { gc?: () => void }).gc?.();
    const recorder = new CheckpointRecorder({ takesDeferredEntries: deferred });
    const store = new InMemoryStore();
    const l = new Subject<StreamElement<Ev>>();
    const r = new Subject<StreamElement<Ev>>();
    let results = 0;
    l.pipe(
      intervalJoin<Ev, Ev>(r, { leftKey: (e) => e.key, rightKey: (e) => e.key, lowerBound: -bound, upperBound: bound, store, name: 'j', checkpoint: recorder, ...(cacheSize === undefined ? {} : { cacheSize }) }),
    ).subscribe((el) => {
      if (el.kind === 'record') results++;
    });
    const pauses: number[] = [];
    const held: number[] = [];
    const deferredWork: number[] = [];
    const max = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
    let n = 0;
    const t0 = performance.now();
    const push = (side: 0 | 1, e: Ev): void => {
      const s = side === 0 ? l : r;
      s.next(record(e, e.ts));
      if (e.ts > max[side]!) {
        max[side] = e.ts;
        s.next(watermark(e.ts - BOUND - 1));
      }
      if (++n % BARRIER_EVERY === 0) {
        const b0 = performance.now();
        l.next(barrier(n / BARRIER_EVERY));
        r.next(barrier(n / BARRIER_EVERY));
        pauses.push(performance.now() - b0);
      }
      if (n % BARRIER_EVERY === 1_000 && n > BARRIER_EVERY) {
        const d0 = performance.now();
        const snap = recorder.snapshotsOf((n - 1_000) / BARRIER_EVERY).get('j')!; // completes it
        deferredWork.push(performance.now() - d0);
        held.push(snap.len());
      }
    };
    for (let i = 0; i < left.length; i++) {
      push(0, left[i]!);
      push(1, right[i]!);
    }
    const ms = performance.now() - t0;
    l.complete();
    r.complete();
    if (results === 0) throw new Error('no results: the join did not run');
    const sorted = [...pauses].sort((a, b) => a - b);
    const work = [...deferredWork].sort((a, b) => a - b);
    rows.push({
      bounds: `+-${bound / 1_000} s`,
      cacheSize: (cacheSize === undefined ? 'default (8,192)' : cacheSize === 0 ? '0 (write-through)' : cacheSize.toLocaleString('en')) + (deferred ? '' : ', rows written at the barrier'),
      deferredMs: work[Math.floor(work.length / 2)] ?? 0,
      barriers: pauses.length,
      medianMs: sorted[Math.floor(sorted.length / 2)]!,
      maxMs: sorted.at(-1)!,
      storeRowsAtBarrier: Math.max(...held),
      eventsPerSec: EVENTS / (ms / 1_000),
    });
  }
}
const loadAfter = loadavg();
console.log(`load average after: ${loadAfter.map((x) => x.toFixed(2)).join(' ')}\n`);
printTable(
  ['bounds', 'cacheSize', 'barriers', 'pause median', 'pause max', 'deferred work (median)', 'snapshot entries (max)', 'events/s'],
  rows.map((x) => [x.bounds, x.cacheSize, String(x.barriers), `${x.medianMs.toFixed(1)} ms`, `${x.maxMs.toFixed(1)} ms`, `${x.deferredMs.toFixed(1)} ms`, x.storeRowsAtBarrier.toLocaleString('en'), `${(x.eventsPerSec / 1e3).toFixed(0)}k`]),
);
const file = writeResults('join-barrier', { benchmark: 'join checkpoint barrier pause', machine, loadAverage: { before: loadBefore, after: loadAfter }, config: { events: EVENTS, keys: KEYS, barrierEvery: BARRIER_EVERY }, results: rows });
console.log(`wrote ${file}`);
