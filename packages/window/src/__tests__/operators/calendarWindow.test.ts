import { InMemoryStore } from '@weir/state';
import { record, watermark, type StreamElement, type StreamRecord } from '@weir/stream';
import { WindowError, calendarWindow, count, type WindowResult } from '@weir/window';
import { drive, resultsOf } from './alignedOracle';

interface Ev {
  readonly k: string;
}
type O = StreamElement<WindowResult<string, unknown>>;
const ev = (k: string, ts: number): StreamRecord<Ev> => record({ k }, ts);
const r = (key: string, start: number, end: number, value: unknown, kind: 'insert' | 'update' | 'retract' = 'insert'): O => ({
  kind: 'record',
  value: { key, start, end, value, kind },
  timestamp: end - 1,
});
const W = (t: number): O => ({ kind: 'watermark', timestamp: t });
const INF = Number.POSITIVE_INFINITY;
const H = 3_600_000;
const U = Date.UTC;

describe('calendarWindow', () => {
  const mk = (extra: Record<string, unknown> = {}) =>
    calendarWindow<Ev, string, number, number>({ unit: 'day', timeZone: 'Europe/Berlin', key: (e) => e.k, aggregate: count(), store: new InMemoryStore(), ...extra });

  it('Berlin days across the 2024-03-31 spring-forward: that day is a 23-hour window', () => {
    const mar30 = U(2024, 2, 29, 23);
    const mar31 = U(2024, 2, 30, 23); // Berlin midnight, UTC+1
    const apr1 = U(2024, 2, 31, 22); // Berlin midnight, UTC+2
    const apr2 = U(2024, 3, 1, 22);
    const steps = drive(mk(), [
      ev('a', mar31 - 1), // 23:59:59.999 on the 30th
      ev('a', mar31),
      ev('b', U(2024, 2, 31, 1)), // 03:00 CEST on the 31st
      ev('a', apr1 - 1),
      ev('a', apr1),
      watermark(apr1 - 2),
      watermark(apr1 - 1),
    ]);
    expect(steps).toEqual([
      [],
      [],
      [],
      [],
      [],
      [r('a', mar30, mar31, 1), W(apr1 - 2)],
      [r('a', mar31, apr1, 2), r('b', mar31, apr1, 1), W(apr1 - 1)],
      [r('a', apr1, apr2, 1), W(INF)],
    ]);
    expect(apr1 - mar31).toBe(23 * H);
    expect(apr2 - apr1).toBe(24 * H);
  });

  it('Berlin 2024-10-27 (fall-back) is a 25-hour window', () => {
    const out = resultsOf(drive(mk(), [ev('a', U(2024, 9, 27, 12))]).flat());
    expect(out).toEqual([{ key: 'a', start: U(2024, 9, 26, 22), end: U(2024, 9, 27, 23), value: 1, kind: 'insert' }]);
  });

  it("month windows in Berlin, emit 'final' with one hour of allowed lateness", () => {
    const mar = U(2024, 1, 29, 23); // 2024-03-01 00:00 CET
    const apr = U(2024, 2, 31, 22); // 2024-04-01 00:00 CEST
    const late: unknown[] = [];
    const steps = drive(mk({ unit: 'month', emit: 'final', allowedLateness: H, onLate: (x: unknown) => late.push(x) }), [
      ev('a', mar - 1),
      ev('a', mar),
      ev('a', apr - 1),
      watermark(apr - 1),
      ev('b', apr - 1 - H / 2), // within the lateness (behind the watermark by less than an hour)
      watermark(apr - 1 + H),
      ev('c', U(2024, 2, 15)), // late
    ]);
    expect(steps).toEqual([
      [],
      [],
      [],
      [r('a', U(2024, 0, 31, 23), mar, 1), W(apr - 1 - H)], // forwarded minus the lateness
      [],
      [r('a', mar, apr, 2), r('b', mar, apr, 1), W(apr - 1)], // stamped apr - 1, above apr - 1 - H
      [],
      [W(INF)],
    ]);
    expect(late).toHaveLength(1);
  });

  it("emit 'changelog' in UTC days", () => {
    const d0 = U(2024, 0, 1);
    const steps = drive(mk({ timeZone: 'UTC', emit: 'changelog' }), [ev('a', d0 + 5), ev('a', d0 + 6)]);
    expect(steps).toEqual([[r('a', d0, d0 + 24 * H, 1)], [r('a', d0, d0 + 24 * H, 1, 'retract'), r('a', d0, d0 + 24 * H, 2)], [W(INF)]]);
  });

  it('an unknown time zone or unit throws INVALID_ARGUMENT', () => {
    expect(() => mk({ timeZone: 'Mars/Olympus' })).toThrow(WindowError);
    expect(() => mk({ unit: 'year' })).toThrow(WindowError);
  });
});
