import { barrier, flatMapRecords, record, watermark } from '@weir/stream';
import type { StreamElement } from '@weir/stream';
import { callbackFailure, newTestScheduler } from './testScheduler';

describe('flatMapRecords', () => {
  it('emits one record per value, each with the input timestamp; control elements pass through', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const source = cold<StreamElement<string>>('a 9ms w 9ms e 9ms n 9ms |', {
        a: record('to be', 5),
        w: watermark(5),
        e: record('', 6), // no words: no record
        n: barrier(1),
      });
      const out = source.pipe(flatMapRecords((line) => line.split(' ').filter((s) => s !== '')));
      expectObservable(out).toBe('(xy) 6ms w 19ms n 9ms |', {
        x: record('to', 5),
        y: record('be', 5),
        w: watermark(5),
        n: barrier(1),
      });
    });
  });

  it('sends errors from the callback and from iterating its result to the error channel', () => {
    const boom = new Error('boom');
    newTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<StreamElement<number>>('a 9ms b', { a: record(1, 1), b: record(2, 2) });
      const out = source.pipe(
        flatMapRecords(function* (n: number) {
          yield n * 10;
          if (n === 2) throw boom;
          yield n * 10 + 1;
        }),
      );
      expectObservable(out).toBe('(ab) 6ms (c#)', { a: record(10, 1), b: record(11, 1), c: record(20, 2) }, callbackFailure(/^flatMapRecords: `project` threw for the record at 2 \(number 2\): boom$/, boom));
      expectSubscriptions(source.subscriptions).toBe('^ 9ms !');
    });
    newTestScheduler().run(({ cold, expectObservable }) => {
      const source = cold<StreamElement<number>>('a', { a: record(1, 1) });
      const out = source.pipe(
        flatMapRecords((): number[] => {
          throw boom;
        }),
      );
      expectObservable(out).toBe('#', {}, callbackFailure(/^flatMapRecords: `project` threw for the record at 1/, boom));
    });
  });
});
