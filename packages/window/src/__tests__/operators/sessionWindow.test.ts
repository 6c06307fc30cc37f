import { InMemoryStore, type StateStore } from '@weir/state';
import { barrier, record, watermark, type StreamElement, type StreamRecord } from '@weir/stream';
import { WindowError, collect, count, sum, sessionWindow, type SessionWindowOptions, type WindowResult } from '@weir/window';
import { Driver, drive } from './sessionOracle';

interface Ev {
  readonly k: unknown;
  readonly v: number;
}
type O = StreamElement<WindowResult<string, unknown>>;
type Opts = Partial<SessionWindowOptions<Ev, string, any, any>>;

const ev = (k: unknown, v: number, ts: number): StreamRecord<Ev> => record({ k, v }, ts);
const r = (key: string, start: number, end: number, value: unknown, kind: 'insert' | 'update' | 'retract' = 'insert'): O =>
  ({ kind: 'record', value: { key, start, end, value, kind }, timestamp: end - 1 }) as O;
const W = (t: number): O => ({ kind: 'watermark', timestamp: t });
const INF = Number.POSITIVE_INFINITY;

/** gap 5, sum of v, keyed by k. */
function op(store: StateStore, extra: Opts = {}) {
  return sessionWindow<Ev, string, any, any>({ gap: 5, key: (e) => e.k as string, aggregate: sum((e: Ev) => e.v), store, ...extra });
}

describe('sessionWindow', () => {
  describe("emit 'watermark' (default)", () => {
    it('sessionises per key and fires each session when the watermark reaches end - 1, in end order, before forwarding the watermark', () => {
      const store = new InMemoryStore();
      const steps = drive(op(store), [ev('a', 1, 0), ev('b', 2, 1), ev('a', 3, 3), ev('a', 4, 14), watermark(6), watermark(7), ev('b', 8, 30)]);
      expect(steps).toEqual([
        [],
        [],
        [],
        [],
        [r('b', 1, 6, 2), W(6)], // b: [1, 6)
        [r('a', 0, 8, 4), W(7)], // a: 0 and 3 -> [0, 8)
        [],
        [r('a', 14, 19, 4), r('b', 30, 35, 8), W(INF)], // completion = +Infinity watermark
      ]);
      expect(store.len()).toBe(0);
    });

    it('records exactly `gap` apart only touch: each starts its own session', () => {
      const steps = drive(op(new InMemoryStore()), [ev('a', 1, 0), ev('a', 2, 5), ev('a', 4, 10), watermark(14)]);
      expect(steps[3]).toEqual([r('a', 0, 5, 1), r('a', 5, 10, 2), r('a', 10, 15, 4), W(14)]);
    });

    it('records less than `gap` apart share a session', () => {
      const steps = drive(op(new InMemoryStore()), [ev('a', 1, 0), ev('a', 2, 4), ev('a', 4, 8), watermark(14)]);
      expect(steps[3]).toEqual([r('a', 0, 13, 7), W(14)]);
    });

    it('records `gap + 1` apart do not', () => {
      const steps = drive(op(new InMemoryStore()), [ev('a', 1, 0), ev('a', 2, 6), watermark(4), watermark(10)]);
      expect(steps.slice(2)).toEqual([[r('a', 0, 5, 1), W(4)], [r('a', 6, 11, 2), W(10)], [W(INF)]]);
    });

    it('a record arriving before the earlier records of its session moves the start (overlapping from the left)', () => {
      const steps = drive(op(new InMemoryStore()), [ev('a', 1, 10), ev('a', 2, 6), ev('a', 4, 2), watermark(100)]);
      expect(steps[3]).toEqual([r('a', 2, 15, 7), W(100)]);
    });

    it('an out-of-order record bridges two fired sessions (overlapping both): retract, retract, insert of the merged session', () => {
      const late: StreamRecord<Ev>[] = [];
      const o = op(new InMemoryStore(), { allowedLateness: 10, onLate: (x) => late.push(x) });
      // [0, 5) and [8, 13); then a record at 4 ([4, 9)) overlaps both
      const steps = drive(o, [ev('a', 1, 0), ev('a', 2, 8), watermark(12), ev('a', 4, 4), watermark(30)]);
      expect(steps).toEqual([
        [],
        [],
        [r('a', 0, 5, 1), r('a', 8, 13, 2), W(2)], // forwarded minus the lateness: 12 - 10
        [r('a', 0, 5, 1, 'retract'), r('a', 8, 13, 2, 'retract'), r('a', 0, 13, 7)], // end - 1 = 12 <= wm: at once
        [W(20)],
        [W(INF)],
      ]);
      expect(late).toEqual([]);
    });

    it('an out-of-order record exactly `gap` from two fired sessions touches both but bridges neither', () => {
      const o = op(new InMemoryStore(), { allowedLateness: 11 });
      // [0, 5) and [10, 15), both fired at 14 ([0, 5) kept until 4 + 11); a record at 5 has [5, 10)
      const steps = drive(o, [ev('a', 1, 0), ev('a', 2, 10), watermark(14), ev('a', 4, 5), watermark(30)]);
      expect(steps[2]).toEqual([r('a', 0, 5, 1), r('a', 10, 15, 2), W(3)]); // forwarded minus the lateness: 14 - 11
      expect(steps[3]).toEqual([r('a', 5, 10, 4)]); // its own session, already past its end: at once
    });

    it('a bridge of sessions not yet fired emits nothing until the merged session fires', () => {
      const steps = drive(op(new InMemoryStore()), [ev('a', 1, 0), ev('a', 2, 8), ev('a', 4, 4), watermark(14)]);
      expect(steps).toEqual([[], [], [], [r('a', 0, 13, 7), W(14)], [W(INF)]]);
    });

    it('an on-time record exactly `gap` after a fired, still kept session opens a new one: nothing is retracted', () => {
      const steps = drive(op(new InMemoryStore(), { allowedLateness: 1 }), [ev('a', 1, 0), watermark(4), ev('a', 2, 5), watermark(9)]);
      expect(steps).toEqual([[], [r('a', 0, 5, 1), W(3)], [], [r('a', 5, 10, 2), W(8)], [W(INF)]]);
    });

    it('an on-time record can only extend a fired session if it overlaps it, which needs allowed lateness', () => {
      const steps = drive(op(new InMemoryStore(), { allowedLateness: 2 }), [ev('a', 1, 0), watermark(4), ev('a', 2, 4), watermark(9)]);
      // a@4 is behind the watermark (4) but within the lateness: [4, 9) overlaps [0, 5)
      // watermarks are forwarded minus the lateness, so the retraction (stamped 4) is not late downstream
      expect(steps).toEqual([[], [r('a', 0, 5, 1), W(2)], [r('a', 0, 5, 1, 'retract')], [r('a', 0, 9, 3), W(7)], [W(INF)]]);
    });

    it('with allowedLateness 0 a fired session is purged at once; a record exactly `gap` later opens a new session, as in batch', () => {
      const steps = drive(op(new InMemoryStore()), [ev('a', 1, 0), watermark(4), ev('a', 2, 5), watermark(9)]);
      expect(steps).toEqual([[], [r('a', 0, 5, 1), W(4)], [], [r('a', 5, 10, 2), W(9)], [W(INF)]]);
    });

    it('a record at or below the watermark is late even though its own window [t, t + gap) would still be open (lateness is per record)', () => {
      const late: StreamRecord<Ev>[] = [];
      const steps = drive(op(new InMemoryStore(), { onLate: (x) => late.push(x) }), [ev('a', 1, 0), watermark(4), ev('a', 2, 3), watermark(7)]);
      expect(steps).toEqual([[], [r('a', 0, 5, 1), W(4)], [], [W(7)], [W(INF)]]);
      expect(late).toEqual([ev('a', 2, 3)]);
    });

    it('a late record (at or below the watermark - allowedLateness) goes to onLate and changes nothing', () => {
      const late: StreamRecord<Ev>[] = [];
      const store = new InMemoryStore();
      const o = op(store, { allowedLateness: 2, onLate: (x) => late.push(x) });
      // [0, 5) fires at 4; a record at 3 (3 > 4 - 2) extends it to [0, 8), which fires at 7; then
      // a record at 4 is late (4 <= 7 - 2) and one at 6 is not: it extends [0, 8) to [0, 11)
      const steps = drive(o, [ev('a', 1, 0), watermark(4), ev('a', 2, 3), watermark(7), ev('a', 3, 4), ev('a', 4, 6)]);
      expect(steps).toEqual([
        [],
        [r('a', 0, 5, 1), W(2)], // forwarded minus the lateness: 4 - 2
        [r('a', 0, 5, 1, 'retract')], // the fired [0, 5) becomes [0, 8), not yet due
        [r('a', 0, 8, 3), W(5)],
        [], // late
        [r('a', 0, 8, 3, 'retract')], // [0, 8) becomes [0, 11), due at 10
        [r('a', 0, 11, 7), W(INF)],
      ]);
      expect(late).toEqual([ev('a', 3, 4)]);
      expect(o.metrics.lateRecords).toBe(1);
    });

    it('a record at or below the watermark is late even when the session it falls in is still open (no session decides)', () => {
      const late: StreamRecord<Ev>[] = [];
      const o = sessionWindow<Ev, string, number, number>({ gap: 5, key: (e) => e.k as string, aggregate: count(), store: new InMemoryStore(), onLate: (x) => late.push(x) });
      // a: 0, 4 -> [0, 9), open until wm 8; at wm 6 a record at 1 is late (1 <= 6)
      const steps = drive(o, [ev('a', 1, 0), ev('a', 1, 4), watermark(6), ev('a', 1, 1), watermark(8)]);
      expect(steps).toEqual([[], [], [W(6)], [], [r('a', 0, 9, 2), W(8)], [W(INF)]]);
      expect(late).toEqual([ev('a', 1, 1)]);
    });

    it('a record inside a fired session within the allowed lateness (same window) re-fires it at once as an update', () => {
      const steps = drive(op(new InMemoryStore(), { allowedLateness: 5 }), [ev('a', 1, 0), ev('a', 2, 3), watermark(7), ev('a', 4, 3), ev('a', 8, 3), watermark(13)]);
      // watermarks are forwarded minus the lateness (7 - 5, 13 - 5): the updates (stamped 7) are not late downstream
      expect(steps).toEqual([[], [], [r('a', 0, 8, 3), W(2)], [r('a', 0, 8, 7, 'update')], [r('a', 0, 8, 15, 'update')], [W(8)], [W(INF)]]);
    });

    it('drops watermarks that do not advance, forwards advancing ones after the results they trigger', () => {
      const steps = drive(op(new InMemoryStore()), [ev('a', 1, 0), watermark(3), watermark(3), watermark(2), watermark(4), watermark(4)]);
      expect(steps).toEqual([[], [W(3)], [], [], [r('a', 0, 5, 1), W(4)], [], [W(INF)]]);
    });

    it('an explicit +Infinity watermark fires everything and completion adds nothing', () => {
      const steps = drive(op(new InMemoryStore()), [ev('a', 1, 0), ev('b', 2, 100), watermark(INF)]);
      expect(steps).toEqual([[], [], [r('a', 0, 5, 1), r('b', 100, 105, 2), W(INF)], []]);
    });

    it('forwards barriers and keeps numbers, strings, bigints and byte-string keys apart', () => {
      const o = sessionWindow<{ k: unknown }, any, number, number>({ gap: 5, key: (e) => e.k as any, aggregate: count(), store: new InMemoryStore() });
      const steps = drive(o, [record({ k: 1 }, 0), record({ k: '1' }, 0), record({ k: new Uint8Array([1]) }, 0), record({ k: 2n }, 0), barrier(7), record({ k: 1 }, 2)]);
      expect(steps[4]).toEqual([barrier(7)]);
      const rows = (steps[6] as O[]).flatMap((el) => (el.kind === 'record' ? [el.value] : []));
      expect(rows.map((x) => [x.key, x.start, x.end, x.value])).toEqual([
        ['1', 0, 5, 1],
        [new Uint8Array([1]), 0, 5, 1],
        [2, 0, 5, 1], // bigints in the safe range come back as numbers
        [1, 0, 7, 2],
      ]);
    });
  });

  describe('early firing', () => {
    it('fires a changed session at start + k * earlyFiring before its end, then at end - 1 only if it changed again', () => {
      // lateness 5 admits the records behind the watermark (forwarded watermarks are W - 5)
      const o = op(new InMemoryStore(), { gap: 10, earlyFiring: 4, allowedLateness: 5 });
      // [0, 10): early at 4 and 8, on time at 9
      const steps = drive(o, [ev('a', 1, 0), watermark(4), ev('a', 2, 0), watermark(8), watermark(9), ev('b', 5, 20), watermark(23), ev('b', 1, 21), watermark(29)]);
      expect(steps).toEqual([
        [],
        [r('a', 0, 10, 1), W(-1)],
        [],
        [r('a', 0, 10, 3, 'update'), W(3)],
        [W(4)], // unchanged since the early firing at 8
        [],
        [W(18)], // b opened at wm 9: its first early time is 24
        [],
        [r('b', 20, 31, 6), W(24)], // early time 24 passed (caught up once)
        [W(INF)], // on time at 30: unchanged since
      ]);
    });

    it('a session extended after an early firing retracts the window it emitted, with the value it emitted', () => {
      const o = sessionWindow<Ev, string, number, number>({ gap: 10, earlyFiring: 5, allowedLateness: 6, key: (e) => e.k as string, aggregate: sum((e: Ev) => e.v), store: new InMemoryStore() });
      // [0, 10) fires early at 5 with 1; a second record at 0 (same window; not late: 0 > 5 - 6)
      // makes it 3, not emitted; a record at 3 extends it to [0, 13): the retraction must withdraw
      // what was emitted (1). Watermarks are forwarded minus the lateness.
      const steps = drive(o, [ev('a', 1, 0), watermark(5), ev('a', 2, 0), ev('a', 4, 3), watermark(12)]);
      expect(steps).toEqual([[], [r('a', 0, 10, 1), W(-1)], [], [r('a', 0, 10, 1, 'retract')], [r('a', 0, 13, 7), W(6)], [W(INF)]]);
    });
  });

  describe("emit 'final'", () => {
    it('emits each session once, at end - 1 + allowedLateness, including what arrived within the lateness', () => {
      const late: StreamRecord<Ev>[] = [];
      const o = op(new InMemoryStore(), { emit: 'final', allowedLateness: 3, onLate: (x) => late.push(x) });
      // a: [0, 8) would fire at 10; b: [2, 7) fires at 9; then a record at 7 (7 > 9 - 3) extends a
      // to [0, 12), which fires at 14 (here: at completion), and one at 5 is late (5 <= 9 - 3)
      const steps = drive(o, [ev('a', 1, 0), ev('a', 2, 3), ev('b', 4, 2), watermark(7), watermark(9), ev('a', 8, 7), ev('b', 16, 5), watermark(10)]);
      // watermarks are forwarded minus the lateness (3)
      expect(steps).toEqual([[], [], [], [W(4)], [r('b', 2, 7, 4), W(6)], [], [], [W(7)], [r('a', 0, 12, 11), W(INF)]]);
      expect(late).toEqual([ev('b', 16, 5)]);
    });

    it('bridging within the lateness merges before anything is emitted: one insert', () => {
      const o = op(new InMemoryStore(), { emit: 'final', allowedLateness: 10 });
      // [0, 5) and [8, 13); a@4 has [4, 9), overlapping both
      const steps = drive(o, [ev('a', 1, 0), ev('a', 2, 8), watermark(13), ev('a', 4, 4), watermark(24)]);
      expect(steps).toEqual([[], [], [W(3)], [], [r('a', 0, 13, 7), W(14)], [W(INF)]]); // watermarks forwarded minus 10
    });
  });

  describe("emit 'changelog'", () => {
    it('every change emits the retract of each emitted affected session, then the insert of the new result, at once', () => {
      const o = sessionWindow<Ev, string, any, number[]>({ gap: 5, emit: 'changelog', key: (e) => e.k as string, aggregate: collect((e: Ev) => e.v), store: new InMemoryStore() });
      const steps = drive(o, [ev('a', 1, 0), ev('a', 2, 3), ev('a', 3, 3), ev('a', 4, 11), ev('a', 5, 7), watermark(100), ev('a', 6, 50)]);
      expect(steps).toEqual([
        [r('a', 0, 5, [1])],
        [r('a', 0, 5, [1], 'retract'), r('a', 0, 8, [1, 2])], // the retraction carries the value emitted before
        [r('a', 0, 8, [1, 2], 'retract'), r('a', 0, 8, [1, 2, 3])], // same window: retract + insert too
        [r('a', 11, 16, [4])],
        [r('a', 0, 8, [1, 2, 3], 'retract'), r('a', 11, 16, [4], 'retract'), r('a', 0, 16, [1, 2, 3, 5, 4])], // a@7 overlaps both
        [W(100)], // no watermark-driven results
        [], // late
        [W(INF)],
      ]);
    });

    it('sum: retract then insert', () => {
      const steps = drive(op(new InMemoryStore(), { emit: 'changelog' }), [ev('a', 1, 0), ev('a', 2, 4), watermark(8), ev('a', 3, 20)]);
      expect(steps).toEqual([[r('a', 0, 5, 1)], [r('a', 0, 5, 1, 'retract'), r('a', 0, 9, 3)], [W(8)], [r('a', 20, 25, 3)], [W(INF)]]);
    });
  });

  describe("'watermark' mode with a mutating accumulator (collect)", () => {
    it('the retraction of an extended session carries its old value, not the new one', () => {
      const o = sessionWindow<Ev, string, any, number[]>({ gap: 5, allowedLateness: 10, key: (e) => e.k as string, aggregate: collect((e: Ev) => e.v), store: new InMemoryStore() });
      const steps = drive(o, [ev('a', 1, 0), watermark(4), ev('a', 2, 2), watermark(6)]);
      expect(steps).toEqual([[], [r('a', 0, 5, [1]), W(-6)], [r('a', 0, 5, [1], 'retract')], [r('a', 0, 7, [1, 2]), W(-4)], [W(INF)]]); // watermarks forwarded minus 10
    });
  });

  describe('bad input', () => {
    it('an invalid key errors the stream with a WindowError naming the operator', () => {
      const d = new Driver(op(new InMemoryStore()));
      d.push(ev('a', 1, 0));
      d.push(ev({ no: 'key' }, 1, 1));
      expect(d.error).toBeInstanceOf(WindowError);
      expect((d.error as WindowError).code).toBe('INVALID_KEY');
      expect((d.error as Error).message).toContain('sessionWindow');
    });

    it.each([
      ['a fraction', 1.5],
      ['NaN', NaN],
      ['+Infinity', INF],
    ])('a non-integer timestamp (%s) errors the stream with INVALID_TIMESTAMP', (_, ts) => {
      const d = new Driver(op(new InMemoryStore()));
      d.push({ kind: 'record', value: { k: 'a', v: 1 }, timestamp: ts as number }); // record() would refuse it
      expect(d.error).toBeInstanceOf(WindowError);
      expect((d.error as WindowError).code).toBe('INVALID_TIMESTAMP');
    });

    it('with onInvalid, bad records go there and the rest goes on', () => {
      const bad: Array<[StreamRecord<Ev>, Error]> = [];
      const o = op(new InMemoryStore(), { onInvalid: (x, e) => bad.push([x, e]) });
      const steps = drive(o, [ev('a', 1, 0), ev(null, 1, 1), ev('a', 2, 0.5), ev('a', 3, 2), watermark(10)]);
      expect(steps[4]).toEqual([r('a', 0, 7, 4), W(10)]);
      expect(bad.map(([x, e]) => [x, (e as WindowError).code])).toEqual([
        [ev(null, 1, 1), 'INVALID_KEY'],
        [ev('a', 2, 0.5), 'INVALID_TIMESTAMP'],
      ]);
      expect(o.metrics.invalidRecords).toBe(2);
    });

    it.each([0, -1, 1.5, NaN, undefined])('refuses gap %p', (gap) => {
      expect(() => op(new InMemoryStore(), { gap: gap as number })).toThrow(WindowError);
    });
  });
});
