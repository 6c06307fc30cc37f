import type { Aggregate } from './Aggregate';
import { float64Codec } from './float64Codec';

const isCount = (n: number): boolean => Number.isInteger(n) && n >= 0;

/**
 * Counts the records of a window; their values and timestamps are ignored (nothing is ever
 * refused). The accumulator is the count, exact up to 2^53; it is stored in 8 bytes
 * ({@link float64Codec}). Cost: every method O(1), no allocation except `codec.encode`.
 *
 * @example
 * ```ts
 * const agg = count();
 * let acc = agg.create();                 // 0
 * acc = agg.add(acc, { any: 'thing' }, 5); // 1
 * agg.result(agg.merge(acc, 2));           // 3
 * ```
 */
export function count<T = unknown>(): Aggregate<T, number, number> {
  return Object.freeze({
    name: 'count',
    create: (): number => 0,
    add: (acc: number): number => acc + 1,
    merge: (a: number, b: number): number => a + b,
    result: (acc: number): number => acc,
    codec: float64Codec('count', isCount),
  });
}
