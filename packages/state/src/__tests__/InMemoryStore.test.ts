import { InMemoryStore, StateSnapshot } from '@weir/state';
import { describeStateStoreConformance } from '@weir/state/testing';

describeStateStoreConformance('InMemoryStore', () => new InMemoryStore());
describeStateStoreConformance('InMemoryStore.withCapacity(4)', () => InMemoryStore.withCapacity(4));

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

describe('InMemoryStore', () => {
  it('withCapacity pre-sizes the index and shrinkToFit releases it', () => {
    const store = InMemoryStore.withCapacity(10_000);
    expect(store.capacity()).toBeGreaterThanOrEqual(10_000);
    for (let i = 0; i < 5000; i++) store.put(b(i >> 8, i & 0xff), b(1));
    expect(store.capacity()).toBeGreaterThanOrEqual(10_000);
    for (let i = 0; i < 4990; i++) store.delete(b(i >> 8, i & 0xff));
    store.shrinkToFit();
    expect(store.capacity()).toBeLessThan(100);
    expect(store.capacity()).toBeGreaterThanOrEqual(store.len());
    for (let i = 4990; i < 5000; i++) expect(store.get(b(i >> 8, i & 0xff))).toEqual(b(1));
    for (let i = 0; i < 100; i++) store.put(b(9, i), b(i));
    expect(store.len()).toBe(110);
    expect(store.get(b(9, 50))).toEqual(b(50));
  });

  it('rejects a bad capacity clearly', () => {
    expect(() => InMemoryStore.withCapacity(-1)).toThrow(/^InMemoryStore.withCapacity: capacity must be a non-negative integer, got number -1$/);
    expect(() => InMemoryStore.withCapacity(1.5)).toThrow(expect.objectContaining({ name: 'StateError', code: 'INVALID_ARGUMENT' }));
  });

  it('names the method and the offending value in argument errors', () => {
    const store = new InMemoryStore();
    expect(() => store.put('user-1' as unknown as Uint8Array, b(1))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: 'InMemoryStore.put: key must be a Uint8Array, got string "user-1"' }),
    );
  });

  it('takes a snapshot without copying entries (later writes copy on write)', () => {
    const store = new InMemoryStore();
    for (let i = 0; i < 50_000; i++) store.put(Uint8Array.of(i >> 16, (i >> 8) & 0xff, i & 0xff), b(1));
    const snap = store.snapshot();
    store.put(b(0, 0, 0), b(2));
    expect(snap.len()).toBe(50_000);
    expect([...snap.entries()][0]![1]).toEqual(b(1));
    expect(store.get(b(0, 0, 0))).toEqual(b(2));
  });

  it('restores a decoded snapshot into a store of another capacity', () => {
    const a = new InMemoryStore();
    for (let i = 0; i < 1000; i++) a.put(b(i >> 8, i & 0xff), b(i & 0xff));
    const decoded = StateSnapshot.decode(a.snapshot().encode());
    const c = InMemoryStore.withCapacity(1);
    c.restore(decoded);
    expect(c.len()).toBe(1000);
    expect(c.sizeBytes()).toBe(a.sizeBytes());
    expect(c.get(b(3, 0xe7))).toEqual(b(0xe7));
  });
});

describe('InMemoryStore in-place overwrites', () => {
  it('overwrite in place between snapshots never reaches an earlier snapshot', () => {
    const store = new InMemoryStore();
    const k = b(1);
    const seen: StateSnapshot[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3; i++) store.put(k, b(round, i)); // first put copies on write, the rest in place
      seen.push(store.snapshot());
    }
    expect(seen.map((s) => [...[...s.entries()][0]![1]])).toEqual([[0, 2], [1, 2], [2, 2], [3, 2]]);
  });

  it('writes after restoring a snapshot leave the snapshot and its source intact', () => {
    const a = new InMemoryStore();
    a.put(b(1), b(1));
    const snap = a.snapshot();
    const c = new InMemoryStore();
    c.restore(snap);
    c.put(b(1), b(2));
    c.put(b(1), b(3));
    expect([...snap.entries()][0]![1]).toEqual(b(1));
    expect(a.get(b(1))).toEqual(b(1));
    expect(c.get(b(1))).toEqual(b(3));
  });
});
