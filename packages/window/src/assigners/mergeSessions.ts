import { describeValue } from '@weir/state';
import type { Window } from '../Window';
import { WindowError } from '../WindowError';

/**
 * The outcome of {@link mergeSessions}.
 *
 * @typeParam W - the type of the existing sessions (any object with `start` and `end`)
 */
export interface SessionMerge<W extends Window = Window> {
  /**
   * The session after adding the new one: the cover of `newSession` and every absorbed session.
   * It is `newSession` itself (same object) when nothing was absorbed.
   */
  readonly merged: Window;
  /**
   * The existing sessions that merge into `merged`, as the same objects and in the order they were
   * passed; the operator deletes their state and folds their accumulators into the merged one.
   * Empty when `newSession` starts a session of its own.
   */
  readonly absorbed: W[];
}

/**
 * Merges a new session window into a key's existing sessions (Flink's `MergingWindowAssigner`
 * step for session windows, as a pure function): returns which existing sessions merge with
 * `newSession` and the merged window.
 *
 * Merge rule: two sessions merge when they overlap, `a.start < b.end && b.start < a.end`. Sessions
 * that only touch (`[0, 5)` and `[5, 9)`) stay apart. With `newSession = sessionWindowOf(t, gap)`,
 * a record at `t` extends a session `[s, e)` when `t < e`. This differs from Flink, whose
 * `TimeWindow.intersects` also merges touching windows (`t <= e`); overlap-only is what makes
 * half-open windows consistent with firing at {@link maxTimestamp}: once the watermark reaches
 * `e - 1` and the session `[s, e)` fires, no on-time record (`t > e - 1`, so `t >= e`) can extend it.
 *
 * Merging is transitive: a session absorbed into the merged window can pull in further sessions
 * that overlap the grown window, so the result is the same whatever the order of `sessions`.
 *
 * The session window operator ({@link sessionWindow}) merges every record through this function,
 * passing its own session objects (a key's sessions in start order); `absorbed` hands them back.
 *
 * Cost: one pass, O(n), when the existing sessions are in start order and do not overlap each
 * other (the operator's invariant); at most n passes, O(n²), otherwise. Allocates the `absorbed`
 * array and, if anything merged, the new window.
 *
 * @typeParam W - the type of the existing sessions: any object with `start` and `end`
 *
 * @param sessions - the key's current sessions (normally pairwise non-overlapping), any order
 * @param newSession - the window to add, usually {@link sessionWindowOf}(t, gap)
 * @throws {@link WindowError} `INVALID_ARGUMENT` if `newSession` is not a non-empty window of
 *   integers
 *
 * @example
 * ```ts
 * const sessions = [{ start: 0, end: 10 }, { start: 20, end: 30 }];
 * mergeSessions(sessions, { start: 8, end: 22 });
 * // { merged: { start: 0, end: 30 }, absorbed: [sessions[0], sessions[1]] }
 * mergeSessions(sessions, { start: 10, end: 15 });
 * // { merged: { start: 10, end: 15 }, absorbed: [] }   (touching, not overlapping)
 * ```
 */
export function mergeSessions<W extends Window>(sessions: readonly W[], newSession: Window): SessionMerge<W> {
  const { start, end } = newSession;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || !(start < end)) throw badSession(newSession);
  // One pass takes every session overlapping the window as it grows; it is the whole merge unless
  // the window grew over the span of sessions passed over before (one may overlap it now), which
  // never happens when the sessions are in start order and apart. Small, so callers inline it.
  let lo = start;
  let hi = end;
  let first = -1;
  let last = -1;
  let count = 0;
  let passedStart = Number.POSITIVE_INFINITY;
  let passedEnd = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < sessions.length; i++) {
    const s = sessions[i]!;
    if (!(s.start < hi && lo < s.end)) {
      if (s.start < passedStart) passedStart = s.start;
      if (s.end > passedEnd) passedEnd = s.end;
      continue;
    }
    if (count++ === 0) first = i;
    last = i;
    if (s.start < lo || s.end > hi) {
      if (s.start < lo) lo = s.start;
      if (s.end > hi) hi = s.end;
      if (passedStart < hi && lo < passedEnd) return mergeToFixpoint(sessions, newSession);
    }
  }
  if (count === 0) return { merged: newSession, absorbed: [] };
  // Without a further pass, the absorbed sessions are exactly those overlapping the merged window:
  // usually a run of neighbours, copied at once.
  const absorbed = last - first + 1 === count ? sessions.slice(first, last + 1) : sessions.filter((s) => s.start < hi && lo < s.end);
  return { merged: { start: lo, end: hi }, absorbed };
}

/** The general case of {@link mergeSessions}: passes until the merged window stops growing. */
function mergeToFixpoint<W extends Window>(sessions: readonly W[], newSession: Window): SessionMerge<W> {
  let lo = newSession.start;
  let hi = newSession.end;
  const taken = new Array<boolean>(sessions.length).fill(false);
  for (let grew = true; grew; ) {
    grew = false;
    for (let i = 0; i < sessions.length; i++) {
      const s = sessions[i]!;
      if (taken[i] || !(s.start < hi && lo < s.end)) continue;
      taken[i] = true;
      if (s.start < lo || s.end > hi) {
        lo = Math.min(lo, s.start);
        hi = Math.max(hi, s.end);
        grew = true;
      }
    }
  }
  return { merged: { start: lo, end: hi }, absorbed: sessions.filter((_, i) => taken[i]) };
}

function badSession(newSession: Window): WindowError {
  return new WindowError(
    'INVALID_ARGUMENT',
    `mergeSessions: newSession must have integer bounds with start < end, got ` +
      `[${describeValue(newSession.start)}, ${describeValue(newSession.end)})`,
    newSession,
  );
}
