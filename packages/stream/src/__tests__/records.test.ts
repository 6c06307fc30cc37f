import { barrier, records, record, watermark } from '@weir/stream';
import type { StreamElement } from '@weir/stream';
import { newTestScheduler } from './testScheduler';

describe('records', () => {
  it('keeps records with their timestamps and drops watermarks and barriers', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const source = cold<StreamElement<string>>('a w n b |', {
        a: record('x', 1),
        w: watermark(1),
        n: barrier(1),
        b: record('y', 2),
      });
      expectObservable(source.pipe(records())).toBe('a - - b |', { a: record('x', 1), b: record('y', 2) });
    });
  });
});
