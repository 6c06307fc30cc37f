import { InMemoryStore } from '@weir/state';
import { record, watermark, type StreamElement, type StreamRecord } from '@weir/stream';
import { WindowError, collect, count, hoppingWindow, type EmitMode, type WindowResult } from '@weir/window';
import { Driver, drive, resultsOf } from './alignedOracle';

interface Ev {
  readonly k: string;
  readonly v: number;
}
type O = StreamElement<WindowResult<string, unknown>>;
const ev = (k: string, v: number, ts: number): StreamRecord<Ev> => record({ k, v }, ts);
const r = (key: string, start: number, end: number, value: unknown, kind: 'insert' | 'update' | 'retract' = 'insert'): O => ({
  kind: 'record',
  value: { key, start, end, value, kind },
  timestamp: end - 1,
});
const W = (t: number): O => ({ kind: 'watermark', timestamp: t });
const INF = Number.POSITIVE_INFINITY;

describe('hoppingWindow', () => {
  const mk = (size: number, slide: number, extra: Record<string, unknown> = {}) =>
    hoppingWindow<Ev, string, unknown, unknown>({ size, slide, key: (e) => e.k, aggregate: count() as never, store: new InMemoryStore(), ...extra });

  it('size 10, slide 5: each record counts in two windows, fired in end order', () => {
    // 7 -> [0,10) [5,15); 12 -> [5,15) [10,20); 3 -> [-5,5) [0,10)
    const steps = drive(mk(10, 5), [ev('a', 0, 7), ev('b', 0, 12), ev('a', 0, 3), watermark(9), watermark(14), ev('a', 0, 15)]);
    expect(steps).toEqual([
      [],
      [],
      [],
      [r('a', -5, 5, 1), r('a', 0, 10, 2), W(9)],
      [r('a', 5, 15, 1), r('b', 5, 15, 1), W(14)],
      [],
      [r('b', 10, 20, 1), r('a', 10, 20, 1), r('a', 15, 25, 1), W(INF)],
    ]);
  });

  it('size 10, slide 4 (slide does not divide size): two or three windows per record', () => {
    // 9 -> [0,10) [4,14) [8,18); 3 -> [-4,6) [0,10); 13 -> [4,14) [8,18) [12,22)
    const steps = drive(mk(10, 4, { aggregate: collect((e: Ev) => e.v) }), [ev('a', 1, 9), ev('a', 2, 3), ev('a', 3, 13), watermark(INF)]);
    expect(steps[3]).toEqual([
      r('a', -4, 6, [2]),
      r('a', 0, 10, [2, 1]),
      r('a', 4, 14, [1, 3]),
      r('a', 8, 18, [1, 3]),
      r('a', 12, 22, [3]),
      W(INF),
    ]);
  });

  it('a record at or below the watermark is late even when one of its windows is still open (lateness is per record)', () => {
    const late: unknown[] = [];
    const op = mk(10, 5, { onLate: (x: unknown) => late.push(x) });
    // wm 9 closes [0,10); [5,15) is still open, but records at 8 and 4 are at or below the watermark
    const steps = drive(op, [ev('a', 0, 1), watermark(9), ev('a', 0, 8), ev('a', 0, 4), watermark(14)]);
    expect(steps).toEqual([[], [r('a', -5, 5, 1), r('a', 0, 10, 1), W(9)], [], [], [W(14)], [W(INF)]]);
    expect(late).toEqual([ev('a', 0, 8), ev('a', 0, 4)]);
    expect(op.metrics.lateRecords).toBe(2);
  });

  it('with allowed lateness, a record within it updates its fired windows at once; past it, a record is late', () => {
    const op = mk(10, 5, { allowedLateness: 3 });
    // wm 11: [0,10) fired (9 <= 11) and kept until 9 + 3 = 12; [5,15) not fired. a@9 (9 > 11 - 3)
    // updates [0,10) at once and joins [5,15); after wm 12, a@9 is late (9 <= 12 - 3)
    const steps = drive(op, [ev('a', 0, 7), watermark(11), ev('a', 0, 9), watermark(12), ev('a', 0, 9), watermark(14)]);
    expect(steps).toEqual([
      [],
      [r('a', 0, 10, 1), W(8)], // watermarks are forwarded minus the lateness: 11 - 3
      [r('a', 0, 10, 2, 'update')], // stamped 9, above the forwarded 8
      [W(9)],
      [], // late
      [r('a', 5, 15, 2), W(11)],
      [W(INF)],
    ]);
    expect(op.metrics.lateRecords).toBe(1);
  });

  it.each<EmitMode>(['final', 'changelog'])("emit '%s' over overlapping windows", (emit) => {
    const steps = drive(mk(10, 5, { emit }), [ev('a', 0, 7), ev('a', 0, 8), watermark(9)]);
    if (emit === 'final') expect(steps).toEqual([[], [], [r('a', 0, 10, 2), W(9)], [r('a', 5, 15, 2), W(INF)]]);
    else
      expect(steps).toEqual([
        [r('a', 0, 10, 1), r('a', 5, 15, 1)],
        [r('a', 0, 10, 1, 'retract'), r('a', 0, 10, 2), r('a', 5, 15, 1, 'retract'), r('a', 5, 15, 2)],
        [W(9)],
        [W(INF)],
      ]);
  });

  it('rejects earlyFiring: hopping windows already fire every slide', () => {
    expect(() => mk(20, 10, { earlyFiring: 5 })).toThrow(/hoppingWindow: option `earlyFiring` is for tumbling and calendar windows.*got number 5/);
  });

  it('records in the gaps of slide > size belong to no window and are not late', () => {
    const late: unknown[] = [];
    const op = mk(3, 5, { onLate: (x: unknown) => late.push(x) });
    const steps = drive(op, [ev('a', 0, 4), ev('a', 0, 6), watermark(7), ev('a', 0, 9), watermark(100)]);
    expect(resultsOf(steps.flat())).toEqual([{ key: 'a', start: 5, end: 8, value: 1, kind: 'insert' }]);
    expect(late).toEqual([]);
    expect(op.metrics.recordsIn).toBe(3);
  });

  it('metrics count windows (not panes) while the operator runs', () => {
    const store = new InMemoryStore();
    const op = mk(10, 5, { store });
    const d = new Driver(op);
    d.push(ev('a', 0, 7)); // [0,10) [5,15)
    d.push(ev('b', 0, 8));
    expect(op.metrics.snapshot()).toMatchObject({ recordsIn: 2, lateRecords: 0, windowsFired: 0, resultsEmitted: 0, openWindows: 2, storeEntries: store.len() });
    d.push(watermark(9)); // fires [0,10)
    expect(op.metrics.snapshot()).toMatchObject({ windowsFired: 1, resultsEmitted: 2, openWindows: 1, watermark: 9 });
    d.push(ev('a', 0, 2)); // [-5,5) [0,10) closed: late
    expect(op.metrics.lateRecords).toBe(1);
    d.complete();
    expect(op.metrics.snapshot()).toMatchObject({ recordsIn: 3, lateRecords: 1, windowsFired: 2, resultsEmitted: 4, openWindows: 0, storeEntries: 0 });
  });

  it('bad size / slide throw INVALID_ARGUMENT', () => {
    for (const [size, slide] of [
      [0, 5],
      [10, 0],
      [10, 2.5],
    ]) {
      expect(() => mk(size!, slide!)).toThrow(WindowError);
    }
  });
});
