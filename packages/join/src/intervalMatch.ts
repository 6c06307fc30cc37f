/**
 * The pure rules of an interval join with bounds `[lowerBound, upperBound]` (ms) and an allowed
 * lateness, as the operator {@link intervalJoin} applies them. A left row at `tl` and a right row
 * at `tr` with the same key match when `tl + lowerBound <= tr <= tl + upperBound`. Every function
 * is O(1).
 *
 * @example
 * ```ts
 * const m = intervalMatch(-5_000, 5_000);
 * m.matches(10_000, 14_000);      // true
 * m.rightRangeOf(10_000);         // [5000, 15000]
 * m.leftExpiresAt(10_000);        // 15000: at watermark 15000 no right row can match it any more
 * m.leftExpiredBy(15_000);        // 10000: the inverse
 * ```
 */
export interface IntervalMatch {
  readonly lowerBound: number;
  readonly upperBound: number;
  readonly allowedLateness: number;
  /** Whether a left row at `tl` and a right row at `tr` match. */
  matches(tl: number, tr: number): boolean;
  /** The right timestamps a left row at `tl` matches: `[tl + lowerBound, tl + upperBound]`. */
  rightRangeOf(tl: number): readonly [number, number];
  /** The left timestamps a right row at `tr` matches: `[tr - upperBound, tr - lowerBound]`. */
  leftRangeOf(tr: number): readonly [number, number];
  /**
   * The watermark at which a left row at `tl` can no longer match a right row that is not late:
   * `tl + upperBound + allowedLateness`. The row leaves state then (and, unmatched, is emitted by
   * left and full outer joins).
   */
  leftExpiresAt(tl: number): number;
  /** Likewise for a right row: `tr - lowerBound + allowedLateness`. */
  rightExpiresAt(tr: number): number;
  /**
   * The inverse of {@link IntervalMatch.leftExpiresAt}: at watermark `wm`, every left row at or
   * before this time has expired (`wm - upperBound - allowedLateness`).
   */
  leftExpiredBy(wm: number): number;
  /** Likewise for right rows: `wm + lowerBound - allowedLateness`. */
  rightExpiredBy(wm: number): number;
  /**
   * The event time of an unmatched left row (outer and anti rows): `tl + max(0, upperBound)`,
   * the latest time any match of it could have had, so it is never behind the output watermark.
   */
  unmatchedLeftTime(tl: number): number;
  /** The event time of an unmatched right row: `tr + max(0, -lowerBound)`. */
  unmatchedRightTime(tr: number): number;
}

/**
 * The rules of an interval join (see {@link IntervalMatch}). Bounds must be safe integers with
 * `lowerBound <= upperBound`; the operator checks them.
 *
 * @param lowerBound - ms from a left row's time to the earliest matching right time (may be negative)
 * @param upperBound - ms from a left row's time to the latest matching right time
 * @param allowedLateness - ms behind the watermark a record is still joined (default 0)
 */
export function intervalMatch(lowerBound: number, upperBound: number, allowedLateness = 0): IntervalMatch {
  return {
    lowerBound,
    upperBound,
    allowedLateness,
    matches: (tl, tr) => tr >= tl + lowerBound && tr <= tl + upperBound,
    rightRangeOf: (tl) => [tl + lowerBound, tl + upperBound],
    leftRangeOf: (tr) => [tr - upperBound, tr - lowerBound],
    leftExpiresAt: (tl) => tl + upperBound + allowedLateness,
    rightExpiresAt: (tr) => tr - lowerBound + allowedLateness,
    leftExpiredBy: (wm) => wm - upperBound - allowedLateness,
    rightExpiredBy: (wm) => wm + lowerBound - allowedLateness,
    unmatchedLeftTime: (tl) => tl + Math.max(0, upperBound),
    unmatchedRightTime: (tr) => tr + Math.max(0, -lowerBound),
  };
}
