import { assertDuration, assertOffset, assertTimestamp } from '../limits';
import type { Window } from '../Window';
import { floorMod } from './floorMod';
import { gcd, panesOfWindow } from './panes';
import type { WindowAssigner } from './WindowAssigner';

/**
 * Fixed-size windows `[s, s + size)` starting every `slide` ms (`s ≡ offset (mod slide)`); they
 * overlap when `slide < size` and leave gaps when `slide > size`. Create one with
 * {@link hoppingWindows}.
 *
 * Allocation-free iteration over the windows of `t`:
 * ```ts
 * for (let s = a.firstWindowStart(t); s <= a.lastWindowStart(t); s += a.slide) add(s, s + a.size);
 * ```
 */
export interface HoppingWindowAssigner extends WindowAssigner {
  readonly kind: 'hopping';
  /** Window length in ms. */
  readonly size: number;
  /** Distance between consecutive window starts in ms. */
  readonly slide: number;
  /** Alignment, normalised to `[0, slide)`: window starts are `≡ offset (mod slide)`. */
  readonly offset: number;
  /** `gcd(size, slide)`: every window is `size / paneSize` whole panes (see {@link paneSizeOf}). */
  readonly paneSize: number;
  /**
   * Every window containing `t`, by ascending start: `ceil(size / slide)` or `floor(size / slide)`
   * of them (exactly `size / slide` when slide divides size), none when `t` falls in a gap.
   * O(size / slide), allocates the array and windows.
   */
  assign(t: number): Window[];
  /** Smallest aligned start `> t - size`, i.e. the earliest window that can contain `t`. O(1). */
  firstWindowStart(t: number): number;
  /**
   * Largest aligned start `<= t`. The windows of `t` are the starts `firstWindowStart(t)`,
   * `+ slide`, ... up to this one; none if it is smaller than `firstWindowStart(t)`. O(1).
   */
  lastWindowStart(t: number): number;
  /** The pane `[p, p + paneSize)` containing `t`; all records of a pane share their windows. O(1). */
  paneOf(t: number): Window;
  /** The panes making up `window` (one of this assigner's windows), in time order. O(size / paneSize). */
  panesOf(window: Window): Window[];
}

/**
 * Hopping (sliding) windows (Flink `SlidingEventTimeWindows`, Kafka Streams
 * `TimeWindows.advanceBy`): windows of `size` ms starting every `slide` ms, at starts
 * `≡ offset (mod slide)`. A record at `t` belongs to every window `[s, s + size)` with
 * `s <= t < s + size`. When `slide > size` there are gaps and a record may belong to no window:
 * `assign` then returns `[]`. The offset is normalised with a floor modulus, so negative offsets
 * and timestamps work.
 *
 * For an efficient operator, aggregate per pane (`paneSize = gcd(size, slide)`, `paneOf(t)`) and
 * build each window from its panes (`panesOf(window)`), as Flink's panes optimisation does: one
 * accumulator update per record instead of `size / slide`.
 *
 * Costs: construction O(log min(size, slide)); `firstWindowStart`, `lastWindowStart`, `paneOf`
 * O(1); `assign` O(size / slide).
 *
 * @param size - window length in ms: an integer in 1..MAX_WINDOW_SIZE
 * @param slide - distance between window starts in ms: an integer in 1..MAX_WINDOW_SIZE
 * @param offset - alignment in ms, any safe integer (default 0)
 * @throws {@link WindowError} `INVALID_ARGUMENT` for a bad size, slide or offset (at
 *   construction); `INVALID_TIMESTAMP` for a bad `t` (at assignment)
 *
 * @example
 * ```ts
 * const w = hoppingWindows(10_000, 5_000);
 * w.assign(12_000); // [{ start: 5_000, end: 15_000 }, { start: 10_000, end: 20_000 }]
 * hoppingWindows(2_000, 5_000).assign(3_000); // []: [0, 2000) and [5000, 7000) leave a gap
 * w.paneSize;       // 5_000
 * ```
 */
export function hoppingWindows(size: number, slide: number, offset = 0): HoppingWindowAssigner {
  assertDuration(size, 'size', 'hoppingWindows');
  assertDuration(slide, 'slide', 'hoppingWindows');
  assertOffset(offset, 'hoppingWindows');
  const off = floorMod(offset, slide);
  const paneSize = gcd(size, slide);
  const paneOff = off % paneSize;
  const where = `hoppingWindows(size=${size}, slide=${slide}, offset=${off})`;

  function lastWindowStart(t: number): number {
    assertTimestamp(t, where);
    return t - floorMod(t - off, slide);
  }
  function firstWindowStart(t: number): number {
    assertTimestamp(t, where);
    const lowest = t - size + 1; // a window starting here or later can still contain t
    return lowest + floorMod(off - floorMod(lowest, slide), slide); // inner mod keeps it exact
  }
  function assign(t: number): Window[] {
    const out: Window[] = [];
    const last = lastWindowStart(t);
    for (let s = firstWindowStart(t); s <= last; s += slide) out.push({ start: s, end: s + size });
    return out;
  }
  function paneOf(t: number): Window {
    assertTimestamp(t, where);
    const start = t - floorMod(t - paneOff, paneSize);
    return { start, end: start + paneSize };
  }
  return Object.freeze({
    kind: 'hopping' as const,
    size,
    slide,
    offset: off,
    paneSize,
    assign,
    firstWindowStart,
    lastWindowStart,
    paneOf,
    panesOf: (window: Window): Window[] => panesOfWindow(window, paneSize),
  });
}
