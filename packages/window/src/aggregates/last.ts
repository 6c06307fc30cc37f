import type { Aggregate } from './Aggregate';
import { extremeByTime } from './extremeByTime';
import type { TimestampedValue } from './TimestampedValue';

/**
 * The value of the record with the latest event timestamp, whatever order records arrive in
 * (not the last to arrive). Among records with equal timestamps the later-arrived record wins (it replaces);
 * `merge(a, b)` keeps the same rule with `a` taken as arrived before `b`, so merged panes and
 * sessions agree with a single fold. The value is the record itself, or what `selector` returns for it; the selector
 * runs on every record, so whether a record is refused never depends on the others.
 *
 * The accumulator is `[timestamp, value]`, or `null` when empty (`result` then gives
 * `undefined`, which never happens for a window that holds a record). It is stored with
 * {@link msgpackCodec}: values must be plain data, and `-0` comes back as `0`.
 * Cost: `add`, `merge`, `result` O(1) (plus the selector), `add` allocates only for an empty
 * accumulator; `codec` O(size of the value).
 *
 * @param selector - what to keep of a record (default: the record)
 * @throws {@link AggregationError} from `add` when the selected value is a function or a symbol;
 *   {@link WindowError} `INVALID_TIMESTAMP` when the timestamp is not an integer in range
 *
 * @example
 * ```ts
 * const agg = last((e: Login) => e.user);
 * let acc = agg.create();
 * acc = agg.add(acc, { user: 'b' }, 20);
 * acc = agg.add(acc, { user: 'a' }, 10); // late, and earlier: ignored
 * acc = agg.add(acc, { user: 'c' }, 20); // tie: c arrived last
 * agg.result(acc); // 'c'
 * ```
 */
export function last<T>(): Aggregate<T, TimestampedValue<T> | null, T | undefined>;
export function last<T, V>(selector: (value: T) => V): Aggregate<T, TimestampedValue<V> | null, V | undefined>;
export function last<T, V>(selector?: (value: T) => V): Aggregate<T, TimestampedValue<V> | null, V | undefined> {
  return extremeByTime('last', (incoming, held) => incoming >= held, selector); // not earlier replaces: among equal timestamps the later-arrived record wins
}
