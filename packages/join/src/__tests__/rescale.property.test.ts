// Rescale (docs/architecture.md §4.3, §6, issue 17): a join's state sliced by key group at a
// barrier and restored from several slices continues to the same output as one instance that saw
// everything: 2 -> 1 (two workers owning half the key groups each, merged) and 1 -> 2 (one
// worker's state split in halves, each continuing with its keys).
import fc from 'fast-check';
import type { Subject } from 'rxjs';
import { InMemoryStore, KeyGroupRange, KeyWriter, StateSnapshot, decodeValue, encodeString, encodeValue, keyGroupOf, restoreFromSlices, sliceKeyGroups, type StateStore } from '@weir/state';
import { barrier, type StreamElement } from '@weir/stream';
import { JoinError, asofJoin, intervalJoin, lookupJoin, mergeJoinOperatorScope, temporalJoin, type AsofDirection, type IntervalJoinType, type JoinMetricsSnapshot, type JoinOperator, type JoinedRecord, type LookupJoinType } from '../index';
import { JoinDriver, rowsOf, scriptArb, type Item, type Step } from './joinDriver';
import type { TableItem } from './tableScript';

const KEY_GROUPS = 8;
const ALL = new KeyGroupRange(0, KEY_GROUPS);
const HALVES = [new KeyGroupRange(0, 4), new KeyGroupRange(4, 8)];

type Out = JoinedRecord<Item | undefined, Item | undefined>;
/** A join configured by one generated case, on a store, with a cacheSize (undefined: the default). */
type Make = (right$: Subject<StreamElement<TableItem>>, store: StateStore, cacheSize: number | undefined) => JoinOperator<Item, Out>;

const common = (store: StateStore, cacheSize: number | undefined) => ({ store, name: 'j', keyGroups: KEY_GROUPS, ...(cacheSize === undefined ? {} : { cacheSize }) });
const k = (v: Item): number => v.k;

/** Per join: its configurations (type, bounds, direction, lateness, ...) as an arbitrary of makers. */
const JOINS: Array<[string, fc.Arbitrary<Make>]> = [
  [
    'intervalJoin',
    fc
      .record({
        type: fc.constantFrom<IntervalJoinType>('inner', 'left', 'right', 'full', 'semi', 'anti'),
        lower: fc.integer({ min: -10, max: 5 }),
        span: fc.integer({ min: 0, max: 12 }),
        lateness: fc.constantFrom(0, 0, 4),
      })
      .map(
        (c): Make =>
          (right$, store, cacheSize) =>
            intervalJoin<Item, Item, IntervalJoinType>(right$, { ...common(store, cacheSize), leftKey: k, rightKey: k, lowerBound: c.lower, upperBound: c.lower + c.span, allowedLateness: c.lateness, type: c.type }) as never,
      ),
  ],
  [
    'asofJoin',
    fc
      .record({
        direction: fc.constantFrom<AsofDirection>('backward', 'forward', 'nearest'),
        type: fc.constantFrom<'inner' | 'left'>('inner', 'left'),
        tolerance: fc.constantFrom(undefined, 0, 3, 8),
        lateness: fc.constantFrom(0, 0, 3),
      })
      .map(
        (c): Make =>
          (right$, store, cacheSize) =>
            asofJoin<Item, Item, 'inner' | 'left'>(right$, {
              ...common(store, cacheSize),
              key: k,
              direction: c.direction,
              type: c.type,
              allowedLateness: c.lateness,
              ...(c.tolerance === undefined ? {} : { tolerance: c.tolerance }),
            }) as never,
      ),
  ],
  [
    'lookupJoin',
    fc
      .record({ type: fc.constantFrom<LookupJoinType>('inner', 'left'), lateness: fc.constantFrom(0, 0, 3) })
      .map(
        (c): Make =>
          (right$, store, cacheSize) =>
            lookupJoin<Item, TableItem, LookupJoinType>(right$, { ...common(store, cacheSize), key: k, tableKey: k, isDelete: (v) => v.del === true, type: c.type, allowedLateness: c.lateness }) as never,
      ),
  ],
  [
    'temporalJoin',
    fc
      .record({ type: fc.constantFrom<LookupJoinType>('inner', 'left'), lateness: fc.constantFrom(0, 0, 3, 10) })
      .map(
        (c): Make =>
          (right$, store, cacheSize) =>
            temporalJoin<Item, TableItem, LookupJoinType>(right$, { ...common(store, cacheSize), key: k, tableKey: k, isDelete: (v) => v.del === true, type: c.type, allowedLateness: c.lateness }) as never,
      ),
  ],
];

const groupOf = (key: number): number => keyGroupOf(new KeyWriter().part(key).finish(), KEY_GROUPS);
/** Whether a step goes to the worker owning `range`: its records of owned keys, every watermark. */
const owned =
  (range: KeyGroupRange) =>
  (s: Step<Item, TableItem>): boolean =>
    s.el.kind !== 'record' || range.contains(groupOf(s.el.value.k));

interface Run {
  /** Output rows `left|right@timestamp`. */
  readonly rows: string[];
  /** The state at the barrier, when the run stopped at one. */
  readonly snap: StateSnapshot | undefined;
  readonly metrics: JoinMetricsSnapshot;
}

/** Runs `steps` through a join on `store`: then either a barrier and a stop (a worker stopped at a checkpoint), or the end of input. */
function run(make: Make, store: StateStore, cacheSize: number | undefined, steps: readonly Step<Item, TableItem>[], stopAtBarrier: boolean): Run {
  let op: JoinOperator<Item, Out> | undefined;
  const d = new JoinDriver<Item, TableItem, Out>((r: Subject<StreamElement<TableItem>>) => (op = make(r, store, cacheSize)));
  for (const s of steps) d.push(s);
  let snap: StateSnapshot | undefined;
  if (stopAtBarrier) {
    d.push({ side: 'left', el: barrier(1) });
    d.push({ side: 'right', el: barrier(1) });
    snap = StateSnapshot.decode(store.snapshot().encode());
    d.stop();
  } else d.complete();
  if (d.error !== undefined) throw d.error;
  return { rows: rowsOf(d.out), snap, metrics: op!.metrics.snapshot() };
}

/** The counts a worker carries across a restore (its gauges and store figures aside). */
const counts = (m: JoinMetricsSnapshot) => ({
  recordsIn: m.recordsIn,
  recordsOut: m.recordsOut,
  lateRecords: m.lateRecords,
  invalidRecords: m.invalidRecords,
  leftRecordsIn: m.leftRecordsIn,
  rightRecordsIn: m.rightRecordsIn,
  lateLeft: m.lateLeft,
  lateRight: m.lateRight,
  matchesEmitted: m.matchesEmitted,
  unmatchedEmitted: m.unmatchedEmitted,
});

const scripts = scriptArb({ keys: 10, maxTs: 50, maxLength: 70, tombstones: true });

describe.each(JOINS)('%s: rescale by key groups', (_name, makeArb) => {
  it.each([0, undefined])('2 -> 1: two workers owning half the key groups each, merged at a barrier, continue like one worker that saw everything (cacheSize %p)', (cacheSize) => {
    fc.assert(
      fc.property(scripts, makeArb, fc.nat(), (steps, make, c) => {
        const cut = c % (steps.length + 1);
        const reference = run(make, new InMemoryStore(), cacheSize, steps, false);
        const halves = HALVES.map((range) => run(make, new InMemoryStore(), cacheSize, steps.slice(0, cut).filter(owned(range)), true));
        const merged = new InMemoryStore();
        restoreFromSlices(
          merged,
          halves.map((h) => sliceKeyGroups(h.snap!, ALL)),
          { range: ALL, mergeOperatorScope: mergeJoinOperatorScope },
        );
        const rest = run(make, merged, cacheSize, steps.slice(cut), false);
        expect([...halves.flatMap((h) => h.rows), ...rest.rows].sort()).toEqual(reference.rows);
        // the merged meta entry sums the workers' counters: the counts go on as one worker's
        expect(counts(rest.metrics)).toEqual(counts(reference.metrics));
      }),
      { numRuns: 40 },
    );
  });

  it.each([0, undefined])('1 -> 2: one worker sliced in two halves at a barrier, each continuing with its keys, like one worker that saw everything (cacheSize %p)', (cacheSize) => {
    fc.assert(
      fc.property(scripts, makeArb, fc.nat(), (steps, make, c) => {
        const cut = c % (steps.length + 1);
        const reference = run(make, new InMemoryStore(), cacheSize, steps, false);
        const first = run(make, new InMemoryStore(), cacheSize, steps.slice(0, cut), true);
        const rest = HALVES.flatMap((range) => {
          const store = new InMemoryStore();
          restoreFromSlices(store, [sliceKeyGroups(first.snap!, range)], { range, mergeOperatorScope: mergeJoinOperatorScope });
          return run(make, store, cacheSize, steps.slice(cut).filter(owned(range)), false).rows;
        });
        expect([...first.rows, ...rest].sort()).toEqual(reference.rows);
      }),
      { numRuns: 40 },
    );
  });
});

describe('mergeJoinOperatorScope', () => {
  const P = encodeString('j');
  const metaKey = Uint8Array.from([0xff, 0xff, ...P, 0x00]);
  const meta = (m: Record<string, unknown>): [Uint8Array, Uint8Array] => [metaKey, encodeValue(m)];

  it('takes the smallest watermark of the operator and of each input, the largest nextSeq, and sums the counters', () => {
    const out = [
      ...mergeJoinOperatorScope(
        P,
        [
          [meta({ watermark: 10, nextSeq: 4, inputs: [10, 12], keyGroups: 8, counters: { recordsIn: 3, leftRecordsIn: 2 } })],
          [],
          [meta({ watermark: 7, nextSeq: 9, inputs: [11, 7], keyGroups: 8, counters: { recordsIn: 5, leftRecordsIn: 1 } })],
        ],
        ALL,
      ),
    ];
    expect(out).toHaveLength(1);
    expect(out[0]![0]).toEqual(metaKey);
    expect(decodeValue(out[0]![1])).toEqual({ watermark: 7, nextSeq: 9, inputs: [10, 7], keyGroups: 8, counters: { recordsIn: 8, leftRecordsIn: 3 } });
  });

  it('refuses slices written with different numbers of key groups, and entries that are not a join meta entry, naming the operator', () => {
    const a = [meta({ watermark: 1, nextSeq: 1, keyGroups: 8 })];
    const b = [meta({ watermark: 1, nextSeq: 1, keyGroups: 16 })];
    expect(() => [...mergeJoinOperatorScope(P, [a, b], ALL)]).toThrow(JoinError);
    expect(() => [...mergeJoinOperatorScope(P, [a, b], ALL)]).toThrow(/mergeJoinOperatorScope 'j': the slices were written with different numbers of key groups: 8 and 16/);
    const timer: [Uint8Array, Uint8Array] = [Uint8Array.from([0xff, 0xff, ...P, 0x04, 0x05]), Uint8Array.of(0)];
    expect(() => [...mergeJoinOperatorScope(P, [a, [timer]], ALL)]).toThrow(/mergeJoinOperatorScope 'j': an operator-scoped entry that is not a join's meta entry/);
  });
});
