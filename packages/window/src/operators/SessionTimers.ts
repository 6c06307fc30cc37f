// Internal: the session engine's pending timers, in memory.
//
// Unlike the aligned and pane engines, sessions keep their timers in memory, not in the store's
// TimerIndex: a session's due time follows from its stored end and flags and the restored
// watermark, so the engine rebuilds them exactly when it loads, and a stored timer would cost a
// store delete and put each time a session's timer moves.

/** What a timer points at: a session, ordered by creation among timers due together. */
export interface TimedSession {
  readonly seq: number;
}

/**
 * A binary min-heap of (due, session) ordered by due time, then the session's creation number,
 * held in two parallel arrays (a push allocates nothing once they have grown). Entries are never
 * removed early: the engine keeps each session's current due time and skips stale entries when
 * they pop. O(log n) per push and pop.
 *
 * @example
 * ```ts
 * const timers = new SessionTimers<Session>();
 * timers.push(s.end - 1, s);
 * while (timers.size > 0 && timers.peekDue() <= wm) { const s = timers.pop(); ... }
 * ```
 */
export class SessionTimers<S extends TimedSession> {
  private readonly dues: number[] = [];
  private readonly sessions: S[] = [];

  get size(): number {
    return this.dues.length;
  }

  /** The earliest due time (+Infinity when empty, which a watermark of +Infinity reaches: check {@link size}). */
  peekDue(): number {
    return this.dues.length > 0 ? this.dues[0]! : Number.POSITIVE_INFINITY;
  }

  push(due: number, session: S): void {
    const dues = this.dues;
    const sessions = this.sessions;
    let i = dues.length;
    dues.push(due);
    sessions.push(session);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(due, session, dues[p]!, sessions[p]!)) break;
      dues[i] = dues[p]!;
      sessions[i] = sessions[p]!;
      i = p;
    }
    dues[i] = due;
    sessions[i] = session;
  }

  /** Removes the earliest entry; its due time is {@link peekDue} read before. Call only when not empty. */
  pop(): S {
    const dues = this.dues;
    const sessions = this.sessions;
    const top = sessions[0]!;
    const due = dues.pop()!;
    const session = sessions.pop()!;
    const n = dues.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && this.less(dues[r]!, sessions[r]!, dues[l]!, sessions[l]!) ? r : l;
      if (!this.less(dues[m]!, sessions[m]!, due, session)) break;
      dues[i] = dues[m]!;
      sessions[i] = sessions[m]!;
      i = m;
    }
    dues[i] = due;
    sessions[i] = session;
    return top;
  }

  private less(aDue: number, a: S, bDue: number, b: S): boolean {
    return aDue < bDue || (aDue === bDue && a.seq < b.seq);
  }
}
