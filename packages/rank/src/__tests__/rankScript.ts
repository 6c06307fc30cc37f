// Shared by the rank tests: random scripts of records (key k, score p) and watermarks, a driver
// that runs one through an operator on a store, and the batch models the operators must equal.
import fc from 'fast-check';
import { StateSnapshot, type StateStore } from '@weir/state';
import { applyChanges, barrier, type Change, type StreamElement, type StreamRecord } from '@weir/stream';
import { ScriptDriver, eventScriptArb, type ScriptStep } from '@weir/stream/testing';
import type { RankOperator } from '../index';

/** A record's value: its identity, key and score (few distinct scores, so ties are common). */
export interface Item {
  readonly id: string;
  readonly k: number;
  readonly p: number;
}

export interface Step {
  readonly el: StreamElement<Item>;
}

/** Scripts of records (keys 0..keys-1, times 0..maxTs, out of order) and rising watermarks. */
export const scriptArb = (o: { keys?: number; maxTs?: number; maxLength?: number } = {}): fc.Arbitrary<Step[]> =>
  fc.tuple(eventScriptArb({ keys: o.keys ?? 4, maxTs: o.maxTs ?? 40, maxLength: o.maxLength ?? 60 }), fc.array(fc.nat(4), { minLength: 60, maxLength: 60 })).map(([steps, scores]) =>
    steps.map((s: ScriptStep, i): Step => (s.el.kind === 'record' ? { el: { ...s.el, value: { ...s.el.value, p: scores[i % scores.length]! } } } : { el: s.el as StreamElement<Item> })),
  );

export const isRecord = <T>(el: StreamElement<T>): el is StreamRecord<T> => el.kind === 'record';

/** Output records as `json@ts` strings. */
export const shown = (out: readonly StreamElement<unknown>[]): string[] => out.filter(isRecord).map((r) => `${JSON.stringify(r.value)}@${r.timestamp}`);

export interface Run<O> {
  readonly out: StreamElement<O>[];
  readonly snap: StateSnapshot | undefined;
  readonly error: unknown;
}

/**
 * Runs `steps` through the operator `make` builds on `store`: then a barrier and a stop (a worker
 * stopped at a checkpoint, `snap` its state encoded and decoded), or the end of input.
 */
export function run<O>(make: (store: StateStore) => RankOperator<Item, O>, store: StateStore, steps: readonly Step[], stopAtBarrier: boolean): Run<O> {
  const d = new ScriptDriver(1, ([input]) => input!.pipe(make(store) as never));
  for (const s of steps) d.push({ input: 0, el: s.el as never });
  let snap: StateSnapshot | undefined;
  if (stopAtBarrier) {
    d.push({ input: 0, el: barrier(1) });
    snap = StateSnapshot.decode(store.snapshot().encode());
    d.stop();
  } else d.complete();
  return { out: d.out as StreamElement<O>[], snap, error: d.error };
}

/** What the models see of a script: the records that are not late, with the watermark before each. */
function* admitted(steps: readonly Step[], lateness: number, final: boolean): Generator<{ wm: number; rec?: StreamRecord<Item> }> {
  let wm = Number.NEGATIVE_INFINITY;
  for (const { el } of steps) {
    if (el.kind === 'watermark') {
      if (el.timestamp > wm) {
        wm = el.timestamp;
        yield { wm };
      }
    } else if (el.kind === 'record' && el.timestamp > wm - lateness) yield { wm, rec: el };
  }
  if (final) yield { wm: Number.POSITIVE_INFINITY };
}

/** The batch model of deduplicate: its exact output, as `json@ts` strings. */
export function dedupModel(steps: readonly Step[], keep: 'first' | 'last', ttl: number | undefined, lateness: number, final: boolean): string[] {
  const kept = new Map<number, StreamRecord<Item>>();
  const out: string[] = [];
  const emit = (v: unknown, ts: number): number => out.push(`${JSON.stringify(v)}@${ts}`);
  for (const { wm, rec } of admitted(steps, lateness, final)) {
    if (rec === undefined) {
      if (ttl !== undefined) for (const [k, r] of kept) if (r.timestamp + ttl <= wm) kept.delete(k);
      continue;
    }
    const prev = kept.get(rec.value.k);
    if (keep === 'first') {
      if (prev === undefined) {
        kept.set(rec.value.k, rec);
        emit(rec.value, rec.timestamp);
      }
    } else if (prev === undefined || rec.timestamp >= prev.timestamp) {
      kept.set(rec.value.k, rec);
      if (prev !== undefined) emit({ kind: 'retract', row: prev.value }, rec.timestamp);
      emit({ kind: 'insert', row: rec.value }, rec.timestamp);
    }
  }
  return out;
}

/** The batch top-n: per key, the admitted records stably sorted by `compare` (ties in arrival order), the first n. As sorted ids. */
export function topNModel(steps: readonly Step[], n: number, compare: (a: Item, b: Item) => number, lateness: number): string[] {
  const byKey = new Map<number, Item[]>();
  for (const { rec } of admitted(steps, lateness, false)) {
    if (rec === undefined) continue;
    const rows = byKey.get(rec.value.k) ?? [];
    rows.push(rec.value);
    byKey.set(rec.value.k, rows);
  }
  const ids: string[] = [];
  for (const rows of byKey.values()) ids.push(...[...rows].sort(compare).slice(0, n).map((r) => r.id));
  return ids.sort();
}

/** The result a changelog describes (applyChanges of @weir/stream), as sorted ids; each row must be in it once. */
export function materialized(changes: readonly Change<Item>[]): string[] {
  const result = applyChanges(changes, (r) => r.id);
  for (const [id, { count }] of result) if (count !== 1) throw new Error(`${id} is in the result ${count} times`);
  return [...result.keys()].sort();
}

/** The exact output of topN (with expiry), as `json@ts` strings. */
export function topNOutputModel(steps: readonly Step[], n: number, compare: (a: Item, b: Item) => number, ttl: number | undefined, lateness: number): string[] {
  const tops = new Map<number, { rows: Item[]; changed: number }>();
  const out: string[] = [];
  for (const { wm, rec } of admitted(steps, lateness, true)) {
    if (rec === undefined) {
      if (ttl !== undefined) for (const [k, t] of tops) if (t.changed + ttl <= wm) tops.delete(k);
      continue;
    }
    const t = tops.get(rec.value.k) ?? { rows: [], changed: rec.timestamp };
    let i = 0;
    while (i < t.rows.length && compare(rec.value, t.rows[i]!) >= 0) i++;
    if (i >= n) continue;
    t.rows.splice(i, 0, rec.value);
    t.changed = Math.max(t.changed, rec.timestamp);
    tops.set(rec.value.k, t);
    if (t.rows.length > n) out.push(`${JSON.stringify({ kind: 'retract', row: t.rows.pop() })}@${rec.timestamp}`);
    out.push(`${JSON.stringify({ kind: 'insert', row: rec.value })}@${rec.timestamp}`);
  }
  return out;
}
