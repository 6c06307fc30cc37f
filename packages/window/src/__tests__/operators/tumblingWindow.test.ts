import { InMemoryStore, type StateStore } from '@weir/state';
import { barrier, record, watermark, type StreamElement, type StreamRecord } from '@weir/stream';
import { CheckpointRecorder } from '@weir/stream/testing';
import { WindowError, count, sum, tumblingWindow, type EmitMode, type WindowResult } from '@weir/window';
import { Driver, drive, resultsOf } from './alignedOracle';

interface Ev {
  readonly k: unknown;
  readonly v: number;
}
type O = StreamElement<WindowResult<string, number>>;

const ev = (k: unknown, v: number, ts: number): StreamRecord<Ev> => record({ k, v }, ts);
const r = (key: string, start: number, end: number, value: unknown, kind: 'insert' | 'update' | 'retract' = 'insert'): O =>
  ({ kind: 'record', value: { key, start, end, value, kind }, timestamp: end - 1 }) as O;
const W = (t: number): O => ({ kind: 'watermark', timestamp: t });
const INF = Number.POSITIVE_INFINITY;

function op(store: StateStore, extra: Partial<Parameters<typeof tumblingWindow<Ev, string, number, number>>[0]> = {}) {
  return tumblingWindow<Ev, string, number, number>({ size: 10, offset: 3, key: (e) => e.k as string, aggregate: sum((e: Ev) => e.v), store, ...extra });
}

describe('tumblingWindow', () => {
  // windows [-7, 3), [3, 13), [13, 23) (offset 3)
  const input = [ev('a', 1, 5), ev('b', 2, 7), ev('a', 3, 12), ev('a', 4, 13), watermark(12), ev('b', 5, 2), watermark(22)];

  it("emit 'watermark': fires each window when the watermark reaches end - 1, keys in arrival order, then forwards the watermark", () => {
    const late: StreamRecord<Ev>[] = [];
    const store = new InMemoryStore();
    const o = op(store, { onLate: (x) => late.push(x) });
    const steps = drive(o, input);
    expect(steps).toEqual([[], [], [], [], [r('a', 3, 13, 4), r('b', 3, 13, 2), W(12)], [], [r('a', 13, 23, 4), W(22)], [W(INF)]]);
    expect(late).toEqual([ev('b', 5, 2)]);
    expect(o.metrics.lateRecords).toBe(1);
    expect(store.len()).toBe(0);
  });

  it("emit 'final': one insert per key and window at end - 1 + allowedLateness", () => {
    const steps = drive(op(new InMemoryStore(), { emit: 'final' }), input);
    expect(steps).toEqual([[], [], [], [], [r('a', 3, 13, 4), r('b', 3, 13, 2), W(12)], [], [r('a', 13, 23, 4), W(22)], [W(INF)]]);
  });

  it("emit 'changelog': retract + insert on every added record, no watermark-driven results", () => {
    const steps = drive(op(new InMemoryStore(), { emit: 'changelog' }), input);
    expect(steps).toEqual([
      [r('a', 3, 13, 1)],
      [r('b', 3, 13, 2)],
      [r('a', 3, 13, 1, 'retract'), r('a', 3, 13, 4)],
      [r('a', 13, 23, 4)],
      [W(12)],
      [], // late
      [W(22)],
      [W(INF)],
    ]);
  });

  it('drops watermarks that do not advance and fires nothing before end - 1', () => {
    const steps = drive(op(new InMemoryStore()), [ev('a', 1, 3), watermark(11), watermark(11), watermark(5), watermark(12), watermark(12)]);
    expect(steps).toEqual([[], [W(11)], [], [], [r('a', 3, 13, 1), W(12)], [], [W(INF)]]);
  });

  it('completion without watermarks fires every window in (end, start) order, then emits +Infinity', () => {
    const steps = drive(op(new InMemoryStore()), [ev('b', 1, 30), ev('a', 1, 4), ev('b', 1, -5), ev('a', 1, 33)]);
    expect(steps[4]).toEqual([r('b', -7, 3, 1), r('a', 3, 13, 1), r('b', 23, 33, 1), r('a', 33, 43, 1), W(INF)]);
  });

  it('an explicit +Infinity watermark fires everything and completion adds nothing', () => {
    const steps = drive(op(new InMemoryStore()), [ev('a', 1, 4), watermark(INF)]);
    expect(steps).toEqual([[], [r('a', 3, 13, 1), W(INF)], []]);
  });

  describe('allowed lateness', () => {
    // with lateness 5, a record is late at or below the watermark minus 5: a@8, b@9 (wm 12) and a@12
    // (wm 16) are not, a@10 (wm 17) and c@3 are
    const lateInput = [ev('a', 1, 5), watermark(12), ev('a', 2, 8), ev('b', 3, 9), watermark(16), ev('a', 4, 12), watermark(17), ev('a', 5, 10), ev('c', 6, 3)];

    it("'watermark': a record within the lateness updates a fired window at once; after end - 1 + lateness it is late", () => {
      const late: StreamRecord<Ev>[] = [];
      const store = new InMemoryStore();
      const o = op(store, { allowedLateness: 5, onLate: (x) => late.push(x) });
      const steps = drive(o, lateInput);
      expect(steps).toEqual([
        [],
        [r('a', 3, 13, 1), W(7)], // watermarks are forwarded minus the lateness: 12 - 5
        [r('a', 3, 13, 3, 'update')],
        [r('b', 3, 13, 3, 'insert')], // a new key in a fired window: insert
        [W(11)],
        [r('a', 3, 13, 7, 'update')], // stamped 12, above the forwarded 11: not late downstream
        [W(12)], // purged at 12 + 5
        [],
        [],
        [W(INF)],
      ]);
      expect(late).toEqual([ev('a', 5, 10), ev('c', 6, 3)]);
      expect(o.metrics.lateRecords).toBe(2);
      expect(store.len()).toBe(0);
    });

    it("'final': one insert with every record added, at end - 1 + lateness", () => {
      const late: StreamRecord<Ev>[] = [];
      const steps = drive(op(new InMemoryStore(), { allowedLateness: 5, emit: 'final', onLate: (x) => late.push(x) }), lateInput);
      expect(steps).toEqual([[], [W(7)], [], [], [W(11)], [], [r('a', 3, 13, 7), r('b', 3, 13, 3), W(12)], [], [], [W(INF)]]);
      expect(late).toHaveLength(2);
    });

    it("'changelog': late-but-allowed records retract and re-insert", () => {
      const steps = drive(op(new InMemoryStore(), { allowedLateness: 5, emit: 'changelog' }), lateInput);
      expect(steps).toEqual([
        [r('a', 3, 13, 1)],
        [W(7)],
        [r('a', 3, 13, 1, 'retract'), r('a', 3, 13, 3)],
        [r('b', 3, 13, 3)],
        [W(11)],
        [r('a', 3, 13, 3, 'retract'), r('a', 3, 13, 7)],
        [W(12)],
        [],
        [],
        [W(INF)],
      ]);
    });

    it("'watermark': a record within the lateness for a window that fired while empty emits at once", () => {
      // The window [3, 13) reached end - 1 (wm 13) before it held anything; `b` arrives within
      // the lateness (9 > 13 - 5), so the window has already fired and the record must emit immediately.
      const steps = drive(op(new InMemoryStore(), { allowedLateness: 5 }), [ev('a', 1, 13), watermark(13), ev('b', 2, 9), watermark(15)]);
      expect(steps).toEqual([[], [W(8)], [r('b', 3, 13, 2, 'insert')], [W(10)], [r('a', 13, 23, 1), W(INF)]]);
    });
  });

  it('early firing: changed keys fire at start + k * earlyFiring, the rest at end - 1', () => {
    const o = tumblingWindow<Ev, string, number, number>({ size: 100, earlyFiring: 30, key: (e) => e.k as string, aggregate: sum((e: Ev) => e.v), store: new InMemoryStore() });
    const steps = drive(o, [
      ev('a', 1, 10),
      watermark(29),
      watermark(30),
      ev('a', 2, 40),
      ev('b', 3, 45),
      watermark(70), // passes 60: a, b changed
      watermark(89),
      ev('c', 4, 95),
      watermark(95), // passes 90: c changed
      ev('a', 5, 96),
      watermark(99), // end - 1: only a changed since
      ev('d', 1, 150),
      watermark(250), // [100, 200) passes 130, 160, 190 and its end in one watermark: d once
    ]);
    expect(steps).toEqual([
      [],
      [W(29)],
      [r('a', 0, 100, 1), W(30)],
      [],
      [],
      [r('a', 0, 100, 3, 'update'), r('b', 0, 100, 3), W(70)],
      [W(89)],
      [],
      [r('c', 0, 100, 4), W(95)],
      [],
      [r('a', 0, 100, 8, 'update'), W(99)],
      [],
      [r('d', 100, 200, 1), W(250)],
      [W(INF)],
    ]);
  });

  it('early firing of a window opened after some early-firing times starts after the current watermark', () => {
    const o = tumblingWindow<Ev, string, number, number>({ size: 100, earlyFiring: 30, key: (e) => e.k as string, aggregate: sum((e: Ev) => e.v), store: new InMemoryStore() });
    const steps = drive(o, [watermark(65), ev('a', 1, 70), watermark(89), watermark(90), watermark(99)]);
    expect(steps).toEqual([[W(65)], [], [W(89)], [r('a', 0, 100, 1), W(90)], [W(99)], [W(INF)]]);
  });

  it('accepts number, bigint and byte-string keys (bigints in the safe range become numbers)', () => {
    const o = tumblingWindow<Ev, any, number, number>({ size: 10, key: (e) => e.k as any, aggregate: count(), store: new InMemoryStore() });
    const out = resultsOf(drive(o, [ev(7, 0, 1), ev(7n, 0, 2), ev(Uint8Array.of(1, 2), 0, 3), ev(Uint8Array.of(1, 2), 0, 4), ev('7', 0, 5)]).flat());
    expect(out).toEqual([
      { key: 7, start: 0, end: 10, value: 2, kind: 'insert' },
      { key: Uint8Array.of(1, 2), start: 0, end: 10, value: 2, kind: 'insert' },
      { key: '7', start: 0, end: 10, value: 1, kind: 'insert' },
    ]);
  });

  describe('errors', () => {
    it.each([
      ['an object', {}],
      ['a fractional number', 1.5],
      ['NaN', NaN],
      ['undefined', undefined],
    ])('a key function returning %s errors the stream with INVALID_KEY naming the operator', (_, bad) => {
      const d = new Driver(op(new InMemoryStore(), { name: 'clicks' }));
      d.push(ev('a', 1, 1));
      d.push(ev(bad, 1, 2));
      expect(d.error).toBeInstanceOf(WindowError);
      expect((d.error as WindowError).code).toBe('INVALID_KEY');
      expect((d.error as WindowError).message).toContain("tumblingWindow 'clicks'");
    });

    it('with onInvalid, a bad key goes there, is counted, and the stream continues', () => {
      const invalid: Array<[StreamRecord<Ev>, Error]> = [];
      const o = op(new InMemoryStore(), { onInvalid: (x, e) => invalid.push([x, e]) });
      const steps = drive(o, [ev('a', 1, 5), ev({}, 2, 6), ev(1.5, 3, 7), ev('a', 4, 8)]);
      expect(resultsOf(steps.flat())).toEqual([{ key: 'a', start: 3, end: 13, value: 5, kind: 'insert' }]);
      expect(invalid.map(([x]) => x.value.v)).toEqual([2, 3]);
      expect(invalid.every(([, e]) => e instanceof WindowError && e.code === 'INVALID_KEY')).toBe(true);
      expect(o.metrics.invalidRecords).toBe(2);
      expect(o.metrics.recordsIn).toBe(4);
    });

    it.each([1.5, NaN, Number.MAX_VALUE])('a record with timestamp %p errors the stream with INVALID_TIMESTAMP naming the operator', (ts) => {
      const d = new Driver(op(new InMemoryStore(), { name: 'clicks' }));
      d.push({ kind: 'record', value: { k: 'a', v: 1 }, timestamp: ts });
      expect(d.error).toBeInstanceOf(WindowError);
      expect((d.error as WindowError).code).toBe('INVALID_TIMESTAMP');
      expect((d.error as WindowError).message).toContain("tumblingWindow 'clicks'");
    });

    it('with onInvalid, a bad timestamp goes there and is counted', () => {
      const invalid: Error[] = [];
      const o = op(new InMemoryStore(), { onInvalid: (_, e) => invalid.push(e) });
      const steps = drive(o, [{ kind: 'record', value: { k: 'a', v: 1 }, timestamp: 2.5 }, ev('a', 2, 4)]);
      expect(resultsOf(steps.flat())).toEqual([{ key: 'a', start: 3, end: 13, value: 2, kind: 'insert' }]);
      expect(invalid).toHaveLength(1);
      expect((invalid[0] as WindowError).code).toBe('INVALID_TIMESTAMP');
      expect(o.metrics.invalidRecords).toBe(1);
    });

    const store = new InMemoryStore();
    const base = { size: 10, key: (e: Ev) => e.k as string, aggregate: count(), store };
    it.each<[string, Record<string, unknown>]>([
      ['size 0', { size: 0 }],
      ['size 1.5', { size: 1.5 }],
      ['size NaN', { size: NaN }],
      ['allowedLateness -1', { allowedLateness: -1 }],
      ['allowedLateness 0.5', { allowedLateness: 0.5 }],
      ['emit bogus', { emit: 'bogus' }],
      ['earlyFiring 0', { earlyFiring: 0 }],
      ["earlyFiring with emit 'final'", { earlyFiring: 10, emit: 'final' }],
      ['key not a function', { key: 'k' }],
      ['aggregate missing', { aggregate: undefined }],
      ['store missing', { store: undefined }],
      ['empty name', { name: '' }],
      ['onLate not a function', { onLate: 1 }],
    ])('bad options throw INVALID_ARGUMENT synchronously: %s', (_, patch) => {
      let caught: unknown;
      try {
        tumblingWindow({ ...base, ...patch } as never);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(WindowError);
      expect((caught as WindowError).code).toBe('INVALID_ARGUMENT');
    });
  });

  describe('state', () => {
    it.each<[EmitMode, number]>([
      ['watermark', 0],
      ['watermark', 25],
      ['final', 25],
      ['changelog', 25],
    ])("store.len() stays bounded over a long in-order run (emit %s, lateness %d) and ends with only the meta entry", (emit, allowedLateness) => {
      const store = new InMemoryStore();
      const recorder = new CheckpointRecorder();
      const o = tumblingWindow<Ev, string, number, number>({ size: 10, key: (e) => e.k as string, aggregate: count(), store, emit, allowedLateness, checkpoint: recorder });
      const d = new Driver(o);
      let maxLen = 0;
      let results = 0;
      for (let t = 0; t < 20_000; t++) {
        results += resultsOf(d.push(ev(['x', 'y', 'z'][t % 3], 1, t))).length;
        if (t % 7 === 0) results += resultsOf(d.push(watermark(t - 3))).length;
        if (t % 1000 === 0) d.push(barrier(t));
        maxLen = Math.max(maxLen, store.len());
      }
      // (3 keys + 1 timer) x (windows open within lateness + 2) + meta
      const open = Math.ceil(allowedLateness / 10) + 2;
      expect(maxLen).toBeLessThanOrEqual(4 * open + 1);
      results += resultsOf(d.complete()).length;
      expect(d.error).toBeUndefined();
      expect(store.len()).toBe(1); // the meta entry written at barriers
      expect(o.metrics.openWindows).toBe(0);
      if (emit !== 'changelog') expect(results).toBe(2000 * 3);
    });
  });

  it('metrics are readable while the operator runs (write-through: cacheSize 0)', () => {
    const store = new InMemoryStore();
    const o = op(store, { allowedLateness: 5, cacheSize: 0 });
    const d = new Driver(o);
    d.push(ev('a', 1, 5));
    d.push(ev('b', 1, 6));
    d.push(ev('a', 1, 15));
    expect(o.metrics.snapshot()).toMatchObject({ recordsIn: 3, lateRecords: 0, windowsFired: 0, resultsEmitted: 0, openWindows: 2, storeEntries: 5 }); // 3 groups, 2 timers
    expect(o.metrics.watermark).toBe(-Infinity);
    d.push(watermark(12)); // fires [3, 13), keeps it (lateness 5): its timer moves to the purge time
    expect(o.metrics.snapshot()).toMatchObject({ recordsIn: 3, windowsFired: 1, resultsEmitted: 2, openWindows: 2, storeEntries: 5, watermark: 12 });
    d.push(ev('a', 1, 8)); // update (8 > 12 - 5)
    d.push(watermark(17)); // purges [3, 13)
    d.push(ev('a', 1, 8)); // late
    expect(o.metrics.snapshot()).toMatchObject({ recordsIn: 5, lateRecords: 1, windowsFired: 1, resultsEmitted: 3, openWindows: 1, storeEntries: 2 });
    expect(o.metrics.storeEntries).toBe(store.len());
    expect(o.metrics.storeBytes).toBeGreaterThan(0);
    d.complete();
    expect(o.metrics.snapshot()).toMatchObject({ recordsIn: 5, lateRecords: 1, windowsFired: 2, resultsEmitted: 4, openWindows: 0, storeEntries: 0, watermark: INF });
  });

  it('by default holds changed groups in memory; a barrier records them in one barrier log entry', () => {
    const store = new InMemoryStore();
    const o = op(store, { allowedLateness: 5 });
    const d = new Driver(o);
    d.push(ev('a', 1, 5));
    d.push(ev('b', 1, 6));
    d.push(ev('a', 1, 15));
    expect(o.metrics.storeEntries).toBe(2); // the 2 timers; the 3 groups wait in memory
    d.push(barrier(1));
    expect(o.metrics.storeEntries).toBe(4); // + the barrier log (the 3 groups) + the meta entry
    d.push(ev('a', 1, 16));
    d.push(watermark(12)); // fires [3, 13)
    d.push(watermark(17)); // purges [3, 13): its groups were never written under their own keys
    expect(o.metrics.storeEntries).toBe(3); // [13, 23)'s timer, the log (its group still waits), the meta entry
    d.complete();
    expect(store.len()).toBe(1); // nothing waits any more: the log is deleted; the meta entry stays
  });
});
