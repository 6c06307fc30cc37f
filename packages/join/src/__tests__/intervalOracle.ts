// The batch oracle of the interval join: plain nested loops over every non-late record.
import type { IntervalJoinType } from '../index';
import { watermarksAtArrival, type Item, type Step } from './joinDriver';

export interface IntervalCase {
  readonly lower: number;
  readonly upper: number;
  readonly lateness: number;
  readonly type: IntervalJoinType;
}

interface Rec {
  readonly id: string;
  readonly k: number;
  readonly ts: number;
}

export interface IntervalExpectation {
  /** Expected rows `left|right@ts`, sorted; semi rows without the timestamp (`l3|-@?`). */
  readonly rows: string[];
  /** For semi rows: the timestamps each left id may carry (max of its time and a match's). */
  readonly semiTimes: Map<string, Set<number>>;
  readonly lateLeft: string[];
  readonly lateRight: string[];
  /** Every non-late record by id, for timing checks. */
  readonly byId: Map<string, Rec>;
}

export function intervalOracle(steps: readonly Step<Item, Item>[], c: IntervalCase): IntervalExpectation {
  const at = watermarksAtArrival(steps);
  const L: Rec[] = [];
  const R: Rec[] = [];
  const lateLeft: string[] = [];
  const lateRight: string[] = [];
  steps.forEach((s, i) => {
    if (s.el.kind !== 'record') return;
    const v = s.el.value as Item;
    const rec = { id: v.id, k: v.k, ts: s.el.timestamp };
    const late = rec.ts <= at[i]! - c.lateness;
    if (late) (s.side === 'left' ? lateLeft : lateRight).push(v.id);
    else (s.side === 'left' ? L : R).push(rec);
  });
  const matches = (l: Rec, r: Rec): boolean => l.k === r.k && r.ts >= l.ts + c.lower && r.ts <= l.ts + c.upper;
  const rows: string[] = [];
  const semiTimes = new Map<string, Set<number>>();
  const pairs = c.type === 'inner' || c.type === 'left' || c.type === 'right' || c.type === 'full';
  for (const l of L) {
    let any = false;
    for (const r of R) {
      if (!matches(l, r)) continue;
      any = true;
      if (pairs) rows.push(`${l.id}|${r.id}@${Math.max(l.ts, r.ts)}`);
      if (c.type === 'semi') {
        const times = semiTimes.get(l.id) ?? new Set<number>();
        semiTimes.set(l.id, times.add(Math.max(l.ts, r.ts)));
      }
    }
    if (c.type === 'semi' && any) rows.push(`${l.id}|-@?`);
    if ((c.type === 'left' || c.type === 'full' || c.type === 'anti') && !any) rows.push(`${l.id}|-@${l.ts + Math.max(0, c.upper)}`);
  }
  if (c.type === 'right' || c.type === 'full') {
    for (const r of R) {
      if (!L.some((l) => matches(l, r))) rows.push(`-|${r.id}@${r.ts + Math.max(0, -c.lower)}`);
    }
  }
  const byId = new Map<string, Rec>();
  for (const rec of [...L, ...R]) byId.set(rec.id, rec);
  return { rows: rows.sort(), semiTimes, lateLeft, lateRight, byId };
}
