// regularJoin rescale by key groups (docs/architecture.md §4.3, §6): rows sliced by key group at
// a barrier, TTL timers and expiry counts merged by mergeJoinOperatorScope, continue to the output
// of one instance that saw everything: 2 -> 1 and 1 -> 2.
import fc from 'fast-check';
import type { Subject } from 'rxjs';
import { InMemoryStore, KeyGroupRange, KeyWriter, StateSnapshot, keyGroupOf, restoreFromSlices, sliceKeyGroups, type StateStore } from '@weir/state';
import { barrier, type StreamElement } from '@weir/stream';
import { mergeJoinOperatorScope, type RegularJoinMetricsSnapshot, type RegularJoinOperator } from '../index';
import { JoinDriver, type Step } from './joinDriver';
import { changesArb, configArb, makeJoin, type Config, type Out, type Val } from './regularJoinModel';

const KEY_GROUPS = 8;
const ALL = new KeyGroupRange(0, KEY_GROUPS);
const HALVES = [new KeyGroupRange(0, 4), new KeyGroupRange(4, 8)];

const groupOf = (key: number): number => keyGroupOf(new KeyWriter().part(key).finish(), KEY_GROUPS);
const owned =
  (range: KeyGroupRange) =>
  (s: Step<Val, Val>): boolean =>
    s.el.kind !== 'record' || range.contains(groupOf((s.el.value as Val).k));

interface Run {
  readonly rows: string[];
  readonly snap: StateSnapshot | undefined;
  readonly metrics: RegularJoinMetricsSnapshot;
}

function run(c: Config, ttl: number, store: StateStore, steps: readonly Step<Val, Val>[], stopAtBarrier: boolean): Run {
  let op: RegularJoinOperator<Val, Out> | undefined;
  const d = new JoinDriver<Val, Val, Out>((r: Subject<StreamElement<Val>>) => (op = makeJoin(c, ttl, { keyGroups: KEY_GROUPS })(r, store)));
  for (const s of steps) d.push(s);
  let snap: StateSnapshot | undefined;
  if (stopAtBarrier) {
    d.push({ side: 'left', el: barrier(1) });
    d.push({ side: 'right', el: barrier(1) });
    snap = StateSnapshot.decode(store.snapshot().encode());
    d.stop();
  } else d.complete();
  if (d.error !== undefined) throw d.error;
  const rows = d.out.flatMap((el) => (el.kind === 'record' ? [`${JSON.stringify(el.value)}@${el.timestamp}`] : []));
  return { rows: rows.sort(), snap, metrics: op!.metrics.snapshot() };
}

const counts = (m: RegularJoinMetricsSnapshot) => ({
  recordsIn: m.recordsIn,
  recordsOut: m.recordsOut,
  leftRecordsIn: m.leftRecordsIn,
  rightRecordsIn: m.rightRecordsIn,
  matchesEmitted: m.matchesEmitted,
  unmatchedEmitted: m.unmatchedEmitted,
  expiredLeft: m.expiredLeft,
  expiredRight: m.expiredRight,
});

const cases = configArb.chain((c) => fc.tuple(fc.constant(c), changesArb(c, 0, 50), fc.constantFrom(Number.POSITIVE_INFINITY, 5, 20), fc.nat()));

describe('regularJoin: rescale by key groups', () => {
  it('2 -> 1: two workers owning half the key groups each, merged at a barrier, continue like one worker that saw everything', () => {
    fc.assert(
      fc.property(cases, ([c, steps, ttl, at]) => {
        const cut = at % (steps.length + 1);
        const reference = run(c, ttl, new InMemoryStore(), steps, false);
        const halves = HALVES.map((range) => run(c, ttl, new InMemoryStore(), steps.slice(0, cut).filter(owned(range)), true));
        const merged = new InMemoryStore();
        restoreFromSlices(
          merged,
          halves.map((h) => sliceKeyGroups(h.snap!, ALL)),
          { range: ALL, mergeOperatorScope: mergeJoinOperatorScope },
        );
        const rest = run(c, ttl, merged, steps.slice(cut), false);
        expect([...halves.flatMap((h) => h.rows), ...rest.rows].sort()).toEqual(reference.rows);
        expect(counts(rest.metrics)).toEqual(counts(reference.metrics));
      }),
      { numRuns: 150 },
    );
  });

  it('1 -> 2: one worker sliced in two halves at a barrier, each continuing with its keys (its timers only), like one worker', () => {
    fc.assert(
      fc.property(cases, ([c, steps, ttl, at]) => {
        const cut = at % (steps.length + 1);
        const reference = run(c, ttl, new InMemoryStore(), steps, false);
        const first = run(c, ttl, new InMemoryStore(), steps.slice(0, cut), true);
        const rest = HALVES.map((range) => {
          const store = new InMemoryStore();
          restoreFromSlices(store, [sliceKeyGroups(first.snap!, range)], { range, mergeOperatorScope: mergeJoinOperatorScope });
          return run(c, ttl, store, steps.slice(cut).filter(owned(range)), false);
        });
        expect([...first.rows, ...rest.flatMap((r) => r.rows)].sort()).toEqual(reference.rows);
        // each half carries the expiry counts of the whole (summed again on a merge): the rows
        // each half expired after the split add up to the reference's
        const expired = (m: RegularJoinMetricsSnapshot): number => m.expiredLeft + m.expiredRight;
        expect(rest.reduce((n, r) => n + expired(r.metrics) - expired(first.metrics), 0) + expired(first.metrics)).toBe(expired(reference.metrics));
      }),
      { numRuns: 150 },
    );
  });
});
