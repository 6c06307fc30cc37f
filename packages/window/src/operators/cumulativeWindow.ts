import { optionKeys } from '@weir/state';
import { WINDOW_OPTION_KEYS, checkWindowOptionKeys } from '../checkWindowOptionKeys';
import { cumulativeWindows } from '../assigners/cumulativeWindows';
import { paneWindowOperator } from './paneWindowOperator';
import type { WindowOperator } from './WindowOperator';
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

const KEYS = optionKeys<CumulativeWindowOptions<unknown, GroupKey, unknown, unknown>>({ ...WINDOW_OPTION_KEYS, step: true, maxSize: true, offset: true });

/**
 * Flink SQL's CUMULATE: windows that share a start and grow by `step` up to `maxSize`
 * (`[s, s+step)`, `[s, s+2*step)`, ... `[s, s+maxSize)`), so a day's running total can fire every
 * hour.
 *
 * Records are aggregated per pane of `step`: one accumulator update per record; each window's result is
 * merged from its panes when it fires. Cost per record: O(1) expected (O(maxSize / step) in
 * `changelog` mode or for a late update); per window fired: O(keys x window size / step).
 * `earlyFiring` is not available: these windows already fire every `step`.
 *
 * @example
 * ```ts
 * // revenue so far today, updated every hour
 * orders$.pipe(cumulativeWindow({ step: 3_600_000, maxSize: 86_400_000, key: () => 'all', aggregate: sum((o) => o.amount), store }));
 * ```
 */
export function cumulativeWindow<T, K extends GroupKey, A, R>(options: CumulativeWindowOptions<T, K, A, R>): WindowOperator<T, K, R> {
  checkWindowOptionKeys('cumulativeWindow', options, KEYS);
  const assigner = cumulativeWindows(options?.step, options?.maxSize, options?.offset ?? 0);
  return paneWindowOperator('cumulativeWindow', assigner, assigner.step, assigner.offset, options);
}
