// Marble tests: exactly when window results fire relative to the watermarks that release them.
// Each input element is one marble of a cold observable of StreamElements; the operator works
// synchronously, so a result appears in the frame of the element that triggered it, grouped with
// the watermark it is forwarded before. `I` is the +Infinity watermark emitted on completion.
import { TestScheduler } from 'rxjs/testing';
import { InMemoryStore } from '@weir/state';
import { record, watermark, type StreamElement } from '@weir/stream';
import { sessionWindow, sum, tumblingWindow, type EmitMode, type WindowResult } from '@weir/window';

interface Ev {
  readonly k: string;
  readonly v: number;
}
type O = StreamElement<WindowResult<string, number>>;

const ev = (v: number, ts: number, k = 'k'): StreamElement<Ev> => record({ k, v }, ts);
const res = (start: number, end: number, value: number, kind: WindowResult<string, number>['kind'] = 'insert', key = 'k'): O =>
  ({ kind: 'record', value: { key, start, end, value, kind }, timestamp: end - 1 }) as O;
const W = (t: number): O => ({ kind: 'watermark', timestamp: t });
const I = W(Number.POSITIVE_INFINITY);

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const tumbling = (emit: EmitMode, allowedLateness = 0) =>
  tumblingWindow<Ev, string, number, number>({ size: 10, emit, allowedLateness, key: (e) => e.k, aggregate: sum((e: Ev) => e.v), store: new InMemoryStore() });

const session = (emit: EmitMode, allowedLateness = 0) =>
  sessionWindow<Ev, string, number, number>({ gap: 5, emit, allowedLateness, key: (e) => e.k, aggregate: sum((e: Ev) => e.v), store: new InMemoryStore() });

describe('window timing (marbles)', () => {
  describe('tumblingWindow, size 10', () => {
    // a@2, b@5 in [0, 10); the watermark 8 releases nothing, 9 releases [0, 10); c@12 in [10, 20)
    const values = { a: ev(1, 2), b: ev(2, 5), v: watermark(8), w: watermark(9), c: ev(4, 12), x: watermark(19) };
    const input = 'a 4ms b 4ms v 4ms w 4ms c 4ms x 4ms |';
    //             0      5      10     15     20     25     30

    it("emit 'watermark': a window fires in the frame its end - 1 is reached, just before the watermark", () => {
      scheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold(input, values).pipe(tumbling('watermark'))).toBe('10ms v 4ms (Rw) 6ms (Sx) 1ms (I|)', { v: W(8), w: W(9), x: W(19), R: res(0, 10, 3), S: res(10, 20, 4), I });
      });
    });

    it("emit 'watermark' with allowed lateness: a record for a fired window re-fires it at once as an update", () => {
      const late = { ...values, c: ev(4, 7) };
      // watermarks are forwarded minus the lateness, so the update (stamped 9) is not late downstream
      scheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold(input, late).pipe(tumbling('watermark', 5))).toBe('10ms v 4ms (Rw) 1ms U 4ms x 4ms (I|)', { v: W(3), w: W(4), x: W(14), R: res(0, 10, 3), U: res(0, 10, 7, 'update'), I });
      });
    });

    it("emit 'final' with allowed lateness 5: one insert at end - 1 + 5, including the record that came within the lateness", () => {
      const final = { a: ev(1, 2), w: watermark(9), d: ev(2, 5), y: watermark(13), z: watermark(14), e: ev(8, 4) };
      //                          a@2  wm 9 d@5 (within lateness: 5 > 9 - 5) wm 13   wm 14 fires [0, 10)  e@4 late (4 <= 14 - 5)
      scheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('a 4ms w 4ms d 4ms y 4ms z 4ms e 4ms |', final).pipe(tumbling('final', 5))).toBe('5ms w 9ms y 4ms (Rz) 6ms (I|)', {
          w: W(4), // watermarks are forwarded minus the lateness: 9 - 5
          y: W(8),
          z: W(9),
          R: res(0, 10, 3),
          I,
        });
      });
    });

    it("emit 'changelog': every record emits at once (retract + insert), watermarks release nothing", () => {
      scheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold(input, values).pipe(tumbling('changelog'))).toBe('A 4ms (BC) 1ms v 4ms w 4ms D 4ms x 4ms (I|)', {
          A: res(0, 10, 1),
          B: res(0, 10, 1, 'retract'),
          C: res(0, 10, 3),
          D: res(10, 20, 4),
          v: W(8),
          w: W(9),
          x: W(19),
          I,
        });
      });
    });
  });

  describe('sessionWindow, gap 5', () => {
    // a@0, b@3: session [0, 8) fires at 7; c@10 opens [10, 15), d@14 overlaps it: [10, 19) fires at 18
    const values = { a: ev(1, 0), b: ev(2, 3), v: watermark(6), w: watermark(7), c: ev(4, 10), d: ev(8, 14), x: watermark(19) };
    const input = 'a 4ms b 4ms v 4ms w 4ms c 4ms d 4ms x 4ms |';
    //             0      5      10     15     20     25     30     35

    it("emit 'watermark': a session fires when the watermark reaches its last record + gap - 1", () => {
      scheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold(input, values).pipe(session('watermark'))).toBe('10ms v 4ms (Rw) 11ms (Sx) 1ms (I|)', { v: W(6), w: W(7), x: W(19), R: res(0, 8, 3), S: res(10, 19, 12), I });
      });
    });

    it("emit 'watermark' with allowed lateness: extending a fired session retracts it at once, the merged one fires at its new end", () => {
      // after [0, 8) fired at 7, e@6 (within the lateness 5) extends it to [0, 11): fires at 10
      const ext = { a: ev(1, 0), b: ev(2, 3), w: watermark(7), e: ev(4, 6), y: watermark(9), z: watermark(10) };
      scheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('a 4ms b 4ms w 4ms e 4ms y 4ms z 4ms |', ext).pipe(session('watermark', 5))).toBe('10ms (Rw) 1ms X 4ms y 4ms (Mz) 1ms (I|)', {
          w: W(2), // watermarks are forwarded minus the lateness: 7 - 5
          y: W(4),
          z: W(5),
          R: res(0, 8, 3),
          X: res(0, 8, 3, 'retract'),
          M: res(0, 11, 7),
          I,
        });
      });
    });

    it("emit 'final' with allowed lateness 2: each session once, at end - 1 + 2 ([0, 8) at 9, [10, 19) at 20: on completion)", () => {
      scheduler().run(({ cold, expectObservable }) => {
        // watermarks are forwarded minus the lateness (2)
        expectObservable(cold(input, values).pipe(session('final', 2))).toBe('10ms v 4ms w 14ms (Rx) 1ms (SI|)', { v: W(4), w: W(5), x: W(17), R: res(0, 8, 3), S: res(10, 19, 12), I });
      });
      scheduler().run(({ cold, expectObservable }) => {
        // [0, 8) fires at 9: a watermark at 9 releases it
        expectObservable(cold('a 4ms b 4ms w 4ms y 4ms |', { a: ev(1, 0), b: ev(2, 3), w: watermark(8), y: watermark(9) }).pipe(session('final', 2))).toBe(
          '10ms w 4ms (Ry) 1ms (I|)',
          { w: W(6), y: W(7), R: res(0, 8, 3), I },
        );
      });
    });

    it("emit 'changelog': every record emits at once", () => {
      scheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold(input, values).pipe(session('changelog'))).toBe('A 4ms (BC) 1ms v 4ms w 4ms D 4ms (EF) 1ms x 4ms (I|)', {
          A: res(0, 5, 1),
          B: res(0, 5, 1, 'retract'),
          C: res(0, 8, 3),
          D: res(10, 15, 4),
          E: res(10, 15, 4, 'retract'),
          F: res(10, 19, 12),
          v: W(6),
          w: W(7),
          x: W(19),
          I,
        });
      });
    });

    it('unsubscribing tears down the source subscription and emits nothing more (no completion flush)', () => {
      scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold(input, values);
        expectObservable(source.pipe(session('watermark')), '^ 16ms !').toBe('10ms v 4ms (Rw)', { v: W(6), w: W(7), R: res(0, 8, 3) });
        expectSubscriptions(source.subscriptions).toBe('^ 16ms !');
      });
    });

    it('an error from the source is passed on without a flush', () => {
      scheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('a 4ms #', { a: ev(1, 0) }, new Error('boom')).pipe(session('watermark'))).toBe('5ms #', {}, new Error('boom'));
      });
    });
  });

  it('tumblingWindow: unsubscribing tears down the source subscription', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a 4ms b 4ms w 4ms |', { a: ev(1, 2), b: ev(2, 5), w: watermark(9) });
      expectObservable(source.pipe(tumbling('watermark')), '^ 7ms !').toBe('');
      expectSubscriptions(source.subscriptions).toBe('^ 7ms !');
    });
  });
});
