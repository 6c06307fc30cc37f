import { describeValue } from '@weir/state';
import { assertDuration, assertOffset, assertTimestamp } from '../limits';
import type { Window } from '../Window';
import { WindowError } from '../WindowError';
import { floorMod } from './floorMod';
import type { WindowAssigner } from './WindowAssigner';

/**
 * Windows that grow in `step`s from a common start (Flink SQL `CUMULATE`): for each base
 * `b ≡ offset (mod maxSize)`, the windows `[b, b + step)`, `[b, b + 2*step)`, ...,
 * `[b, b + maxSize)`. Create one with {@link cumulativeWindows}.
 *
 * Allocation-free iteration over the windows of `t`:
 * ```ts
 * const b = a.windowBase(t);
 * for (let e = a.firstWindowEnd(t); e <= b + a.maxSize; e += a.step) add(b, e);
 * ```
 */
export interface CumulativeWindowAssigner extends WindowAssigner {
  readonly kind: 'cumulative';
  /** How much each window extends the previous one, in ms. */
  readonly step: number;
  /** Length of the largest window, in ms; a multiple of `step`. */
  readonly maxSize: number;
  /** Alignment, normalised to `[0, maxSize)`: bases are `≡ offset (mod maxSize)`. */
  readonly offset: number;
  /**
   * The windows of `t`: `[b, e)` for every end `e` of its base `b` with `e > t`, by ascending end;
   * between 1 and `maxSize / step` of them, the last always `[b, b + maxSize)`. O(maxSize / step).
   */
  assign(t: number): Window[];
  /** The base `b` (common start) of `t`'s windows: the start of its maxSize-aligned window. O(1). */
  windowBase(t: number): number;
  /** The end of the smallest window containing `t`: the first step boundary after `t`. O(1). */
  firstWindowEnd(t: number): number;
}

/**
 * Cumulative windows (Flink SQL `CUMULATE(..., step, maxSize)`): the time line is cut into
 * maxSize-aligned periods (starts `≡ offset (mod maxSize)`), and each period `[b, b + maxSize)` has
 * the windows `[b, b + k*step)` for `k = 1 .. maxSize/step`, i.e. running totals since the start of
 * the period, emitted every step. A record at `t` with base `b` belongs to each of these windows
 * whose end is `> t`. Typical use: a daily total updated every hour.
 *
 * Costs: construction O(1); `windowBase`, `firstWindowEnd` O(1) without allocation;
 * `assign` O(maxSize / step).
 *
 * @param step - window growth in ms: an integer in 1..MAX_WINDOW_SIZE
 * @param maxSize - largest window length in ms: a multiple of `step`, at most MAX_WINDOW_SIZE
 * @param offset - alignment of the periods in ms, any safe integer (default 0)
 * @throws {@link WindowError} `INVALID_ARGUMENT` for a bad step, maxSize (including one that is not
 *   a multiple of step) or offset; `INVALID_TIMESTAMP` for a bad `t` (at assignment)
 *
 * @example
 * ```ts
 * const hourlyRunningDay = cumulativeWindows(3_600_000, 86_400_000);
 * const c = cumulativeWindows(10, 30);
 * c.assign(14); // [{ start: 0, end: 20 }, { start: 0, end: 30 }]
 * c.assign(-1); // [{ start: -30, end: 0 }]
 * ```
 */
export function cumulativeWindows(step: number, maxSize: number, offset = 0): CumulativeWindowAssigner {
  assertDuration(step, 'step', 'cumulativeWindows');
  assertDuration(maxSize, 'maxSize', 'cumulativeWindows');
  if (maxSize % step !== 0) {
    throw new WindowError(
      'INVALID_ARGUMENT',
      `cumulativeWindows: maxSize must be a multiple of step (${step}), got ${describeValue(maxSize)}`,
      maxSize,
    );
  }
  assertOffset(offset, 'cumulativeWindows');
  const off = floorMod(offset, maxSize);
  const stepOff = off % step;
  const where = `cumulativeWindows(step=${step}, maxSize=${maxSize}, offset=${off})`;

  function windowBase(t: number): number {
    assertTimestamp(t, where);
    return t - floorMod(t - off, maxSize);
  }
  function firstWindowEnd(t: number): number {
    assertTimestamp(t, where);
    // Bases are ≡ offset (mod step) too, since step divides maxSize.
    return t - floorMod(t - stepOff, step) + step;
  }
  function assign(t: number): Window[] {
    const start = windowBase(t);
    const lastEnd = start + maxSize;
    const out: Window[] = [];
    for (let end = firstWindowEnd(t); end <= lastEnd; end += step) out.push({ start, end });
    return out;
  }
  return Object.freeze({
    kind: 'cumulative' as const,
    step,
    maxSize,
    offset: off,
    assign,
    windowBase,
    firstWindowEnd,
  });
}
