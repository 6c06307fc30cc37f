import { hoppingWindows } from '../assigners/hoppingWindows';
import { alignedWindowOperator, type WindowOperator } from './alignedWindowOperator';
import type { GroupKey, WindowOptions } from './WindowOptions';

/** Options of {@link hoppingWindow}. */
export interface HoppingWindowOptions<T, K extends GroupKey, A, R> extends WindowOptions<T, K, A, R> {
  /** Window length, ms. */
  readonly size: number;
  /** Distance between window starts, ms. */
  readonly slide: number;
  /** Shift of the window grid, ms. Default 0. */
  readonly offset?: number;
}

/**
 * Aggregates records per key in overlapping (sliding) event-time windows of `size`, one starting
 * every `slide`: a record belongs to about `size / slide` windows. Flink's sliding windows, Kafka
 * Streams' hopping windows.
 *
 * Cost per record: O(size / slide) expected.
 *
 * @example
 * ```ts
 * bids$.pipe(
 *   hoppingWindow({ size: 10_000, slide: 2_000, key: (b) => b.auction, aggregate: count(), store }),
 * );
 * ```
 */
export function hoppingWindow<T, K extends GroupKey, A, R>(options: HoppingWindowOptions<T, K, A, R>): WindowOperator<T, K, R> {
  return alignedWindowOperator('hoppingWindow', hoppingWindows(options?.size, options?.slide, options?.offset ?? 0), options);
}
