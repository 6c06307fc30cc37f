import { cumulativeWindows } from '../assigners/cumulativeWindows';
import { alignedWindowOperator, type WindowOperator } from './alignedWindowOperator';
import type { GroupKey, WindowOptions } from './WindowOptions';

/** Options of {@link cumulativeWindow}. */
export interface CumulativeWindowOptions<T, K extends GroupKey, A, R> extends WindowOptions<T, K, A, R> {
  /** How much each successive window grows, ms. */
  readonly step: number;
  /** The largest window, ms (a multiple of `step`); windows restart every `maxSize`. */
  readonly maxSize: number;
  /** Shift of the window grid, ms. Default 0. */
  readonly offset?: number;
}

/**
 * Flink SQL's CUMULATE: windows that share a start and grow by `step` up to `maxSize`
 * (`[s, s+step)`, `[s, s+2*step)`, ... `[s, s+maxSize)`), so a day's running total can fire every
 * hour.
 *
 * Cost per record: O(maxSize / step) expected.
 *
 * @example
 * ```ts
 * // revenue so far today, updated every hour
 * orders$.pipe(cumulativeWindow({ step: 3_600_000, maxSize: 86_400_000, key: () => 'all', aggregate: sum((o) => o.amount), store }));
 * ```
 */
export function cumulativeWindow<T, K extends GroupKey, A, R>(options: CumulativeWindowOptions<T, K, A, R>): WindowOperator<T, K, R> {
  return alignedWindowOperator('cumulativeWindow', cumulativeWindows(options?.step, options?.maxSize, options?.offset ?? 0), options);
}
