import { barrier, filterRecords, record, watermark } from '@weir/stream';
import type { StreamElement } from '@weir/stream';
import { callbackFailure, newTestScheduler } from './testScheduler';

describe('filterRecords', () => {
  it('keeps matching records and every watermark and barrier', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const source = cold<StreamElement<number>>('a w b n c |', {
        a: record(1, 10),
        w: watermark(10),
        b: record(2, 11),
        n: barrier(4),
        c: record(3, 12),
      });
      const out = source.pipe(filterRecords((n, ts) => n % 2 === 1 && ts >= 10));
      expectObservable(out).toBe('a w - n c |', { a: record(1, 10), w: watermark(10), n: barrier(4), c: record(3, 12) });
    });
  });

  it('narrows with a type-guard predicate', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const source = cold<StreamElement<string | number>>('a b |', { a: record('s', 1), b: record(2, 2) });
      const out = source.pipe(filterRecords((v): v is number => typeof v === 'number'));
      const typed: typeof out extends import('rxjs').Observable<StreamElement<number>> ? true : false = true;
      expect(typed).toBe(true);
      expectObservable(out).toBe('- b |', { b: record(2, 2) });
    });
  });

  it('sends an error thrown by the predicate to the error channel', () => {
    const boom = new Error('boom');
    newTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<StreamElement<number>>('w a', { w: watermark(1), a: record(1, 1) });
      const out = source.pipe(
        filterRecords(() => {
          throw boom;
        }),
      );
      expectObservable(out).toBe('w #', { w: watermark(1) }, callbackFailure(/^filterRecords: `predicate` threw for the record at 1 \(number 1\): boom$/, boom));
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });
});
