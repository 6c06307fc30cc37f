import fc from 'fast-check';
import { InMemoryStore } from '@weir/state';
import type { StreamRecord } from '@weir/stream';
import { sessionWindow, type EmitMode } from '@weir/window';
import {
  Driver,
  applyChangelog,
  batchSessions,
  inputArb,
  makeAggregate,
  maxDisorder,
  modelSteps,
  multiset,
  resultsOf,
  stepMultiset,
  type GenInput,
  type KeyedAdded,
  type Out,
  type Rec,
  type Row,
} from './sessionOracle';

const RUNS = 150;

interface Run {
  readonly steps: Out[][];
  /** Late records with their arrival index (among records) and the operator watermark then. */
  readonly late: Array<{ record: StreamRecord<Rec>; arrival: number; wm: number }>;
  readonly records: Array<StreamRecord<Rec>>;
  readonly lateCount: number;
}

/** Runs the operator over an input, noting for every late record the watermark it arrived at. */
function run(input: GenInput, emit: EmitMode): Run {
  let arrival = -1;
  let wm = Number.NEGATIVE_INFINITY;
  const late: Run['late'] = [];
  const op = sessionWindow<Rec, string, unknown, unknown>({
    gap: input.gap,
    allowedLateness: input.allowedLateness,
    emit,
    key: (r) => r.k,
    aggregate: makeAggregate(input.agg),
    store: new InMemoryStore(),
    onLate: (record) => late.push({ record, arrival, wm }),
  });
  const d = new Driver(op);
  const records: Array<StreamRecord<Rec>> = [];
  const steps: Out[][] = [];
  for (const el of input.elements) {
    if (el.kind === 'record') {
      arrival++;
      records.push(el);
    }
    steps.push(d.push(el) as Out[]);
    if (el.kind === 'watermark') wm = Math.max(wm, el.timestamp);
  }
  steps.push(d.complete() as Out[]);
  if (d.error !== undefined) throw d.error;
  expect(d.completed).toBe(true);
  return { steps, late, records, lateCount: op.metrics.lateRecords };
}

/** The records not reported late, as the batch oracle takes them. */
function accepted(r: Run): KeyedAdded[] {
  const lateAt = new Set(r.late.map((l) => l.arrival));
  return r.records.flatMap((rec, arrival) => (lateAt.has(arrival) ? [] : [{ k: rec.value.k, v: rec.value.v, t: rec.timestamp, arrival }]));
}

/** Every late record really was late: even its own window [t, t + gap) was past the lateness. */
function checkLate(input: GenInput, r: Run): void {
  expect(r.lateCount).toBe(r.late.length);
  // the lateness rule: late exactly when at or below the watermark minus the allowed lateness
  for (const { record, wm } of r.late) expect(record.timestamp).toBeLessThanOrEqual(wm - input.allowedLateness);
}

const rows = (steps: readonly Out[][]): Row[] => resultsOf(steps.flat());

/** An input whose allowed lateness exceeds every record's distance behind the watermark + 1. */
const lenientArb = inputArb().map((input) => ({ ...input, allowedLateness: Math.max(input.allowedLateness, maxDisorder(input.elements) + 2) }));

describe('sessionWindow (properties)', () => {
  it("'final' with enough lateness: nothing is late and the output is exactly the batch sessionisation of ALL records", () => {
    fc.assert(
      fc.property(lenientArb, (input) => {
        const r = run(input, 'final');
        expect(r.late).toEqual([]);
        const out = rows(r.steps);
        expect(out.every((x) => x.kind === 'insert')).toBe(true);
        expect(multiset(out)).toEqual(multiset(batchSessions(accepted(r), input.gap, input.agg)));
      }),
      { numRuns: RUNS },
    );
  });

  it("'watermark' with enough lateness: inserts/updates/retracts applied to a table end equal to the batch table", () => {
    fc.assert(
      fc.property(lenientArb, (input) => {
        const r = run(input, 'watermark');
        expect(r.late).toEqual([]);
        const table = applyChangelog(rows(r.steps));
        const oracle = applyChangelog(batchSessions(accepted(r), input.gap, input.agg));
        expect([...table].sort()).toEqual([...oracle].sort());
      }),
      { numRuns: RUNS },
    );
  });

  it("'changelog' with enough lateness: the changelog table ends equal to the batch table", () => {
    fc.assert(
      fc.property(lenientArb, (input) => {
        const r = run(input, 'changelog');
        const table = applyChangelog(rows(r.steps));
        expect([...table].sort()).toEqual([...applyChangelog(batchSessions(accepted(r), input.gap, input.agg))].sort());
      }),
      { numRuns: RUNS },
    );
  });

  // With any allowed lateness, records behind the watermark can reopen a session that was already
  // purged (see the unit tests), so batch sessionisation of the accepted records is not the
  // contract: a step-by-step replay of the contract is. Each step is compared as a multiset.
  it.each<EmitMode>(['final', 'watermark', 'changelog'])("emit '%s', any lateness: every step matches the contract's replay; late records really are late", (emit) => {
    fc.assert(
      fc.property(inputArb(), (input) => {
        const r = run(input, emit);
        checkLate(input, r);
        const { steps, model } = modelSteps({ gap: input.gap, allowedLateness: input.allowedLateness, emit, agg: input.agg }, input.elements);
        expect(r.late.map((l) => l.arrival)).toEqual(model.late.map((l) => l.arrival));
        expect(r.steps.map(stepMultiset)).toEqual(steps.map(stepMultiset));
        // the changelog is consistent: no update or retract of an absent window, no double insert
        if (emit !== 'final') applyChangelog(rows(r.steps));
        // ... and where no accepted record came within reach of a purged session, batch agrees
        if (emit === 'final' && input.allowedLateness >= maxDisorder(input.elements) + 2) {
          expect(multiset(rows(r.steps))).toEqual(multiset(batchSessions(accepted(r), input.gap, input.agg)));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('results are stamped end - 1, fire no earlier than the contract allows, and watermarks come out increasing after the results they release', () => {
    fc.assert(
      fc.property(inputArb(), fc.constantFrom<EmitMode>('final', 'watermark', 'changelog'), (input, emit) => {
        const r = run(input, emit);
        let wmIn = Number.NEGATIVE_INFINITY;
        let wmOut = Number.NEGATIVE_INFINITY;
        r.steps.forEach((step, i) => {
          const el = input.elements[i];
          wmIn = el === undefined ? Number.POSITIVE_INFINITY : el.kind === 'watermark' ? Math.max(wmIn, el.timestamp) : wmIn;
          step.forEach((o, j) => {
            if (o.kind === 'record') {
              expect(o.timestamp).toBe(o.value.end - 1);
              expect(o.timestamp).toBeGreaterThan(wmOut); // not late downstream (watermarks go out minus the lateness)
              if (emit === 'watermark' && o.value.kind !== 'retract') expect(o.value.end - 1).toBeLessThanOrEqual(wmIn);
              if (emit === 'final') expect(o.value.end - 1 + input.allowedLateness).toBeLessThanOrEqual(wmIn);
            } else if (o.kind === 'watermark') {
              expect(o.timestamp).toBeGreaterThan(wmOut);
              expect(j).toBe(step.length - 1); // after the results it released
              wmOut = o.timestamp;
            }
          });
        });
        expect(wmOut).toBe(Number.POSITIVE_INFINITY);
      }),
      { numRuns: 50 },
    );
  });
});
