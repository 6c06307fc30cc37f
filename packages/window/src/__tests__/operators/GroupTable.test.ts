// GroupTable: the column-wise groups of one window or pane, against a Map of plain objects, with
// its write-back cache writing to a real store (capacity 0: write-through; small: evicting).
import fc from 'fast-check';
import { InMemoryStore } from '@weir/state';
import { float64Codec } from '../../aggregates/float64Codec';
import { CHANGED, DIRTY, EMITTED, GroupTable, groupCache } from '../../operators/GroupTable';
import { HEADER_BYTES, WindowKeys } from '../../operators/windowState';

const codec = float64Codec('sum');

describe('GroupTable', () => {
  it('holds any number of groups in creation order, each findable by its key identity (flags grow past 16)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 4 }), fc.integer({ min: -5, max: 5 })), { maxLength: 300 }), (ops) => {
        const t = new GroupTable<string, number>(0, 10);
        const model = new Map<string, number>();
        for (const [k, v] of ops) {
          const i = t.index.get(k);
          if (i === undefined) t.add(k, k, v, t.size, CHANGED, undefined);
          else t.accs.set(i, t.accs.at(i) + v);
          model.set(k, (model.get(k) ?? 0) + v);
        }
        expect(Array.from({ length: t.size }, (_, i) => t.keys.at(i))).toEqual([...model.keys()]);
        expect(Array.from({ length: t.size }, (_, i) => t.accs.at(i))).toEqual([...model.values()]);
        for (let i = 0; i < t.size; i++) expect(t.flags[i]).toBe(CHANGED);
      }),
    );
  });

  it.each([0, 2])('with cacheSize %p, the store holds each group as GROUP end start key -> [seq, flags, acc] once written, and purge deletes what was written', (capacity) => {
    const store = new InMemoryStore();
    const keys = new WindowKeys('w');
    const cache = groupCache<string, number>(store, keys, capacity, codec);
    const t = new GroupTable<string, number>(100, 110);
    for (const k of ['a', 'b', 'c', 'd']) t.changed(t.add(k, k, k.charCodeAt(0), t.size, EMITTED | CHANGED, undefined), cache);
    // capacity 0 writes all four; capacity 2 writes the two waiting longest
    const written = capacity === 0 ? 4 : 2;
    for (let i = 0; i < 4; i++) {
      const stored = t.storeKey(i);
      expect(stored !== undefined).toBe(i < written);
      expect((t.flags[i]! & DIRTY) !== 0).toBe(i >= written);
      if (stored === undefined) continue;
      expect(stored).toEqual(keys.group(110, 100, t.keys.at(i)));
      const value = store.get(stored)!;
      expect(value[HEADER_BYTES - 1]).toBe(EMITTED | CHANGED); // DIRTY is not stored
      expect(codec.decode(value.subarray(HEADER_BYTES))).toBe(t.accs.at(i));
    }
    // a change to a waiting group costs nothing more; a written one waits again (or is written)
    t.accs.set(0, 1);
    t.changed(0, cache);
    if (capacity === 0) {
      expect(codec.decode(store.get(t.storeKey(0)!)!.subarray(HEADER_BYTES))).toBe(1);
    } else {
      // group 0 waits again, and the group waiting longest (2) is written in its place
      expect(t.flags[0]! & DIRTY).toBe(DIRTY);
      expect(t.storeKey(2)).toBeDefined();
      expect(t.flags[2]! & DIRTY).toBe(0);
      expect(t.flags[3]! & DIRTY).toBe(DIRTY);
    }
    t.purge(cache, store);
    expect(store.len()).toBe(0);
    cache.flush(); // nothing waits any more: no log
    expect([...store.prefixScan(keys.section(0x05))]).toHaveLength(0);
  });

  it('a group holds a handle only while it waits in the cache, and handles are reused: at most capacity + 1 exist', () => {
    const store = new InMemoryStore();
    const keys = new WindowKeys('w');
    const capacity = 8;
    const cache = groupCache<number, number>(store, keys, capacity, codec);
    const tables = [new GroupTable<number, number>(0, 10), new GroupTable<number, number>(10, 20)];
    const handles = new Set<unknown>();
    for (let r = 0; r < 3; r++) {
      for (const t of tables) {
        for (let k = 0; k < 50; k++) {
          const i = t.index.get(k) ?? t.add(k, k, 0, t.size, CHANGED, undefined);
          t.accs.set(i, t.accs.at(i) + 1);
          t.changed(i, cache);
          handles.add(cache.refAt(t.refId(i) - 1));
          for (const u of tables) for (let j = 0; j < u.size; j++) expect(u.refId(j) !== 0).toBe((u.flags[j]! & DIRTY) !== 0);
        }
      }
    }
    expect(handles.size).toBeLessThanOrEqual(capacity + 1);
    // every group's latest value is in the store or waits in the cache; written ones are stored under their key
    for (const t of tables) {
      for (let i = 0; i < t.size; i++) {
        if ((t.flags[i]! & DIRTY) !== 0) continue;
        expect(t.storeKey(i)).toEqual(keys.group(t.end, t.start, t.keys.at(i)));
        expect(codec.decode(store.get(t.storeKey(i)!)!.subarray(HEADER_BYTES))).toBe(t.accs.at(i));
      }
    }
    tables[0]!.purge(cache, store);
    tables[1]!.purge(cache, store);
    expect(store.len()).toBe(0);
  });

  it('reloaded: the stored accumulator when the store holds its latest value, else the one in memory', () => {
    const store = new InMemoryStore();
    const keys = new WindowKeys('w');
    const cache = groupCache<string, number>(store, keys, 0, codec);
    const t = new GroupTable<string, number>(0, 10);
    const i = t.add('k', 'k', 5, 0, 0, undefined);
    expect(t.reloaded(i, store, codec)).toBe(5); // never written
    t.changed(i, cache); // written through
    t.accs.set(i, 99); // an aggregate half-updated it, then threw
    expect(t.reloaded(i, store, codec)).toBe(5);
    const waiting = groupCache<string, number>(new InMemoryStore(), keys, 8, codec);
    const u = new GroupTable<string, number>(0, 10);
    const j = u.add('k', 'k', 7, 0, 0, undefined);
    u.changed(j, waiting);
    expect(u.reloaded(j, store, codec)).toBe(7); // waits in the cache: memory is the latest
  });
});
