// npm run bench -w @weir/window   (runs after window.bench.ts)
//
// What a checkpoint barrier costs the record path, per window kind: with the default options (a
// write-back cache of 16,384 entries whose waiting changes a barrier writes as a barrier log),
// then written through (cacheSize 0) and with a larger cache, labelled: the time from pushing
// barrier n into the operator to its return (barrier log or flush + meta write +
// store.snapshot() + forwarding). 10k keys, 500k records, a barrier every 50k. Prints a table;
// writes bench/results/window-barrier.json.
import { Subject } from 'rxjs';
import { InMemoryStore } from '@weir/state';
import { barrier, record, watermark, type StreamElement } from '@weir/stream';
import { CheckpointRecorder } from '@weir/stream/testing';
import { count, hoppingWindow, sessionWindow, sum, tumblingWindow, type WindowOperator } from '@weir/window';
import { machineInfo, printTable, writeResults } from '../../../bench/lib/report';

interface E {
  key: string;
  v: number;
}
/** `cacheSize` undefined: the operator's default. */
type Make = (checkpoint: CheckpointRecorder, cacheSize: number | undefined) => WindowOperator<E, string, number>;
const cache = (cacheSize: number | undefined): { cacheSize?: number } => (cacheSize === undefined ? {} : { cacheSize });

const cases: Array<[string, Make, Array<number | undefined>]> = [
  ['tumbling 10 s', (checkpoint, cacheSize) => tumblingWindow({ size: 10_000, key: (e: E) => e.key, aggregate: count(), store: new InMemoryStore(), ...cache(cacheSize), checkpoint }), [undefined, 0, 20_000]],
  ['hopping 10 s / 1 s', (checkpoint, cacheSize) => hoppingWindow({ size: 10_000, slide: 1_000, key: (e: E) => e.key, aggregate: sum((e: E) => e.v), store: new InMemoryStore(), ...cache(cacheSize), checkpoint }), [undefined, 0, 200_000]],
  ['session gap 5 s', (checkpoint, cacheSize) => sessionWindow({ gap: 5_000, key: (e: E) => e.key, aggregate: count(), store: new InMemoryStore(), ...cache(cacheSize), checkpoint }), [undefined, 0, 20_000]],
];

const rows: Array<{ window: string; cacheSize: number | 'default'; medianMs: number; maxMs: number; barriers: number }> = [];
for (const [window, make, sizes] of cases) {
  for (const cacheSize of sizes) {
    const source = new Subject<StreamElement<E>>();
    source.pipe(make(new CheckpointRecorder(), cacheSize)).subscribe();
    const pauses: number[] = [];
    for (let i = 0; i < 500_000; i++) {
      const ts = Math.floor(i / 10);
      source.next(record({ key: `user-${(i * 7919) % 10_000}`, v: 1 }, ts));
      if (i % 1000 === 0) source.next(watermark(ts - 1001));
      if (i % 50_000 === 49_999) {
        const t0 = performance.now();
        source.next(barrier(pauses.length + 1));
        pauses.push(performance.now() - t0);
      }
    }
    pauses.sort((a, b) => a - b);
    rows.push({ window, cacheSize: cacheSize ?? 'default', medianMs: pauses[Math.floor(pauses.length / 2)]!, maxMs: pauses[pauses.length - 1]!, barriers: pauses.length });
  }
}

const machine = machineInfo();
console.log(`\nbarrier pause on the record path: ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${machine.date}\n`);
printTable(
  ['window', 'cacheSize', 'median', 'max', 'barriers'],
  rows.map((r) => [r.window, r.cacheSize === 'default' ? 'default (16,384)' : `${r.cacheSize.toLocaleString('en')} (tuned)`, `${r.medianMs.toFixed(2)} ms`, `${r.maxMs.toFixed(2)} ms`, String(r.barriers)]),
);
console.log(`\nwrote ${writeResults('window-barrier', { benchmark: '@weir/window barrier pause', machine, results: rows })}`);
