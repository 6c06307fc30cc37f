import fc from 'fast-check';
import { WriteBackCache } from '../index';

interface Entry {
  id: number;
  dirty: boolean;
  cacheSlot: number;
}

describe('WriteBackCache', () => {
  it('writes through at capacity 0', () => {
    const written: number[] = [];
    const cache = new WriteBackCache<Entry>(0, (e) => written.push(e.id));
    const e = { id: 1, dirty: false, cacheSlot: -1 };
    cache.changed(e);
    cache.changed(e);
    expect(written).toEqual([1, 1]);
  });

  it('holds changes until over capacity, then writes the one waiting longest, each change once', () => {
    const written: number[] = [];
    const cache = new WriteBackCache<Entry>(2, (e) => written.push(e.id));
    const [a, b, c] = [1, 2, 3].map((id) => ({ id, dirty: false, cacheSlot: -1 })) as [Entry, Entry, Entry];
    cache.changed(a);
    cache.changed(a);
    cache.changed(b);
    expect(written).toEqual([]);
    cache.changed(c);
    expect(written).toEqual([1]);
    expect([a.dirty, b.dirty, c.dirty]).toEqual([false, true, true]);
    expect(cache.size).toBe(2);
    cache.flush();
    expect(written).toEqual([1, 2, 3]);
    expect(cache.size).toBe(0);
  });

  it('never writes a dropped entry, and flush writes the rest', () => {
    const written: number[] = [];
    const cache = new WriteBackCache<Entry>(10, (e) => written.push(e.id));
    const [a, b] = [1, 2].map((id) => ({ id, dirty: false, cacheSlot: -1 })) as [Entry, Entry];
    cache.changed(a);
    cache.changed(b);
    cache.drop(a);
    cache.flush();
    expect(written).toEqual([2]);
    cache.flush();
    expect(written).toEqual([2]);
  });

  it('writes exactly the changes neither written nor dropped, oldest first, never more than capacity waiting (against a model)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.array(fc.record({ op: fc.constantFrom('change', 'change', 'drop', 'flush'), id: fc.integer({ min: 0, max: 11 }) }), { maxLength: 300 }),
        (capacity, ops) => {
          const written: number[] = [];
          const cache = new WriteBackCache<Entry>(capacity, (e) => written.push(e.id));
          const entries = Array.from({ length: 12 }, (_, id) => ({ id, dirty: false, cacheSlot: -1 }));
          const model: number[] = []; // ids waiting, in the order they became dirty
          const expected: number[] = [];
          for (const { op, id } of ops) {
            const e = entries[id]!;
            if (op === 'drop') {
              cache.drop(e);
              if (model.includes(id)) model.splice(model.indexOf(id), 1);
            } else if (op === 'flush') {
              const seen: number[] = [];
              cache.forEachWaiting((w) => seen.push(w.id));
              expect(seen).toEqual(model);
              cache.flush();
              expected.push(...model.splice(0));
            } else if (capacity === 0) {
              cache.changed(e);
              expected.push(id);
            } else {
              cache.changed(e);
              if (!model.includes(id)) model.push(id);
              if (model.length > capacity) expected.push(model.shift()!);
            }
            expect(written).toEqual(expected);
            expect(cache.size).toBe(model.length);
            for (const w of entries) expect(w.dirty).toBe(model.includes(w.id));
          }
          cache.flush();
          expect(written).toEqual([...expected, ...model]);
        },
      ),
    );
  });

  it('compacts its queue under many drops and keeps the order of the rest', () => {
    const written: number[] = [];
    const cache = new WriteBackCache<Entry>(100_000, (e) => written.push(e.id));
    const entries = Array.from({ length: 20_000 }, (_, id) => ({ id, dirty: false, cacheSlot: -1 }));
    for (const e of entries) cache.changed(e);
    for (const e of entries) if (e.id % 10 !== 0) cache.drop(e);
    const internals = cache as unknown as { head: number; tail: number };
    expect(internals.tail - internals.head).toBeLessThan(2 * 2_000 + 2_000);
    cache.flush();
    expect(written).toEqual(entries.filter((e) => e.id % 10 === 0).map((e) => e.id));
  });

  it('compacts its queue as the longest-waiting entries are written, and keeps slots right', () => {
    const written: number[] = [];
    const cache = new WriteBackCache<Entry>(10, (e) => written.push(e.id));
    const entries = Array.from({ length: 5_000 }, (_, id) => ({ id, dirty: false, cacheSlot: -1 }));
    for (const e of entries) cache.changed(e);
    expect((cache as unknown as { queue: unknown[] }).queue.length).toBeLessThan(2_100);
    expect(written).toEqual(entries.slice(0, 4_990).map((e) => e.id));
    cache.drop(entries[4_995]!); // its slot must still point at it after the compactions
    cache.flush();
    expect(written.slice(4_990)).toEqual([4_990, 4_991, 4_992, 4_993, 4_994, 4_996, 4_997, 4_998, 4_999]);
  });

  it('cycling through many more entries than it holds, keeps one queue array that stops growing (no new backing store per compaction)', () => {
    let written = 0;
    const capacity = 1_000;
    const cache = new WriteBackCache<Entry>(capacity, () => written++);
    const entries = Array.from({ length: 50_000 }, (_, id) => ({ id, dirty: false, cacheSlot: -1 }));
    const internals = cache as unknown as { queue: unknown[] };
    const queue = internals.queue;
    let longest = 0;
    for (let round = 0; round < 4; round++) {
      for (const e of entries) {
        cache.changed(e);
        if (e.id % 7 === 0) cache.drop(e);
      }
      if (round === 0) longest = queue.length;
      expect(internals.queue).toBe(queue);
      expect(queue.length).toBe(longest); // grown in the first round, never cut short or regrown since
    }
    expect(longest).toBeLessThan(3 * capacity + 3 * 1_024);
    cache.flush();
    expect(cache.size).toBe(0);
    expect(written).toBeGreaterThan(0);
  });

  it('keeps the entry whose write threw, and those after it, waiting', () => {
    const written: number[] = [];
    const cache = new WriteBackCache<Entry>(10, (e) => {
      if (e.id === 2) throw new Error('unencodable');
      written.push(e.id);
    });
    const [a, b, c] = [1, 2, 3].map((id) => ({ id, dirty: false, cacheSlot: -1 })) as [Entry, Entry, Entry];
    cache.changed(a);
    cache.changed(b);
    cache.changed(c);
    expect(() => cache.flush()).toThrow('unencodable');
    // the entry whose write threw is not in the store: it waits too
    expect(written).toEqual([1]);
    expect([a.dirty, b.dirty, c.dirty]).toEqual([false, true, true]);
    expect(cache.size).toBe(2);
    cache.drop(b);
    cache.flush();
    expect(written).toEqual([1, 3]);
  });
});

