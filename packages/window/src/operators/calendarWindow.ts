import { describeValue, optionKeys } from '@weir/state';
import { calendarWindows, type CalendarUnit } from '../assigners/calendarWindows';
import { WINDOW_OPTION_KEYS, checkWindowOptionKeys } from '../checkWindowOptionKeys';
import { WindowError } from '../WindowError';
import { alignedWindowOperator } from './alignedWindowOperator';
import type { WindowOperator } from './WindowOperator';
import type { GroupKey, WindowOptions } from './WindowOptions';

/** Options of {@link calendarWindow}. */
export interface CalendarWindowOptions<T, K extends GroupKey, A, R> extends WindowOptions<T, K, A, R> {
  /** The calendar unit: a day, an ISO week (Monday to Monday) or a month. */
  readonly unit: CalendarUnit;
  /** The IANA time zone whose calendar defines the windows, e.g. `'Europe/Berlin'`. */
  readonly timeZone: string;
  /** First day of a week window as an ISO weekday: 1 = Monday (default) .. 7 = Sunday. */
  readonly weekStart?: number;
}

const KEYS = optionKeys<CalendarWindowOptions<unknown, GroupKey, unknown, unknown>>({ ...WINDOW_OPTION_KEYS, unit: true, timeZone: true, weekStart: true });

/**
 * Aggregates records per key in calendar days, weeks or months of a time zone, DST-correct: a
 * Berlin day in late March is 23 hours long, one in late October 25.
 *
 * Cost per record: O(1) expected while records stay in the same calendar window (the assigner
 * caches the current window; luxon is consulted once per window).
 *
 * @example
 * ```ts
 * visits$.pipe(calendarWindow({ unit: 'day', timeZone: 'Europe/Berlin', key: (v) => v.user, aggregate: count(), store }));
 * ```
 */
export function calendarWindow<T, K extends GroupKey, A, R>(options: CalendarWindowOptions<T, K, A, R>): WindowOperator<T, K, R> {
  checkWindowOptionKeys('calendarWindow', options, KEYS);
  const timeZone: unknown = options?.timeZone;
  if (typeof timeZone !== 'string') {
    const what = "option `timeZone` must be an IANA time zone name such as 'Europe/Berlin' or 'UTC'";
    throw new WindowError('INVALID_ARGUMENT', `calendarWindow: ${what}, got ${describeValue(timeZone)}`, timeZone);
  }
  return alignedWindowOperator('calendarWindow', calendarWindows(options?.unit, options?.timeZone, { weekStart: options?.weekStart ?? 1 }), options);
}
