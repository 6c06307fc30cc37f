import fc from 'fast-check';
import { StateError, encodeValue } from '@weir/state';
import { collect } from '../../aggregates/collect';
import { WindowError } from '../../WindowError';
import { expectAggregationError, invalidArgument } from './badValues';
import { describeAggregateLaws, eventTime, fold, plainValue, records } from './laws';
import type { Rec } from './laws';

// Oracle written out directly: a stable sort by timestamp keeps arrival order among ties.
function collectOracle<T>(recs: readonly Rec<T>[]): T[] {
  return recs
    .map((r, i) => ({ r, i }))
    .sort((x, y) => x.r[1] - y.r[1] || x.i - y.i)
    .map(({ r }) => r[0]);
}

const indexed = (maxLength = 60): fc.Arbitrary<Rec<number>[]> =>
  fc.array(eventTime(), { maxLength }).map((ts) => ts.map((t, i) => [i, t] as const));

describe('collect', () => {
  it('lists values in event-time order, ties in arrival order', () => {
    const agg = collect((e: { page: string }) => e.page);
    expect(agg.name).toBe('collect');
    let acc = agg.create();
    acc = agg.add(acc, { page: '/b' }, 20);
    acc = agg.add(acc, { page: '/a' }, 10);
    acc = agg.add(acc, { page: '/c' }, 20);
    acc = agg.add(acc, { page: '/0' }, -5);
    expect(agg.result(acc)).toEqual(['/0', '/a', '/b', '/c']);
    expect(acc).toEqual([[-5, '/0'], [10, '/a'], [20, '/b'], [20, '/c']]);
  });

  it('result copies: it neither aliases nor mutates the accumulator', () => {
    const agg = collect<number>();
    const acc = fold(agg, [[1, 2], [2, 1]]);
    const out = agg.result(acc);
    out.push(99);
    expect(agg.result(acc)).toEqual([2, 1]);
  });

  it('merges, taking a as the earlier arrival on ties', () => {
    const agg = collect<string>();
    expect(agg.result(agg.merge([[1, 'a1'], [5, 'a5']], [[1, 'b1'], [3, 'b3'], [9, 'b9']]))).toEqual(['a1', 'b1', 'b3', 'a5', 'b9']);
    expect(agg.result(agg.merge([[1, 'a']], [[1, 'b']]))).toEqual(['a', 'b']);
    expect(agg.result(agg.merge([[2, 'a']], [[1, 'b']]))).toEqual(['b', 'a']);
    expect(agg.result(agg.merge([], [[1, 'b']]))).toEqual(['b']);
  });

  it('round-trips through msgpack, and refuses unsorted or malformed state', () => {
    const agg = collect<unknown>();
    const acc = fold(agg, [[{ id: 1 }, 5], ['x', 3]]);
    expect(agg.codec.decode(agg.codec.encode(acc))).toEqual([[3, 'x'], [5, { id: 1 }]]);
    for (const bad of [encodeValue([[5, 'x'], [3, 'y']]), encodeValue([[5]]), encodeValue({ a: 1 }), encodeValue([[1.5, 'x']])]) {
      let caught: unknown;
      try {
        agg.codec.decode(bad);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(StateError);
      expect((caught as StateError).code).toBe('DESERIALIZATION');
    }
    expect(() => agg.codec.decode(encodeValue([[5, 'x'], [3, 'y']]))).toThrow(
      'collect: codec.decode: decoded [[5,"x"],[3,"y"]] is not a collect accumulator',
    );
  });

  it('refuses a selected function or symbol with AggregationError, leaving acc unchanged', () => {
    fc.assert(
      fc.property(indexed(5), fc.constantFrom<unknown>(() => 1, Symbol('s')), eventTime(), (good, bad, t) => {
        const agg = collect((r: { v: unknown }) => r.v);
        const acc = fold(agg, good.map(([v, ts]) => [{ v }, ts] as const));
        const before = structuredClone(acc);
        expectAggregationError(() => agg.add(acc, { v: bad }, t), 'collect', bad);
        expect(acc).toEqual(before);
      }),
    );
  });

  it('refuses a bad timestamp and a selector that is not a function', () => {
    expect(() => collect().add([], 1, NaN)).toThrow(WindowError);
    expect(() => collect(null as never)).toThrow(invalidArgument('collect: selector must be a function, got null'));
  });

  describeAggregateLaws('collect', { make: () => collect<number>(), records: indexed(), oracle: collectOracle });
  describeAggregateLaws('collect (plain values)', { make: () => collect<unknown>(), records: records(plainValue()), oracle: collectOracle });
  describeAggregateLaws('collect(selector)', {
    make: () => collect((r: { id: number }) => `#${r.id}`),
    records: indexed().map((rs) => rs.map(([i, t]) => [{ id: i }, t] as const)),
    oracle: (recs) => collectOracle(recs).map((r) => `#${r.id}`),
  });
});
