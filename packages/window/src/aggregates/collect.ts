import { assertTimestamp } from '../limits';
import type { Aggregate } from './Aggregate';
import { msgpackCodec } from './msgpackCodec';
import { selectorOf, storableValue } from './selectorOf';
import { isTimestampedValue } from './TimestampedValue';
import type { TimestampedValue } from './TimestampedValue';

// Decoded accumulators must be what `add` and `merge` keep: pairs sorted by timestamp.
function isAccumulator(x: unknown): x is TimestampedValue<unknown>[] {
  if (!Array.isArray(x)) return false;
  let prev = -Infinity;
  for (const pair of x) {
    if (!isTimestampedValue(pair) || pair[0] < prev) return false;
    prev = pair[0];
  }
  return true;
}

// The first index whose timestamp is greater than `t` (after every equal one), searching `acc`.
function upperBound(acc: TimestampedValue<unknown>[], t: number): number {
  let lo = 0;
  let hi = acc.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (acc[mid]![0] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Every value of a window, in event-time order, values with equal timestamps in arrival order
 * (`merge(a, b)` takes `a` as arrived first). The value is the record itself, or what `selector`
 * returns for it.
 *
 * The accumulator is an array of `[timestamp, value]` pairs kept sorted on insert, so `result` is
 * a plain copy and the stored state is already in output order. Costs, for `n` values held:
 * `add` O(1) amortised for a record not earlier than the latest one (the usual case), else
 * O(log n) search plus O(k) to shift the k later pairs; `merge` O(|b|) when `b` starts at or
 * after the end of `a` (appended to `a`), else an O(|a| + |b|) stable merge into a new array;
 * `result` O(n), a new array; `codec` O(n + size of the values), msgpack, with a shape check on
 * decode. Values must be plain data; `-0` comes back as `0` after a round trip. Memory grows
 * with the window: prefer an incremental aggregate where one exists.
 *
 * @param selector - what to keep of a record (default: the record)
 * @throws {@link AggregationError} from `add` when the selected value is a function or a symbol;
 *   {@link WindowError} `INVALID_TIMESTAMP` when the timestamp is not an integer in range
 *
 * @example
 * ```ts
 * const agg = collect((e: Click) => e.page);
 * let acc = agg.create();
 * acc = agg.add(acc, { page: '/b' }, 20);
 * acc = agg.add(acc, { page: '/a' }, 10); // late
 * acc = agg.add(acc, { page: '/c' }, 20); // same time as /b, arrived after it
 * agg.result(acc); // ['/a', '/b', '/c']
 * ```
 */
export function collect<T>(): Aggregate<T, TimestampedValue<T>[], T[]>;
export function collect<T, V>(selector: (value: T) => V): Aggregate<T, TimestampedValue<V>[], V[]>;
export function collect<T, V>(selector?: (value: T) => V): Aggregate<T, TimestampedValue<V>[], V[]> {
  const pick = selectorOf<T, V>('collect', selector);
  return Object.freeze({
    name: 'collect',
    create: (): TimestampedValue<V>[] => [],
    add(acc: TimestampedValue<V>[], value: T, timestamp: number): TimestampedValue<V>[] {
      assertTimestamp(timestamp, 'collect');
      const pair: TimestampedValue<V> = [timestamp, storableValue('collect', pick(value))];
      const n = acc.length;
      if (n === 0 || acc[n - 1]![0] <= timestamp) acc.push(pair);
      else acc.splice(upperBound(acc, timestamp), 0, pair);
      return acc;
    },
    merge(a: TimestampedValue<V>[], b: TimestampedValue<V>[]): TimestampedValue<V>[] {
      const m = b.length;
      if (m === 0) return a;
      const n = a.length;
      if (n === 0) return b;
      if (a[n - 1]![0] <= b[0]![0]) {
        for (let j = 0; j < m; j++) a.push(b[j]!);
        return a;
      }
      const out: TimestampedValue<V>[] = new Array(n + m);
      let i = 0;
      let j = 0;
      let k = 0;
      while (i < n && j < m) {
        // a's pair goes first on a tie: it arrived earlier.
        out[k++] = b[j]![0] < a[i]![0] ? b[j++]! : a[i++]!;
      }
      while (i < n) out[k++] = a[i++]!;
      while (j < m) out[k++] = b[j++]!;
      return out;
    },
    result(acc: TimestampedValue<V>[]): V[] {
      const out: V[] = new Array(acc.length);
      for (let i = 0; i < acc.length; i++) out[i] = acc[i]![1];
      return out;
    },
    codec: msgpackCodec<TimestampedValue<V>[]>('collect', isAccumulator as (x: unknown) => x is TimestampedValue<V>[]),
  });
}
