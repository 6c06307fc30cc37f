import { describeValue } from '@weir/state';
import { CheckpointError } from './CheckpointError';
import type { Json } from './Json';
import type { Source, SourceReader } from './Source';

/**
 * A replayable {@link Source} over values held in memory: an array, or any iterable (a `Set`, a
 * generator, ...), which is materialised into an array once, when `arraySource` is called, so
 * every reader sees the same values.
 *
 * **Offset.** The number of values read so far (an index into the array): a reader opened at
 * offset `k` reads `items[k]`, `items[k + 1]`, ... An offset beyond the array's length (from a
 * different input) throws a `CheckpointError` `SOURCE`.
 *
 * **Cost.** `read(max)` is O(values returned) (one `slice`); memory is the array itself. An
 * array is not copied: do not mutate it while a job reads it, or a replay reads something else.
 *
 * @param items - the values, in order
 * @returns a source whose {@link Source.describe} is "array of N values"
 *
 * @example
 * ```ts
 * const source = arraySource([{ user: 'ada', clicks: 3 }, { user: 'bob', clicks: 1 }]);
 * const reader = await source.open(undefined);
 * reader.read(1);       // [{ user: 'ada', clicks: 3 }]
 * const at = reader.offset(); // 1
 * (await source.open(at)).read(10); // [{ user: 'bob', clicks: 1 }]
 * ```
 */
export function arraySource<T>(items: readonly T[] | Iterable<T>): Source<T> {
  let values: readonly T[];
  if (Array.isArray(items)) values = items as readonly T[];
  else if (items !== null && typeof items === 'object' && typeof (items as Partial<Iterable<T>>)[Symbol.iterator] === 'function') {
    values = Array.from(items);
  } else {
    throw new CheckpointError('INVALID_ARGUMENT', `arraySource: expected an array or an iterable of values, got ${describeValue(items)}`);
  }
  const description = `array of ${values.length} values`;

  return {
    describe: () => description,
    open(offset: Json | undefined): SourceReader<T> {
      let next = 0;
      if (offset !== undefined) {
        if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0 || offset > values.length) {
          throw new CheckpointError(
            'SOURCE',
            `arraySource (${description}): offset must be an index from 0 to ${values.length}, got ${describeValue(offset)}`,
          );
        }
        next = offset;
      }
      return {
        read(max: number): readonly T[] {
          if (!Number.isSafeInteger(max) || max < 1) {
            throw new CheckpointError('INVALID_ARGUMENT', `arraySource (${description}): read(max) needs a positive integer, got ${describeValue(max)}`);
          }
          const out = values.slice(next, next + max);
          next += out.length;
          return out;
        },
        offset: () => next,
      };
    },
  };
}
