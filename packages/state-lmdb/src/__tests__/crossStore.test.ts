// Snapshots are store-independent: state moves from InMemoryStore to LmdbStore and back, as
// snapshot objects and as bytes, and stays equal to the reference model throughout.
import fc from 'fast-check';
import { InMemoryStore, StateSnapshot, type Entry, type StateStore } from '@weir/state';
import { ReferenceStore } from '@weir/state/testing';
import { testStores } from './testStores';

const stores = testStores('cross');
afterAll(() => stores.cleanup());

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

function hex(entries: Iterable<Entry>): string[] {
  return [...entries].map(([k, v]) => `${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`);
}

function fill(store: StateStore, n: number): void {
  for (let i = 0; i < n; i++) store.put(b(i >> 8, i & 0xff, 7), b(i & 0xff, 1, 2));
  store.delete(b(0, 3, 7));
  store.put(b(), b(9)); // the empty key travels too
}

describe('restore across stores', () => {
  it('InMemoryStore -> LmdbStore, as a snapshot and as bytes', () => {
    const memory = new InMemoryStore();
    fill(memory, 1000);
    const expected = hex(memory.prefixScan(b()));
    for (const input of [memory.snapshot(), memory.snapshot().encode()]) {
      const lmdb = stores.open({ writeBatch: 64 });
      lmdb.put(b(0xff), b(0xff)); // replaced by the restore
      lmdb.restore(input);
      expect(hex(lmdb.prefixScan(b()))).toEqual(expected);
      expect(lmdb.len()).toBe(memory.len());
      expect(lmdb.sizeBytes()).toBe(memory.sizeBytes());
      expect(lmdb.get(b(0, 5, 7))).toEqual(b(5, 1, 2));
    }
  });

  it('LmdbStore -> InMemoryStore, as a snapshot and as bytes; the snapshot outlives later writes', () => {
    const lmdb = stores.open({ writeBatch: 100 });
    fill(lmdb, 1000);
    const expected = hex(lmdb.prefixScan(b()));
    const snap = lmdb.snapshot();
    lmdb.clear();
    fill(lmdb, 10);
    for (const input of [snap, snap.encode(), Buffer.concat([...snap.encodeChunks(77)])]) {
      const memory = new InMemoryStore();
      memory.restore(input);
      expect(hex(memory.prefixScan(b()))).toEqual(expected);
      expect(memory.len()).toBe(snap.len());
      expect(memory.sizeBytes()).toBe(snap.sizeBytes());
      memory.put(b(0, 5, 7), b(0)); // the restored store's writes stay its own
    }
    expect(hex(snap.entries())).toEqual(expected);
    snap.release();
  });

  it('LmdbStore -> LmdbStore, and into itself', () => {
    const a = stores.open();
    fill(a, 300);
    const expected = hex(a.prefixScan(b()));
    const snap = a.snapshot();
    const other = stores.open();
    other.restore(snap);
    expect(hex(other.prefixScan(b()))).toEqual(expected);
    a.clear();
    a.put(b(1), b(1));
    a.restore(snap); // reads its own old read transaction while rewriting the database
    expect(hex(a.prefixScan(b()))).toEqual(expected);
    snap.release();
  });

  type Op =
    | { op: 'put'; key: Uint8Array; value: Uint8Array }
    | { op: 'delete'; key: Uint8Array }
    | { op: 'move'; viaBytes: boolean }
    | { op: 'flush' };
  const keyArb = fc.array(fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xff), { maxLength: 3 }).map((a) => Uint8Array.from(a));
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 8, arbitrary: fc.record({ op: fc.constant('put' as const), key: keyArb, value: fc.uint8Array({ maxLength: 4 }) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), key: keyArb }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('move' as const), viaBytes: fc.boolean() }) },
    { weight: 1, arbitrary: fc.constant({ op: 'flush' as const }) },
  );

  it('state moved back and forth between InMemoryStore and LmdbStore matches the reference model (property)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 50 }), fc.integer({ min: 1, max: 6 }), (ops, writeBatch) => {
        const model = new ReferenceStore();
        let current: StateStore = new InMemoryStore();
        for (const o of ops) {
          switch (o.op) {
            case 'put':
              current.put(o.key, o.value);
              model.put(o.key, o.value);
              break;
            case 'delete':
              expect(current.delete(o.key)).toBe(model.delete(o.key));
              break;
            case 'flush':
              current.flush();
              break;
            case 'move': {
              // to the other kind of store, through a snapshot or its bytes
              const snap = current.snapshot();
              const next: StateStore = current instanceof InMemoryStore ? stores.open({ writeBatch }) : new InMemoryStore();
              next.restore(o.viaBytes ? snap.encode() : snap);
              snap.release();
              current = next;
              break;
            }
          }
          expect(current.len()).toBe(model.len());
        }
        expect(hex(current.prefixScan(b()))).toEqual(hex(model.prefixScan(b())));
        expect(current.sizeBytes()).toBe(model.sizeBytes());
        const bytes = current.snapshot().encode();
        expect(hex(StateSnapshot.decode(bytes).entries())).toEqual(hex(model.prefixScan(b())));
      }),
      { numRuns: 120 },
    );
  });
});
