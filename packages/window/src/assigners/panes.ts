import { describeValue } from '@weir/state';
import { assertDuration, assertOffset, assertTimestamp } from '../limits';
import type { Window } from '../Window';
import { WindowError } from '../WindowError';
import { floorMod } from './floorMod';

/**
 * Greatest common divisor of two positive integers (Euclid). O(log min(a, b)).
 *
 * @example
 * ```ts
 * gcd(10_000, 4_000); // 2_000
 * ```
 */
export function gcd(a: number, b: number): number {
  while (b !== 0) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/**
 * The pane size of hopping windows (Flink's "panes" optimisation): `gcd(size, slide)`. Every window
 * start and end is a pane boundary, so each window is the union of `size / paneSize` consecutive
 * panes and each record is added to one pane accumulator instead of `size / slide` window
 * accumulators; a window's result is the merge of its panes. O(log min(size, slide)).
 *
 * @param size - window length in ms, an integer in 1..MAX_WINDOW_SIZE
 * @param slide - distance between window starts in ms, an integer in 1..MAX_WINDOW_SIZE
 * @throws {@link WindowError} `INVALID_ARGUMENT` for a bad size or slide
 *
 * @example
 * ```ts
 * paneSizeOf(10_000, 5_000); // 5_000: each window is 2 panes
 * paneSizeOf(10_000, 4_000); // 2_000: each window is 5 panes
 * ```
 */
export function paneSizeOf(size: number, slide: number): number {
  assertDuration(size, 'size', 'paneSizeOf');
  assertDuration(slide, 'slide', 'paneSizeOf');
  return gcd(size, slide);
}

/**
 * The start of the pane containing `t`, panes being `[offset + k*paneSize, offset + (k+1)*paneSize)`:
 * `t - floorMod(t - offset, paneSize)`. Pass the hopping assigner's offset, so that pane and window
 * boundaries line up. O(1), no allocation.
 *
 * @param t - record timestamp, integer epoch ms
 * @param paneSize - pane length in ms (see {@link paneSizeOf})
 * @param offset - alignment in ms, any safe integer (default 0)
 * @throws {@link WindowError} on a bad timestamp, pane size or offset
 *
 * @example
 * ```ts
 * paneStart(4_500, 2_000);      // 4_000
 * paneStart(-1, 2_000);         // -2_000
 * paneStart(4_500, 2_000, 500); // 4_500
 * ```
 */
export function paneStart(t: number, paneSize: number, offset = 0): number {
  assertDuration(paneSize, 'paneSize', 'paneStart');
  assertOffset(offset, 'paneStart');
  assertTimestamp(t, 'paneStart');
  return t - floorMod(t - floorMod(offset, paneSize), paneSize);
}

/**
 * The pane containing `t` as a window `[paneStart, paneStart + paneSize)`. O(1).
 *
 * @example
 * ```ts
 * paneOf(4_500, 2_000); // { start: 4_000, end: 6_000 }
 * ```
 */
export function paneOf(t: number, paneSize: number, offset = 0): Window {
  const start = paneStart(t, paneSize, offset);
  return { start, end: start + paneSize };
}

/**
 * The panes that make up `window`, in time order: `[start, start + paneSize)`,
 * `[start + paneSize, start + 2*paneSize)`, ... up to `end`. The window's length must be a multiple
 * of `paneSize` (true of every hopping window and its {@link paneSizeOf}). O(length / paneSize).
 *
 * @throws {@link WindowError} `INVALID_ARGUMENT` if the window is not a whole number of panes
 *
 * @example
 * ```ts
 * panesOfWindow({ start: 0, end: 6_000 }, 2_000);
 * // [{ start: 0, end: 2_000 }, { start: 2_000, end: 4_000 }, { start: 4_000, end: 6_000 }]
 * ```
 */
export function panesOfWindow(window: Window, paneSize: number): Window[] {
  assertDuration(paneSize, 'paneSize', 'panesOfWindow');
  const { start, end } = window;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || !(start < end) || (end - start) % paneSize !== 0) {
    throw new WindowError(
      'INVALID_ARGUMENT',
      `panesOfWindow: window [${describeValue(start)}, ${describeValue(end)}) is not a whole number ` +
        `of panes of ${paneSize} ms`,
      window,
    );
  }
  const panes: Window[] = [];
  for (let s = start; s < end; s += paneSize) panes.push({ start: s, end: s + paneSize });
  return panes;
}
