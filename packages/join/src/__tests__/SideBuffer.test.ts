import { InMemoryStore } from '@weir/state';
import { SideBuffer } from '../SideBuffer';
import { JoinKeys } from '../joinState';

/** The number of keys the buffer's index holds (live or kept empty for reuse). */
const indexedKeys = (buffer: SideBuffer<number>): number => (buffer as unknown as { byKey: Map<unknown, unknown> }).byKey.size;

describe('SideBuffer', () => {
  it('reuses the list of a key that empties and comes back, and sweeps empty keys so the index stays bounded', () => {
    const store = new InMemoryStore();
    const buffer = new SideBuffer<number>(store, new JoinKeys('j'), 2, 0, 'test', true);
    // 100k keys, each holding one row for a moment: the shape of an interval join's right side
    // when every key is new (Nexmark bids on ever newer auctions)
    for (let i = 0; i < 100_000; i++) {
      buffer.add(i, i, i, i, i, 0);
      buffer.expire(i, (row) => buffer.remove(row));
      expect(buffer.size).toBe(0);
    }
    expect(indexedKeys(buffer)).toBeLessThanOrEqual(2_100);
    expect(store.len()).toBe(0);
    // a key that empties and comes back keeps its rows in order and its probes right
    buffer.add(7, 7, 10, 1, 70, 0);
    buffer.expire(10, (row) => buffer.remove(row));
    buffer.add(7, 7, 20, 2, 71, 0);
    buffer.add(7, 7, 15, 3, 72, 0);
    const seen: number[] = [];
    buffer.forRange(7, 0, 100, (row) => seen.push(row.value));
    expect(seen).toEqual([72, 71]);
    expect(buffer.size).toBe(2);
    expect(store.len()).toBe(2);
  });
});
