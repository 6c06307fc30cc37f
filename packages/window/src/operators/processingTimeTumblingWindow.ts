import { optionKeys } from '@weir/state';
import { checkWindowOptionKeys } from '../checkWindowOptionKeys';
import { tumblingWindows } from '../assigners/tumblingWindows';
import type { WindowOperator } from './WindowOperator';
import type { GroupKey } from './WindowOptions';
import { processingTimeAlignedEngine } from './processingTimeAlignedEngine';
import { processingTimeWindowOperator } from './processingTimeWindowOperator';
import { PROCESSING_TIME_OPTION_KEYS, type ProcessingTimeWindowOptions } from './processingTimeWindowOptions';

/** Options of {@link processingTimeTumblingWindow}. */
export interface ProcessingTimeTumblingWindowOptions<T, K extends GroupKey, A, R> extends ProcessingTimeWindowOptions<T, K, A, R> {
  /** Window length, ms. */
  readonly size: number;
  /** Shift of the window grid, ms (windows start at `offset + k * size`). Default 0. */
  readonly offset?: number;
}

const KEYS = optionKeys<ProcessingTimeTumblingWindowOptions<unknown, GroupKey, unknown, unknown>>({ ...PROCESSING_TIME_OPTION_KEYS, size: true, offset: true });

/**
 * Aggregates records per key in fixed, non-overlapping windows of processing time (the
 * `scheduler`'s clock, like `bufferTime`): a record goes into the window holding
 * `scheduler.now()` when it arrives, whatever its event timestamp, and each window fires once, on
 * a scheduler timer at its end, emitting one `insert` per key stamped `end - 1`, followed by the
 * watermark `now - 1`. Input watermarks are not forwarded (they are event time); barriers are,
 * after the state is written (docs/architecture.md §3.6).
 *
 * A separate operator rather than a `time: 'processing'` option of {@link tumblingWindow}: the
 * two share no firing rule (a watermark vs a timer), and half of the event-time options
 * (`allowedLateness`, `emit`, `earlyFiring`, `onLate`) have no meaning here, so one type that
 * accepted both would let a user write options that silently do nothing. The name says which clock
 * a job depends on where it is read.
 *
 * - **State**: accumulators, open windows and their timers live in `store`; a checkpoint taken at
 *   a barrier restores them, and windows that came due while the job was down fire as soon as the
 *   restored operator is subscribed (as Flink's processing-time timers do); the others are
 *   rescheduled.
 * - **Completion** of the input fires every open window at once with what it holds (as
 *   `bufferTime` emits its last buffer), then forwards the watermark +Infinity and completes.
 * - **Teardown**: unsubscribing cancels the pending timer; nothing stays scheduled.
 *
 * Cost per record: O(1) expected (a hash lookup; the change is written at the next barrier);
 * O(log n) to open a window; firing O(keys in the window) store deletes.
 *
 * @example
 * ```ts
 * clicks$.pipe(
 *   map((c) => record(c, Date.now())),
 *   processingTimeTumblingWindow({ size: 60_000, key: (c) => c.page, aggregate: count(), store }),
 *   values(),
 * ).subscribe((r) => console.log(r.key, new Date(r.start), r.value));
 * ```
 */
export function processingTimeTumblingWindow<T, K extends GroupKey, A, R>(options: ProcessingTimeTumblingWindowOptions<T, K, A, R>): WindowOperator<T, K, R> {
  const operator = 'processingTimeTumblingWindow';
  checkWindowOptionKeys(operator, options, KEYS);
  const assigner = tumblingWindows(options?.size, options?.offset ?? 0);
  return processingTimeWindowOperator(operator, options, (ctx) => processingTimeAlignedEngine(ctx, (now) => [assigner.assignOne(now)]));
}
