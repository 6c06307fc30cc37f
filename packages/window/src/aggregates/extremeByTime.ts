// Internal: the shared implementation of `first` and `last`: keep the value of the record whose
// event timestamp wins by `replaces`, whatever order records arrive in.
import { assertTimestamp } from '../limits';
import type { Aggregate } from './Aggregate';
import { msgpackCodec } from './msgpackCodec';
import { selectorOf, storableValue } from './selectorOf';
import { isTimestampedValue } from './TimestampedValue';
import type { TimestampedValue } from './TimestampedValue';

const isAccumulator = (x: unknown): x is TimestampedValue<unknown> | null => x === null || isTimestampedValue(x);

/**
 * @param name - the aggregate's name
 * @param replaces - whether a record at `incoming` replaces the held one at `held` (ties decide
 *   arrival-order behaviour: `a` merges as having arrived before `b`)
 */
export function extremeByTime<T, V>(
  name: string,
  replaces: (incoming: number, held: number) => boolean,
  selector?: (value: T) => V,
): Aggregate<T, TimestampedValue<V> | null, V | undefined> {
  const pick = selectorOf<T, V>(name, selector);
  return Object.freeze({
    name,
    create: (): TimestampedValue<V> | null => null,
    add(acc: TimestampedValue<V> | null, value: T, timestamp: number): TimestampedValue<V> | null {
      assertTimestamp(timestamp, name);
      const v = storableValue(name, pick(value));
      if (acc === null) return [timestamp, v];
      if (replaces(timestamp, acc[0])) {
        acc[0] = timestamp;
        acc[1] = v;
      }
      return acc;
    },
    merge(a: TimestampedValue<V> | null, b: TimestampedValue<V> | null): TimestampedValue<V> | null {
      if (a === null) return b;
      if (b === null) return a;
      return replaces(b[0], a[0]) ? b : a;
    },
    result: (acc: TimestampedValue<V> | null): V | undefined => (acc === null ? undefined : acc[1]),
    codec: msgpackCodec<TimestampedValue<V> | null>(name, isAccumulator as (x: unknown) => x is TimestampedValue<V> | null),
  });
}
