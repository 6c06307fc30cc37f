// The barrier log (StateCache): what a barrier records instead of writing each changed entry,
// read back by a restored operator, whatever its own cacheSize.
import { InMemoryStore } from '@weir/state';
import { barrier, record, watermark, type StreamElement } from '@weir/stream';
import { count, hoppingWindow, sessionWindow, tumblingWindow, type WindowResult } from '@weir/window';
import { drive } from './alignedOracle';
import { LOG, WindowKeys } from '../../operators/windowState';

type In = StreamElement<{ k: string }>;
type Out = StreamElement<WindowResult<string, number>>;
const ev = (k: string, ts: number): In => record({ k }, ts);

const MAKERS = {
  tumbling: (store: InMemoryStore, cacheSize?: number) =>
    tumblingWindow({ size: 10, key: (e: { k: string }) => e.k, aggregate: count(), store, name: 'w', allowedLateness: 5, ...(cacheSize !== undefined ? { cacheSize } : {}) }),
  hopping: (store: InMemoryStore, cacheSize?: number) =>
    hoppingWindow({ size: 10, slide: 5, key: (e: { k: string }) => e.k, aggregate: count(), store, name: 'w', ...(cacheSize !== undefined ? { cacheSize } : {}) }),
  session: (store: InMemoryStore, cacheSize?: number) =>
    sessionWindow({ gap: 4, key: (e: { k: string }) => e.k, aggregate: count(), store, name: 'w', allowedLateness: 5, ...(cacheSize !== undefined ? { cacheSize } : {}) }),
};

const logChunks = (store: InMemoryStore): number => [...store.prefixScan(new WindowKeys('w').section(LOG))].length;

describe.each(Object.entries(MAKERS))('%s window: the barrier log', (_, make) => {
  // keys a..e, some groups written under their own key (cacheSize 2 overflows), some only logged
  const before: In[] = [ev('a', 1), ev('b', 2), ev('c', 3), ev('a', 4), ev('d', 6), ev('e', 7), watermark(3), ev('a', 8)];
  const after: In[] = [ev('b', 9), ev('a', 12), watermark(11), ev('c', 13), watermark(14), ev('e', 16), watermark(40)];

  it.each([undefined, 0, 2, 1_000])('restored with cacheSize %p from a checkpoint taken with a cache, continues exactly as an uninterrupted run', (cacheSize) => {
    for (const writer of [undefined, 2]) {
      const expected = drive(make(new InMemoryStore(), 0), [...before, ...after]).flat() as Out[];
      const store = new InMemoryStore();
      const first = drive(make(store, writer), [...before, barrier(1)], false).flat() as Out[];
      expect(logChunks(store)).toBe(1);
      const restored = new InMemoryStore();
      restored.restore(store.snapshot().encode());
      const rest = drive(make(restored, cacheSize), after).flat() as Out[];
      expect([...first.filter((e) => e.kind !== 'barrier'), ...rest]).toEqual(expected);
      if (cacheSize === 0) expect(logChunks(restored)).toBe(0); // written through at load: the log is gone
    }
  });

  it('a later barrier replaces the log, and the log goes once nothing waits', () => {
    const store = new InMemoryStore();
    drive(make(store), [...before, barrier(1), ...after.slice(0, 3), barrier(2)], false);
    expect(logChunks(store)).toBe(1);
    drive(make(store), []); // restarts on the store, then the end of input purges every window
    expect(logChunks(store)).toBe(0);
  });
});
