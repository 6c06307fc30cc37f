import type { Aggregate } from './Aggregate';
import { float64Codec } from './float64Codec';
import { finiteNumber, selectorOf } from './selectorOf';

const notNaN = (n: number): boolean => n === n;

/**
 * The largest of a number per record: the record itself, or what `selector` returns for it. The
 * accumulator is the current max, `-Infinity` when empty (so `result` of an accumulator nothing
 * was added to is `-Infinity`, like `Math.max()`); values are finite, so the sentinel is unambiguous.
 * Folds with `Math.max`, so `Math.max(-0, 0)` is `0` whatever the order, and `merge` is exactly
 * commutative and associative. Stored in 8 bytes ({@link float64Codec}), `-0` kept.
 * Cost: every method O(1) (plus the selector), no allocation except `codec.encode`.
 *
 * @param selector - the number to compare for a record (default: the record, a number)
 * @throws {@link AggregationError} from `add` when the selected value is not a finite number:
 *   `max: expected a finite number, got number NaN`
 *
 * @example
 * ```ts
 * const agg = max((r: Reading) => r.celsius);
 * let acc = agg.create();                   // -Infinity
 * acc = agg.add(acc, { celsius: 21.5 }, 10);
 * acc = agg.add(acc, { celsius: 19 }, 5);
 * agg.result(acc);                          // 21.5
 * ```
 */
export function max(): Aggregate<number, number, number>;
export function max<T>(selector: (value: T) => number): Aggregate<T, number, number>;
export function max<T>(selector?: (value: T) => number): Aggregate<T, number, number> {
  const pick = selectorOf('max', selector);
  return Object.freeze({
    name: 'max',
    create: (): number => -Infinity,
    add: (acc: number, value: T): number => Math.max(acc, finiteNumber('max', pick(value))),
    merge: (a: number, b: number): number => Math.max(a, b),
    result: (acc: number): number => acc,
    codec: float64Codec('max', notNaN),
  });
}
