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

  it('keeps up to its capacity of changed rows for the flush, writes the rest at once, and never writes a row that left before the flush', () => {
    const store = new InMemoryStore();
    const buffer = new SideBuffer<number>(store, new JoinKeys('j'), 2, 3, 'test', true);
    const rows = [1, 2, 3, 4, 5].map((i) => buffer.add(i, i, i, i, i * 10, 0));
    expect(buffer.waiting).toBe(3); // the first three wait
    expect(store.len()).toBe(2); // the set was full: rows 4 and 5 were written at once
    buffer.remove(rows[0]!); // waiting, never written: nothing to delete
    buffer.remove(rows[3]!); // written: deleted now
    expect(buffer.waiting).toBe(2);
    expect(store.len()).toBe(1);
    rows[1]!.flags = 1;
    buffer.changed(rows[1]!); // already waiting: still one entry
    rows[4]!.flags = 1;
    buffer.changed(rows[4]!); // written and clean: waits again
    expect(buffer.waiting).toBe(3);
    buffer.flush();
    expect(buffer.waiting).toBe(0);
    expect(store.len()).toBe(3);
    // what a restored buffer reads back is what was held: rows 2, 3, 5 with their flags
    const restored = new SideBuffer<number>(store, new JoinKeys('j'), 2, 3, 'test', true);
    restored.load();
    // (keys come back one key group after another: sorted by time to compare)
    expect([...restored.all()].sort((a, b) => a.ts - b.ts).map((r) => [r.ts, r.value, r.flags, r.persisted])).toEqual([
      [2, 20, 1, true],
      [3, 30, 0, true],
      [5, 50, 1, true],
    ]);
  });

  it('refuses a value that cannot be stored when it arrives, even when it would be written later', () => {
    const store = new InMemoryStore();
    const buffer = new SideBuffer<unknown>(store, new JoinKeys('j'), 1, 100, 'test', true);
    expect(() => buffer.add(1, 1, 1, 1, { f: () => 1 }, 0)).toThrow(/cannot encode value\.f is a function/);
    expect(buffer.size).toBe(0);
    expect(buffer.waiting).toBe(0);
  });

  it('an unindexed buffer gives its rows back in time order only, and restores them', () => {
    const store = new InMemoryStore();
    const buffer = new SideBuffer<number>(store, new JoinKeys('j'), 1, 100, 'test', true, false);
    for (const [ts, seq] of [[5, 0], [3, 1], [9, 2], [3, 3]] as const) buffer.add(seq, seq, ts, seq, ts, 0);
    expect(buffer.rowsOf(0)).toBeUndefined();
    buffer.flush();
    const restored = new SideBuffer<number>(store, new JoinKeys('j'), 1, 100, 'test', true, false);
    restored.load();
    for (const b of [buffer, restored]) {
      const seen: Array<[number, number]> = [];
      b.expire(Infinity, (row) => {
        seen.push([row.ts, row.seq]);
        b.remove(row);
      });
      expect(seen).toEqual([
        [3, 1],
        [3, 3],
        [5, 0],
        [9, 2],
      ]);
      expect(b.size).toBe(0);
    }
    expect(store.len()).toBe(0);
  });
});
