import fc from 'fast-check';
import { InMemoryStore, KeyGroupRange, StateError, StateSnapshot, compareBytes, encodeString, keyGroupRangeOf, mergeKeyGroupSlices, restoreFromSlices, sliceKeyGroups, type OperatorScopeMerge } from '@weir/state';

const KEY_GROUPS = 16;
const keyed = (kg: number, rest: number[]): Uint8Array => Uint8Array.from([kg >> 8, kg & 0xff, ...encodeString('op'), 0x02, ...rest]);
const scoped = (tag: number, rest: number[] = []): Uint8Array => Uint8Array.from([0xff, 0xff, ...encodeString('op'), tag, ...rest]);
const entriesArb = fc.uniqueArray(
  fc.tuple(fc.integer({ min: 0, max: KEY_GROUPS - 1 }), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 4 }), fc.uint8Array({ maxLength: 4 })),
  { selector: ([kg, rest]) => `${kg}/${rest.join(',')}`, maxLength: 60 },
);
const hex = (entries: Iterable<readonly [Uint8Array, Uint8Array]>): string[] => [...entries].map(([k, v]) => `${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`);

describe('sliceKeyGroups', () => {
  it('takes exactly the keyed entries of the range, plus every operator-scoped entry, from a store or a snapshot', () => {
    fc.assert(
      fc.property(entriesArb, fc.integer({ min: 0, max: KEY_GROUPS }), fc.integer({ min: 0, max: KEY_GROUPS }), (entries, a, b) => {
        const range = new KeyGroupRange(Math.min(a, b), Math.max(a, b));
        const store = new InMemoryStore();
        for (const [kg, rest, value] of entries) store.put(keyed(kg, rest), value);
        store.put(scoped(0x00), Uint8Array.of(1));
        store.put(encodeString('legacy'), Uint8Array.of(2)); // a key of no group: left out
        const expected = [...store.prefixScan(new Uint8Array(0))].filter(([k]) => (k[0] === 0xff && k[1] === 0xff) || (k[0] === 0 && range.contains(k[1]!)));
        expect(hex(sliceKeyGroups(store, range).entries())).toEqual(hex(expected));
        expect(hex(sliceKeyGroups(store.snapshot(), range).entries())).toEqual(hex(expected));
      }),
    );
  });
});

describe('restoreFromSlices', () => {
  it('slices of a partition of the key groups restore the whole store; any split of workers restores its own part', () => {
    fc.assert(
      fc.property(entriesArb, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), (entries, n, m) => {
        const store = new InMemoryStore();
        for (const [kg, rest, value] of entries) store.put(keyed(kg, rest), value);
        store.put(scoped(0x00), Uint8Array.of(7));
        const all = new KeyGroupRange(0, KEY_GROUPS);
        // n workers each hold their part; m new workers each take theirs from every old one
        const old = Array.from({ length: n }, (_, w) => sliceKeyGroups(store, keyGroupRangeOf(w, n, KEY_GROUPS)));
        const parts: string[] = [];
        for (let w = 0; w < m; w++) {
          const range = keyGroupRangeOf(w, m, KEY_GROUPS);
          const restored = new InMemoryStore();
          restoreFromSlices(restored, old.map((s) => sliceKeyGroups(s, range)), { range });
          parts.push(...hex(restored.prefixScan(Uint8Array.of(0))));
          expect(restored.get(scoped(0x00))).toEqual(Uint8Array.of(7));
        }
        const whole = new InMemoryStore();
        restoreFromSlices(whole, old, { range: all });
        expect(hex(whole.prefixScan(new Uint8Array(0)))).toEqual(hex(store.prefixScan(new Uint8Array(0))));
        expect(parts.sort()).toEqual(hex(store.prefixScan(Uint8Array.of(0))).sort());
      }),
    );
  });

  it('hands each operator its scoped entries per slice, and the owned range', () => {
    const a = StateSnapshot.fromEntries([[scoped(0x00), Uint8Array.of(1)], [scoped(0x04, [1]), Uint8Array.of(0)], [keyed(1, [1]), Uint8Array.of(9)]]);
    const b = StateSnapshot.fromEntries([[scoped(0x00), Uint8Array.of(2)], [keyed(9, [1]), Uint8Array.of(8)]]);
    const seen: Array<[string, number[], string]> = [];
    const merge: OperatorScopeMerge = (operator, parts, range) => {
      seen.push([Buffer.from(operator).toString('hex'), parts.map((p) => p.length), range.toString()]);
      return [[scoped(0x00), Uint8Array.of(3)]];
    };
    const store = new InMemoryStore();
    restoreFromSlices(store, [a, b], { range: new KeyGroupRange(0, 16), mergeOperatorScope: merge });
    expect(seen).toEqual([[Buffer.from(encodeString('op')).toString('hex'), [2, 1], '[0, 16)']]);
    expect(store.len()).toBe(3);
    expect(store.get(scoped(0x00))).toEqual(Uint8Array.of(3));
  });

  it('refuses overlapping slices, keys outside the range and differing scoped entries without a merge, leaving the store as it was', () => {
    const store = new InMemoryStore();
    store.put(Uint8Array.of(0, 0, 1), Uint8Array.of(1));
    const s = StateSnapshot.fromEntries([[keyed(3, [1]), Uint8Array.of(1)]]);
    expect(() => restoreFromSlices(store, [s, s], { range: new KeyGroupRange(0, 16) })).toThrow(/must not overlap/);
    expect(() => restoreFromSlices(store, [s], { range: new KeyGroupRange(4, 16) })).toThrow(/outside the key groups \[4, 16\)/);
    const m1 = StateSnapshot.fromEntries([[scoped(0x00), Uint8Array.of(1)]]);
    const m2 = StateSnapshot.fromEntries([[scoped(0x00), Uint8Array.of(2)]]);
    expect(() => restoreFromSlices(store, [m1, m2], { range: new KeyGroupRange(0, 16) })).toThrow(StateError);
    expect(store.len()).toBe(1);
    restoreFromSlices(store, [m1, m1], { range: new KeyGroupRange(0, 16) }); // identical: kept
    expect(compareBytes(store.get(scoped(0x00))!, Uint8Array.of(1))).toBe(0);
  });

  it('merges slices held in memory and lazily-backed ones alike: the sorted union, with a merge of each operator\'s scoped entries', () => {
    // the k-way merge of sorted runs against a plain model: concatenate, sort, compare
    const lazy = (snap: StateSnapshot): StateSnapshot => StateSnapshot.fromSource({ len: snap.len(), sizeBytes: snap.sizeBytes(), entries: () => snap.entries() });
    fc.assert(
      fc.property(entriesArb, fc.integer({ min: 1, max: 4 }), fc.boolean(), (entries, n, lazily) => {
        const store = new InMemoryStore();
        for (const [kg, rest, value] of entries) store.put(keyed(kg, rest), value);
        const all = new KeyGroupRange(0, KEY_GROUPS);
        const slices = Array.from({ length: n }, (_, w) => {
          const slice = StateSnapshot.fromEntries([...sliceKeyGroups(store, keyGroupRangeOf(w, n, KEY_GROUPS)).entries(), [scoped(0x01, [w]), Uint8Array.of(w)]]);
          return lazily ? lazy(slice) : slice;
        });
        const merge: OperatorScopeMerge = (_op, parts) => parts.flat().reverse(); // any order: the result is sorted
        const merged = mergeKeyGroupSlices(slices, { range: all, mergeOperatorScope: merge });
        const model = [...store.prefixScan(new Uint8Array(0))].concat(Array.from({ length: n }, (_, w) => [scoped(0x01, [w]), Uint8Array.of(w)] as [Uint8Array, Uint8Array]));
        model.sort((x, y) => compareBytes(x[0], y[0]));
        expect(hex(merged.entries())).toEqual(hex(model));
        expect(merged.len()).toBe(model.length);
      }),
    );
  });

  it('refuses a merge of operator-scoped entries that returns a keyed entry', () => {
    const s = StateSnapshot.fromEntries([[scoped(0x00), Uint8Array.of(1)]]);
    const merge: OperatorScopeMerge = () => [[keyed(1, [1]), Uint8Array.of(1)]];
    expect(() => mergeKeyGroupSlices([s], { range: new KeyGroupRange(0, 16), mergeOperatorScope: merge })).toThrow(/outside the operator scope FF FF/);
  });
});
