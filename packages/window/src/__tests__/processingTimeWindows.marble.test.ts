// Marble tests of the processing-time windows on the TestScheduler's virtual time: a record goes
// into the window holding the clock's time when it arrives (its event timestamp is ignored), and
// windows fire on scheduler timers at their end: the result (stamped end - 1) then the watermark
// end - 1, with no input element in that frame. `I` is the +Infinity watermark of completion.
import type { SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { InMemoryStore } from '@weir/state';
import { record, watermark, type StreamElement } from '@weir/stream';
import { processingTimeHoppingWindow, processingTimeSessionWindow, processingTimeTumblingWindow, sum, type WindowResult } from '@weir/window';

interface Ev {
  readonly k: string;
  readonly v: number;
}
type O = StreamElement<WindowResult<string, number>>;

// Event timestamps far from the clock: they must not matter.
const ev = (v: number, k = 'k'): StreamElement<Ev> => record({ k, v }, 1_000_000 + v);
const res = (start: number, end: number, value: number, key = 'k'): O => ({ kind: 'record', value: { key, start, end, value, kind: 'insert' }, timestamp: end - 1 });
const W = (t: number): O => ({ kind: 'watermark', timestamp: t });
const I = W(Number.POSITIVE_INFINITY);
const values = { a: ev(1), b: ev(2), c: ev(4), d: ev(8), x: watermark(5_000_000) };

const testScheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const opts = (scheduler: SchedulerLike) => ({ key: (e: Ev) => e.k, aggregate: sum((e: Ev) => e.v), store: new InMemoryStore(), scheduler });

/** A scheduler that counts the timer callbacks that ran. */
function counting(inner: SchedulerLike): SchedulerLike & { ran: number; scheduled: number } {
  const s = {
    ran: 0,
    scheduled: 0,
    now: () => inner.now(),
    schedule: ((work: (this: unknown, state?: unknown) => void, delay?: number, state?: unknown) => {
      s.scheduled++;
      return inner.schedule(function (this: unknown, st?: unknown) {
        s.ran++;
        work.call(this, st);
      }, delay, state);
    }) as SchedulerLike['schedule'],
  };
  return s;
}

describe('processingTimeTumblingWindow (marbles)', () => {
  it('fires each window on a timer at its end, by arrival time; input watermarks are not forwarded', () => {
    const ts = testScheduler();
    ts.run(({ cold, expectObservable }) => {
      // a@0 b@5 in [0, 10); an event-time watermark at 8 changes nothing; c@12 in [10, 20)
      const input = cold('a 4ms b 2ms x 3ms c 17ms |', values);
      expectObservable(input.pipe(processingTimeTumblingWindow({ size: 10, ...opts(ts) }))).toBe('10ms (Rw) 6ms (Sy) 6ms (I|)', {
        R: res(0, 10, 3),
        w: W(9),
        S: res(10, 20, 4),
        y: W(19),
        I,
      });
    });
  });

  it('completion fires the open window at once with what it holds', () => {
    const ts = testScheduler();
    ts.run(({ cold, expectObservable }) => {
      expectObservable(cold('a 4ms b 2ms |', values).pipe(processingTimeTumblingWindow({ size: 10, ...opts(ts) }))).toBe('8ms (RI|)', { R: res(0, 10, 3), I });
    });
  });

  it('unsubscribing cancels the pending timer: it never runs', () => {
    const ts = testScheduler();
    const clock = counting(ts);
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const input = cold('a 4ms b 20ms |', values);
      expectObservable(input.pipe(processingTimeTumblingWindow({ size: 10, ...opts(clock) })), '^ 7ms !').toBe('');
      expectSubscriptions(input.subscriptions).toBe('^ 7ms !');
    });
    expect(clock.scheduled).toBe(1);
    expect(clock.ran).toBe(0);
  });

  it('an offset shifts the grid', () => {
    const ts = testScheduler();
    ts.run(({ cold, expectObservable }) => {
      expectObservable(cold('a 4ms b 14ms |', values).pipe(processingTimeTumblingWindow({ size: 10, offset: 3, ...opts(ts) }))).toBe('3ms (Rw) 6ms (Sy) 3ms (I|)', {
        R: res(-7, 3, 1),
        w: W(2),
        S: res(3, 13, 2),
        y: W(12),
        I,
      });
    });
  });
});

describe('processingTimeHoppingWindow (marbles)', () => {
  it('a record goes into every window holding its arrival time; each fires at its end', () => {
    const ts = testScheduler();
    ts.run(({ cold, expectObservable }) => {
      // a@2: [-5, 5) and [0, 10); b@7: [0, 10) and [5, 15)
      const input = cold('--a 4ms b 12ms |', values);
      expectObservable(input.pipe(processingTimeHoppingWindow({ size: 10, slide: 5, ...opts(ts) }))).toBe('5ms (Aw) 1ms (Bx) 1ms (Cy) 1ms (I|)', {
        A: res(-5, 5, 1),
        w: W(4),
        B: res(0, 10, 3),
        x: W(9),
        C: res(5, 15, 2),
        y: W(14),
        I,
      });
    });
  });

  it('completion fires every open window, in end order', () => {
    const ts = testScheduler();
    ts.run(({ cold, expectObservable }) => {
      expectObservable(cold('--a |', values).pipe(processingTimeHoppingWindow({ size: 10, slide: 5, ...opts(ts) }))).toBe('3ms (ABI|)', { A: res(-5, 5, 1), B: res(0, 10, 1), I });
    });
  });

  it('unsubscribing cancels the pending timer', () => {
    const ts = testScheduler();
    const clock = counting(ts);
    ts.run(({ cold, expectObservable }) => {
      expectObservable(cold('--a 20ms |', values).pipe(processingTimeHoppingWindow({ size: 10, slide: 5, ...opts(clock) })), '^ 3ms !').toBe('');
    });
    expect(clock.ran).toBe(0);
  });
});

describe('processingTimeSessionWindow (marbles)', () => {
  it('a record within the gap extends the session; the session fires gap after its last record', () => {
    const ts = testScheduler();
    ts.run(({ cold, expectObservable }) => {
      // a@0 opens [0, 5); b@4 extends it to [0, 9); it fires at 9; c@12 opens [12, 17), flushed at completion (14)
      const input = cold('a 3ms b 7ms c 1ms |', values);
      expectObservable(input.pipe(processingTimeSessionWindow({ gap: 5, ...opts(ts) }))).toBe('9ms (Rw) 1ms (SI|)', { R: res(0, 9, 3), w: W(8), S: res(12, 17, 4), I });
    });
  });

  it('a record exactly gap after the last starts a new session', () => {
    const ts = testScheduler();
    ts.run(({ cold, expectObservable }) => {
      // a@0 opens [0, 5); b@5 does not extend it: [0, 5) fires first, then b opens [5, 10)
      const input = cold('a 4ms b 10ms |', values);
      expectObservable(input.pipe(processingTimeSessionWindow({ gap: 5, ...opts(ts) }))).toBe('5ms (Rw) 1ms (Sy) 2ms (I|)', { R: res(0, 5, 1), w: W(4), S: res(5, 10, 2), y: W(9), I });
    });
  });

  it('each key has its own session and timer', () => {
    const ts = testScheduler();
    ts.run(({ cold, expectObservable }) => {
      const input = cold('a 4ms o 20ms |', { a: ev(1), o: ev(10, 'other') });
      expectObservable(input.pipe(processingTimeSessionWindow({ gap: 10, ...opts(ts) }))).toBe('10ms (Rw) 1ms (Ox) 7ms (I|)', { R: res(0, 10, 1), w: W(9), O: res(5, 15, 10, 'other'), x: W(14), I });
    });
  });

  it('unsubscribing cancels the pending timer', () => {
    const ts = testScheduler();
    const clock = counting(ts);
    ts.run(({ cold, expectObservable }) => {
      expectObservable(cold('a 20ms |', values).pipe(processingTimeSessionWindow({ gap: 5, ...opts(clock) })), '^ 3ms !').toBe('');
    });
    expect(clock.scheduled).toBe(1);
    expect(clock.ran).toBe(0);
  });
});
