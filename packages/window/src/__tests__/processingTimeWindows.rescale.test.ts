// Rescale of the processing-time windows (docs/architecture.md §3.6, §6): instances sliced by key
// group and rebuilt from the slices with mergeProcessingTimeWindowOperatorScope continue to the
// output of one instance that saw every record, fired at the same instants.
import fc from 'fast-check';
import { InMemoryStore, KeyGroupRange, KeyWriter, keyGroupOf, restoreFromSlices, sliceKeyGroups, type StateSnapshot, type StateStore } from '@weir/state';
import { barrier } from '@weir/stream';
import { CheckpointRecorder } from '@weir/stream/testing';
import { count, mergeProcessingTimeWindowOperatorScope, processingTimeHoppingWindow, processingTimeSessionWindow, processingTimeTumblingWindow, type WindowOperator } from '@weir/window';
import type { VirtualTimeScheduler } from 'rxjs';
import { PtDriver, advanceTo, clockAt } from './processingTimeClock';

const KEY_GROUPS = 8;
const ALL = new KeyGroupRange(0, KEY_GROUPS);
const HALVES = [new KeyGroupRange(0, 4), new KeyGroupRange(4, 8)];
type Make = (store: StateStore, clock: VirtualTimeScheduler, checkpoint?: CheckpointRecorder) => WindowOperator<string, string, number>;
const common = (store: StateStore, scheduler: VirtualTimeScheduler, checkpoint?: CheckpointRecorder) => ({
  store,
  scheduler,
  name: 'pt',
  key: (k: string) => k,
  aggregate: count(),
  keyGroups: KEY_GROUPS,
  ...(checkpoint === undefined ? {} : { checkpoint }),
});
const OPERATORS: Array<[string, Make]> = [
  ['processingTimeTumblingWindow', (s, c, cp) => processingTimeTumblingWindow({ ...common(s, c, cp), size: 10 })],
  ['processingTimeHoppingWindow', (s, c, cp) => processingTimeHoppingWindow({ ...common(s, c, cp), size: 10, slide: 5 })],
  ['processingTimeSessionWindow', (s, c, cp) => processingTimeSessionWindow({ ...common(s, c, cp), gap: 6 })],
];

const groupOf = (k: string): number => keyGroupOf(new KeyWriter().part(k).finish(), KEY_GROUPS);
type Ev = readonly [at: number, key: string];

/** Arrivals of 12 keys at non-decreasing times. */
const inputArb: fc.Arbitrary<Ev[]> = fc.array(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 60 }).map((steps) => {
  let t = 0;
  return steps.map(([k, dt]): Ev => [(t += dt), `key-${k}`]);
});

/** Runs arrivals on a store; stops at a barrier (returns its snapshot) or completes after every window fired. */
function run(make: Make, store: StateStore, from: number, evs: readonly Ev[], stopAt: number | undefined): { out: string[]; snap: StateSnapshot | undefined } {
  const recorder = new CheckpointRecorder();
  const clock = clockAt(from);
  const d = new PtDriver<string, string, number>(clock, make(store, clock, recorder));
  for (const [at, key] of evs) d.at(at, key);
  let snap: StateSnapshot | undefined;
  if (stopAt !== undefined) {
    advanceTo(clock, stopAt);
    d.push(barrier(1));
    snap = recorder.snapshotsOf(1).get('pt');
    d.stop();
  } else {
    advanceTo(clock, (evs.at(-1)?.[0] ?? from) + 100);
    d.input.complete();
  }
  if (d.error !== undefined) throw d.error;
  return { out: d.results().map((r) => JSON.stringify([r.at, r.key, r.start, r.end, r.value])), snap };
}

describe.each(OPERATORS)('%s: rescale by key groups', (_name, make) => {
  it('2 -> 1 and 1 -> 2 continue like one instance, firing at the same instants', () => {
    fc.assert(
      fc.property(inputArb, fc.nat(), (evs, c) => {
        const cut = c % (evs.length + 1);
        const stopAt = cut === 0 ? 0 : evs[cut - 1]![0];
        const reference = run(make, new InMemoryStore(), 0, evs, undefined).out.sort();
        const owned = (range: KeyGroupRange) => (e: Ev): boolean => range.contains(groupOf(e[1]));

        // 2 -> 1
        const halves = HALVES.map((range) => run(make, new InMemoryStore(), 0, evs.slice(0, cut).filter(owned(range)), stopAt));
        const merged = new InMemoryStore();
        restoreFromSlices(merged, halves.map((h) => sliceKeyGroups(h.snap!, ALL)), { range: ALL, mergeOperatorScope: mergeProcessingTimeWindowOperatorScope });
        const rest = run(make, merged, stopAt, evs.slice(cut), undefined).out;
        expect([...halves.flatMap((h) => h.out), ...rest].sort()).toEqual(reference);

        // 1 -> 2
        const first = run(make, new InMemoryStore(), 0, evs.slice(0, cut), stopAt);
        const split = HALVES.flatMap((range) => {
          const store = new InMemoryStore();
          restoreFromSlices(store, [sliceKeyGroups(first.snap!, range)], { range, mergeOperatorScope: mergeProcessingTimeWindowOperatorScope });
          return run(make, store, stopAt, evs.slice(cut).filter(owned(range)), undefined).out;
        });
        expect([...first.out, ...split].sort()).toEqual(reference);
      }),
      { numRuns: 60 },
    );
  });
});
