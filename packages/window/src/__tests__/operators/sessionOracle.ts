// Shared helpers of the sessionWindow tests: a driver that feeds elements one at a time and records
// what each one produced, plain batch sessionisation (the ORACLE of the property tests), a
// step-by-step reference model of the session contract, and input generators.
//
// Session contract (the one these helpers encode):
// - a record at t of key k has the window [t, t + gap); sessions of k with s.end > t and
//   s.start < t + gap (overlapping; merely touching windows stay apart) merge with it into
//   [min start, max end);
// - a record at t <= wm - allowedLateness is late (the lateness rule of every operator): it goes to
//   onLate and state is unchanged;
// - 'watermark': fire when wm >= end - 1 (insert, or update for the same identity); extending or
//   merging an emitted session retracts it first; purge when wm >= end - 1 + allowedLateness;
// - an advancing watermark is forwarded, after its results, as wm - allowedLateness (so no result
//   is late downstream); completion forwards +Infinity;
// - 'final': one insert when wm >= end - 1 + allowedLateness;
// - 'changelog': retract of each emitted affected session, then insert, on every change.
import fc from 'fast-check';
import { record, watermark, type StreamElement, type StreamRecord } from '@weir/stream';
import { collect, count, sum, type Aggregate, type EmitMode, type WindowResult } from '@weir/window';

/** The record value every session test uses: a small-alphabet key and an integer. */
export interface Rec {
  readonly k: string;
  readonly v: number;
}

export type Out = StreamElement<WindowResult<string, unknown>>;
export type Row = WindowResult<string, unknown>;

export type AggName = 'count' | 'sum' | 'collect';
export const AGG_NAMES: readonly AggName[] = ['count', 'sum', 'collect'];

/** The library aggregate of a given name over `Rec.v`. */
export function makeAggregate(name: AggName): Aggregate<Rec, unknown, unknown> {
  const aggs: Record<AggName, () => Aggregate<Rec, any, unknown>> = {
    count: () => count<Rec>(),
    sum: () => sum((r: Rec) => r.v),
    collect: () => collect((r: Rec) => r.v),
  };
  return aggs[name]();
}

/** A record as the oracle sees it: value, timestamp, arrival position. */
export interface Added {
  readonly v: number;
  readonly t: number;
  readonly arrival: number;
}

/** Aggregates a session's records, written plainly (collect: by timestamp, ties by arrival). */
export function batchAggregate(name: AggName, recs: readonly Added[]): unknown {
  if (name === 'count') return recs.length;
  if (name === 'sum') {
    let s = 0;
    for (const r of recs) s += r.v;
    return s;
  }
  const sorted = [...recs].sort((a, b) => a.t - b.t || a.arrival - b.arrival);
  return sorted.map((r) => r.v);
}

// ---------------------------------------------------------------------------------------------
// Driver

export { Driver, drive, resultsOf } from './driver';

/** A canonical string of a row, for multiset comparison. */
export const rowString = (r: Row): string => JSON.stringify([r.key, r.start, r.end, r.kind, r.value]);

/** Sorted canonical strings: two outputs are equal as multisets iff these are equal. */
export const multiset = (rows: readonly Row[]): string[] => rows.map(rowString).sort();

/** Applies inserts / updates / retracts to a table keyed by (key, start, end), checking each. */
export function applyChangelog(rows: readonly Row[]): Map<string, unknown> {
  const table = new Map<string, unknown>();
  for (const r of rows) {
    const id = JSON.stringify([r.key, r.start, r.end]);
    if (r.kind === 'insert') {
      if (table.has(id)) throw new Error(`insert of ${id} already in the table`);
      table.set(id, r.value);
    } else if (r.kind === 'update') {
      if (!table.has(id)) throw new Error(`update of ${id} not in the table`);
      table.set(id, r.value);
    } else {
      if (!table.has(id)) throw new Error(`retract of ${id} not in the table`);
      table.delete(id);
    }
  }
  return table;
}

// ---------------------------------------------------------------------------------------------
// ORACLE: batch sessionisation

/** A record with its key, as the batch oracle takes it. */
export interface KeyedAdded extends Added {
  readonly k: string;
}

/**
 * Sessionises records in batch, per key: sort by timestamp, and keep merging while the next
 * record is less than `gap` after the last one (next.t < lastT + gap); a session is
 * [first t, last t + gap). Returns one 'insert' row per session.
 */
export function batchSessions(recs: readonly KeyedAdded[], gap: number, agg: AggName): Row[] {
  const byKey = new Map<string, KeyedAdded[]>();
  for (const r of recs) {
    const list = byKey.get(r.k) ?? [];
    list.push(r);
    byKey.set(r.k, list);
  }
  const rows: Row[] = [];
  for (const [k, list] of byKey) {
    const sorted = [...list].sort((a, b) => a.t - b.t || a.arrival - b.arrival);
    let cur: KeyedAdded[] = [];
    const close = (): void => {
      if (cur.length === 0) return;
      rows.push({ key: k, start: cur[0]!.t, end: cur[cur.length - 1]!.t + gap, value: batchAggregate(agg, cur), kind: 'insert' });
      cur = [];
    };
    for (const r of sorted) {
      if (cur.length > 0 && r.t >= cur[cur.length - 1]!.t + gap) close();
      cur.push(r);
    }
    close();
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Reference model: the contract replayed element by element, with plain arrays

interface ModelSession {
  start: number;
  end: number;
  recs: Added[];
  /** Whether the current identity (start, end) has an emitted result downstream. */
  emitted: boolean;
  /** The last value emitted for this identity. */
  emittedValue: unknown;
  /** Changed since the last emission. */
  dirty: boolean;
}

export interface ModelOptions {
  readonly gap: number;
  readonly allowedLateness: number;
  readonly emit: EmitMode;
  readonly agg: AggName;
}

/** The contract, one element at a time: what each element should emit (as a multiset). */
export class SessionModel {
  wm = Number.NEGATIVE_INFINITY;
  readonly sessions = new Map<string, ModelSession[]>();
  readonly late: Array<{ arrival: number; wm: number; record: StreamRecord<Rec> }> = [];
  readonly accepted: KeyedAdded[] = [];
  #arrival = 0;

  constructor(private readonly o: ModelOptions) {}

  push(el: StreamElement<Rec>): Out[] {
    if (el.kind === 'record') return this.#record(el);
    if (el.kind === 'watermark') {
      if (!(el.timestamp > this.wm)) return [];
      this.wm = el.timestamp;
      return [...this.#fire(), watermark(el.timestamp - this.o.allowedLateness) as Out];
    }
    return [el as Out];
  }

  complete(): Out[] {
    if (this.wm === Number.POSITIVE_INFINITY) return [];
    return this.push(watermark(Number.POSITIVE_INFINITY));
  }

  #value(s: ModelSession): unknown {
    return batchAggregate(this.o.agg, s.recs);
  }

  #row(k: string, s: ModelSession, value: unknown, kind: Row['kind']): Out {
    return record({ key: k, start: s.start, end: s.end, value, kind }, s.end - 1) as Out;
  }

  #record(el: StreamRecord<Rec>): Out[] {
    const { gap, allowedLateness: L, emit } = this.o;
    const arrival = this.#arrival++;
    const t = el.timestamp;
    const k = el.value.k;
    const list = this.sessions.get(k) ?? [];
    const merging = list.filter((s) => s.end > t && s.start < t + gap);
    let start = t;
    let end = t + gap;
    for (const s of merging) {
      start = Math.min(start, s.start);
      end = Math.max(end, s.end);
    }
    if (t <= this.wm - L) {
      // the lateness rule (every merged session then ends after wm - L: end - 1 >= t)
      this.late.push({ arrival, wm: this.wm, record: el });
      return [];
    }
    this.accepted.push({ k, v: el.value.v, t, arrival });
    const out: Out[] = [];
    const same = merging.length === 1 && merging[0]!.start === start && merging[0]!.end === end;
    for (const s of merging) {
      if (s.emitted && (!same || emit === 'changelog')) out.push(this.#row(k, s, s.emittedValue, 'retract'));
    }
    const recs = merging.flatMap((s) => s.recs);
    recs.push({ v: el.value.v, t, arrival });
    const n: ModelSession = {
      start,
      end,
      recs,
      emitted: same && merging[0]!.emitted,
      emittedValue: same ? merging[0]!.emittedValue : undefined,
      dirty: true,
    };
    const rest = list.filter((s) => !merging.includes(s));
    rest.push(n);
    rest.sort((a, b) => a.start - b.start);
    this.sessions.set(k, rest);
    if (emit === 'changelog' || (emit === 'watermark' && end - 1 <= this.wm)) {
      if (emit === 'changelog' && n.emitted) {
        // same identity in changelog: the retract above withdrew it
        n.emitted = false;
      }
      const value = this.#value(n);
      out.push(this.#row(k, n, value, n.emitted ? 'update' : 'insert'));
      n.emitted = true;
      n.emittedValue = value;
      n.dirty = false;
    }
    return out;
  }

  #fire(): Out[] {
    const { allowedLateness: L, emit } = this.o;
    const out: Out[] = [];
    for (const [k, list] of this.sessions) {
      const keep: ModelSession[] = [];
      for (const s of list) {
        const purge = s.end - 1 + L <= this.wm;
        if (emit === 'final' && purge) out.push(this.#row(k, s, this.#value(s), 'insert'));
        if (emit === 'watermark' && s.end - 1 <= this.wm && s.dirty) {
          const value = this.#value(s);
          out.push(this.#row(k, s, value, s.emitted ? 'update' : 'insert'));
          s.emitted = true;
          s.emittedValue = value;
          s.dirty = false;
        }
        if (!purge) keep.push(s);
      }
      if (keep.length === 0) this.sessions.delete(k);
      else this.sessions.set(k, keep);
    }
    return out;
  }
}

/** Per-step multisets of what the model says each element (then completion) emits. */
export function modelSteps(o: ModelOptions, elements: readonly StreamElement<Rec>[]): { steps: Out[][]; model: SessionModel } {
  const model = new SessionModel(o);
  const steps = elements.map((el) => model.push(el));
  steps.push(model.complete());
  return { steps, model };
}

/** A step as a canonical multiset (records as rows, control elements by kind and time). */
export const stepMultiset = (step: readonly Out[]): string[] =>
  step
    .map((el) => (el.kind === 'record' ? `r${el.timestamp}:${rowString(el.value)}` : el.kind === 'watermark' ? `w${el.timestamp}` : `b${el.checkpointId}`))
    .sort();

// ---------------------------------------------------------------------------------------------
// Generated inputs

export interface GenInput {
  readonly elements: StreamElement<Rec>[];
  readonly gap: number;
  readonly allowedLateness: number;
  readonly agg: AggName;
}

/**
 * Records with random keys (small alphabet) and timestamps, arriving out of order (sorted by
 * timestamp plus a random delay), and monotone watermarks (running max minus a random bound;
 * some of them not advancing, which the operator drops) between them.
 */
export const inputArb = (maxRecords = 40): fc.Arbitrary<GenInput> =>
  fc
    .record({
      gap: fc.integer({ min: 1, max: 15 }),
      allowedLateness: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 30 })),
      agg: fc.constantFrom(...AGG_NAMES),
      // dense or sparse timestamps, little or much disorder, watermarks close behind or far
      span: fc.constantFrom(20, 60, 150),
      maxDelay: fc.constantFrom(0, 5, 20, 50),
      maxBound: fc.constantFrom(0, 5, 20),
      explicitEnd: fc.boolean(),
    })
    .chain(({ span, maxDelay, maxBound, ...rest }) =>
      fc
        .array(
          fc.record({
            k: fc.constantFrom('a', 'b', 'c'),
            t: fc.integer({ min: 0, max: span }),
            v: fc.integer({ min: -5, max: 9 }),
            delay: fc.integer({ min: 0, max: maxDelay }),
            wmAfter: fc.option(fc.integer({ min: 0, max: maxBound }), { nil: undefined, freq: 2 }),
          }),
          { maxLength: maxRecords },
        )
        .map((recs) => ({ ...rest, recs })),
    )
    .map(({ gap, allowedLateness, agg, recs, explicitEnd }) => {
      const arrival = recs.map((r, i) => ({ ...r, i })).sort((a, b) => a.t + a.delay - (b.t + b.delay) || a.i - b.i);
      const elements: StreamElement<Rec>[] = [];
      let maxT = Number.NEGATIVE_INFINITY;
      let wm = Number.NEGATIVE_INFINITY;
      for (const r of arrival) {
        elements.push(record({ k: r.k, v: r.v }, r.t));
        maxT = Math.max(maxT, r.t);
        if (r.wmAfter !== undefined) {
          // Usually monotone, sometimes a stale (non-advancing) one the operator must drop.
          const w = maxT - r.wmAfter;
          elements.push(watermark(w >= wm ? w : wm));
          wm = Math.max(wm, w);
        }
      }
      if (explicitEnd) elements.push(watermark(Number.POSITIVE_INFINITY));
      return { elements, gap, allowedLateness, agg };
    });

/** The largest `wm - t` over the records of an input (wm at each record's arrival); -Infinity if none. */
export function maxDisorder(elements: readonly StreamElement<Rec>[]): number {
  let wm = Number.NEGATIVE_INFINITY;
  let d = Number.NEGATIVE_INFINITY;
  for (const el of elements) {
    if (el.kind === 'watermark') wm = Math.max(wm, el.timestamp);
    else if (el.kind === 'record') d = Math.max(d, wm - el.timestamp);
  }
  return d;
}
