// StateSnapshot.fromSource: snapshots read lazily from a store's own view, and release().
import fc from 'fast-check';
import { InMemoryStore, StateSnapshot, compareBytes, type Entry, type SnapshotSource } from '@weir/state';
import { ReferenceStore } from '@weir/state/testing';
import { stateErrorCode } from '../testing';

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

/** A source over fixed entries that counts how it is used. */
function sourceOf(entries: Entry[], overrides: Partial<SnapshotSource> = {}): SnapshotSource & { reads: number; releases: number } {
  const source = {
    reads: 0,
    releases: 0,
    len: entries.length,
    sizeBytes: entries.reduce((n, [k, v]) => n + k.length + v.length, 0),
    entries(): Iterator<Entry> {
      source.reads++;
      return entries[Symbol.iterator]();
    },
    release(): void {
      source.releases++;
    },
    ...overrides,
  };
  return source;
}

const entriesArb = fc
  .uniqueArray(fc.uint8Array({ maxLength: 5 }), { selector: (k) => Buffer.from(k).toString('hex'), maxLength: 40 })
  .chain((keys) => fc.tuple(fc.constant(keys.sort(compareBytes)), fc.array(fc.uint8Array({ maxLength: 6 }), { minLength: keys.length, maxLength: keys.length })))
  .map(([keys, values]) => keys.map((k, i) => [k, values[i]!] as const));

describe('StateSnapshot.fromSource', () => {
  it('is O(1): nothing is read until the entries are', () => {
    const source = sourceOf([[b(1), b(2)], [b(3), b(4, 5)]]);
    const snap = StateSnapshot.fromSource(source);
    expect(source.reads).toBe(0);
    expect(snap.len()).toBe(2);
    expect(snap.sizeBytes()).toBe(5);
    expect([...snap.entries()].map(([k, v]) => [[...k], [...v]])).toEqual([[[1], [2]], [[3], [4, 5]]]);
    expect(source.reads).toBe(1);
  });

  it('encodes, in one piece or in chunks, to the same bytes as a tree-backed snapshot', () => {
    fc.assert(
      fc.property(entriesArb, fc.integer({ min: 1, max: 7 }), (entries, perChunk) => {
        const expected = StateSnapshot.fromEntries(entries).encode();
        const lazy = StateSnapshot.fromSource(sourceOf(entries));
        expect(lazy.encode()).toEqual(expected);
        expect(Buffer.concat([...lazy.encodeChunks(perChunk)])).toEqual(Buffer.from(expected));
        const copied = Buffer.concat(Array.from(StateSnapshot.fromSource(sourceOf(entries)).encodeChunks(perChunk, { reuseBuffer: true }), (c) => c.slice()));
        expect(copied).toEqual(Buffer.from(expected));
        expect([...StateSnapshot.decode(expected).entries()]).toEqual(entries);
      }),
      { numRuns: 100 },
    );
  });

  it('restores into InMemoryStore and the reference store, and back out again', () => {
    fc.assert(
      fc.property(entriesArb, (entries) => {
        const store = new InMemoryStore();
        store.put(b(0xee), b(1)); // replaced by the restore
        store.restore(StateSnapshot.fromSource(sourceOf(entries)));
        expect([...store.prefixScan(b())]).toEqual(entries);
        expect(store.len()).toBe(entries.length);
        for (const [k, v] of entries) expect(store.get(k)).toEqual(v);
        const model = new ReferenceStore();
        model.restore(StateSnapshot.fromSource(sourceOf(entries)));
        expect([...model.prefixScan(b())]).toEqual(entries);
        store.put(b(0xee), b(2)); // the store does not write into the source's arrays
        expect([...StateSnapshot.fromSource(sourceOf(entries)).entries()]).toEqual(entries);
      }),
      { numRuns: 100 },
    );
  });

  it('release() calls the source once; reading afterwards throws IO', () => {
    const source = sourceOf([[b(1), b(2)]]);
    const snap = StateSnapshot.fromSource(source);
    snap.release();
    snap.release();
    expect(source.releases).toBe(1);
    expect(stateErrorCode(() => [...snap.entries()])).toBe('IO');
    expect(stateErrorCode(() => snap.encode())).toBe('IO');
    expect(stateErrorCode(() => [...snap.encodeChunks()])).toBe('IO');
    expect(stateErrorCode(() => new InMemoryStore().restore(snap))).toBe('IO');
    expect(snap.len()).toBe(1); // what it was stays known
  });

  it('release() is a no-op for in-memory snapshots', () => {
    const store = new InMemoryStore();
    store.put(b(1), b(2));
    for (const snap of [store.snapshot(), StateSnapshot.fromEntries([[b(1), b(2)]]), StateSnapshot.decode(store.snapshot().encode())]) {
      snap.release();
      expect([...snap.entries()].length).toBe(1);
      expect(snap.encode().length).toBeGreaterThan(0);
    }
  });

  it('closes the source iterator when a reader stops early', () => {
    let closed = 0;
    const entries: Entry[] = [[b(1), b()], [b(2), b()], [b(3), b()]];
    const snap = StateSnapshot.fromSource(
      sourceOf(entries, {
        entries: () => {
          const it = entries[Symbol.iterator]();
          return { next: () => it.next(), return: () => (closed++, { done: true, value: undefined }) };
        },
      }),
    );
    for (const entry of snap.entries()) {
      void entry;
      break;
    }
    expect(closed).toBe(1);
  });

  it('checks that the source keeps its promises: SERIALIZATION when encoding, CORRUPTION when restoring', () => {
    const good: Entry[] = [[b(1), b(1)], [b(2), b(2)]];
    const broken: Array<[string, SnapshotSource]> = [
      ['keys out of order', sourceOf([[b(2), b(2)], [b(1), b(1)]])],
      ['a duplicate key', sourceOf([[b(1), b(1)], [b(1), b(2)]])],
      ['fewer entries than announced', sourceOf(good, { len: 3, sizeBytes: 6 })],
      ['more entries than announced', sourceOf(good, { len: 1, sizeBytes: 2 })],
      ['more bytes than announced', sourceOf(good, { sizeBytes: 3 })],
      ['fewer bytes than announced', sourceOf(good, { sizeBytes: 5 })],
      ['something that is not bytes', sourceOf([[b(1), 'x' as unknown as Uint8Array]])],
    ];
    for (const [what, source] of broken) {
      const snap = StateSnapshot.fromSource(source);
      expect([what, stateErrorCode(() => snap.encode())]).toEqual([what, 'SERIALIZATION']);
      expect([what, stateErrorCode(() => [...snap.encodeChunks(1)])]).toEqual([what, 'SERIALIZATION']);
      const store = new InMemoryStore();
      store.put(b(9), b(9));
      expect([what, stateErrorCode(() => store.restore(snap))]).toEqual([what, 'CORRUPTION']);
      expect([...store.prefixScan(b())]).toEqual([[b(9), b(9)]]);
    }
  });

  it('rejects a source of the wrong shape with StateError INVALID_ARGUMENT', () => {
    const ok = sourceOf([]);
    const bad: unknown[] = [null, 3, { ...ok, len: -1 }, { ...ok, len: 1.5 }, { ...ok, sizeBytes: '2' }, { ...ok, entries: [] }, { ...ok, release: 'no' }];
    for (const x of bad) expect(stateErrorCode(() => StateSnapshot.fromSource(x as SnapshotSource))).toBe('INVALID_ARGUMENT');
    expect(() => StateSnapshot.fromSource({ ...ok, len: -1 })).toThrow('StateSnapshot.fromSource: source.len must be a non-negative integer, got number -1');
  });
});
