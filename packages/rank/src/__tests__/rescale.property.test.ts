// Rescale (docs/architecture.md §4.5, §10): a rank operator's state sliced by key group at a
// barrier and restored from several slices continues to the same output as one instance that saw
// everything: 2 -> 1 (two workers owning half the key groups each, merged).
import fc from 'fast-check';
import { InMemoryStore, KeyGroupRange, KeyWriter, decodeValue, encodeString, encodeValue, keyGroupOf, restoreFromSlices, sliceKeyGroups, type StateStore } from '@weir/state';
import { deduplicate, mergeRankOperatorScope, RankError, topN, type RankOperator } from '../index';
import { run, scriptArb, shown, type Item, type Step } from './rankScript';

const KEY_GROUPS = 8;
const ALL = new KeyGroupRange(0, KEY_GROUPS);
const HALVES = [new KeyGroupRange(0, 4), new KeyGroupRange(4, 8)];

type Make = (store: StateStore) => RankOperator<Item, unknown>;

const OPERATORS: Array<[string, fc.Arbitrary<Make>]> = [
  [
    'deduplicate',
    fc.record({ keep: fc.constantFrom<'first' | 'last'>('first', 'last'), ttl: fc.constantFrom(undefined, 0, 8), lateness: fc.constantFrom(0, 5) }).map(
      (c): Make =>
        (store) =>
          deduplicate<Item>({ store, name: 'r', keyGroups: KEY_GROUPS, key: (v) => v.k, keep: c.keep as 'last', allowedLateness: c.lateness, ...(c.ttl === undefined ? {} : { ttl: c.ttl }) }),
    ),
  ],
  [
    'topN',
    fc.record({ n: fc.constantFrom(1, 3), lateness: fc.constantFrom(0, 5), ttl: fc.constantFrom(undefined, 0, 8) }).map(
      (c): Make =>
        (store) =>
          topN<Item>({ store, name: 'r', keyGroups: KEY_GROUPS, key: (v) => v.k, n: c.n, orderBy: (v) => v.p, descending: true, allowedLateness: c.lateness, ...(c.ttl === undefined ? {} : { ttl: c.ttl }) }),
    ),
  ],
];

const groupOf = (key: number): number => keyGroupOf(new KeyWriter().part(key).finish(), KEY_GROUPS);
const owned =
  (range: KeyGroupRange) =>
  (s: Step): boolean =>
    s.el.kind !== 'record' || range.contains(groupOf(s.el.value.k));

describe.each(OPERATORS)('%s: rescale by key groups', (_name, makeArb) => {
  it('2 -> 1: two workers owning half the key groups each, merged at a barrier, continue like one worker that saw everything', () => {
    fc.assert(
      fc.property(scriptArb({ keys: 10 }), makeArb, fc.nat(), (steps, make, c) => {
        const cut = c % (steps.length + 1);
        let reference: RankOperator<Item, unknown> | undefined;
        const whole = run((s) => (reference = make(s)), new InMemoryStore(), steps, false);
        const halves = HALVES.map((range) => run(make, new InMemoryStore(), steps.slice(0, cut).filter(owned(range)), true));
        const merged = new InMemoryStore();
        restoreFromSlices(
          merged,
          halves.map((h) => sliceKeyGroups(h.snap!, ALL)),
          { range: ALL, mergeOperatorScope: mergeRankOperatorScope },
        );
        let resumed: RankOperator<Item, unknown> | undefined;
        const rest = run((s) => (resumed = make(s)), merged, steps.slice(cut), false);
        expect(rest.error).toBeUndefined();
        expect([...halves.flatMap((h) => shown(h.out)), ...shown(rest.out)].sort()).toEqual(shown(whole.out).sort());
        const counts = (m: Record<string, number>) => ({ recordsIn: m['recordsIn'], recordsOut: m['recordsOut'], lateRecords: m['lateRecords'], inserts: m['inserts'], retractions: m['retractions'], unchanged: m['unchanged'], expiredKeys: m['expiredKeys'] });
        expect(counts(resumed!.metrics.snapshot() as never)).toEqual(counts(reference!.metrics.snapshot() as never));
      }),
      { numRuns: 60 },
    );
  });
});

describe('mergeRankOperatorScope', () => {
  const op = encodeString('r');
  const metaKey = Uint8Array.from([0xff, 0xff, ...op, 0x00]);

  it('takes the smallest watermark, the largest nextSeq and sums the counters', () => {
    const a = encodeValue({ watermark: 10, nextSeq: 3, counters: { recordsIn: 4 }, keyGroups: 8 });
    const b = encodeValue({ watermark: 7, nextSeq: 5, counters: { recordsIn: 6 }, keyGroups: 8 });
    const out = [...mergeRankOperatorScope(op, [[[metaKey, a]], [[metaKey, b]]], ALL)];
    expect(out).toHaveLength(1);
    expect(decodeValue(out[0]![1])).toEqual({ watermark: 7, nextSeq: 5, counters: { recordsIn: 10 }, keyGroups: 8 });
  });

  it('refuses slices with different numbers of key groups, and entries that are not a meta entry', () => {
    const a = encodeValue({ watermark: 10, nextSeq: 3, counters: {}, keyGroups: 8 });
    const b = encodeValue({ watermark: 7, nextSeq: 5, counters: {}, keyGroups: 16 });
    expect(() => [...mergeRankOperatorScope(op, [[[metaKey, a]], [[metaKey, b]]], ALL)]).toThrow(/'r'.*different numbers of key groups: 8 and 16/);
    const timer = Uint8Array.from([0xff, 0xff, ...op, 0x04]);
    expect(() => [...mergeRankOperatorScope(op, [[[timer, a]]], ALL)]).toThrow(RankError);
  });
});
