/**
 * Which right record an as-of join looks for, seen from a left record at time `t`:
 * - `backward`: the latest right record at or before `t` (the quote in force when a trade happened);
 * - `forward`: the earliest right record at or after `t` (the first reading after an event);
 * - `nearest`: the closest right record either way; on a tie in distance the earlier one (the
 *   `backward` candidate) wins.
 */
export type AsofDirection = 'backward' | 'forward' | 'nearest';

/**
 * The pure rules of an as-of join with a direction and a tolerance, as the operator
 * {@link asofJoin} applies them. Times are integer epoch milliseconds; a right record at `tr`
 * more than `tolerance` ms away from the left record's time `t` (`|t - tr| > tolerance`) is never
 * chosen. Among right records with the same time, the one that arrived last is the candidate for
 * that time (the operator keeps one right record per key and time). Every function is O(1)
 * except {@link AsofMatch.pick}, which is O(n) in its candidates.
 *
 * @example
 * ```ts
 * const m = asofMatch('nearest', 5_000);
 * m.pick(10_000, [4_000, 8_000, 12_000, 20_000]); // 1: 8000 and 12000 are both 2 s away, the earlier wins
 * m.choose(10_000, 8_000, 11_000);              // 'after': 11000 is closer
 * m.choose(10_000, 4_000, undefined);           // undefined: 4000 is 6 s away, beyond the tolerance
 * m.finalAt(10_000, 8_000, undefined);          // 11999: only a right record in (10000, 11999] could
 *                                               // still beat 8000; at watermark 11999 none can come
 * ```
 */
export interface AsofMatch {
  readonly direction: AsofDirection;
  /** The tolerance in ms; `Infinity` when unlimited. */
  readonly tolerance: number;
  /**
   * Whether a right record at `tr` may answer a left record at `t` at all: on the direction's
   * side of `t` (or at `t`), and at most `tolerance` ms away.
   */
  accepts(t: number, tr: number): boolean;
  /**
   * Chooses between `before`, the latest right time at or before `t`, and `after`, the earliest
   * right time at or after `t` (either `undefined` when there is none; both equal `t` when a right
   * record is at `t`). Returns which one answers the left record, or `undefined` when neither
   * does (none on the direction's side, or beyond the tolerance). A right record exactly at `t`
   * (both `before` and `after`) is `'after'` for `forward`, `'before'` otherwise.
   */
  choose(t: number, before: number | undefined, after: number | undefined): 'before' | 'after' | undefined;
  /**
   * Picks, among candidate right times listed in arrival order, the index of the one that answers
   * a left record at `t`, or -1. Of several candidates with the same time the last listed (the
   * latest arrival) is picked. O(n).
   */
  pick(t: number, times: readonly number[]): number;
  /**
   * The watermark at which the answer for a left record at `t` is final, given the right times
   * `before` and `after` held now (as in {@link AsofMatch.choose}). Right records at or below the
   * watermark are late, so once the watermark reaches this time no right record that can still
   * arrive changes the answer:
   * - `backward`: `t`;
   * - `forward`: `min(t + tolerance, after)`;
   * - `nearest`: `max(t, min(t + tolerance, after, t + d - 1))` where `d = t - before` when
   *   `before` is within the tolerance: once the backward candidate is final (watermark `t`), only
   *   a right record strictly closer than `d` could beat it, and ties go to it.
   *
   * `Infinity` when only the end of input makes it final (unlimited tolerance and nothing at or
   * after `t` yet). Held right records only ever move `before` and `after` closer to `t`, so this
   * time only ever decreases as right records arrive.
   */
  finalAt(t: number, before: number | undefined, after: number | undefined): number;
}

/**
 * The rules of an as-of join (see {@link AsofMatch}).
 *
 * @param direction - which right record a left record looks for
 * @param tolerance - the largest distance in ms a chosen right record may have; default unlimited
 *   (`Infinity`). The operator checks it is a non-negative integer.
 */
export function asofMatch(direction: AsofDirection, tolerance = Number.POSITIVE_INFINITY): AsofMatch {
  const backward = direction !== 'forward';
  const forward = direction !== 'backward';
  const near = (t: number, tr: number): boolean => Math.abs(t - tr) <= tolerance;
  const choose = (t: number, before: number | undefined, after: number | undefined): 'before' | 'after' | undefined => {
    const b = backward && before !== undefined && near(t, before);
    const a = forward && after !== undefined && near(t, after);
    if (b && a) return t - before! <= after! - t ? 'before' : 'after';
    return b ? 'before' : a ? 'after' : undefined;
  };
  return {
    direction,
    tolerance,
    accepts: (t, tr) => near(t, tr) && (tr === t || (tr < t ? backward : forward)),
    choose,
    pick(t, times) {
      // The latest arrival at the nearest time on each side, then the rule of `choose`.
      let before = -1;
      let after = -1;
      times.forEach((tr, i) => {
        if (tr <= t && (before < 0 || tr >= times[before]!)) before = i;
        if (tr >= t && (after < 0 || tr <= times[after]!)) after = i;
      });
      const which = choose(t, before < 0 ? undefined : times[before], after < 0 ? undefined : times[after]);
      // A candidate at `t` itself is both: the latest arrival of that time is the one picked.
      return which === 'before' ? before : which === 'after' ? after : -1;
    },
    finalAt(t, before, after) {
      if (direction === 'backward') return t;
      let at = Math.min(t + tolerance, after ?? Number.POSITIVE_INFINITY);
      if (direction === 'nearest') {
        if (before !== undefined && near(t, before)) at = Math.min(at, 2 * t - before - 1);
        at = Math.max(t, at);
      }
      return at;
    },
  };
}
