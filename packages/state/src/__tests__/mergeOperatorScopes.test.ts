import { InMemoryStore, KeyGroupRange, StateError, encodeString, mergeOperatorScopes, restoreFromSlices, sliceKeyGroups, type Entry, type OperatorScopeMerge } from '@weir/state';

const keyed = (op: string, kg: number, tail: number): Uint8Array => Uint8Array.from([kg >> 8, kg & 0xff, ...encodeString(op), 0x02, tail]);
const meta = (op: string): Uint8Array => Uint8Array.from([0xff, 0xff, ...encodeString(op), 0x00]);

/** A merge that keeps the largest value byte of the operator's META, tagged so the test sees which merge ran. */
const largest =
  (tag: number): OperatorScopeMerge =>
  (operator, parts: ReadonlyArray<readonly Entry[]>) => {
    let best = 0;
    for (const part of parts) for (const [, v] of part) best = Math.max(best, v[0]!);
    return [[Uint8Array.from([0xff, 0xff, ...operator, 0x00]), Uint8Array.of(best, tag)]];
  };

function twoWorkerSlices(): { slices: ReturnType<typeof sliceKeyGroups>[]; range: KeyGroupRange } {
  const a = new InMemoryStore();
  const b = new InMemoryStore();
  a.put(keyed('views', 0, 1), Uint8Array.of(1));
  a.put(keyed('enriched', 1, 1), Uint8Array.of(1));
  a.put(meta('views'), Uint8Array.of(3));
  a.put(meta('enriched'), Uint8Array.of(9));
  b.put(keyed('views', 2, 1), Uint8Array.of(1));
  b.put(meta('views'), Uint8Array.of(5));
  b.put(meta('enriched'), Uint8Array.of(4));
  const range = new KeyGroupRange(0, 4);
  return { slices: [sliceKeyGroups(a, new KeyGroupRange(0, 2)), sliceKeyGroups(b, new KeyGroupRange(2, 4))], range };
}

describe('mergeOperatorScopes', () => {
  it("hands each operator's entries to its own merge, by name", () => {
    const { slices, range } = twoWorkerSlices();
    const store = new InMemoryStore();
    restoreFromSlices(store, slices, { range, mergeOperatorScope: mergeOperatorScopes({ views: largest(1), enriched: largest(2) }) });
    expect([...store.get(meta('views'))!]).toEqual([5, 1]);
    expect([...store.get(meta('enriched'))!]).toEqual([9, 2]);
    expect(store.len()).toBe(5);
  });

  it('uses the fallback for an operator not named', () => {
    const { slices, range } = twoWorkerSlices();
    const store = new InMemoryStore();
    restoreFromSlices(store, slices, { range, mergeOperatorScope: mergeOperatorScopes({ views: largest(1) }, largest(7)) });
    expect([...store.get(meta('enriched'))!]).toEqual([9, 7]);
  });

  it('refuses an operator with no merge, naming it and the ones given, and restores nothing', () => {
    const { slices, range } = twoWorkerSlices();
    const store = new InMemoryStore();
    store.put(Uint8Array.of(9), Uint8Array.of(9));
    const run = (): void => restoreFromSlices(store, slices, { range, mergeOperatorScope: mergeOperatorScopes({ views: largest(1) }) });
    expect(run).toThrow(StateError);
    expect(run).toThrow(/no merge for operator 'enriched' \(merges given for: 'views'\)/);
    expect(store.len()).toBe(1);
  });

  it('checks its arguments', () => {
    expect(() => mergeOperatorScopes(null as never)).toThrow(/byOperator must be an object/);
    expect(() => mergeOperatorScopes({ views: 3 as never })).toThrow(/merge of operator 'views' must be a function/);
    expect(() => mergeOperatorScopes({}, 'x' as never)).toThrow(/fallback must be a function/);
  });
});
