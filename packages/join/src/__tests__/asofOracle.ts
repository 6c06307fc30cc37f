// The batch oracle of the as-of join: plain loops over every non-late record, written without
// the operator's rules module.
import type { AsofDirection, AsofJoinType } from '../index';
import { watermarksAtArrival, type Item, type Step } from './joinDriver';

export interface AsofCase {
  readonly direction: AsofDirection;
  /** undefined: unlimited. */
  readonly tolerance: number | undefined;
  readonly type: AsofJoinType;
}

export interface Rec {
  readonly id: string;
  readonly k: number;
  readonly ts: number;
  /** The step it arrived at. */
  readonly step: number;
}

export interface AsofExpectation {
  /** Expected rows `left|right@ts`, sorted. */
  readonly rows: string[];
  readonly lateLeft: string[];
  readonly lateRight: string[];
  readonly lefts: Rec[];
  readonly rights: Rec[];
}

/** Splits a script into its non-late records and the ids of the late ones. */
export function classify(steps: readonly Step<Item, Item>[]): { lefts: Rec[]; rights: Rec[]; lateLeft: string[]; lateRight: string[] } {
  const at = watermarksAtArrival(steps);
  const lefts: Rec[] = [];
  const rights: Rec[] = [];
  const lateLeft: string[] = [];
  const lateRight: string[] = [];
  steps.forEach((s, i) => {
    if (s.el.kind !== 'record') return;
    const v = s.el.value as Item;
    const late = s.el.timestamp <= at[i]!;
    if (s.side === 'left') {
      if (late) lateLeft.push(v.id);
      else lefts.push({ id: v.id, k: v.k, ts: s.el.timestamp, step: i });
    } else if (late) lateRight.push(v.id);
    else rights.push({ id: v.id, k: v.k, ts: s.el.timestamp, step: i });
  });
  return { lefts, rights, lateLeft, lateRight };
}

/** The right record answering left record `l` among `rights` (in arrival order), or undefined. */
export function answer(l: Rec, rights: readonly Rec[], c: AsofCase): Rec | undefined {
  const tol = c.tolerance ?? Infinity;
  let best: Rec | undefined;
  for (const r of rights) {
    if (r.k !== l.k) continue;
    const dist = Math.abs(r.ts - l.ts);
    if (dist > tol) continue;
    if (c.direction === 'backward' && r.ts > l.ts) continue;
    if (c.direction === 'forward' && r.ts < l.ts) continue;
    if (best === undefined) {
      best = r;
      continue;
    }
    const bestDist = Math.abs(best.ts - l.ts);
    // nearer wins; at equal distance the earlier time wins; at the same time the later arrival
    if (dist < bestDist || (dist === bestDist && r.ts <= best.ts)) best = r;
  }
  return best;
}

export function asofOracle(steps: readonly Step<Item, Item>[], c: AsofCase): AsofExpectation {
  const { lefts, rights, lateLeft, lateRight } = classify(steps);
  const rows: string[] = [];
  for (const l of lefts) {
    const r = answer(l, rights, c);
    if (r !== undefined) rows.push(`${l.id}|${r.id}@${l.ts}`);
    else if (c.type === 'left') rows.push(`${l.id}|-@${l.ts}`);
  }
  return { rows: rows.sort(), lateLeft, lateRight, lefts, rights };
}

/**
 * Whether the answer of left record `l` is final at watermark `wm`, given the right records
 * received so far (`rights`, non-late): no right record that can still arrive (time above `wm`)
 * would change it. Brute force: try a right record of `l`'s key at every time in (wm, l + span]
 * (scripts keep times below 100, so `span` = 200 stands for "unlimited").
 */
export function isFinal(l: Rec, rights: readonly Rec[], wm: number, c: AsofCase): boolean {
  if (wm === Infinity) return true;
  const now = answer(l, rights, c);
  const span = Math.min(c.tolerance ?? Infinity, 200);
  const own = rights.filter((r) => r.k === l.k);
  for (let x = Math.max(wm + 1, l.ts - span); x <= l.ts + span; x++) {
    if (answer(l, [...own, { id: '?', k: l.k, ts: x, step: Infinity }], c) !== now) return false;
  }
  return true;
}
