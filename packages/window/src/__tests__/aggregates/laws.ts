// Shared property checks for aggregates: each built-in's test file calls `describeAggregateLaws`
// with its own arbitraries and a batch oracle written out directly.
import fc from 'fast-check';
import type { Aggregate } from '../../aggregates/Aggregate';
import { timestamp } from '../arbitraries';

/** A record as the operator hands it to an aggregate: its value and event timestamp. */
export type Rec<T> = readonly [value: T, timestamp: number];

/** Folds `recs` into `acc` (default: a fresh accumulator) in list (arrival) order. */
export function fold<T, A, R>(agg: Aggregate<T, A, R>, recs: readonly Rec<T>[], acc: A = agg.create()): A {
  let out = acc;
  for (const [value, t] of recs) out = agg.add(out, value, t);
  return out;
}

/** Timestamps with many ties (0..4) and some anywhere in the accepted range. */
export const eventTime = (): fc.Arbitrary<number> =>
  fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: timestamp() });

/** Lists of records with values from `value`, up to `maxLength` long. */
export const records = <T>(value: fc.Arbitrary<T>, maxLength = 60): fc.Arbitrary<Rec<T>[]> =>
  fc.array(fc.tuple(value, eventTime()), { maxLength });

/** Finite doubles, `-0` included. */
export const finiteDouble = (): fc.Arbitrary<number> => fc.double({ noNaN: true, noDefaultInfinity: true });

/**
 * Values msgpack round-trips exactly: no `-0` (msgpack writes it as the integer 0), no
 * `undefined` at top level of a stored value.
 */
export const plainValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.integer(),
    finiteDouble().map((x) => (Object.is(x, -0) ? 0 : x)),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 4 }),
    fc.record({ id: fc.integer(), tag: fc.string() }),
  );

/** True when `x` is plain data: primitives, arrays and plain objects all the way down. */
export function isPlainData(x: unknown): boolean {
  const t = typeof x;
  if (t === 'function' || t === 'symbol') return false;
  if (t !== 'object' || x === null) return true;
  if (Array.isArray(x)) return x.every(isPlainData);
  const proto = Object.getPrototypeOf(x);
  return (proto === Object.prototype || proto === null) && Object.values(x as object).every(isPlainData);
}

/** Splits `xs` at the positions `cuts` (clamped) into consecutive parts. */
function splitAt<T>(xs: readonly T[], cuts: number[]): T[][] {
  const at = [...cuts.map((c) => c % (xs.length + 1))].sort((p, q) => p - q);
  const parts: T[][] = [];
  let from = 0;
  for (const c of at) {
    parts.push(xs.slice(from, c));
    from = c;
  }
  parts.push(xs.slice(from));
  return parts;
}

export interface LawsSpec<T, A, R> {
  /** A fresh aggregate. */
  make: () => Aggregate<T, A, R>;
  /** Record lists for the fold-versus-oracle and codec properties. */
  records: fc.Arbitrary<Rec<T>[]>;
  /** Record lists for the merge law, when it holds exactly only on a subset (integer sums). */
  mergeRecords?: fc.Arbitrary<Rec<T>[]>;
  /** The expected result, computed from the whole list at once. */
  oracle: (recs: readonly Rec<T>[]) => R;
}

/**
 * Registers the three laws every aggregate keeps: (1) folding equals the batch oracle; (2) merging
 * folds of consecutive parts equals folding the whole (in either association); (3) the codec
 * round-trips an accumulator that then keeps folding identically, and accumulators are plain data.
 */
export function describeAggregateLaws<T, A, R>(label: string, spec: LawsSpec<T, A, R>): void {
  describe(`${label} laws`, () => {
    it('folding a list with add gives the batch result', () => {
      fc.assert(
        fc.property(spec.records, (recs) => {
          const agg = spec.make();
          expect(agg.result(fold(agg, recs))).toEqual(spec.oracle(recs));
        }),
      );
    });

    it('merge of the folds of consecutive parts equals the fold of the whole', () => {
      fc.assert(
        fc.property(spec.mergeRecords ?? spec.records, fc.nat(), fc.nat(), (recs, c1, c2) => {
          const agg = spec.make();
          const whole = agg.result(fold(agg, recs));
          const [a = [], b = []] = splitAt(recs, [c1]);
          expect(agg.result(agg.merge(fold(agg, a), fold(agg, b)))).toEqual(whole);
          const [x = [], y = [], z = []] = splitAt(recs, [c1, c2]);
          const left = agg.merge(agg.merge(fold(agg, x), fold(agg, y)), fold(agg, z));
          const right = agg.merge(fold(agg, x), agg.merge(fold(agg, y), fold(agg, z)));
          expect(agg.result(left)).toEqual(whole);
          expect(agg.result(right)).toEqual(whole);
          expect(agg.result(agg.merge(agg.create(), fold(agg, recs)))).toEqual(whole);
          expect(agg.result(agg.merge(fold(agg, recs), agg.create()))).toEqual(whole);
        }),
      );
    });

    it('the codec round-trips a plain-data accumulator that keeps folding identically', () => {
      fc.assert(
        fc.property(spec.records, fc.nat(), (recs, cut) => {
          const agg = spec.make();
          const [before = [], after = []] = splitAt(recs, [cut]);
          const acc = fold(agg, before);
          expect(isPlainData(acc)).toBe(true);
          const bytes = agg.codec.encode(acc);
          expect(bytes).toBeInstanceOf(Uint8Array);
          const restored = agg.codec.decode(bytes);
          expect(agg.result(restored)).toEqual(agg.result(acc));
          const continued = fold(agg, after, acc);
          const continuedRestored = fold(agg, after, restored);
          expect(agg.result(continuedRestored)).toEqual(agg.result(continued));
          expect(Buffer.from(agg.codec.encode(continuedRestored))).toEqual(Buffer.from(agg.codec.encode(continued)));
        }),
      );
    });
  });
}
