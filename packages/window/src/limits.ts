import { describeValue } from '@weir/state';
import { WindowError } from './WindowError';

/**
 * The smallest timestamp an assigner accepts: -8.64e15 ms, the start of the ECMAScript `Date`
 * range (year -271821). Every event time a `Date` can hold fits.
 */
export const MIN_TIMESTAMP = -8_640_000_000_000_000;

/** The largest timestamp an assigner accepts: 8.64e15 ms, the end of the ECMAScript `Date` range. */
export const MAX_TIMESTAMP = 8_640_000_000_000_000;

/**
 * The largest window size, slide, step or session gap accepted: 2^53 - 1 - 8.64e15 ms (about
 * 11,600 years). With timestamps within {@link MIN_TIMESTAMP}..{@link MAX_TIMESTAMP} this keeps
 * every window bound a safe integer, so all window arithmetic is exact.
 */
export const MAX_WINDOW_SIZE = Number.MAX_SAFE_INTEGER - MAX_TIMESTAMP;

/**
 * Throws `INVALID_TIMESTAMP` unless `t` is an integer in MIN_TIMESTAMP..MAX_TIMESTAMP. O(1), no
 * allocation on success; `where` names the caller, e.g. "tumblingWindows(size=1000, offset=0)".
 */
export function assertTimestamp(t: number, where: string): void {
  if (!(t >= MIN_TIMESTAMP && t <= MAX_TIMESTAMP && Number.isInteger(t))) {
    throw new WindowError(
      'INVALID_TIMESTAMP',
      `${where}: timestamp must be an integer number of epoch milliseconds in ` +
        `[${MIN_TIMESTAMP}, ${MAX_TIMESTAMP}], got ${describeValue(t)}`,
      t,
    );
  }
}

/** Throws `INVALID_ARGUMENT` unless `value` is an integer in 1..MAX_WINDOW_SIZE. */
export function assertDuration(value: number, name: string, where: string): void {
  if (!(typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= MAX_WINDOW_SIZE)) {
    throw new WindowError(
      'INVALID_ARGUMENT',
      `${where}: ${name} must be a positive integer number of milliseconds (at most ${MAX_WINDOW_SIZE}), ` +
        `got ${describeValue(value)}`,
      value,
    );
  }
}

/** Throws `INVALID_ARGUMENT` unless `value` is a safe integer (any sign): an offset. */
export function assertOffset(value: number, where: string): void {
  if (!(typeof value === 'number' && Number.isSafeInteger(value))) {
    throw new WindowError(
      'INVALID_ARGUMENT',
      `${where}: offset must be an integer number of milliseconds (a safe integer, any sign), ` +
        `got ${describeValue(value)}`,
      value,
    );
  }
}
