import fc from 'fast-check';
import { StateError } from '@weir/state';
import { first } from '../../aggregates/first';
import { last } from '../../aggregates/last';
import { WindowError } from '../../WindowError';
import { expectAggregationError, invalidArgument } from './badValues';
import { describeAggregateLaws, eventTime, fold, plainValue, records } from './laws';
import type { Rec } from './laws';

// Oracles written out directly: scan in arrival order; `first` keeps the earliest-arrived of the
// minimal timestamps (strict <), `last` the latest-arrived of the maximal ones (>=).
function firstOracle<T>(recs: readonly Rec<T>[]): T | undefined {
  let best: Rec<T> | undefined;
  for (const r of recs) if (best === undefined || r[1] < best[1]) best = r;
  return best?.[0];
}
function lastOracle<T>(recs: readonly Rec<T>[]): T | undefined {
  let best: Rec<T> | undefined;
  for (const r of recs) if (best === undefined || r[1] >= best[1]) best = r;
  return best?.[0];
}

// Records whose value is their arrival index, so ties are told apart.
const indexed = (maxLength = 60): fc.Arbitrary<Rec<number>[]> =>
  fc.array(eventTime(), { maxLength }).map((ts) => ts.map((t, i) => [i, t] as const));

describe('first', () => {
  it('keeps the value with the earliest event timestamp, not the first to arrive', () => {
    const agg = first((e: { user: string }) => e.user);
    expect(agg.name).toBe('first');
    let acc = agg.create();
    expect(agg.result(acc)).toBeUndefined();
    acc = agg.add(acc, { user: 'b' }, 20);
    acc = agg.add(acc, { user: 'a' }, 10);
    acc = agg.add(acc, { user: 'c' }, 10);
    expect(agg.result(acc)).toBe('a');
    expect(acc).toEqual([10, 'a']);
  });

  it('merges with a as the earlier arrival: b wins only with a strictly earlier timestamp', () => {
    const agg = first<string>();
    expect(agg.merge([5, 'a'], [5, 'b'])).toEqual([5, 'a']);
    expect(agg.merge([5, 'a'], [4, 'b'])).toEqual([4, 'b']);
    expect(agg.merge(null, [4, 'b'])).toEqual([4, 'b']);
    expect(agg.merge([5, 'a'], null)).toEqual([5, 'a']);
    expect(agg.merge(null, null)).toBeNull();
  });

  it('stores the record itself by default, through msgpack', () => {
    const agg = first<{ id: number }>();
    const acc = fold(agg, [[{ id: 2 }, 2], [{ id: 1 }, 1]]);
    const back = agg.codec.decode(agg.codec.encode(acc));
    expect(agg.result(back)).toEqual({ id: 1 });
    expect(agg.codec.decode(agg.codec.encode(null))).toBeNull();
    expect(agg.codec.decode(agg.codec.encode([1, -0] as never))).toEqual([1, 0]); // -0 becomes 0
  });

  describeAggregateLaws('first', { make: () => first<number>(), records: indexed(), oracle: firstOracle });
  describeAggregateLaws('first (plain values)', { make: () => first<unknown>(), records: records(plainValue()), oracle: firstOracle });
  describeAggregateLaws('first(selector)', {
    make: () => first((r: { id: number }) => r.id * 2),
    records: indexed().map((rs) => rs.map(([i, t]) => [{ id: i }, t] as const)),
    oracle: (recs) => {
      const r = firstOracle(recs);
      return r === undefined ? undefined : r.id * 2;
    },
  });
});

describe('last', () => {
  it('keeps the value with the latest event timestamp, the later arrival on ties', () => {
    const agg = last((e: { user: string }) => e.user);
    expect(agg.name).toBe('last');
    let acc = agg.create();
    acc = agg.add(acc, { user: 'b' }, 20);
    acc = agg.add(acc, { user: 'a' }, 10);
    expect(agg.result(acc)).toBe('b');
    acc = agg.add(acc, { user: 'c' }, 20);
    expect(agg.result(acc)).toBe('c');
  });

  it('merges with a as the earlier arrival: b wins unless strictly earlier', () => {
    const agg = last<string>();
    expect(agg.merge([5, 'a'], [5, 'b'])).toEqual([5, 'b']);
    expect(agg.merge([5, 'a'], [4, 'b'])).toEqual([5, 'a']);
    expect(agg.merge(null, null)).toBeNull();
  });

  describeAggregateLaws('last', { make: () => last<number>(), records: indexed(), oracle: lastOracle });
  describeAggregateLaws('last (plain values)', { make: () => last<unknown>(), records: records(plainValue()), oracle: lastOracle });
});

describe.each([
  ['first', first],
  ['last', last],
] as const)('%s, checks', (name, make) => {
  it('refuses a selected function or symbol with AggregationError, leaving acc unchanged', () => {
    fc.assert(
      fc.property(indexed(5), fc.constantFrom<unknown>(() => 1, Symbol('s'), Math.max), eventTime(), (good, bad, t) => {
        const agg = make((r: { v: unknown }) => r.v);
        const acc = fold(agg, good.map(([v, ts]) => [{ v }, ts] as const));
        const before = structuredClone(acc);
        const err = expectAggregationError(() => agg.add(acc, { v: bad }, t), name, bad);
        expect(err.message).toMatch(new RegExp(`^${name}: expected a value msgpack can store, got (function|symbol)( .+)?$`));
        expect(acc).toEqual(before);
      }),
    );
  });

  it('refuses a bad timestamp with WindowError INVALID_TIMESTAMP', () => {
    const agg = make();
    for (const t of [NaN, 1.5, Infinity, 9e15]) {
      expect(() => agg.add(null, 1, t)).toThrow(WindowError);
      expect(() => agg.add(null, 1, t)).toThrow(new RegExp(`^${name}: timestamp must be an integer`));
    }
  });

  it('rejects a selector that is not a function', () => {
    expect(() => make('v' as never)).toThrow(invalidArgument(`${name}: selector must be a function, got string "v"`));
  });

  it('refuses decoded bytes that are not an accumulator', () => {
    const { codec } = make<unknown>();
    for (const bad of [Uint8Array.of(0xc1), Uint8Array.of(), Uint8Array.of(0x93, 1, 2, 3), Uint8Array.of(0x92, 0xa1, 0x78, 1)]) {
      let caught: unknown;
      try {
        codec.decode(bad);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(StateError);
      expect((caught as StateError).code).toBe('DESERIALIZATION');
      expect((caught as StateError).message).toMatch(new RegExp(`^${name}: codec\\.decode: `));
    }
    expect(() => codec.decode(Uint8Array.of(0x93, 1, 2, 3))).toThrow(`${name}: codec.decode: decoded [1,2,3] is not a ${name} accumulator`);
  });
});
