import { barrier, mergeIndexedEventStreams, record, watermark } from '@weir/stream';
import type { StreamElement } from '@weir/stream';
import { lastValueFrom, toArray } from 'rxjs';
import { checkMergeProperty } from './mergeProperty';
import { newTestScheduler } from './testScheduler';

type E = StreamElement<string>;

describe('mergeIndexedEventStreams', () => {
  it('tags records by input index, takes the minimum watermark of three inputs and aligns barriers', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const s0 = cold<E>('w-n-a 8ms |', { w: watermark(10), n: barrier(1), a: record('a', 11) });
      const s1 = cold<E>('-w---n 7ms |', { w: watermark(20), n: barrier(1) });
      const s2 = cold<E>('--w-b---n 4ms |', { w: watermark(5), b: record('b', 6), n: barrier(1) });
      expectObservable(mergeIndexedEventStreams([s0, s1, s2])).toBe('--m-b---(na) 1ms (F|)', {
        m: watermark(5),
        b: record({ input: 2, value: 'b' }, 6),
        n: barrier(1),
        a: record({ input: 0, value: 'a' }, 11), // held behind input 0's barrier from 2ms to 8ms
        F: watermark(Infinity),
      });
    });
  });

  it('with no inputs emits +Infinity and completes', async () => {
    expect(await lastValueFrom(mergeIndexedEventStreams<string>([]).pipe(toArray()))).toEqual([watermark(Infinity)]);
  });

  it('property (3 inputs): monotonic watermark bounded by active inputs, records once, barriers aligned', () => {
    checkMergeProperty(3, (sources) => mergeIndexedEventStreams(sources), 200);
  });
});
