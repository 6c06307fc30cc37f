import { assertDuration, assertOffset, assertTimestamp } from '../limits';
import type { Window } from '../Window';
import { floorMod } from './floorMod';
import type { SingleWindowAssigner } from './WindowAssigner';

/**
 * Fixed-size, non-overlapping windows `[offset + k*size, offset + (k+1)*size)` for every integer
 * `k`: each timestamp falls in exactly one. Create one with {@link tumblingWindows}.
 */
export interface TumblingWindowAssigner extends SingleWindowAssigner {
  readonly kind: 'tumbling';
  /** Window length in ms. */
  readonly size: number;
  /** Alignment, normalised to `[0, size)`: window starts are `≡ offset (mod size)`. */
  readonly offset: number;
  /** `[assignOne(t)]`. O(1); allocates the array. */
  assign(t: number): Window[];
  /** The window containing `t`. O(1); allocates only when `t` leaves the last window returned. */
  assignOne(t: number): Window;
  /** `t - floorMod(t - offset, size)`. O(1), never allocates: the hot-path key for the window. */
  windowStart(t: number): number;
}

/**
 * Tumbling windows of `size` ms (Flink `TumblingEventTimeWindows`, Kafka Streams
 * `TimeWindows.ofSizeWithNoGrace` without advance): windows `[s, s + size)` whose starts are
 * `s ≡ offset (mod size)`. The offset is normalised with a floor modulus, so negative offsets and
 * negative (pre-1970) timestamps work: `tumblingWindows(10, -3)` has windows `[-3, 7), [7, 17), ...`,
 * the same as `tumblingWindows(10, 7)`. Use an offset to align days to a fixed UTC offset (for
 * time zones with DST use {@link calendarWindows}).
 *
 * Costs: construction O(1); `windowStart` O(1) with no allocation; `assignOne` O(1), allocating a
 * frozen window only when `t` leaves the previously returned window; `assign` O(1) plus one array.
 *
 * @param size - window length in ms: an integer in 1..MAX_WINDOW_SIZE
 * @param offset - alignment in ms, any safe integer (default 0: windows aligned to the epoch)
 * @throws {@link WindowError} `INVALID_ARGUMENT` for a bad size or offset (at construction);
 *   `INVALID_TIMESTAMP` for a bad `t` (at assignment)
 *
 * @example
 * ```ts
 * const minute = tumblingWindows(60_000);
 * minute.assignOne(90_000);   // { start: 60_000, end: 120_000 }
 * minute.windowStart(-1);     // -60_000: the window [-60_000, 0)
 * tumblingWindows(10, -3).assign(-4); // [{ start: -13, end: -3 }]
 * ```
 */
export function tumblingWindows(size: number, offset = 0): TumblingWindowAssigner {
  assertDuration(size, 'size', 'tumblingWindows');
  assertOffset(offset, 'tumblingWindows');
  const off = floorMod(offset, size);
  const where = `tumblingWindows(size=${size}, offset=${off})`;
  let last: Window = Object.freeze({ start: off, end: off + size });

  function windowStart(t: number): number {
    assertTimestamp(t, where);
    return t - floorMod(t - off, size);
  }
  function assignOne(t: number): Window {
    const start = windowStart(t);
    if (start !== last.start) last = Object.freeze({ start, end: start + size });
    return last;
  }
  return Object.freeze({
    kind: 'tumbling' as const,
    size,
    offset: off,
    windowStart,
    assignOne,
    assign: (t: number): Window[] => [assignOne(t)],
  });
}
