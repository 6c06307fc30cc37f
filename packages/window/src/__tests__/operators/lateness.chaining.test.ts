// Regression: a window operator forwards each watermark minus its `allowedLateness`, so no result
// it emits (a 'final' result at end - 1 + lateness, a 'watermark'-mode update or a changelog row
// for a window kept for late records) is late for the next operator.
import fc from 'fast-check';
import { InMemoryStore } from '@weir/state';
import { idleWatermark, record, watermark, type StreamElement, type StreamRecord } from '@weir/stream';
import { collect, count, sessionWindow, sum, tumblingWindow, type EmitMode, type WindowResult } from '@weir/window';
import { SCENARIOS, drive, makeAggregate } from './alignedOracle';
import { inputArb as sessionInputArb, makeAggregate as makeSessionAggregate } from './sessionOracle';

interface Ev {
  readonly k: string;
  readonly v: number;
}
type Res = WindowResult<string, number>;

const ev = (k: string, v: number, ts: number): StreamRecord<Ev> => record({ k, v }, ts);
const INF = Number.POSITIVE_INFINITY;

/**
 * Checks that every result record in `out` (one operator's output, in order) is stamped above the
 * last watermark forwarded before it, i.e. that none of them is late downstream.
 */
function expectNoResultLateDownstream(out: readonly StreamElement<unknown>[]): void {
  let forwarded = Number.NEGATIVE_INFINITY;
  out.forEach((el, i) => {
    if (el.kind === 'watermark') forwarded = Math.max(forwarded, el.timestamp);
    else if (el.kind === 'record' && !(el.timestamp > forwarded)) {
      throw new Error(`element ${i}: result stamped ${el.timestamp} after watermark ${forwarded}: ${JSON.stringify(el.value)}`);
    }
  });
}

describe('allowed lateness and chained windows', () => {
  it("a 'final' window with lateness 5 feeding a window with lateness 0: no result of the first is late for the second", () => {
    const first = tumblingWindow<Ev, string, number, number>({ size: 10, emit: 'final', allowedLateness: 5, key: (e) => e.k, aggregate: count(), store: new InMemoryStore() });
    const lateForSecond: StreamRecord<Res>[] = [];
    // re-counts the first window's results per 20 ms window
    const second = tumblingWindow<Res, string, number, number>({
      size: 20,
      allowedLateness: 0,
      emit: 'final',
      key: (r) => r.key,
      aggregate: sum((r: Res) => r.value),
      store: new InMemoryStore(),
      onLate: (x) => lateForSecond.push(x),
    });
    // [0, 10) fires at wm 19 (>= 9 + 5; stamped 9); a@17 comes within the lateness of [10, 20),
    // which fires at 24 (stamped 19): forwarding the input watermark 19 unchanged would make that
    // result late for the second window [0, 20) (end - 1 = 19 <= 19)
    const input = [ev('a', 1, 2), ev('a', 1, 12), watermark(19), ev('a', 1, 17), watermark(24)];
    const firstOut = drive(first, input).flat();
    expect(firstOut).toEqual([
      { kind: 'record', value: { key: 'a', start: 0, end: 10, value: 1, kind: 'insert' }, timestamp: 9 },
      { kind: 'watermark', timestamp: 14 }, // 19 - 5
      { kind: 'record', value: { key: 'a', start: 10, end: 20, value: 2, kind: 'insert' }, timestamp: 19 },
      { kind: 'watermark', timestamp: 19 }, // 24 - 5
      { kind: 'watermark', timestamp: INF },
    ]);
    expectNoResultLateDownstream(firstOut);

    const secondOut = drive(second, firstOut as StreamElement<Res>[]).flat();
    expect(lateForSecond).toEqual([]);
    expect(second.metrics.snapshot().lateRecords).toBe(0);
    expect(secondOut).toEqual([
      { kind: 'watermark', timestamp: 14 },
      { kind: 'record', value: { key: 'a', start: 0, end: 20, value: 3, kind: 'insert' }, timestamp: 19 },
      { kind: 'watermark', timestamp: 19 },
      { kind: 'watermark', timestamp: INF },
    ]);
    expectNoResultLateDownstream(secondOut);
  });

  it("a 'watermark'-mode window with lateness: its update for a late record is not late downstream", () => {
    const first = tumblingWindow<Ev, string, number, number>({ size: 10, allowedLateness: 5, key: (e) => e.k, aggregate: sum((e: Ev) => e.v), store: new InMemoryStore() });
    const lateForSecond: StreamRecord<Res>[] = [];
    // collects what the first emitted per 10 ms window, kinds included
    const second = tumblingWindow<Res, string, unknown, string[]>({
      size: 10,
      emit: 'final',
      key: (r) => r.key,
      aggregate: collect((r: Res) => `${r.kind}:${r.value}`),
      store: new InMemoryStore(),
      onLate: (x) => lateForSecond.push(x),
    });
    // [0, 10) fires at 9 with 1; a@5 (within the lateness: 5 > 9 - 5) updates it to 3, stamped 9,
    // while the input watermark is 9: forwarded unchanged, the update would be late for the second window
    const firstOut = drive(first, [ev('a', 1, 2), watermark(9), ev('a', 2, 5), watermark(14), ev('a', 4, 4)]).flat();
    expect(firstOut).toEqual([
      { kind: 'record', value: { key: 'a', start: 0, end: 10, value: 1, kind: 'insert' }, timestamp: 9 },
      { kind: 'watermark', timestamp: 4 }, // 9 - 5
      { kind: 'record', value: { key: 'a', start: 0, end: 10, value: 3, kind: 'update' }, timestamp: 9 },
      { kind: 'watermark', timestamp: 9 }, // 14 - 5
      { kind: 'watermark', timestamp: INF }, // a@4 was late for the first (4 <= 14 - 5)
    ]);
    expect(first.metrics.snapshot().lateRecords).toBe(1);
    expectNoResultLateDownstream(firstOut);

    const secondOut = drive(second, firstOut as StreamElement<Res>[]).flat();
    expect(lateForSecond).toEqual([]);
    expect(secondOut).toEqual([
      { kind: 'watermark', timestamp: 4 },
      { kind: 'record', value: { key: 'a', start: 0, end: 10, value: ['insert:1', 'update:3'], kind: 'insert' }, timestamp: 9 },
      { kind: 'watermark', timestamp: 9 },
      { kind: 'watermark', timestamp: INF },
    ]);
  });

  it('idle markers are forwarded minus the lateness too; completion still forwards +Infinity', () => {
    const o = tumblingWindow<Ev, string, number, number>({ size: 10, allowedLateness: 3, key: (e) => e.k, aggregate: count(), store: new InMemoryStore() });
    const steps = drive(o, [ev('a', 1, 2), watermark(9), idleWatermark(9)]);
    expect(steps).toEqual([
      [],
      [{ kind: 'record', value: { key: 'a', start: 0, end: 10, value: 1, kind: 'insert' }, timestamp: 9 }, { kind: 'watermark', timestamp: 6 }],
      [{ kind: 'watermark', timestamp: 6, idle: true }],
      [{ kind: 'watermark', timestamp: INF }],
    ]);
  });

  describe.each(SCENARIOS)('%s windows: no result is late downstream', (_, arb) => {
    it.each<EmitMode>(['final', 'watermark', 'changelog'])("emit '%s'", (emit) => {
      fc.assert(
        fc.property(arb, (s) => {
          const op = s.make({ store: new InMemoryStore(), emit, allowedLateness: s.lateness, aggregate: makeAggregate(s.agg) });
          expectNoResultLateDownstream(drive(op, s.input.elements).flat());
        }),
        { numRuns: 50 },
      );
    });
  });

  it.each<EmitMode>(['final', 'watermark', 'changelog'])("session windows, emit '%s': no result is late downstream", (emit) => {
    fc.assert(
      fc.property(sessionInputArb(), (input) => {
        const op = sessionWindow<{ k: string; v: number }, string, unknown, unknown>({
          gap: input.gap,
          allowedLateness: input.allowedLateness,
          emit,
          key: (r) => r.k,
          aggregate: makeSessionAggregate(input.agg),
          store: new InMemoryStore(),
        });
        expectNoResultLateDownstream(drive(op, input.elements).flat());
      }),
      { numRuns: 50 },
    );
  });
});
