import type { Aggregate } from './Aggregate';
import { float64Codec } from './float64Codec';
import { finiteNumber, selectorOf } from './selectorOf';

/**
 * Sums a number per record: the record itself, or what `selector` returns for it. The
 * accumulator is the running sum (0 when empty), stored in 8 bytes ({@link float64Codec}).
 *
 * Floating point: the sum is accumulated left to right in doubles, so with fractional values
 * the last bits can depend on arrival order and on how panes or sessions were merged; sums of
 * integers (or of any values whose partial sums are exact) are exact up to 2^53. A sum of finite
 * values can still overflow to `±Infinity`. An empty sum is `0`; the codec keeps `-0`.
 * Cost: every method O(1) (plus the selector), no allocation except `codec.encode`.
 *
 * @param selector - the number to add for a record (default: the record, which must be a number)
 * @throws {@link AggregationError} from `add` when the selected value is not a finite number
 *   (`NaN`, `Infinity`, a string, `undefined`, ...): `sum: expected a finite number, got string "12"`
 *
 * @example
 * ```ts
 * const revenue = sum((o: Order) => o.price * o.quantity);
 * let acc = revenue.create();
 * acc = revenue.add(acc, { price: 2.5, quantity: 4 }, 1_000); // 10
 * sum().add(0, '12' as never, 0); // throws AggregationError
 * ```
 */
export function sum(): Aggregate<number, number, number>;
export function sum<T>(selector: (value: T) => number): Aggregate<T, number, number>;
export function sum<T>(selector?: (value: T) => number): Aggregate<T, number, number> {
  const pick = selectorOf('sum', selector);
  return Object.freeze({
    name: 'sum',
    create: (): number => 0,
    add: (acc: number, value: T): number => acc + finiteNumber('sum', pick(value)),
    merge: (a: number, b: number): number => a + b,
    result: (acc: number): number => acc,
    codec: float64Codec('sum'),
  });
}
