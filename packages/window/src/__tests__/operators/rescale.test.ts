// Rescale (docs/architecture.md §6, issue 17): a window operator's state sliced by key group and
// restored from several slices continues to the same output as one instance that saw everything.
import fc from 'fast-check';
import { InMemoryStore, KeyGroupRange, KeyWriter, StateSnapshot, keyGroupOf, restoreFromSlices, sliceKeyGroups, type StateStore } from '@weir/state';
import { barrier, record, watermark, type StreamElement } from '@weir/stream';
import { count, hoppingWindow, mergeWindowOperatorScope, sessionWindow, tumblingWindow, type WindowOperator, type WindowResult } from '@weir/window';
import { Driver } from './driver';

interface Ev {
  readonly k: string;
}
const KEY_GROUPS = 8;
const ALL = new KeyGroupRange(0, KEY_GROUPS);
const HALVES = [new KeyGroupRange(0, 4), new KeyGroupRange(4, 8)];
type Make = (store: StateStore, cacheSize: number | undefined) => WindowOperator<Ev, string, number>;
const common = (store: StateStore, cacheSize: number | undefined) => ({ store, name: 'w', key: (v: Ev) => v.k, aggregate: count(), keyGroups: KEY_GROUPS, allowedLateness: 4, ...(cacheSize === undefined ? {} : { cacheSize }) });
const OPERATORS: Array<[string, Make]> = [
  ['tumblingWindow', (store, c) => tumblingWindow({ ...common(store, c), size: 10 })],
  ['hoppingWindow', (store, c) => hoppingWindow({ ...common(store, c), size: 10, slide: 5 })],
  ['sessionWindow', (store, c) => sessionWindow({ ...common(store, c), gap: 6 })],
];

const groupOf = (k: string): number => keyGroupOf(new KeyWriter().part(k).finish(), KEY_GROUPS);
const owned = (range: KeyGroupRange) => (el: StreamElement<Ev>): boolean => el.kind !== 'record' || range.contains(groupOf(el.value.k));

/** Input: records of 12 keys at roughly increasing times, a watermark now and then. */
const inputArb: fc.Arbitrary<StreamElement<Ev>[]> = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: -3, max: 4 }), fc.boolean()), { minLength: 5, maxLength: 80 })
  .map((steps) => {
    const out: StreamElement<Ev>[] = [];
    let t = 0;
    let wm = -1;
    for (const [key, dt, mark] of steps) {
      t = Math.max(0, t + dt);
      out.push(record({ k: `key-${key}` }, t));
      if (mark && t - 3 > wm) out.push(watermark((wm = t - 3)));
    }
    return out;
  });

/** Result records of a run, as sortable strings. */
function run(make: Make, store: StateStore, cacheSize: number | undefined, els: readonly StreamElement<Ev>[], stopWithBarrier: boolean): { out: string[]; snap: StateSnapshot | undefined } {
  const d = new Driver<Ev, WindowResult<string, number>>(make(store, cacheSize));
  const out: string[] = [];
  const keep = (produced: StreamElement<WindowResult<string, number>>[]): void => {
    for (const el of produced) if (el.kind === 'record') out.push(JSON.stringify([el.timestamp, el.value]));
  };
  for (const el of els) keep(d.push(el));
  let snap: StateSnapshot | undefined;
  if (stopWithBarrier) {
    keep(d.push(barrier(1)));
    snap = StateSnapshot.decode(store.snapshot().encode());
    d.stop();
  } else keep(d.complete());
  if (d.error !== undefined) throw d.error;
  return { out, snap };
}

describe.each(OPERATORS)('%s: rescale by key groups', (_name, make) => {
  it.each([undefined, 0])('2 -> 1: two instances with half the key groups each, merged, continue like one instance (cacheSize %p)', (cacheSize) => {
    fc.assert(
      fc.property(inputArb, fc.nat(), (els, c) => {
        const cut = c % (els.length + 1);
        const reference = run(make, new InMemoryStore(), cacheSize, els, false).out.sort();
        const halves = HALVES.map((range) => run(make, new InMemoryStore(), cacheSize, els.slice(0, cut).filter(owned(range)), true));
        const merged = new InMemoryStore();
        restoreFromSlices(merged, halves.map((h) => sliceKeyGroups(h.snap!, ALL)), { range: ALL, mergeOperatorScope: mergeWindowOperatorScope });
        const rest = run(make, merged, cacheSize, els.slice(cut), false).out;
        expect([...halves.flatMap((h) => h.out), ...rest].sort()).toEqual(reference);
      }),
      { numRuns: 40 },
    );
  });

  it.each([undefined, 0])('1 -> 2: one instance sliced in two halves, each continuing with its keys, like one instance (cacheSize %p)', (cacheSize) => {
    fc.assert(
      fc.property(inputArb, fc.nat(), (els, c) => {
        const cut = c % (els.length + 1);
        const reference = run(make, new InMemoryStore(), cacheSize, els, false).out.sort();
        const first = run(make, new InMemoryStore(), cacheSize, els.slice(0, cut), true);
        const rest = HALVES.flatMap((range) => {
          const store = new InMemoryStore();
          restoreFromSlices(store, [sliceKeyGroups(first.snap!, range)], { range, mergeOperatorScope: mergeWindowOperatorScope });
          return run(make, store, cacheSize, els.slice(cut).filter(owned(range)), false).out;
        });
        expect([...first.out, ...rest].sort()).toEqual(reference);
      }),
      { numRuns: 40 },
    );
  });
});
