import { assertDuration, assertTimestamp } from '../limits';
import type { Window } from '../Window';

/**
 * The session window a single record at `t` opens: `[t, t + gap)`. Sessions are not assigned but
 * merged: the operator adds this window to the key's sessions with {@link mergeSessions}, so a
 * session ends up spanning `[first record, last record + gap)`. Because windows merge only when
 * they overlap, a record extends a session `[s, e)` exactly when `t < e`, i.e. when it comes less
 * than `gap` ms after the session's last record; a record exactly `gap` ms later starts a new
 * session. O(1).
 *
 * @param t - record timestamp, integer epoch ms
 * @param gap - inactivity gap in ms: an integer in 1..MAX_WINDOW_SIZE
 * @throws {@link WindowError} `INVALID_TIMESTAMP` for a bad `t`, `INVALID_ARGUMENT` for a bad gap
 *
 * @example
 * ```ts
 * sessionWindowOf(1_000, 30_000);  // { start: 1_000, end: 31_000 }
 * sessionWindowOf(-5, 10);         // { start: -5, end: 5 }
 * ```
 */
export function sessionWindowOf(t: number, gap: number): Window {
  assertDuration(gap, 'gap', 'sessionWindowOf');
  assertTimestamp(t, 'sessionWindowOf');
  return { start: t, end: t + gap };
}
