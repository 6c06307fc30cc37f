import { optionKeys } from '@weir/state';
import { WINDOW_OPTION_KEYS, checkWindowOptionKeys } from '../checkWindowOptionKeys';
import { tumblingWindows } from '../assigners/tumblingWindows';
import { alignedWindowOperator } from './alignedWindowOperator';
import type { WindowOperator } from './WindowOperator';
import type { GroupKey, WindowOptions } from './WindowOptions';

/** Options of {@link tumblingWindow}. */
export interface TumblingWindowOptions<T, K extends GroupKey, A, R> extends WindowOptions<T, K, A, R> {
  /** Window length, ms. */
  readonly size: number;
  /** Shift of the window grid, ms (windows start at `offset + k * size`). Default 0. */
  readonly offset?: number;
}

const KEYS = optionKeys<TumblingWindowOptions<unknown, GroupKey, unknown, unknown>>({ ...WINDOW_OPTION_KEYS, size: true, offset: true });

/**
 * Aggregates records per key in fixed, non-overlapping event-time windows `[k*size + offset,
 * (k+1)*size + offset)`. Results fire when the watermark passes a window's end (see
 * {@link EmitMode}); every accumulator lives in `store`.
 *
 * Cost per record: O(1) expected (two hash lookups; the change waits in memory until the next
 * barrier: see {@link WindowOptions.cacheSize}), plus O(log n) for the first record of each
 * window; firing costs O(keys in the window).
 *
 * @example
 * ```ts
 * clicks$.pipe(
 *   withEventTime((c) => c.ts, { maxOutOfOrderness: 5_000 }),
 *   tumblingWindow({ size: 60_000, key: (c) => c.page, aggregate: count(), store }),
 *   values(),
 * ).subscribe((r) => console.log(r.key, new Date(r.start), r.value));
 * ```
 */
export function tumblingWindow<T, K extends GroupKey, A, R>(options: TumblingWindowOptions<T, K, A, R>): WindowOperator<T, K, R> {
  checkWindowOptionKeys('tumblingWindow', options, KEYS);
  return alignedWindowOperator('tumblingWindow', tumblingWindows(options?.size, options?.offset ?? 0), options);
}
