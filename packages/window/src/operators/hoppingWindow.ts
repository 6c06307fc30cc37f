import { optionKeys } from '@weir/state';
import { WINDOW_OPTION_KEYS, checkWindowOptionKeys } from '../checkWindowOptionKeys';
import { hoppingWindows } from '../assigners/hoppingWindows';
import { paneWindowOperator } from './paneWindowOperator';
import type { WindowOperator } from './WindowOperator';
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

const KEYS = optionKeys<HoppingWindowOptions<unknown, GroupKey, unknown, unknown>>({ ...WINDOW_OPTION_KEYS, size: true, slide: true, offset: true });

/**
 * Aggregates records per key in overlapping (sliding) event-time windows of `size`, one starting
 * every `slide`: a record belongs to about `size / slide` windows. Flink's sliding windows, Kafka
 * Streams' hopping windows.
 *
 * Records are aggregated per pane of gcd(size, slide) (Flink's slicing): one accumulator update per
 * record however many windows it belongs to; a window's result is merged from its panes when it
 * fires. Every key of every live pane is state: give `cacheSize` room for keys x size /
 * gcd(size, slide) changed accumulators to keep them off the store between barriers.
 * Cost per record: O(1) expected (O(size / slide) in `changelog` mode or for a late update);
 * per window fired: O(keys x size / gcd(size, slide)). `earlyFiring` is not available: these
 * windows already fire every `slide`.
 *
 * @example
 * ```ts
 * bids$.pipe(
 *   hoppingWindow({ size: 10_000, slide: 2_000, key: (b) => b.auction, aggregate: count(), store }),
 * );
 * ```
 */
export function hoppingWindow<T, K extends GroupKey, A, R>(options: HoppingWindowOptions<T, K, A, R>): WindowOperator<T, K, R> {
  checkWindowOptionKeys('hoppingWindow', options, KEYS);
  const assigner = hoppingWindows(options?.size, options?.slide, options?.offset ?? 0);
  return paneWindowOperator('hoppingWindow', assigner, assigner.paneSize, assigner.offset, options);
}
