import type { Observable } from 'rxjs';
import type { StreamElement } from './StreamElement';
import { MERGE_OPTION_KEYS, type MergeEventStreamsOptions } from './mergeEventStreams';
import { checkStreamOptionKeys } from './checkStreamOptionKeys';
import { alignedMerge } from './alignedMerge';

/**
 * A value from input `input` (its index in the sources array) of an N-input operator.
 *
 * @example
 * ```ts
 * const v: IndexedValue<Reading> = { input: 2, value: reading }; // from the third source
 * ```
 */
export interface IndexedValue<T> {
  /** The index of the source the record came from. */
  readonly input: number;
  /** The record's original value. */
  readonly value: T;
}

/**
 * The N-input form of {@link mergeEventStreams}, with the same watermark (minimum over open,
 * non-idle inputs), idleness, barrier-alignment and completion semantics; records come out as
 * `{ input, value }`. With no sources it emits `watermark(+Infinity)` and completes.
 *
 * @param sources - the inputs, all of the same value type
 * @param options - see {@link MergeEventStreamsOptions}; the default name is
 *   `'mergeIndexedEventStreams'`
 *
 * @example
 * ```ts
 * mergeIndexedEventStreams([sensorA$, sensorB$, sensorC$]).pipe(
 *   mapRecords(({ input, value }) => ({ sensor: input, ...value })),
 * );
 * ```
 */
export function mergeIndexedEventStreams<T>(
  sources: readonly Observable<StreamElement<T>>[],
  options: MergeEventStreamsOptions = {},
): Observable<StreamElement<IndexedValue<T>>> {
  checkStreamOptionKeys('mergeIndexedEventStreams', options, MERGE_OPTION_KEYS);
  return alignedMerge<T, IndexedValue<T>>(
    sources,
    (input, value) => ({ input, value }),
    options.name ?? 'mergeIndexedEventStreams',
    {
      ...(options.initialWatermarks === undefined ? {} : { initialWatermarks: options.initialWatermarks }),
      ...(options.onInputWatermark === undefined ? {} : { onInputWatermark: options.onInputWatermark }),
    },
  );
}
