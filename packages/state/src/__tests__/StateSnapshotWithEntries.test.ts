// StateSnapshot.withEntries: entries added to a snapshot after it was taken (an operator's
// deferred barrier log), for snapshots held in memory and lazily-backed ones.
import fc from 'fast-check';
import { InMemoryStore, StateSnapshot, compareBytes, type Entry } from '@weir/state';
import { stateErrorCode } from '../testing';

const hex = (k: Uint8Array): string => Buffer.from(k).toString('hex');
const plain = (entries: Iterable<Entry>): Array<[string, string]> => [...entries].map(([k, v]) => [hex(k), hex(v)]);

/** Distinct keys split into the store's and the added ones, with values and later writes. */
const caseArb = fc
  .uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 6 }), { selector: hex, maxLength: 1200 })
  .chain((keys) =>
    fc.record({
      keys: fc.constant(keys),
      added: fc.array(fc.boolean(), { minLength: keys.length, maxLength: keys.length }),
      values: fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: keys.length, maxLength: keys.length }),
      later: fc.array(fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 8 }), fc.boolean()), { maxLength: 60 }),
    }),
  );

describe('StateSnapshot.withEntries', () => {
  it('holds the snapshot entries and the added ones, and leaves the snapshot and the store as they were (property)', () => {
    fc.assert(
      fc.property(caseArb, fc.boolean(), ({ keys, added, values, later }, lazily) => {
        const store = new InMemoryStore();
        const extra: Entry[] = [];
        keys.forEach((k, i) => (added[i] ? extra.push([k, values[i]!]) : store.put(k, values[i]!)));
        const taken = store.snapshot();
        const base = lazily ? StateSnapshot.fromSource({ len: taken.len(), sizeBytes: taken.sizeBytes(), entries: () => taken.entries() }) : taken;
        const before = plain(base.entries());
        const storeBefore = plain(store.snapshot().entries());
        // the store goes on being written (as the record path does after a barrier)
        for (const [n, v, del] of later) {
          const k = keys.length === 0 ? Uint8Array.of(9, 9) : keys[n % keys.length]!;
          if (del) store.delete(k);
          else store.put(k, v);
        }
        const storeAfterWrites = plain(store.snapshot().entries());
        const full = base.withEntries(extra);

        const expected = [...plain(base.entries()), ...plain(extra)].sort((x, y) => compareBytes(Buffer.from(x[0], 'hex'), Buffer.from(y[0], 'hex')));
        expect(plain(full.entries())).toEqual(expected);
        expect(full.len()).toBe(expected.length);
        expect(full.sizeBytes()).toBe(expected.reduce((n, [k, v]) => n + (k.length + v.length) / 2, 0));
        expect(plain(base.entries())).toEqual(before);
        expect(plain(store.snapshot().entries())).toEqual(storeAfterWrites);
        expect(storeBefore.length).toBe(keys.length - extra.length);
        // the encoded form is what a snapshot of the same entries encodes to
        expect(Buffer.from(full.encode()).equals(Buffer.from(StateSnapshot.fromEntries(full.entries()).encode()))).toBe(true);
        const restored = new InMemoryStore();
        restored.restore(full);
        expect(plain(restored.snapshot().entries())).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('copies what it is given: a buffer reused by the caller afterwards changes nothing', () => {
    const store = new InMemoryStore();
    store.put(Uint8Array.of(1), Uint8Array.of(1));
    const key = Uint8Array.of(2);
    const value = Uint8Array.of(7, 7);
    const full = store.snapshot().withEntries([[key, value]]);
    key[0] = 0;
    value.fill(0);
    expect(plain(full.entries())).toEqual([
      ['01', '01'],
      ['02', '0707'],
    ]);
  });

  it('a store restored from it goes on writing without touching the snapshot it came from', () => {
    const store = new InMemoryStore();
    for (let i = 0; i < 2000; i++) store.put(Uint8Array.of(i >> 8, i & 255), Uint8Array.of(i & 7));
    const full = store.snapshot().withEntries([[Uint8Array.of(200), Uint8Array.of(1)]]);
    const before = plain(full.entries());
    const other = new InMemoryStore();
    other.restore(full);
    for (let i = 0; i < 2000; i += 3) other.put(Uint8Array.of(i >> 8, i & 255), Uint8Array.of(99));
    other.put(Uint8Array.of(201), Uint8Array.of(2));
    other.delete(Uint8Array.of(200));
    expect(plain(full.entries())).toEqual(before);
  });

  it('refuses a key the snapshot holds, a key given twice and what is not bytes', () => {
    const store = new InMemoryStore();
    store.put(Uint8Array.of(1), Uint8Array.of(1));
    const snap = store.snapshot();
    expect(stateErrorCode(() => snap.withEntries([[Uint8Array.of(1), Uint8Array.of(2)]]))).toBe('INVALID_ARGUMENT');
    expect(() => snap.withEntries([[Uint8Array.of(1), Uint8Array.of(2)]])).toThrow(/already holds key 01/);
    expect(() =>
      snap.withEntries([
        [Uint8Array.of(3), Uint8Array.of(2)],
        [Uint8Array.of(3), Uint8Array.of(4)],
      ]),
    ).toThrow(/key 03 is given twice/);
    expect(stateErrorCode(() => snap.withEntries([['x' as unknown as Uint8Array, Uint8Array.of(2)]]))).toBe('INVALID_ARGUMENT');
    const lazy = StateSnapshot.fromSource({ len: 1, sizeBytes: 2, entries: () => snap.entries() }).withEntries([[Uint8Array.of(1), Uint8Array.of(5)]]);
    expect(stateErrorCode(() => lazy.encode())).toBe('INVALID_ARGUMENT');
  });

  it('entries added to a lazily-backed snapshot call after call are merged once when read (a chunk per call of a barrier log)', () => {
    const store = new InMemoryStore();
    for (let i = 0; i < 50; i++) store.put(Uint8Array.of(1, i), Uint8Array.of(i));
    const taken = store.snapshot();
    let deepest = 0;
    const base = StateSnapshot.fromSource({
      len: taken.len(),
      sizeBytes: taken.sizeBytes(),
      entries: () => {
        const it = taken.entries();
        return {
          next: () => {
            const limit = Error.stackTraceLimit;
            Error.stackTraceLimit = 10_000;
            deepest = Math.max(deepest, (new Error().stack ?? '').split('\n').length);
            Error.stackTraceLimit = limit;
            return it.next();
          },
        };
      },
    });
    let snap = base;
    for (let i = 0; i < 300; i++) snap = snap.withEntries([[Uint8Array.of(2, i >> 8, i & 255), Uint8Array.of(i & 255)]]);
    expect(snap.len()).toBe(350);
    const entries = [...snap.entries()];
    expect(entries.length).toBe(350);
    expect(plain(entries)).toEqual(plain(StateSnapshot.fromEntries(entries).entries()));
    expect(deepest).toBeLessThan(60); // 300 nested merges would put 300 frames under the source
    expect(() => snap.withEntries([[Uint8Array.of(2, 0, 7), Uint8Array.of(0)]])).toThrow(/key 020007 is given twice/);
    expect(Buffer.from(snap.encode()).equals(Buffer.from(StateSnapshot.fromEntries(entries).encode()))).toBe(true);
  });

  it('releasing the result of a lazily-backed snapshot releases its source', () => {
    let released = 0;
    const lazy = StateSnapshot.fromSource({ len: 0, sizeBytes: 0, entries: () => [][Symbol.iterator](), release: () => released++ });
    const full = lazy.withEntries([[Uint8Array.of(1), Uint8Array.of(1)]]);
    full.release();
    full.release();
    expect(released).toBe(1);
    expect(stateErrorCode(() => lazy.encode())).toBe('IO');
  });
});
