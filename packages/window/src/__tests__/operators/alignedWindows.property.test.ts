// Property tests of the aligned window operators against ORACLE (alignedOracle.ts): random keys,
// timestamps, arrival order, interleaved monotonic watermarks, allowed lateness and aggregate.
import fc from 'fast-check';
import { InMemoryStore } from '@weir/state';
import type { StreamElement } from '@weir/stream';
import type { EmitMode, WindowResult } from '@weir/window';
import { SCENARIOS, drive, makeAggregate, oracle, rowId, type LateRecord, type OracleResult, type Out, type Scenario } from './alignedOracle';

type R = WindowResult<string, unknown>;
const NUM_RUNS = 100;

interface Run {
  readonly steps: StreamElement<R>[][];
  readonly late: LateRecord[];
  readonly storeLen: number;
  readonly metrics: { recordsIn: number; lateRecords: number; resultsEmitted: number; openWindows: number };
}

function run(s: Scenario, emit: EmitMode): Run {
  const store = new InMemoryStore();
  const late: LateRecord[] = [];
  const op = s.make({ store, emit, allowedLateness: s.lateness, aggregate: makeAggregate(s.agg), onLate: (r) => late.push(r) });
  const steps = drive(op, s.input.elements);
  return { steps, late, storeLen: store.len(), metrics: op.metrics.snapshot() };
}

const expectOracle = (s: Scenario, emit: EmitMode) => oracle(s.input.elements, { assign: s.assign, lateness: s.lateness, agg: s.agg, emit });

/** Checks shared by every mode: late records, metrics, clean store, forwarded watermarks. */
function commonChecks(s: Scenario, o: OracleResult, r: Run): void {
  const els = s.input.elements;
  // (d) late records are exactly the oracle's
  expect(r.late).toEqual(o.late.map((i) => els[i]));
  expect(r.metrics.lateRecords).toBe(o.late.length);
  expect(r.metrics.recordsIn).toBe(els.filter((e) => e.kind === 'record').length);
  expect(r.metrics.resultsEmitted).toBe(r.steps.flat().filter((e) => e.kind === 'record').length);
  // (e) no state left after the +Infinity watermark (no barrier ran, so not even the meta entry)
  expect(r.storeLen).toBe(0);
  expect(r.metrics.openWindows).toBe(0);
  // advancing watermarks are forwarded minus the lateness (+Infinity unchanged), each after the
  // results it triggered; others dropped
  let wm = Number.NEGATIVE_INFINITY;
  let forwarded = Number.NEGATIVE_INFINITY;
  const endWm = [...els, { kind: 'watermark', timestamp: Number.POSITIVE_INFINITY } as const];
  r.steps.forEach((out, i) => {
    const el = endWm[i]!;
    const advancing = el.kind === 'watermark' && el.timestamp > wm;
    if (advancing) wm = el.timestamp;
    const wms = out.filter((e) => e.kind === 'watermark');
    expect(wms).toEqual(advancing ? [{ kind: 'watermark', timestamp: wm - s.lateness }] : []);
    if (advancing) expect(out[out.length - 1]).toEqual(wms[0]);
    for (const e of out) {
      if (e.kind === 'watermark') forwarded = e.timestamp;
      if (e.kind !== 'record') continue;
      // every result is stamped end - 1, and is not late downstream
      expect(e.timestamp).toBe(e.value.end - 1);
      expect(e.timestamp).toBeGreaterThan(forwarded);
    }
  });
}

/** The watermark in force after each step (element i, then completion). */
function watermarksAfter(s: Scenario): number[] {
  let wm = Number.NEGATIVE_INFINITY;
  const out = s.input.elements.map((el) => (el.kind === 'watermark' ? (wm = Math.max(wm, el.timestamp)) : wm));
  out.push(Number.POSITIVE_INFINITY);
  return out;
}

const param = (s: Scenario): string => String(s);

function property(arb: fc.Arbitrary<Scenario>, check: (s: Scenario) => void): void {
  fc.assert(
    fc.property(arb, (s) => {
      try {
        check(s);
      } catch (err) {
        (err as Error).message = `${param(s)}\n${(err as Error).message}`;
        throw err;
      }
    }),
    { numRuns: NUM_RUNS },
  );
}

describe.each(SCENARIOS)('%s windows against the oracle', (_, arb) => {
  it("(a) emit 'final': each (key, window) once, an insert with the aggregate of every added record", () => {
    property(arb, (s) => {
      const r = run(s, 'final');
      const o = expectOracle(s, 'final');
      commonChecks(s, o, r);
      const got = r.steps.flat().flatMap((e) => (e.kind === 'record' ? [e.value] : []));
      expect(got.every((x) => x.kind === 'insert')).toBe(true);
      const gotIds = got.map((x) => JSON.stringify([x.key, x.start, x.end, x.value])).sort();
      const want = [...o.table.values()].map((x) => JSON.stringify([x.key, x.start, x.end, x.value])).sort();
      expect(gotIds).toEqual(want);
      // emitted only once end - 1 + lateness was reached
      const wms = watermarksAfter(s);
      r.steps.forEach((out, i) => {
        for (const e of out) if (e.kind === 'record') expect(wms[i]!).toBeGreaterThanOrEqual(e.value.end - 1 + s.lateness);
      });
    });
  });

  it("(b) emit 'watermark': the last result per (key, window) is the oracle's; insert first, updates after; nothing before end - 1", () => {
    property(arb, (s) => {
      const r = run(s, 'watermark');
      const o = expectOracle(s, 'watermark');
      commonChecks(s, o, r);
      const last = new Map<string, unknown>();
      const wms = watermarksAfter(s);
      r.steps.forEach((out, i) => {
        for (const e of out) {
          if (e.kind !== 'record') continue;
          const id = rowId(e.value.key, e.value.start, e.value.end);
          expect(e.value.kind).toBe(last.has(id) ? 'update' : 'insert');
          last.set(id, e.value.value);
          expect(wms[i]!).toBeGreaterThanOrEqual(e.value.end - 1);
        }
      });
      expect(new Map([...last].sort())).toEqual(new Map([...o.table].map(([id, row]) => [id, row.value] as const).sort()));
    });
  });

  it("(c) emit 'changelog': replaying retract/insert ends at the oracle table; each retract withdraws the current value", () => {
    property(arb, (s) => {
      const r = run(s, 'changelog');
      const o = expectOracle(s, 'changelog');
      commonChecks(s, o, r);
      const table = new Map<string, unknown>();
      r.steps.forEach((out, i) => {
        const el = s.input.elements[i];
        if (el?.kind !== 'record') expect(out.filter((e) => e.kind === 'record')).toEqual([]); // no watermark-driven results
        for (const e of out) {
          if (e.kind !== 'record') continue;
          const id = rowId(e.value.key, e.value.start, e.value.end);
          if (e.value.kind === 'retract') {
            expect(table.has(id)).toBe(true);
            expect(e.value.value).toEqual(table.get(id));
            table.delete(id);
          } else {
            expect(e.value.kind).toBe('insert');
            expect(table.has(id)).toBe(false);
            table.set(id, e.value.value);
          }
        }
      });
      expect(new Map([...table].sort())).toEqual(new Map([...o.table].map(([id, row]) => [id, row.value] as const).sort()));
    });
  });

  it.each<EmitMode>(['final', 'watermark', 'changelog'])("emit '%s': the output of every element equals the oracle's exactly (order, kinds, timing)", (emit) => {
    property(arb, (s) => {
      const r = run(s, emit);
      const o = expectOracle(s, emit);
      expect(r.steps as Out[][]).toEqual(o.steps);
    });
  });
});
