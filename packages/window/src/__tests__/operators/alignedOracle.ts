// Shared helpers of the aligned-window operator tests (tumbling, hopping, cumulative, calendar):
// a driver that feeds elements one at a time and records what each one produced, plain window
// assignment and aggregation written independently of the library, and ORACLE: a replay of the
// contract (docs/architecture.md §2-3 and the operator docs) that says, element by element,
// what the operator must emit.
import fc from 'fast-check';
import { record, watermark, type StreamElement, type StreamRecord } from '@weir/stream';
import type { StateStore } from '@weir/state';
import type { CheckpointHook } from '@weir/stream';
import {
  avg,
  calendarWindow,
  collect,
  count,
  cumulativeWindow,
  first,
  hoppingWindow,
  last,
  max,
  min,
  sum,
  tumblingWindow,
  type Aggregate,
  type EmitMode,
  type WindowOperator,
  type WindowResult,
} from '@weir/window';
import { DateTime } from '../luxon';

// ---------------------------------------------------------------------------------------------
// Records, aggregates

/** The record value every generated input uses: a small-alphabet key and an integer. */
export interface Rec {
  readonly k: string;
  readonly v: number;
}

export type AggName = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'first' | 'last' | 'collect';
export const AGG_NAMES: readonly AggName[] = ['count', 'sum', 'min', 'max', 'avg', 'first', 'last', 'collect'];

/** The library aggregate of a given name over `Rec.v`. */
export function makeAggregate(name: AggName): Aggregate<Rec, unknown, unknown> {
  const v = (r: Rec): number => r.v;
  const aggs: Record<AggName, () => Aggregate<Rec, any, unknown>> = {
    count: () => count<Rec>(),
    sum: () => sum(v),
    min: () => min(v),
    max: () => max(v),
    avg: () => avg(v),
    first: () => first(v),
    last: () => last(v),
    collect: () => collect(v),
  };
  return aggs[name]();
}

/** One record added to a window: its value, timestamp and arrival position. */
export interface Added {
  readonly v: number;
  readonly ts: number;
  readonly arrival: number;
}

/** Batch aggregation over the records added to one (key, window), in arrival order. Plain loops. */
export function batchAggregate(name: AggName, recs: readonly Added[]): unknown {
  switch (name) {
    case 'count':
      return recs.length;
    case 'sum': {
      let s = 0;
      for (const r of recs) s += r.v;
      return s;
    }
    case 'min': {
      let m = Infinity;
      for (const r of recs) if (r.v < m) m = r.v;
      return m;
    }
    case 'max': {
      let m = -Infinity;
      for (const r of recs) if (r.v > m) m = r.v;
      return m;
    }
    case 'avg': {
      let s = 0;
      for (const r of recs) s += r.v;
      return s / recs.length;
    }
    case 'first': {
      // smallest timestamp; among equal timestamps the earliest arrived
      let best: Added | undefined;
      for (const r of recs) if (best === undefined || r.ts < best.ts || (r.ts === best.ts && r.arrival < best.arrival)) best = r;
      return best?.v;
    }
    case 'last': {
      // largest timestamp; among equal timestamps the latest arrived
      let best: Added | undefined;
      for (const r of recs) if (best === undefined || r.ts > best.ts || (r.ts === best.ts && r.arrival > best.arrival)) best = r;
      return best?.v;
    }
    case 'collect': {
      const sorted = [...recs].sort((a, b) => a.ts - b.ts || a.arrival - b.arrival);
      return sorted.map((r) => r.v);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Window assignment, written plainly (not with the library's assigners)

export interface Win {
  readonly start: number;
  readonly end: number;
}
/** The windows of a timestamp, ascending by start then end (the order the operator adds in). */
export type AssignFn = (ts: number) => Win[];

const mod = (a: number, n: number): number => ((a % n) + n) % n;

export function tumblingOracle(size: number, offset = 0): AssignFn {
  return (ts) => {
    const start = ts - mod(ts - offset, size);
    return [{ start, end: start + size }];
  };
}

export function hoppingOracle(size: number, slide: number, offset = 0): AssignFn {
  return (ts) => {
    const out: Win[] = [];
    for (let s = ts - mod(ts - offset, slide); s > ts - size; s -= slide) out.push({ start: s, end: s + size });
    return out.reverse();
  };
}

export function cumulativeOracle(step: number, maxSize: number, offset = 0): AssignFn {
  return (ts) => {
    const base = ts - mod(ts - offset, maxSize);
    const out: Win[] = [];
    for (let e = base + step; e <= base + maxSize; e += step) if (e > ts) out.push({ start: base, end: e });
    return out;
  };
}

/** Calendar periods through luxon's startOf / plus (local midnight to the next local midnight). */
export function calendarOracle(unit: 'day' | 'month', zone: string): AssignFn {
  const memo = new Map<number, Win>(); // luxon is slow; the answer per timestamp never changes
  return (ts) => {
    let w = memo.get(ts);
    if (w === undefined) {
      const s = DateTime.fromMillis(ts, { zone }).startOf(unit);
      const e = s.plus(unit === 'day' ? { days: 1 } : { months: 1 });
      memo.set(ts, (w = { start: s.toMillis(), end: e.toMillis() }));
    }
    return [w];
  };
}

// ---------------------------------------------------------------------------------------------
// The oracle

export type Out = StreamElement<WindowResult<string, unknown>>;

export interface OracleOptions {
  readonly assign: AssignFn;
  readonly lateness: number;
  readonly agg: AggName;
  readonly emit: EmitMode;
}

export interface Row {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  readonly value: unknown;
}

export interface OracleResult {
  /** Expected output of each input element, then (last entry) of completion. */
  readonly steps: Out[][];
  /** Every (key, window) that got at least one record, with the aggregate of all added records. */
  readonly table: Map<string, Row>;
  /** Indices (into the elements) of the late records. */
  readonly late: number[];
}

export const rowId = (key: string, start: number, end: number): string => JSON.stringify([key, start, end]);

interface KeyState {
  recs: Added[];
  emitted: boolean;
  changed: boolean;
  lastValue: unknown;
}
interface WinState {
  readonly start: number;
  readonly end: number;
  readonly keys: Map<string, KeyState>; // insertion order = first appearance in the window
}

/**
 * Replays `elements` (then completion) by the contract:
 * - wm starts at -Infinity and advances on each larger watermark (others produce nothing);
 * - a record at `ts <= wm - lateness` is late; any other is added to each of its windows (all of
 *   them still open, since end - 1 >= ts > wm - lateness);
 * - 'watermark': a window fires when wm first reaches end - 1 (windows by (end, start), keys by
 *   first appearance; only keys with unemitted changes); a record added to a window whose
 *   end - 1 <= wm emits at once; insert first, update after;
 * - 'final': each (key, window) emits one insert when wm first reaches end - 1 + lateness;
 * - 'changelog': each addition emits (retract previous)? + insert, in the record's window order;
 * - windows with end - 1 + lateness <= wm are dropped; the advancing watermark follows its results,
 *   forwarded as wm - lateness (so no result, stamped at least wm - lateness + 1, is late downstream);
 * - completion acts as a +Infinity watermark (forwarded as +Infinity).
 */
export function oracle(elements: readonly StreamElement<Rec>[], o: OracleOptions): OracleResult {
  const L = o.lateness;
  let wm = Number.NEGATIVE_INFINITY;
  const open = new Map<string, WinState>();
  const table = new Map<string, Row>();
  const late: number[] = [];
  const steps: Out[][] = [];
  const result = (w: WinState, key: string, ks: KeyState, kind: 'insert' | 'update' | 'retract', value: unknown): Out => ({
    kind: 'record',
    value: { key, start: w.start, end: w.end, value, kind },
    timestamp: w.end - 1,
  });

  const advance = (to: number, out: Out[]): void => {
    const from = wm;
    wm = to;
    const due = [...open.values()].sort((a, b) => a.end - b.end || a.start - b.start);
    for (const w of due) {
      if (o.emit === 'watermark' && w.end - 1 > from && w.end - 1 <= wm) {
        for (const [key, ks] of w.keys) {
          if (!ks.changed) continue;
          const value = batchAggregate(o.agg, ks.recs);
          out.push(result(w, key, ks, ks.emitted ? 'update' : 'insert', value));
          ks.emitted = true;
          ks.changed = false;
          ks.lastValue = value;
        }
      }
      if (o.emit === 'final' && w.end - 1 + L > from && w.end - 1 + L <= wm) {
        for (const [key, ks] of w.keys) out.push(result(w, key, ks, 'insert', batchAggregate(o.agg, ks.recs)));
      }
    }
    for (const w of due) if (w.end - 1 + L <= wm) open.delete(`${w.start}|${w.end}`);
  };

  elements.forEach((el, i) => {
    const out: Out[] = [];
    if (el.kind === 'record' && el.timestamp <= wm - L) {
      late.push(i); // the lateness rule: at or below the watermark minus the allowed lateness
    } else if (el.kind === 'record') {
      // Every window of a record that is not late is still open: end - 1 >= ts > wm - L.
      for (const win of o.assign(el.timestamp)) {
        const id = `${win.start}|${win.end}`;
        let w = open.get(id);
        if (w === undefined) open.set(id, (w = { start: win.start, end: win.end, keys: new Map() }));
        const key = el.value.k;
        let ks = w.keys.get(key);
        if (ks === undefined) w.keys.set(key, (ks = { recs: [], emitted: false, changed: false, lastValue: undefined }));
        ks.recs.push({ v: el.value.v, ts: el.timestamp, arrival: i });
        const value = batchAggregate(o.agg, ks.recs);
        table.set(rowId(key, w.start, w.end), { key, start: w.start, end: w.end, value });
        if (o.emit === 'changelog') {
          if (ks.emitted) out.push(result(w, key, ks, 'retract', ks.lastValue));
          out.push(result(w, key, ks, 'insert', value));
          ks.emitted = true;
          ks.lastValue = value;
        } else if (o.emit === 'watermark' && w.end - 1 <= wm) {
          out.push(result(w, key, ks, ks.emitted ? 'update' : 'insert', value));
          ks.emitted = true;
          ks.lastValue = value;
        } else {
          ks.changed = true;
        }
      }
    } else if (el.kind === 'watermark') {
      if (el.timestamp > wm) {
        advance(el.timestamp, out);
        out.push({ kind: 'watermark', timestamp: el.timestamp - L });
      }
    } else {
      out.push(el); // barriers pass through
    }
    steps.push(out);
  });
  const end: Out[] = [];
  if (wm < Number.POSITIVE_INFINITY) {
    advance(Number.POSITIVE_INFINITY, end);
    end.push({ kind: 'watermark', timestamp: Number.POSITIVE_INFINITY });
  }
  steps.push(end);
  return { steps, table, late };
}

// ---------------------------------------------------------------------------------------------
// Driving an operator

export { Driver, drive, resultsOf } from './driver';

// ---------------------------------------------------------------------------------------------
// Generated inputs

export interface InputShape {
  /** Timestamps of records. */
  readonly ts: fc.Arbitrary<number>;
  /** How far behind the running max a watermark trails. */
  readonly bound: fc.Arbitrary<number>;
  /** Record keys. */
  readonly keys?: readonly string[];
  readonly maxRecords?: number;
}

export interface Input {
  readonly elements: StreamElement<Rec>[];
  /** Whether the input ends with an explicit +Infinity watermark (else only completion). */
  readonly explicitEnd: boolean;
}

/**
 * Records with random keys, timestamps and values in random (out-of-) order; after some of them a
 * watermark = max(previous watermark, running max of timestamps - random bound), so watermarks are
 * monotonic (sometimes repeating) and records can fall behind them.
 */
export function inputArb(shape: InputShape): fc.Arbitrary<Input> {
  const keys = shape.keys ?? ['a', 'b', 'c'];
  const item = fc.record({
    k: fc.constantFrom(...keys),
    ts: shape.ts,
    v: fc.integer({ min: -20, max: 20 }),
    wm: fc.option(shape.bound, { freq: 2 }),
  });
  return fc.tuple(fc.array(item, { maxLength: shape.maxRecords ?? 40, size: 'medium' }), fc.boolean()).map(([items, explicitEnd]) => {
    const elements: StreamElement<Rec>[] = [];
    let maxTs = Number.NEGATIVE_INFINITY;
    let wm = Number.NEGATIVE_INFINITY;
    for (const it of items) {
      elements.push(record({ k: it.k, v: it.v }, it.ts));
      maxTs = Math.max(maxTs, it.ts);
      if (it.wm !== null) {
        wm = Math.max(wm, maxTs - it.wm);
        elements.push(watermark(wm));
      }
    }
    if (explicitEnd) elements.push(watermark(Number.POSITIVE_INFINITY));
    return { elements, explicitEnd };
  });
}

/** A compact rendering of an input for failure messages. */
export function showInput(elements: readonly StreamElement<Rec>[]): string {
  return elements
    .map((el) => (el.kind === 'record' ? `${el.value.k}${el.value.v}@${el.timestamp}` : el.kind === 'watermark' ? `W${el.timestamp}` : `B${el.checkpointId}`))
    .join(' ');
}

export type LateRecord = StreamRecord<Rec>;

// ---------------------------------------------------------------------------------------------
// Scenarios: an operator kind with random parameters, its plain assignment, and a random input

/** The options every scenario's operator takes from the test. */
export interface CommonOptions {
  readonly store: StateStore;
  readonly emit: EmitMode;
  readonly allowedLateness: number;
  readonly aggregate: Aggregate<Rec, unknown, unknown>;
  readonly name?: string;
  readonly checkpoint?: CheckpointHook;
  readonly earlyFiring?: number;
  readonly cacheSize?: number;
  readonly onLate?: (r: LateRecord) => void;
}

export interface Scenario {
  readonly label: string;
  readonly make: (o: CommonOptions) => WindowOperator<Rec, string, unknown>;
  readonly assign: AssignFn;
  readonly input: Input;
  readonly lateness: number;
  readonly agg: AggName;
  /** A scale for early-firing intervals (1 for ms-scale scenarios, an hour for calendar ones). */
  readonly unit: number;
  /** Whether the scenario's operator is restore-tested with `earlyFiring` (tumbling and calendar). */
  readonly early: boolean;
}

/** Gives a scenario a readable rendering in fast-check counterexamples. */
function named(s: Scenario): Scenario {
  const text = `${s.label} lateness=${s.lateness} agg=${s.agg} input: ${showInput(s.input.elements)}`;
  return Object.assign(s, { [fc.toStringMethod]: () => text, toString: () => text });
}

const keyOf = (r: Rec): string => r.k;
const aggArb = fc.constantFrom(...AGG_NAMES);
const smallLateness = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 12 }));
const msInput = inputArb({ ts: fc.integer({ min: -30, max: 60 }), bound: fc.integer({ min: 0, max: 15 }) });

export const tumblingScenario: fc.Arbitrary<Scenario> = fc
  .record({ size: fc.integer({ min: 1, max: 12 }), offset: fc.integer({ min: -6, max: 6 }), input: msInput, lateness: smallLateness, agg: aggArb })
  .map(({ size, offset, input, lateness, agg }) => named({
    label: `tumbling(size=${size}, offset=${offset})`,
    make: (o: CommonOptions) => tumblingWindow({ ...o, size, offset, key: keyOf }),
    assign: tumblingOracle(size, offset),
    input,
    lateness,
    agg,
    unit: 1,
    early: true,
  }));

export const hoppingScenario: fc.Arbitrary<Scenario> = fc
  .record({
    size: fc.integer({ min: 1, max: 12 }),
    slide: fc.integer({ min: 1, max: 12 }), // slide > size: gaps
    offset: fc.integer({ min: -6, max: 6 }),
    input: msInput,
    lateness: smallLateness,
    agg: aggArb,
  })
  .map(({ size, slide, offset, input, lateness, agg }) => named({
    label: `hopping(size=${size}, slide=${slide}, offset=${offset})`,
    make: (o: CommonOptions) => hoppingWindow({ ...o, size, slide, offset, key: keyOf }),
    assign: hoppingOracle(size, slide, offset),
    input,
    lateness,
    agg,
    unit: 1,
    early: false,
  }));

export const cumulativeScenario: fc.Arbitrary<Scenario> = fc
  .record({
    step: fc.integer({ min: 1, max: 6 }),
    steps: fc.integer({ min: 1, max: 4 }),
    offset: fc.integer({ min: -6, max: 6 }),
    input: msInput,
    lateness: smallLateness,
    agg: aggArb,
  })
  .map(({ step, steps, offset, input, lateness, agg }) => named({
    label: `cumulative(step=${step}, maxSize=${step * steps}, offset=${offset})`,
    make: (o: CommonOptions) => cumulativeWindow({ ...o, step, maxSize: step * steps, offset, key: keyOf }),
    assign: cumulativeOracle(step, step * steps, offset),
    input,
    lateness,
    agg,
    unit: 1,
    early: false,
  }));

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Timestamps within `span` of `around`: minute-scale, plus exact local/UTC midnights and their neighbours. */
function hourScaleTs(around: number, span: number, edges: number[]): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -span / MIN, max: span / MIN }).map((m) => around + m * MIN) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...edges), fc.integer({ min: -1, max: 0 })).map(([e, d]) => e + d) },
  );
}

/** Calendar days around a DST change (Berlin 2024-03-31 or 2024-10-27), in UTC or Berlin. */
export const calendarDayScenario: fc.Arbitrary<Scenario> = fc
  .record({
    zone: fc.constantFrom('UTC', 'Europe/Berlin'),
    around: fc.constantFrom(Date.UTC(2024, 2, 31, 1), Date.UTC(2024, 9, 27, 1)),
    lateness: fc.constantFrom(0, HOUR, 5 * HOUR, 12 * HOUR),
    agg: aggArb,
  })
  .chain(({ zone, around, lateness, agg }) => {
    const edges: number[] = [];
    for (let d = -3; d <= 3; d++) {
      const utcMidnight = around - (around % DAY) + d * DAY;
      edges.push(utcMidnight, utcMidnight - HOUR, utcMidnight - 2 * HOUR); // UTC, CET and CEST midnights
    }
    const input = inputArb({ ts: hourScaleTs(around, 2 * DAY, edges), bound: fc.integer({ min: 0, max: 10 }).map((h) => h * HOUR) });
    return input.map((inp) => named({
      label: `calendar(day, ${zone}, around ${new Date(around).toISOString()})`,
      make: (o: CommonOptions) => calendarWindow({ ...o, unit: 'day' as const, timeZone: zone, key: keyOf }),
      assign: calendarOracle('day', zone),
      input: inp,
      lateness,
      agg,
      unit: HOUR,
      early: true,
    }));
  });

/** Calendar months around 2024-03 / 2024-04 in Berlin, day-scale timestamps. */
export const calendarMonthScenario: fc.Arbitrary<Scenario> = fc
  .record({ lateness: fc.constantFrom(0, 2 * DAY, 7 * DAY), agg: aggArb, input: inputArb({ ts: fc.integer({ min: -40 * 24, max: 40 * 24 }).map((h) => Date.UTC(2024, 2, 31, 22) + h * HOUR), bound: fc.integer({ min: 0, max: 20 }).map((d) => d * DAY) }) })
  .map(({ lateness, agg, input }) => named({
    label: 'calendar(month, Europe/Berlin)',
    make: (o: CommonOptions) => calendarWindow({ ...o, unit: 'month' as const, timeZone: 'Europe/Berlin', key: keyOf }),
    assign: calendarOracle('month', 'Europe/Berlin'),
    input,
    lateness,
    agg,
    unit: DAY,
    early: true,
  }));

export const SCENARIOS: ReadonlyArray<[string, fc.Arbitrary<Scenario>]> = [
  ['tumbling', tumblingScenario],
  ['hopping', hoppingScenario],
  ['cumulative', cumulativeScenario],
  ['calendar day', calendarDayScenario],
  ['calendar month', calendarMonthScenario],
];
