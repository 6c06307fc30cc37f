import fc from 'fast-check';
import { mergeSessions } from '../../assigners/mergeSessions';
import { sessionWindowOf } from '../../assigners/sessionWindowOf';
import type { Window } from '../../Window';
import { compareWindows } from '../../Window';
import { WindowError } from '../../WindowError';

/**
 * Plain oracle on sets of integer instants: two windows merge when some instant lies in both;
 * grow the group of newSession until nothing more joins.
 */
function oracle(sessions: readonly Window[], fresh: Window): { merged: Window; absorbed: Window[] } {
  const instants = (w: Window): Set<number> => {
    const s = new Set<number>();
    for (let t = w.start; t < w.end; t++) s.add(t);
    return s;
  };
  const group = instants(fresh);
  const inGroup = sessions.map(() => false);
  let changed = true;
  while (changed) {
    changed = false;
    sessions.forEach((w, i) => {
      if (inGroup[i]) return;
      const mine = instants(w);
      if ([...mine].some((t) => group.has(t))) {
        inGroup[i] = true;
        mine.forEach((t) => group.add(t));
        changed = true;
      }
    });
  }
  const absorbed = sessions.filter((_, i) => inGroup[i]);
  const all = [fresh, ...absorbed];
  return {
    merged: { start: Math.min(...all.map((w) => w.start)), end: Math.max(...all.map((w) => w.end)) },
    absorbed,
  };
}

/** Sessionise records the obvious way: sort, cut where consecutive records are gap or more apart. */
function sessionsOf(records: number[], gap: number): Window[] {
  const sorted = [...records].sort((a, b) => a - b);
  const out: Window[] = [];
  for (const t of sorted) {
    const last = out[out.length - 1];
    if (last && t < last.end) out[out.length - 1] = { start: last.start, end: Math.max(last.end, t + gap) };
    else out.push({ start: t, end: t + gap });
  }
  return out;
}

const smallWindow = fc
  .tuple(fc.integer({ min: -30, max: 30 }), fc.integer({ min: 1, max: 12 }))
  .map(([start, len]): Window => ({ start, end: start + len }));

describe('mergeSessions', () => {
  const sessions: Window[] = [
    { start: 0, end: 10 },
    { start: 20, end: 30 },
  ];

  it('merges every session the new one overlaps, returning the same objects in input order', () => {
    const r = mergeSessions(sessions, { start: 8, end: 22 });
    expect(r.merged).toEqual({ start: 0, end: 30 });
    expect(r.absorbed).toHaveLength(2);
    expect(r.absorbed[0]).toBe(sessions[0]);
    expect(r.absorbed[1]).toBe(sessions[1]);
  });

  it('extends one session on either side', () => {
    expect(mergeSessions(sessions, { start: 9, end: 15 })).toEqual({ merged: { start: 0, end: 15 }, absorbed: [sessions[0]] });
    expect(mergeSessions(sessions, { start: 15, end: 21 })).toEqual({ merged: { start: 15, end: 30 }, absorbed: [sessions[1]] });
    expect(mergeSessions(sessions, { start: -5, end: 1 })).toEqual({ merged: { start: -5, end: 10 }, absorbed: [sessions[0]] });
  });

  it('a session inside an existing one yields the existing bounds', () => {
    expect(mergeSessions(sessions, { start: 2, end: 3 })).toEqual({ merged: { start: 0, end: 10 }, absorbed: [sessions[0]] });
  });

  it('touching is not overlapping: a record exactly gap after the last starts a new session', () => {
    const fresh = { start: 10, end: 15 };
    const r = mergeSessions(sessions, fresh);
    expect(r.absorbed).toEqual([]);
    expect(r.merged).toBe(fresh);
    expect(mergeSessions(sessions, { start: 15, end: 20 }).absorbed).toEqual([]);
    // gap 10: records at 0 and 10 are two sessions, at 0 and 9 one
    expect(mergeSessions([sessionWindowOf(0, 10)], sessionWindowOf(10, 10)).absorbed).toEqual([]);
    expect(mergeSessions([sessionWindowOf(0, 10)], sessionWindowOf(9, 10)).merged).toEqual({ start: 0, end: 19 });
  });

  it('no sessions yet: the new session stands alone', () => {
    const fresh = { start: -3, end: 4 };
    expect(mergeSessions([], fresh)).toEqual({ merged: fresh, absorbed: [] });
  });

  it('merging is transitive even over overlapping input', () => {
    const messy = [
      { start: 14, end: 40 },
      { start: 0, end: 12 },
      { start: 11, end: 15 },
    ];
    expect(mergeSessions(messy, { start: 13, end: 14 })).toEqual({ merged: { start: 0, end: 40 }, absorbed: messy });
  });

  it('rejects a malformed new session', () => {
    for (const bad of [{ start: 5, end: 5 }, { start: 6, end: 5 }, { start: 0, end: NaN }, { start: 0.5, end: 2 }]) {
      expect(() => mergeSessions(sessions, bad)).toThrow(WindowError);
    }
    expect(() => mergeSessions(sessions, { start: 5, end: 5 })).toThrow(/^mergeSessions: newSession must .* got \[number 5, number 5\)$/);
  });

  it('property: matches a brute-force connected-component oracle on instant sets', () => {
    fc.assert(
      fc.property(fc.array(smallWindow, { maxLength: 8 }), smallWindow, (existing, fresh) => {
        const r = mergeSessions(existing, fresh);
        const o = oracle(existing, fresh);
        expect(r.merged).toEqual(o.merged);
        expect(r.absorbed).toEqual(o.absorbed);
        r.absorbed.forEach((w, i) => expect(w).toBe(o.absorbed[i]));
      }),
      { numRuns: 1000 },
    );
  });

  it('property: folding records through mergeSessions in any order gives the sorted-scan sessions', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1_000, max: 1_000 }), { maxLength: 40 }), fc.integer({ min: 1, max: 200 }), (records, gap) => {
        let state: Window[] = [];
        for (const t of records) {
          const { merged, absorbed } = mergeSessions(state, sessionWindowOf(t, gap));
          state = [...state.filter((w) => !absorbed.includes(w)), merged];
          // invariant: sessions never overlap
          const sorted = [...state].sort(compareWindows);
          sorted.forEach((w, i) => i > 0 && expect(w.start).toBeGreaterThanOrEqual(sorted[i - 1]!.end));
        }
        expect([...state].sort(compareWindows)).toEqual(sessionsOf(records, gap));
      }),
      { numRuns: 500 },
    );
  });
});
