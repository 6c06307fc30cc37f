import { describeValue, optionKeys } from '@weir/state';
import { assertTimestamp } from '../limits';
import { checkWindowOptionKeys } from '../checkWindowOptionKeys';
import type { Window } from '../Window';
import { WindowError } from '../WindowError';
import { floorMod } from './floorMod';
import type { SingleWindowAssigner } from './WindowAssigner';
import { zoneOffsetOf } from './zoneOffset';
import type { ZoneOffset } from './zoneOffset';

/** The calendar periods {@link calendarWindows} can cut time into. */
export type CalendarUnit = 'day' | 'week' | 'month';

/** Options of {@link calendarWindows}. */
export interface CalendarWindowOptions {
  /**
   * First day of a `'week'` window as an ISO weekday, 1 = Monday (the default, ISO 8601 weeks)
   * .. 7 = Sunday (US-style weeks). Ignored for other units.
   */
  readonly weekStart?: number;
}

const KEYS = optionKeys<CalendarWindowOptions>({ weekStart: true });

/**
 * Windows that follow the local calendar of a time zone: one window per day, week or month, from
 * local midnight to the next local midnight. Create one with {@link calendarWindows}.
 */
export interface CalendarWindowAssigner extends SingleWindowAssigner {
  readonly kind: 'calendar';
  /** The period each window spans. */
  readonly unit: CalendarUnit;
  /** The IANA time zone whose calendar is followed, as given. */
  readonly timeZone: string;
  /** The ISO weekday weeks start on (1 = Monday .. 7 = Sunday). */
  readonly weekStart: number;
  /** `[assignOne(t)]`. */
  assign(t: number): Window[];
  /**
   * The calendar period containing `t`. O(1) and allocation-free when `t` falls in the window
   * returned last (the frozen window itself is returned again); otherwise five `Intl` offset
   * look-ups (tens of microseconds), or about 35 when a DST transition lies within two days of a
   * window bound (a few windows a year).
   */
  assignOne(t: number): Window;
  /** `assignOne(t).start`, with the same costs. */
  windowStart(t: number): number;
}

const DAY = 86_400_000;

/** The wall-clock ms (as if UTC) at which the period containing wall-clock time `wall` starts. */
function periodKey(unit: CalendarUnit, weekStart: number, wall: number): number {
  const dayStart = wall - floorMod(wall, DAY);
  if (unit === 'day') return dayStart;
  if (unit === 'week') {
    const isoWeekday = floorMod(dayStart / DAY + 3, 7) + 1; // 1970-01-01 was a Thursday (4)
    return dayStart - floorMod(isoWeekday - weekStart, 7) * DAY;
  }
  const date = new Date(dayStart);
  date.setUTCDate(1);
  return date.getTime(); // NaN outside the Date range
}

/** The key of the period `by` periods after (or before, if negative) the one whose key is `key`. */
function shiftPeriodKey(unit: CalendarUnit, key: number, by: number): number {
  if (unit === 'day') return key + by * DAY;
  if (unit === 'week') return key + by * 7 * DAY;
  const date = new Date(key); // the 1st of a month, so moving by months cannot overflow the day
  date.setUTCMonth(date.getUTCMonth() + by);
  return date.getTime();
}

/**
 * How far from a period key (a local wall-clock time) the instant where the zone's clock shows it
 * can lie: UTC offsets stay within ±16 hours (local mean times included) and a transition moves
 * the clock by at most a day.
 */
const SEARCH = 2 * DAY;

/**
 * The zone's offset over `[lo, hi]` as constant pieces: piece i covers `[starts[i], starts[i+1])`
 * with offset `offsets[i]`. Bisects wherever the offsets at the two ends of a span differ; a span
 * with equal ends is taken to be constant (no zone changes its offset and back within four days).
 * Two offset look-ups without a transition, about 30 per transition.
 */
function offsetPieces(lo: number, hi: number, offsetAt: ZoneOffset): { starts: number[]; offsets: number[] } {
  const starts = [lo];
  const offsets = [offsetAt(lo)];
  const split = (a: number, oA: number, b: number, oB: number): void => {
    if (oA === oB) return;
    if (b - a === 1) {
      starts.push(b);
      offsets.push(oB);
      return;
    }
    const mid = a + Math.floor((b - a) / 2);
    const oMid = offsetAt(mid);
    split(a, oA, mid, oMid);
    split(mid, oMid, b, oB);
  };
  split(lo, offsets[0]!, hi, offsetAt(hi));
  return { starts, offsets };
}

/**
 * The first instant of the window of the period whose key is `key`: the last instant within
 * `key ± SEARCH` at which the local period moves from before `key` to `key` or later (NaN if
 * none). Within a piece of constant offset the local period can only move forward where the clock
 * shows `key`, at `key - offset`; between pieces only at the transition; those are the candidates.
 */
function periodBoundary(key: number, unit: CalendarUnit, weekStart: number, offsetAt: ZoneOffset): number {
  const { starts, offsets } = offsetPieces(key - SEARCH, key + SEARCH, offsetAt);
  const periodAt = (u: number, piece: number): number => periodKey(unit, weekStart, u + offsets[piece]!);
  let found = NaN;
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i]!;
    const to = starts[i + 1] ?? key + SEARCH + 1;
    if (i > 0 && periodAt(from, i) >= key && periodAt(from - 1, i - 1) < key) found = from; // a jump
    const crossing = key - offsets[i]!;
    if (crossing > from && crossing < to) found = crossing; // the clock passes key
  }
  return found;
}

/**
 * The window containing `t`: `[periodBoundary(k), periodBoundary(next k))` for the period `k` of
 * `t`, or a neighbouring period where the clock went back over a boundary (St. John's 1987-2010:
 * the minute 00:00-00:01 before its 00:01 -> 23:01 fall-back). Boundaries never decrease, so the
 * search ends within a step or two. NaN bounds if the zone cannot be evaluated there.
 */
function periodWindow(t: number, unit: CalendarUnit, weekStart: number, offsetAt: ZoneOffset): Window {
  let key = periodKey(unit, weekStart, t + offsetAt(t));
  let start = periodBoundary(key, unit, weekStart, offsetAt);
  let end = periodBoundary(shiftPeriodKey(unit, key, 1), unit, weekStart, offsetAt);
  for (let step = 0; step < 4 && (start > t || t >= end); step++) {
    key = shiftPeriodKey(unit, key, start > t ? -1 : 1);
    start = periodBoundary(key, unit, weekStart, offsetAt);
    end = periodBoundary(shiftPeriodKey(unit, key, 1), unit, weekStart, offsetAt);
  }
  return start <= t && t < end ? { start, end } : { start: NaN, end: NaN };
}

/**
 * Calendar windows in an IANA time zone, computed with luxon: the local day (midnight to midnight),
 * the local week (from local midnight of its first day; ISO weeks by default, Monday first), or the
 * local month (midnight of the 1st to midnight of the next 1st) that contains `t`. Windows follow
 * daylight saving time: in `Europe/Berlin` the window of 2024-03-31 lasts 23 hours and that of
 * 2024-10-27 lasts 25. Consecutive windows abut and partition the time line.
 *
 * Each window starts at the last instant at which the local calendar enters its period. So where a
 * transition skips local midnight (`America/Santiago`, 2024-09-08: 00:00 -> 01:00) the day starts
 * at the transition, 01:00 local; where midnight occurs twice within one date (`America/Havana`,
 * 2023-11-05: 01:00 -> 00:00) the day starts at the first 00:00 and lasts 25 hours; and where a
 * fall-back takes the clock back over midnight (`America/St_Johns` 1987-2010: 00:01 -> 23:01 the
 * previous day) the minute that first showed the new date stays in the previous day's window, as
 * luxon's `startOf('day')` has it for the rest of that day. Timestamps within a few days of the
 * ends of the `Date` range are rejected with `INVALID_TIMESTAMP`.
 *
 * The assigner caches the window it returned last: the operator calls it once per record, and
 * consecutive records of the same day cost two comparisons and no luxon call. The cache never
 * changes results, so an assigner can be shared freely.
 *
 * Costs: construction validates the zone (one `Intl.DateTimeFormat`); see
 * {@link CalendarWindowAssigner.assignOne} for assignment.
 *
 * @param unit - `'day'`, `'week'` or `'month'`
 * @param timeZone - an IANA zone name such as `'Europe/Berlin'` or `'UTC'`
 * @param options - `weekStart`: ISO weekday weeks start on (default 1, Monday)
 * @throws {@link WindowError} `INVALID_ARGUMENT` for an unknown unit, an unknown time zone or a bad
 *   weekStart (at construction); `INVALID_TIMESTAMP` for a bad `t` (at assignment)
 *
 * @example
 * ```ts
 * const days = calendarWindows('day', 'Europe/Berlin');
 * days.assignOne(Date.UTC(2024, 2, 31, 12)); // 2024-03-31 in Berlin, 23 hours long:
 * // { start: Date.UTC(2024, 2, 30, 23), end: Date.UTC(2024, 2, 31, 22) }
 * calendarWindows('month', 'America/New_York').assignOne(t); // the New York month of t
 * ```
 */
export function calendarWindows(
  unit: CalendarUnit,
  timeZone: string,
  options: CalendarWindowOptions = {},
): CalendarWindowAssigner {
  checkWindowOptionKeys('calendarWindows', options, KEYS);
  if (unit !== 'day' && unit !== 'week' && unit !== 'month') {
    throw new WindowError(
      'INVALID_ARGUMENT',
      `calendarWindows: unit must be 'day', 'week' or 'month', got ${describeValue(unit)}`,
      unit,
    );
  }
  const maybeOffsetAt = zoneOffsetOf(timeZone);
  if (maybeOffsetAt === undefined) {
    throw new WindowError(
      'INVALID_ARGUMENT',
      `calendarWindows: unknown IANA time zone ${describeValue(timeZone)} (expected a name such as ` +
        `'Europe/Berlin' or 'UTC')`,
      timeZone,
    );
  }
  const offsetAt: ZoneOffset = maybeOffsetAt;
  const weekStart = options?.weekStart ?? 1;
  if (!(Number.isInteger(weekStart) && weekStart >= 1 && weekStart <= 7)) {
    throw new WindowError(
      'INVALID_ARGUMENT',
      `calendarWindows: weekStart must be an ISO weekday 1 (Monday) .. 7 (Sunday), got ${describeValue(weekStart)}`,
      weekStart,
    );
  }
  const where = `calendarWindows(${unit}, ${timeZone})`;
  let last: Window = Object.freeze({ start: 0, end: 0 }); // empty: the first call always misses

  // Offset look-ups outside the Date range throw, so periodWindow never sees NaN.
  const checkedOffsetAt = (u: number): number => {
    const offset = offsetAt(u);
    if (Number.isNaN(offset)) throw new RangeError(`instant ${u} is outside the Date range`);
    return offset;
  };
  function compute(t: number): Window {
    let window: Window;
    try {
      window = periodWindow(t, unit, weekStart, checkedOffsetAt);
    } catch (cause) {
      throw new WindowError(
        'INVALID_TIMESTAMP',
        `${where}: timestamp ${t} is too close to the end of the Date range to find its ${unit}`,
        t,
        { cause },
      );
    }
    if (Number.isNaN(window.start)) {
      throw new WindowError('INVALID_TIMESTAMP', `${where}: found no ${unit} window for timestamp ${t}`, t);
    }
    return Object.freeze(window);
  }
  function assignOne(t: number): Window {
    assertTimestamp(t, where);
    if (t >= last.start && t < last.end) return last;
    last = compute(t);
    return last;
  }
  return Object.freeze({
    kind: 'calendar' as const,
    unit,
    timeZone,
    weekStart,
    assignOne,
    windowStart: (t: number): number => assignOne(t).start,
    assign: (t: number): Window[] => [assignOne(t)],
  });
}
