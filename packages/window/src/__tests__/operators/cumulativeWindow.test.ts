import { InMemoryStore } from '@weir/state';
import { record, watermark, type StreamElement, type StreamRecord } from '@weir/stream';
import { WindowError, cumulativeWindow, sum, type WindowResult } from '@weir/window';
import { drive } from './alignedOracle';

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

describe('cumulativeWindow', () => {
  const mk = (extra: Record<string, unknown> = {}) =>
    cumulativeWindow<Ev, string, number, number>({ step: 5, maxSize: 20, key: (e) => e.k, aggregate: sum((e: Ev) => e.v), store: new InMemoryStore(), ...extra });

  it("step 5, maxSize 20: running totals fire at every step boundary, a record joins the windows ending after it", () => {
    const late: unknown[] = [];
    const op = mk({ onLate: (x: unknown) => late.push(x) });
    const steps = drive(op, [
      ev('a', 1, 7), // [0,10) [0,15) [0,20)
      ev('a', 2, 2), // [0,5) [0,10) [0,15) [0,20)
      watermark(4),
      watermark(9),
      ev('b', 16, 11),
      watermark(14),
      ev('a', 4, 15), // not late (15 > 14); of its windows only [0,20) is in this period
      watermark(19),
      ev('a', 100, 1), // every window of base 0 closed: late
      ev('a', 8, 21), // [20,25) .. [20,40)
    ]);
    expect(steps).toEqual([
      [],
      [],
      [r('a', 0, 5, 2), W(4)],
      [r('a', 0, 10, 3), W(9)],
      [],
      [r('a', 0, 15, 3), r('b', 0, 15, 16), W(14)],
      [],
      [r('a', 0, 20, 7), r('b', 0, 20, 16), W(19)],
      [],
      [],
      [r('a', 20, 25, 8), r('a', 20, 30, 8), r('a', 20, 35, 8), r('a', 20, 40, 8), W(INF)],
    ]);
    expect(late).toEqual([ev('a', 100, 1)]);
    expect(op.metrics.lateRecords).toBe(1);
  });

  it('with an offset the periods shift', () => {
    const steps = drive(mk({ offset: 3 }), [ev('a', 1, 2), ev('a', 1, 3), watermark(INF)]);
    // 2 -> base -17: [-17,-12)...[-17,3); ends > 2: [-17,3). 3 -> base 3: [3,8) [3,13) [3,18) [3,23)
    expect(steps[2]).toEqual([r('a', -17, 3, 1), r('a', 3, 8, 1), r('a', 3, 13, 1), r('a', 3, 18, 1), r('a', 3, 23, 1), W(INF)]);
  });

  it("emit 'final' with allowed lateness: each growing window once, lateness after its own end", () => {
    const steps = drive(mk({ emit: 'final', allowedLateness: 2 }), [ev('a', 1, 3), watermark(5), ev('a', 2, 4), watermark(6), ev('a', 4, 5), watermark(11)]);
    expect(steps).toEqual([
      [],
      [W(3)], // watermarks are forwarded minus the lateness: 5 - 2
      [],
      [r('a', 0, 5, 3), W(4)], // 4 + 2; stamped 4, above the forwarded 3
      [], // [0,5) purged; a@5 (5 > 6 - 2) joins [0,10) [0,15) [0,20)
      [r('a', 0, 10, 7), W(9)],
      [r('a', 0, 15, 7), r('a', 0, 20, 7), W(INF)],
    ]);
  });

  it("emit 'changelog': one retract/insert pair per window the record joins, smallest window first", () => {
    const steps = drive(mk({ emit: 'changelog' }), [ev('a', 1, 12), ev('a', 2, 17)]);
    expect(steps).toEqual([
      [r('a', 0, 15, 1), r('a', 0, 20, 1)],
      [r('a', 0, 20, 1, 'retract'), r('a', 0, 20, 3)],
      [W(INF)],
    ]);
  });

  it('maxSize not a multiple of step throws INVALID_ARGUMENT', () => {
    expect(() => mk({ step: 6 })).toThrow(WindowError);
  });
});
