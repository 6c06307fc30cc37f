import { optionKeys } from '@weir/state';
import { checkWindowOptionKeys } from '../checkWindowOptionKeys';
import { hoppingWindows } from '../assigners/hoppingWindows';
import type { WindowOperator } from './WindowOperator';
import type { GroupKey } from './WindowOptions';
import { processingTimeAlignedEngine } from './processingTimeAlignedEngine';
import { processingTimeWindowOperator } from './processingTimeWindowOperator';
import { PROCESSING_TIME_OPTION_KEYS, type ProcessingTimeWindowOptions } from './processingTimeWindowOptions';

/** Options of {@link processingTimeHoppingWindow}. */
export interface ProcessingTimeHoppingWindowOptions<T, K extends GroupKey, A, R> extends ProcessingTimeWindowOptions<T, K, A, R> {
  /** Window length, ms. */
  readonly size: number;
  /** Distance between window starts, ms. */
  readonly slide: number;
  /** Shift of the window grid, ms. Default 0. */
  readonly offset?: number;
}

const KEYS = optionKeys<ProcessingTimeHoppingWindowOptions<unknown, GroupKey, unknown, unknown>>({ ...PROCESSING_TIME_OPTION_KEYS, size: true, slide: true, offset: true });

/**
 * Aggregates records per key in overlapping windows of processing time: windows of `size`, one
 * starting every `slide`, and a record goes into every window holding `scheduler.now()` when it
 * arrives. Each window fires once, on a scheduler timer at its end (one `insert` per key stamped
 * `end - 1`, then the watermark `now - 1`). State, restore (overdue windows fire at once),
 * completion (open windows fire) and teardown as {@link processingTimeTumblingWindow}, whose TSDoc
 * says why these are operators of their own rather than an option of the event-time ones.
 *
 * Cost per record: O(size / slide) (one accumulator per window it belongs to; no panes, so an
 * aggregate needs no `merge` here); firing O(keys in the window).
 *
 * @example
 * ```ts
 * bids$.pipe(
 *   processingTimeHoppingWindow({ size: 10_000, slide: 2_000, key: (b) => b.auction, aggregate: count(), store }),
 * );
 * ```
 */
export function processingTimeHoppingWindow<T, K extends GroupKey, A, R>(options: ProcessingTimeHoppingWindowOptions<T, K, A, R>): WindowOperator<T, K, R> {
  const operator = 'processingTimeHoppingWindow';
  checkWindowOptionKeys(operator, options, KEYS);
  const assigner = hoppingWindows(options?.size, options?.slide, options?.offset ?? 0);
  return processingTimeWindowOperator(operator, options, (ctx) => processingTimeAlignedEngine(ctx, (now) => assigner.assign(now)));
}
