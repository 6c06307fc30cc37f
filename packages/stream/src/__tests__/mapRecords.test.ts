import { StreamError, barrier, idleWatermark, mapRecords, record, watermark } from '@weir/stream';
import type { StreamElement } from '@weir/stream';
import { of } from 'rxjs';
import { callbackFailure, newTestScheduler } from './testScheduler';

describe('mapRecords', () => {
  it('maps values, keeps timestamps, passes watermarks and barriers through untouched', () => {
    newTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<StreamElement<string>>('a w b i n |', {
        a: record('x', 1),
        w: watermark(5),
        b: record('yy', 7),
        i: idleWatermark(5),
        n: barrier(1),
      });
      const out = source.pipe(mapRecords((v, ts) => `${v}@${ts}`));
      expectObservable(out).toBe('a w b i n |', {
        a: record('x@1', 1),
        w: watermark(5),
        b: record('yy@7', 7),
        i: idleWatermark(5),
        n: barrier(1),
      });
      expectSubscriptions(source.subscriptions).toBe('^ 4ms !');
    });
  });

  it('forwards the very same watermark and barrier objects', () => {
    const w = watermark(3);
    const b = barrier(2);
    const out: StreamElement<number>[] = [];
    of<StreamElement<number>[]>(w, b).pipe(mapRecords((n: number) => n * 2)).subscribe((el) => out.push(el));
    expect(out[0]).toBe(w);
    expect(out[1]).toBe(b);
  });

  it('sends an error thrown by the callback to the error channel as CALLBACK_FAILED naming the operator and the record, and unsubscribes', () => {
    const boom = new Error('boom');
    newTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<StreamElement<number>>('a b c', { a: record(1, 1), b: record(2, 2), c: record(3, 3) });
      const out = source.pipe(
        mapRecords((n: number) => {
          if (n === 2) throw boom;
          return n;
        }),
      );
      expectObservable(out).toBe('a #', { a: record(1, 1) }, callbackFailure(/^mapRecords: `project` threw for the record at 2 \(number 2\): boom$/, boom));
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });

  it('errors with INVALID_ELEMENT on something that is not an element', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const source = cold('x', { x: { kind: 'nope' } as unknown as StreamElement<number> });
      expectObservable(source.pipe(mapRecords((n: number) => n))).toBe(
        '#',
        {},
        expect.objectContaining({ code: 'INVALID_ELEMENT', message: expect.stringContaining('mapRecords: expected a stream element') }),
      );
    });
  });

  it('passes source errors through', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<StreamElement<number>>('-#').pipe(mapRecords((n: number) => n))).toBe('-#');
    });
  });

  it('StreamError is the class of element errors', () => {
    let caught: unknown;
    of({ kind: 'nope' } as unknown as StreamElement<number>)
      .pipe(mapRecords((n: number) => n))
      .subscribe({ error: (err) => (caught = err) });
    expect(caught).toBeInstanceOf(StreamError);
  });
});
