import { describeValue, optionKeys } from '@weir/state';
import { checkWindowOptionKeys } from '../checkWindowOptionKeys';
import { MAX_WINDOW_SIZE } from '../limits';
import { WindowError } from '../WindowError';
import type { WindowOperator } from './WindowOperator';
import type { GroupKey } from './WindowOptions';
import { processingTimeSessionEngine } from './processingTimeSessionEngine';
import { processingTimeWindowOperator } from './processingTimeWindowOperator';
import { PROCESSING_TIME_OPTION_KEYS, type ProcessingTimeWindowOptions } from './processingTimeWindowOptions';

/** Options of {@link processingTimeSessionWindow}. */
export interface ProcessingTimeSessionWindowOptions<T, K extends GroupKey, A, R> extends ProcessingTimeWindowOptions<T, K, A, R> {
  /** Inactivity that ends a session, ms of processing time: records less than `gap` apart share a session. */
  readonly gap: number;
}

const KEYS = optionKeys<ProcessingTimeSessionWindowOptions<unknown, GroupKey, unknown, unknown>>({ ...PROCESSING_TIME_OPTION_KEYS, gap: true });

/**
 * Aggregates records per key into sessions of processing time, like `debounceTime` per key: a
 * record arriving at `now` opens `[now, now + gap)`, and each later record of the key arriving
 * before the session's end extends it to `arrival + gap`; when the scheduler's clock reaches the
 * end with no record, the session fires (one `insert` stamped `end - 1`, then the watermark
 * `now - 1`). A record arriving exactly `gap` after the last starts a new session, as in
 * {@link sessionWindow}. Arrival times never decrease, so sessions never merge and none is
 * retracted. State, restore (sessions whose end passed while the job was down fire at once),
 * completion (open sessions fire) and teardown as {@link processingTimeTumblingWindow}.
 *
 * Cost per record: O(1) expected (a hash lookup; the change is written at the next barrier),
 * O(log n) for a new session; firing O(log n) per session.
 *
 * @example
 * ```ts
 * clicks$.pipe(
 *   processingTimeSessionWindow({ gap: 30 * 60_000, key: (c) => c.user, aggregate: count(), store }),
 * );
 * ```
 */
export function processingTimeSessionWindow<T, K extends GroupKey, A, R>(options: ProcessingTimeSessionWindowOptions<T, K, A, R>): WindowOperator<T, K, R> {
  const operator = 'processingTimeSessionWindow';
  checkWindowOptionKeys(operator, options, KEYS);
  const gap = options?.gap;
  if (!Number.isSafeInteger(gap) || gap <= 0 || gap > MAX_WINDOW_SIZE) {
    throw new WindowError('INVALID_ARGUMENT', `${operator}: option \`gap\` must be a positive integer number of milliseconds, got ${describeValue(gap)}`, gap);
  }
  return processingTimeWindowOperator(operator, options, (ctx) => processingTimeSessionEngine(ctx, gap));
}
