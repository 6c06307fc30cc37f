import { barrier, idleWatermark, values, record, watermark } from '@weir/stream';
import type { StreamElement } from '@weir/stream';
import { newTestScheduler } from './testScheduler';

describe('values', () => {
  it('leaves the element world: record values only, watermarks and barriers dropped', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const source = cold<StreamElement<string>>('a w i n b |', {
        a: record('x', 1),
        w: watermark(1),
        i: idleWatermark(1),
        n: barrier(1),
        b: record('y', 2),
      });
      expectObservable(source.pipe(values())).toBe('a - - - b |', { a: 'x', b: 'y' });
    });
  });

  it('errors with INVALID_ELEMENT on a non-element', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const source = cold('x', { x: 42 as unknown as StreamElement<number> });
      expectObservable(source.pipe(values())).toBe(
        '#',
        {},
        expect.objectContaining({ code: 'INVALID_ELEMENT', message: 'values: expected a stream element (record, watermark or barrier), got number 42' }),
      );
    });
  });
});
