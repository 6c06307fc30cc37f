import { StreamError, idleWatermark, record, watermark, withEventTime } from '@weir/stream';
import { asyncScheduler, of, throwError } from 'rxjs';
import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { callbackFailure, newTestScheduler } from './testScheduler';

const identity = (n: number): number => n;

describe('withEventTime', () => {
  it('emits maxTs - maxOutOfOrderness - 1 after each record that advances it, then +Infinity', () => {
    newTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a 9ms b 9ms c 9ms |', { a: 10, b: 8, c: 15 });
      const out = source.pipe(withEventTime(identity, { maxOutOfOrderness: 2 }));
      expectObservable(out).toBe('(AB) 6ms C 9ms (DE) 6ms (F|)', {
        A: record(10, 10),
        B: watermark(7),
        C: record(8, 8), // behind the max, but not late: no watermark, nothing dropped
        D: record(15, 15),
        E: watermark(12),
        F: watermark(Infinity),
      });
      expectSubscriptions(source.subscriptions).toBe('^ 29ms !');
    });
  });

  it('never re-emits an equal watermark and still emits late records', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 9ms b 9ms c 9ms d 9ms |', { a: 10, b: 10, c: 3, d: 11 });
      const out = source.pipe(withEventTime(identity, { maxOutOfOrderness: 0 }));
      // watermark 9 after a; b is equal (no watermark); c is late (3 <= 9) and still emitted.
      expectObservable(out).toBe('(aw) 6ms b 9ms c 9ms (dx) 6ms (F|)', {
        a: record(10, 10),
        w: watermark(9),
        b: record(10, 10),
        c: record(3, 3),
        d: record(11, 11),
        x: watermark(10),
        F: watermark(Infinity),
      });
    });
  });

  it('emits only +Infinity for an empty source', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const out = cold<number>('--|').pipe(withEventTime(identity, { maxOutOfOrderness: 5 }));
      expectObservable(out).toBe('--(F|)', { F: watermark(Infinity) });
    });
  });

  it('marks the stream idle after idleTimeout of virtual processing time, once per quiet period', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 19ms b 19ms |', { a: 10, b: 20 });
      const out = source.pipe(withEventTime(identity, { maxOutOfOrderness: 2, idleTimeout: 5 }));
      expectObservable(out).toBe('(rw) 1ms I 14ms (RW) 1ms J 14ms (F|)', {
        r: record(10, 10),
        w: watermark(7),
        I: idleWatermark(7), // idle at 5ms, at the current watermark
        R: record(20, 20), // the record itself ends the idle period
        W: watermark(17),
        J: idleWatermark(17),
        F: watermark(Infinity),
      });
    });
  });

  it('restarts the idle timeout on every record', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 3ms b 3ms c 9ms |', { a: 1, b: 2, c: 3 });
      const out = source.pipe(withEventTime(identity, { maxOutOfOrderness: 0, idleTimeout: 5 }));
      expectObservable(out).toBe('(aA) (bB) (cC) 1ms I 4ms (F|)', {
        a: record(1, 1),
        A: watermark(0),
        b: record(2, 2),
        B: watermark(1),
        c: record(3, 3),
        C: watermark(2),
        I: idleWatermark(2), // 5ms after c (at 8ms)
        F: watermark(Infinity),
      });
    });
  });

  it('marks a source that never emits idle at -Infinity, and cancels the timer on unsubscribe', () => {
    newTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<number>('-');
      const out = source.pipe(withEventTime(identity, { maxOutOfOrderness: 0, idleTimeout: 5, scheduler: asyncScheduler }));
      expectObservable(out, '^ 9ms !').toBe('5ms I', { I: idleWatermark(-Infinity) });
      expectSubscriptions(source.subscriptions).toBe('^ 9ms !');
    });
  });

  it('cancels pending idle and interval timers when unsubscribed', () => {
    const scheduler = newTestScheduler();
    const timers: Subscription[] = [];
    const spy: SchedulerLike = {
      now: () => scheduler.now(),
      schedule<S>(work: (this: SchedulerAction<S>, state?: S) => void, delay?: number, state?: S): Subscription {
        const timer = scheduler.schedule(work, delay, state);
        timers.push(timer);
        return timer;
      },
    };
    scheduler.run(({ cold, expectObservable }) => {
      const out = cold('a', { a: 1 }).pipe(
        withEventTime(identity, { maxOutOfOrderness: 0, idleTimeout: 50, watermarkInterval: 30, scheduler: spy }),
      );
      expectObservable(out, '^ 9ms !').toBe('a', { a: record(1, 1) });
    });
    expect(timers.length).toBe(2);
    expect(timers.every((t) => t.closed)).toBe(true);
  });

  it('with watermarkInterval, emits the advanced watermark on each tick of the given scheduler', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('a 2ms b 11ms c 9ms |', { a: 10, b: 20, c: 30 });
      const out = source.pipe(withEventTime(identity, { maxOutOfOrderness: 0, watermarkInterval: 10, scheduler }));
      // ticks at 10ms and 20ms; completion at 25ms cancels the ticker
      expectObservable(out).toBe('a 2ms b 6ms W 4ms c 4ms X 4ms (F|)', {
        a: record(10, 10),
        b: record(20, 20),
        W: watermark(19),
        c: record(30, 30),
        X: watermark(29),
        F: watermark(Infinity),
      });
    });
  });

  it('errors with StreamError INVALID_TIMESTAMP naming withEventTime and the value on a NaN timestamp', () => {
    newTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a 9ms b 9ms c |', { a: { at: 10 }, b: { at: NaN }, c: { at: 11 } });
      const out = source.pipe(withEventTime((v: { at: number }) => v.at, { maxOutOfOrderness: 0, idleTimeout: 20 }));
      expectObservable(out).toBe(
        '(aw) 6ms #',
        { a: record({ at: 10 }, 10), w: watermark(9) },
        expect.objectContaining({
          name: 'StreamError',
          code: 'INVALID_TIMESTAMP',
          message: 'withEventTime: timestampOf returned number NaN for value {"at":null}; an event time must be a finite number (epoch ms)',
        }),
      );
      expectSubscriptions(source.subscriptions).toBe('^ 9ms !');
    });
  });

  it.each([Infinity, -Infinity, '10', undefined])('errors on a %p timestamp', (bad) => {
    const seen: unknown[] = [];
    of(1)
      .pipe(withEventTime(() => bad as number, { maxOutOfOrderness: 0 }))
      .subscribe({ next: (el) => seen.push(el), error: (err) => seen.push(err) });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(StreamError);
    expect(seen[0]).toMatchObject({ code: 'INVALID_TIMESTAMP', message: expect.stringMatching(/^withEventTime: /) });
  });

  it('sends an error thrown by timestampOf to the error channel as CALLBACK_FAILED naming the value', () => {
    const boom = new Error('boom');
    newTestScheduler().run(({ cold, expectObservable }) => {
      const out = cold('a 9ms b', { a: 1, b: 2 }).pipe(
        withEventTime(
          (n: number) => {
            if (n === 2) throw boom;
            return n;
          },
          { maxOutOfOrderness: 0 },
        ),
      );
      expectObservable(out).toBe('(rw) 6ms #', { r: record(1, 1), w: watermark(0) }, callbackFailure(/^withEventTime: `timestampOf` threw for the record \(number 2\): boom$/, boom));
    });
  });

  it('passes a source error through', () => {
    newTestScheduler().run(({ expectObservable }) => {
      const err = new Error('source failed');
      expectObservable(throwError(() => err).pipe(withEventTime(identity, { maxOutOfOrderness: 0 }))).toBe('#', {}, err);
    });
  });

  it.each([
    [{ maxOutOfOrderness: -1 }, /maxOutOfOrderness must be a finite number >= 0, got number -1/],
    [{ maxOutOfOrderness: NaN }, /maxOutOfOrderness/],
    [{ maxOutOfOrderness: 0, idleTimeout: 0 }, /idleTimeout must be a finite number > 0/],
    [{ maxOutOfOrderness: 0, watermarkInterval: Infinity }, /watermarkInterval/],
  ])('rejects invalid options %p when created', (options, message) => {
    expect(() => withEventTime(identity, options)).toThrow(message);
    expect(() => withEventTime(identity, options)).toThrow(StreamError);
  });

  it('keeps per-subscription state: each subscription starts fresh', () => {
    const op = withEventTime(identity, { maxOutOfOrderness: 0 });
    const run = (): unknown[] => {
      const out: unknown[] = [];
      of(5, 3).pipe(op).subscribe((el) => out.push(el));
      return out;
    };
    const expected = [record(5, 5), watermark(4), record(3, 3), watermark(Infinity)];
    expect(run()).toEqual(expected);
    expect(run()).toEqual(expected);
  });
});
