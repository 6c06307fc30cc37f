import { describeValue } from '@weir/state';
import { WindowError } from './WindowError';

/**
 * A half-open interval of event time, `[start, end)`, in epoch milliseconds: it contains `t` when
 * `start <= t < end`. Both bounds are integers and `start < end`. Its last instant is
 * {@link maxTimestamp} `= end - 1`, the watermark at which the window is complete.
 *
 * Windows returned by the assigners are immutable and may be shared between calls.
 *
 * @example
 * ```ts
 * const w: Window = { start: 0, end: 60_000 }; // the first minute of 1970
 * ```
 */
export interface Window {
  /** First instant in the window (inclusive), epoch ms. */
  readonly start: number;
  /** First instant after the window (exclusive), epoch ms. */
  readonly end: number;
}

/**
 * Builds a window after checking that both bounds are safe integers and `start < end`. O(1).
 *
 * @param start - first instant, inclusive
 * @param end - first instant after the window, exclusive
 * @throws {@link WindowError} `INVALID_ARGUMENT` on a bad bound
 *
 * @example
 * ```ts
 * createWindow(0, 1000);   // { start: 0, end: 1000 }
 * createWindow(5, 5);      // throws WindowError: empty window
 * ```
 */
export function createWindow(start: number, end: number): Window {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || !(start < end)) {
    throw new WindowError(
      'INVALID_ARGUMENT',
      `createWindow: need safe integers with start < end, got start=${describeValue(start)}, ` +
        `end=${describeValue(end)}`,
      { start, end },
    );
  }
  return { start, end };
}

/**
 * The last timestamp in the window, `end - 1`: once the watermark reaches it, no on-time record
 * can still fall in the window, so it can fire. O(1).
 *
 * @example
 * ```ts
 * maxTimestamp({ start: 0, end: 1000 }); // 999
 * ```
 */
export function maxTimestamp(window: Window): number {
  return window.end - 1;
}

/**
 * Whether `t` lies in the half-open window: `start <= t < end`. O(1).
 *
 * @example
 * ```ts
 * windowContains({ start: 0, end: 1000 }, 999);  // true
 * windowContains({ start: 0, end: 1000 }, 1000); // false
 * ```
 */
export function windowContains(window: Window, t: number): boolean {
  return window.start <= t && t < window.end;
}

/**
 * Whether two windows share at least one instant: `a.start < b.end && b.start < a.end`. Windows
 * that merely touch (`[0, 5)` and `[5, 9)`) do not overlap. O(1).
 *
 * @example
 * ```ts
 * windowsOverlap({ start: 0, end: 5 }, { start: 4, end: 9 }); // true
 * windowsOverlap({ start: 0, end: 5 }, { start: 5, end: 9 }); // false
 * ```
 */
export function windowsOverlap(a: Window, b: Window): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * The smallest window covering both: `[min(starts), max(ends))`. O(1).
 *
 * @example
 * ```ts
 * coverWindows({ start: 0, end: 5 }, { start: 3, end: 9 }); // { start: 0, end: 9 }
 * ```
 */
export function coverWindows(a: Window, b: Window): Window {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/**
 * Whether two windows have the same bounds. O(1).
 *
 * @example
 * ```ts
 * windowEquals({ start: 0, end: 5 }, { start: 0, end: 5 }); // true
 * ```
 */
export function windowEquals(a: Window, b: Window): boolean {
  return a.start === b.start && a.end === b.end;
}

/**
 * Orders windows by start, then by end: a comparator for `Array.prototype.sort`. O(1).
 *
 * @example
 * ```ts
 * windows.sort(compareWindows);
 * ```
 */
export function compareWindows(a: Window, b: Window): number {
  return a.start - b.start || a.end - b.end;
}

/**
 * Renders a window as `[start, end)` for logs and error messages. O(1).
 *
 * @example
 * ```ts
 * formatWindow({ start: 0, end: 1000 }); // "[0, 1000)"
 * ```
 */
export function formatWindow(window: Window): string {
  return `[${window.start}, ${window.end})`;
}
