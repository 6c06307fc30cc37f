import fc from 'fast-check';
import { StateError } from '@weir/state';
import type { Aggregate } from '../../aggregates/Aggregate';
import { avg } from '../../aggregates/avg';
import type { AvgAccumulator } from '../../aggregates/avg';
import { count } from '../../aggregates/count';
import { max } from '../../aggregates/max';
import { min } from '../../aggregates/min';
import { sum } from '../../aggregates/sum';
import { expectAggregationError, notFinite, invalidArgument } from './badValues';
import { describeAggregateLaws, finiteDouble, fold, records } from './laws';
import type { Rec } from './laws';

// Integers whose sums over a list stay exact doubles: floating addition is then associative,
// so the merge law can demand exact equality.
const exactInt = (): fc.Arbitrary<number> => fc.integer({ min: -1e9, max: 1e9 });
const values = <T>(recs: readonly Rec<T>[]): T[] => recs.map(([v]) => v);

describe('count', () => {
  it('counts records, ignoring values and timestamps', () => {
    const agg = count<unknown>();
    expect(agg.name).toBe('count');
    expect(agg.result(agg.create())).toBe(0);
    const acc = fold(agg, [[NaN, 5], ['x', -3], [undefined, 0], [() => 1, 9]]);
    expect(agg.result(acc)).toBe(4);
    expect(agg.merge(acc, 3)).toBe(7);
    expect(Object.isFrozen(agg)).toBe(true);
  });

  it('stores 8 bytes and refuses other lengths and non-counts', () => {
    const { codec } = count();
    expect(codec.encode(3)).toEqual(Uint8Array.of(0, 0, 0, 0, 0, 0, 0x08, 0x40));
    expect(codec.decode(codec.encode(2 ** 53))).toBe(2 ** 53);
    expect(() => codec.decode(new Uint8Array(7))).toThrow(StateError);
    expect(() => codec.decode(new Uint8Array(7))).toThrow('count: codec.decode: expected exactly 8 bytes, got Uint8Array of 7 bytes 00000000000000');
    expect(() => codec.decode(sum().codec.encode(1.5))).toThrow(/count: codec.decode: decoded number 1.5 is not a valid count/);
  });

  describeAggregateLaws('count', {
    make: () => count<unknown>(),
    records: records(fc.anything()),
    oracle: (recs) => recs.length,
  });
});

describe('sum', () => {
  it('sums the values, or what the selector picks', () => {
    const agg = sum();
    expect(agg.name).toBe('sum');
    expect(agg.result(agg.create())).toBe(0);
    expect(agg.result(fold(agg, [[1.5, 10], [2, 5], [-0.5, 7]]))).toBe(3);
    const bySelector = sum((o: { price: number; qty: number }) => o.price * o.qty);
    expect(bySelector.result(fold(bySelector, [[{ price: 2.5, qty: 4 }, 1], [{ price: 1, qty: 1 }, 2]]))).toBe(11);
    expect(agg.merge(2, 3)).toBe(5);
  });

  it('refuses values that are not finite numbers, naming them', () => {
    const agg = sum();
    const err = expectAggregationError(() => agg.add(0, '12' as never, 0), 'sum', '12');
    expect(err.message).toBe('sum: expected a finite number, got string "12"');
    expect(() => agg.add(0, NaN, 0)).toThrow('sum: expected a finite number, got number NaN');
    expect(() => sum((o: { x?: number }) => o.x as number).add(0, {}, 0)).toThrow('sum: expected a finite number, got undefined');
  });

  it('rejects a selector that is not a function', () => {
    expect(() => sum(42 as never)).toThrow(invalidArgument('sum: selector must be a function, got number 42'));
  });

  it('keeps -0 and overflow through the codec', () => {
    const { codec } = sum();
    expect(codec.encode(1)).toHaveLength(8);
    expect(Object.is(codec.decode(codec.encode(-0)), -0)).toBe(true);
    expect(codec.decode(codec.encode(Infinity))).toBe(Infinity);
    expect(codec.decode(codec.encode(NaN))).toBeNaN();
    expect(codec.decode(codec.encode(0.1 + 0.2))).toBe(0.1 + 0.2);
  });

  describeAggregateLaws('sum', {
    make: () => sum(),
    records: records(finiteDouble()),
    mergeRecords: records(exactInt()),
    oracle: (recs) => values(recs).reduce((s, v) => s + v, 0),
  });

  describeAggregateLaws('sum(selector)', {
    make: () => sum((o: { x: number }) => o.x),
    records: records(fc.record({ x: exactInt() })),
    oracle: (recs) => values(recs).reduce((s, o) => s + o.x, 0),
  });
});

describe('min and max', () => {
  it('return the extreme value whatever the arrival order', () => {
    const lo = min();
    const hi = max();
    const recs: Rec<number>[] = [[3, 30], [-2, 10], [7, 20], [-2, 5]];
    expect(lo.result(fold(lo, recs))).toBe(-2);
    expect(hi.result(fold(hi, recs))).toBe(7);
    expect([lo.name, hi.name]).toEqual(['min', 'max']);
  });

  it('start at ±Infinity (like Math.min() and Math.max()) and order -0 below 0', () => {
    const lo = min();
    const hi = max();
    expect(lo.result(lo.create())).toBe(Infinity);
    expect(hi.result(hi.create())).toBe(-Infinity);
    expect(Object.is(lo.result(fold(lo, [[0, 1], [-0, 2]])), -0)).toBe(true);
    expect(Object.is(lo.result(fold(lo, [[-0, 1], [0, 2]])), -0)).toBe(true);
    expect(Object.is(hi.result(fold(hi, [[-0, 1], [0, 2]])), 0)).toBe(true);
    expect(Object.is(lo.codec.decode(lo.codec.encode(-0)), -0)).toBe(true);
    expect(lo.codec.decode(lo.codec.encode(Infinity))).toBe(Infinity);
    expect(hi.codec.decode(hi.codec.encode(-Infinity))).toBe(-Infinity);
  });

  it('use a selector, refuse non-finite values and NaN in stored bytes', () => {
    const agg = min((r: { celsius: number }) => r.celsius);
    expect(agg.result(fold(agg, [[{ celsius: 21.5 }, 10], [{ celsius: 19 }, 5]]))).toBe(19);
    expectAggregationError(() => max().add(1, Infinity, 0), 'max', Infinity);
    expect(() => min().codec.decode(sum().codec.encode(NaN))).toThrow(/min: codec.decode: decoded number NaN is not a valid min/);
  });

  describeAggregateLaws('min', {
    make: () => min(),
    records: records(finiteDouble()),
    oracle: (recs) => Math.min(...values(recs)),
  });

  describeAggregateLaws('max', {
    make: () => max(),
    records: records(finiteDouble()),
    oracle: (recs) => Math.max(...values(recs)),
  });
});

describe('avg', () => {
  it('averages values, NaN when empty', () => {
    const agg = avg();
    expect(agg.name).toBe('avg');
    expect(agg.result(agg.create())).toBeNaN();
    const acc = fold(agg, [[20, 10], [23, 5]]);
    expect(acc).toEqual({ sum: 43, count: 2 });
    expect(agg.result(acc)).toBe(21.5);
    expect(agg.result(agg.merge(acc, { sum: 7, count: 1 }))).toBe(50 / 3);
  });

  it('refuses a bad value without touching the accumulator', () => {
    const agg = avg((r: { v: unknown }) => r.v as number);
    const acc = fold(agg, [[{ v: 4 }, 1]]);
    expectAggregationError(() => agg.add(acc, { v: undefined }, 2), 'avg', undefined);
    expect(acc).toEqual({ sum: 4, count: 1 });
  });

  it('stores 16 bytes: sum then count, little-endian doubles', () => {
    const { codec } = avg();
    const bytes = codec.encode({ sum: -0, count: 2 });
    expect(bytes).toEqual(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x40));
    const back = codec.decode(bytes);
    expect(Object.is(back.sum, -0)).toBe(true);
    expect(back.count).toBe(2);
    // A Buffer slice at an odd offset decodes too.
    const shifted = Buffer.concat([Buffer.of(9), Buffer.from(bytes)]).subarray(1);
    expect(codec.decode(shifted)).toEqual(back);
  });

  it('refuses bytes of the wrong length or with a bad count', () => {
    const { codec } = avg();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }).filter((b) => b.length !== 16), (bytes) => {
        let caught: unknown;
        try {
          codec.decode(bytes);
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(StateError);
        expect((caught as StateError).code).toBe('DESERIALIZATION');
        expect((caught as StateError).message).toContain(`avg: codec.decode: expected exactly 16 bytes, got Uint8Array of ${bytes.length} bytes`);
      }),
    );
    expect(() => codec.decode(codec.encode({ sum: 1, count: -1 } as AvgAccumulator))).toThrow(
      'avg: codec.decode: count must be a non-negative integer, got -1',
    );
    expect(() => codec.decode('x' as never)).toThrow('avg: codec.decode: expected exactly 16 bytes, got string "x"');
  });

  describeAggregateLaws('avg', {
    make: () => avg(),
    records: records(finiteDouble()),
    mergeRecords: records(exactInt()),
    oracle: (recs) => (recs.length === 0 ? NaN : values(recs).reduce((s, v) => s + v, 0) / recs.length),
  });
});

describe.each([
  ['sum', (pick: (r: { v: unknown }) => number) => sum(pick)],
  ['min', (pick: (r: { v: unknown }) => number) => min(pick)],
  ['max', (pick: (r: { v: unknown }) => number) => max(pick)],
  ['avg', (pick: (r: { v: unknown }) => number) => avg(pick)],
] as const)('%s with a selector returning a non-finite value', (name, make) => {
  it('throws AggregationError naming the aggregate and the value', () => {
    fc.assert(
      fc.property(records(exactInt(), 5), notFinite(), fc.integer({ min: -1000, max: 1000 }), (good, bad, t) => {
        const agg: Aggregate<{ v: unknown }, unknown, number> = make((r) => r.v as number);
        const acc = fold(agg, good.map(([v, ts]) => [{ v }, ts] as const));
        expectAggregationError(() => agg.add(acc, { v: bad }, t), name, bad);
      }),
    );
  });
});
