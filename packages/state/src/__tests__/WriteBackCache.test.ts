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

  it('holds changes until over capacity, then writes each waiting entry once', () => {
    const written: number[] = [];
    const cache = new WriteBackCache<Entry>(2, (e) => written.push(e.id));
    const [a, b, c] = [1, 2, 3].map((id) => ({ id, dirty: false, cacheSlot: -1 })) as [Entry, Entry, Entry];
    cache.changed(a);
    cache.changed(a);
    cache.changed(b);
    expect(written).toEqual([]);
    cache.changed(c);
    expect(written).toEqual([1, 2, 3]);
    expect([a.dirty, b.dirty, c.dirty]).toEqual([false, false, false]);
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

  it('lets go of dropped entries at once and keeps writing the rest, in any order of drops (against a model)', () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let run = 0; run < 50; run++) {
      const capacity = 1 + rand(8);
      const written: number[] = [];
      const cache = new WriteBackCache<Entry>(capacity, (e) => written.push(e.id));
      const entries = Array.from({ length: 12 }, (_, id) => ({ id, dirty: false, cacheSlot: -1 }));
      const model = new Set<number>(); // ids changed and neither written nor dropped
      for (let step = 0; step < 200; step++) {
        const e = entries[rand(entries.length)]!;
        if (rand(3) === 0) {
          cache.drop(e);
          model.delete(e.id);
        } else {
          const before = written.length;
          cache.changed(e);
          model.add(e.id);
          if (written.length > before) {
            // an overflow wrote every waiting entry, each once
            expect([...written.slice(before)].sort((a, b) => a - b)).toEqual([...model].sort((a, b) => a - b));
            model.clear();
          }
        }
        expect((cache as unknown as { waiting: Entry[] }).waiting.map((w) => w.id).sort((a, b) => a - b)).toEqual([...model].sort((a, b) => a - b));
        for (const w of entries) expect(w.dirty).toBe(model.has(w.id));
      }
      const before = written.length;
      cache.flush();
      expect(written.slice(before).sort((a, b) => a - b)).toEqual([...model].sort((a, b) => a - b));
    }
  });

  it('keeps the entries after a write that threw waiting', () => {
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
    expect(written).toEqual([1]);
    expect([a.dirty, b.dirty, c.dirty]).toEqual([false, false, true]);
    cache.flush();
    expect(written).toEqual([1, 3]);
  });
});

