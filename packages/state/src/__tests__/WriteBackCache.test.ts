import { WriteBackCache } from '../index';

interface Entry {
  id: number;
  dirty: boolean;
}

describe('WriteBackCache', () => {
  it('writes through at capacity 0', () => {
    const written: number[] = [];
    const cache = new WriteBackCache<Entry>(0, (e) => written.push(e.id));
    const e = { id: 1, dirty: false };
    cache.changed(e);
    cache.changed(e);
    expect(written).toEqual([1, 1]);
  });

  it('holds changes until over capacity, then writes each waiting entry once', () => {
    const written: number[] = [];
    const cache = new WriteBackCache<Entry>(2, (e) => written.push(e.id));
    const [a, b, c] = [1, 2, 3].map((id) => ({ id, dirty: false })) as [Entry, Entry, Entry];
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
    const [a, b] = [1, 2].map((id) => ({ id, dirty: false })) as [Entry, Entry];
    cache.changed(a);
    cache.changed(b);
    cache.drop(a);
    cache.flush();
    expect(written).toEqual([2]);
    cache.flush();
    expect(written).toEqual([2]);
  });
});
