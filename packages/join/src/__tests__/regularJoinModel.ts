// Test support for regularJoin: generated scripts of table / stream changes on both sides, the
// batch join of the final tables (the reference model), and the changelog applied.
import fc from 'fast-check';
import type { Subject } from 'rxjs';
import type { StateStore } from '@weir/state';
import { applyChanges, type Change, type CheckpointHook, type StreamElement } from '@weir/stream';
import { regularJoin, type RegularJoinOperator, type RegularJoinType } from '../index';
import type { Step } from './joinDriver';

/** One input value: its primary key `pk`, join key `k`, a payload `v`, maybe a delete. */
export interface Val {
  readonly pk: number;
  readonly k: number;
  readonly v: number;
  readonly del?: true;
}
export type Row = { readonly left: Val | null; readonly right: Val | null };
export type Out = Change<Row>;

/** One generated configuration: join type and which sides are tables (with a primary key). */
export interface Config {
  readonly type: RegularJoinType;
  readonly leftPk: boolean;
  readonly rightPk: boolean;
}

export const configArb: fc.Arbitrary<Config> = fc.record({
  type: fc.constantFrom<RegularJoinType>('inner', 'left', 'right', 'full'),
  leftPk: fc.boolean(),
  rightPk: fc.boolean(),
});

export function makeJoin(c: Config, ttl: number, extra: { keyGroups?: number; checkpoint?: CheckpointHook } = {}) {
  return (right$: Subject<StreamElement<Val>>, store: StateStore, checkpoint?: CheckpointHook): RegularJoinOperator<Val, Out> =>
    regularJoin<Val, Val, RegularJoinType>(right$, {
      store,
      name: 'j',
      type: c.type,
      ttl,
      left: c.leftPk ? { key: (v) => v.k, primaryKey: (v) => v.pk, isDelete: (v) => v.del === true } : { key: (v) => v.k },
      right: c.rightPk ? { key: (v) => v.k, primaryKey: (v) => v.pk, isDelete: (v) => v.del === true } : { key: (v) => v.k },
      ...(extra.keyGroups === undefined ? {} : { keyGroups: extra.keyGroups }),
      ...(checkpoint === undefined ? {} : { checkpoint }),
    }) as never;
}

/**
 * Records at times from `from` on, in time order (ties allowed), each side's watermark following
 * 3 ms behind (so no record is late), small keys so rows meet and replace each other. `del` only
 * matters on a table side (a value with it deletes its row there, and is a plain row on a stream
 * side: the script drops it there).
 */
export function changesArb(c: Config, from: number, maxLength = 40): fc.Arbitrary<Step<Val, Val>[]> {
  const op = fc.record({
    side: fc.constantFrom('left' as const, 'right' as const),
    pk: fc.integer({ min: 0, max: 3 }),
    k: fc.integer({ min: 0, max: 2 }),
    v: fc.integer({ min: 0, max: 3 }),
    del: fc.integer({ min: 0, max: 4 }).map((d) => d === 0),
    dt: fc.integer({ min: 0, max: 2 }),
    wm: fc.boolean(),
  });
  return fc.array(op, { maxLength, size: 'max' }).map((ops) => {
    let t = from;
    const steps: Step<Val, Val>[] = [];
    for (const o of ops) {
      t += o.dt;
      const table = o.side === 'left' ? c.leftPk : c.rightPk;
      // a table's join key is a function of its primary key here (the common case: q3's persons)
      const k = table ? o.pk % 3 : o.k;
      const value: Val = table && o.del ? { pk: o.pk, k, v: o.v, del: true } : { pk: o.pk, k, v: o.v };
      steps.push({ side: o.side, el: { kind: 'record', value, timestamp: t } });
      if (o.wm) steps.push({ side: o.side, el: { kind: 'watermark', timestamp: t - 3 } });
    }
    return steps;
  });
}

/** The rows of each side after `steps`, starting from `start` (tables keyed by join key and pk). */
export function finalTables(c: Config, steps: readonly Step<Val, Val>[]): { left: Val[]; right: Val[] } {
  const side = (name: 'left' | 'right', pk: boolean): Val[] => {
    const values = steps.flatMap((s) => (s.side === name && s.el.kind === 'record' ? [s.el.value as Val] : []));
    if (!pk) return values;
    const table = new Map<string, Val>();
    for (const v of values) {
      const id = `${v.k}|${v.pk}`;
      if (v.del) table.delete(id);
      else table.set(id, v);
    }
    return [...table.values()];
  };
  return { left: side('left', c.leftPk), right: side('right', c.rightPk) };
}

/** The batch join of two tables, as sorted JSON rows. */
export function batchJoin(type: RegularJoinType, left: readonly Val[], right: readonly Val[]): string[] {
  const out: Row[] = [];
  const matchedRight = new Set<Val>();
  for (const l of left) {
    let any = false;
    for (const r of right) {
      if (l.k !== r.k) continue;
      any = true;
      matchedRight.add(r);
      out.push({ left: l, right: r });
    }
    if (!any && (type === 'left' || type === 'full')) out.push({ left: l, right: null });
  }
  if (type === 'right' || type === 'full') for (const r of right) if (!matchedRight.has(r)) out.push({ left: null, right: r });
  return out.map((r) => JSON.stringify(r)).sort();
}

/** The result a changelog describes, as sorted JSON rows (a row present n times appears n times). */
export function applied(out: readonly StreamElement<Out>[]): string[] {
  const changes = out.flatMap((el) => (el.kind === 'record' ? [el.value] : []));
  const result = applyChanges(changes, (r) => JSON.stringify(r));
  return [...result.values()].flatMap(({ row, count }) => Array<string>(count).fill(JSON.stringify(row))).sort();
}

/**
 * A step-by-step model of the join with TTL expiry, over plain arrays: each row with its last
 * write time and match count; a record changes the result by the rule of regularJoin's TSDoc, a
 * watermark (the minimum of both sides') drops the rows past their ttl, silently. Returns the
 * result the changelog describes, as sorted JSON rows.
 */
export function ttlModel(c: Config, ttl: number, steps: readonly Step<Val, Val>[]): string[] {
  interface Held {
    value: Val;
    t: number;
    n: number;
  }
  const held: Record<'left' | 'right', Held[]> = { left: [], right: [] };
  const result = new Map<string, number>();
  const put = (row: Row, d: number): void => {
    const k = JSON.stringify(row);
    const n = (result.get(k) ?? 0) + d;
    if (n < 0) throw new Error(`model: retraction of an absent row ${k}`);
    if (n === 0) result.delete(k);
    else result.set(k, n);
  };
  const outerOf = (side: 'left' | 'right'): boolean => c.type === 'full' || c.type === side;
  const wm = { left: -Infinity, right: -Infinity };
  for (const s of steps) {
    if (s.el.kind === 'watermark') {
      wm[s.side] = Math.max(wm[s.side], s.el.timestamp);
      const w = Math.min(wm.left, wm.right);
      for (const side of ['left', 'right'] as const) held[side] = held[side].filter((h) => h.t + ttl > w);
      continue;
    }
    if (s.el.kind !== 'record') continue;
    const me = s.side;
    const other = me === 'left' ? 'right' : 'left';
    const v = s.el.value as Val;
    const table = me === 'left' ? c.leftPk : c.rightPk;
    const pair = (mine: Val | null, theirs: Val | null): Row => (me === 'left' ? { left: mine, right: theirs } : { left: theirs, right: mine });
    const oldAt = table ? held[me].findIndex((h) => h.value.k === v.k && h.value.pk === v.pk) : -1;
    const old = oldAt >= 0 ? held[me][oldAt]! : undefined;
    const del = table && v.del === true;
    if (del && old === undefined) continue;
    const partners = held[other].filter((h) => h.value.k === v.k);
    if (old !== undefined && outerOf(me) && old.n === 0) put(pair(old.value, null), -1);
    const delta = (old === undefined ? 0 : -1) + (del ? 0 : 1);
    for (const p of partners) {
      if (delta > 0 && outerOf(other) && p.n === 0) put(pair(null, p.value), -1);
      if (old !== undefined) put(pair(old.value, p.value), -1);
      if (!del) put(pair(v, p.value), +1);
      if (outerOf(other)) {
        p.n += delta;
        if (delta !== 0 && p.n === 0) put(pair(null, p.value), +1);
      }
    }
    if (!del && outerOf(me) && partners.length === 0) put(pair(v, null), +1);
    if (old !== undefined) held[me].splice(oldAt, 1);
    if (!del) held[me].push({ value: v, t: s.el.timestamp, n: partners.length });
  }
  return [...result].flatMap(([k, n]) => Array<string>(n).fill(k)).sort();
}
