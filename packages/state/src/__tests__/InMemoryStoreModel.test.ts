// InMemoryStore's pages, tree and hash index against a plain model (a Map of hex keys, sorted on
// demand), with snapshots taken mid-way, restores of them (and of their bytes), range and prefix
// scans, and scans read while the store changes.
import fc from 'fast-check';
import { InMemoryStore, StateSnapshot, compareBytes, prefixSuccessor, type Entry } from '@weir/state';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

type Model = Map<string, Uint8Array>;

function sorted(model: Model): [Uint8Array, Uint8Array][] {
  return [...model].map(([k, v]) => [unhex(k), v] as [Uint8Array, Uint8Array]).sort((a, b) => compareBytes(a[0], b[0]));
}

function range(model: Model, lo: Uint8Array, hi: Uint8Array | undefined): [Uint8Array, Uint8Array][] {
  return sorted(model).filter(([k]) => compareBytes(k, lo) >= 0 && (hi === undefined || compareBytes(k, hi) < 0));
}

const plain = (entries: Iterable<Entry>): [string, string][] => [...entries].map(([k, v]) => [hex(k), hex(v)]);

function expectSame(store: InMemoryStore, model: Model): void {
  expect(store.len()).toBe(model.size);
  let size = 0;
  for (const [k, v] of model) size += k.length / 2 + v.length;
  expect(store.sizeBytes()).toBe(size);
  expect(plain(store.rangeScan(new Uint8Array(0)))).toEqual(plain(sorted(model)));
  const got: string[] = [];
  const want: string[] = [];
  for (const [k, v] of model) {
    got.push(hex(store.get(unhex(k)) ?? new Uint8Array(0)) + (store.contains(unhex(k)) ? '' : ' missing'));
    want.push(hex(v));
  }
  expect(got).toEqual(want);
}

// Few distinct bytes and short keys: prefixes collide, and enough keys to split leaves.
const keyArb = fc.uint8Array({ minLength: 0, maxLength: 4, max: 5 }).map((k) => k.map((x) => x * 51));
const longKeyArb = fc.uint8Array({ minLength: 30, maxLength: 90, max: 3 });
const valueArb = fc.uint8Array({ minLength: 0, maxLength: 40 });

type Op =
  | { op: 'put'; key: Uint8Array; value: Uint8Array }
  | { op: 'delete'; key: Uint8Array }
  | { op: 'snapshot' }
  | { op: 'restore'; which: number; bytes: boolean }
  | { op: 'range'; lo: Uint8Array; hi: Uint8Array | undefined }
  | { op: 'prefix'; prefix: Uint8Array }
  | { op: 'scanWhileWriting'; lo: Uint8Array; key: Uint8Array; value: Uint8Array };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ op: fc.constant('put' as const), key: fc.oneof({ weight: 5, arbitrary: keyArb }, { weight: 1, arbitrary: longKeyArb }), value: valueArb }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('delete' as const), key: keyArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('snapshot' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('restore' as const), which: fc.nat(), bytes: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('range' as const), lo: keyArb, hi: fc.option(keyArb, { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('prefix' as const), prefix: fc.uint8Array({ maxLength: 2, max: 5 }).map((k) => k.map((x) => x * 51)) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('scanWhileWriting' as const), lo: keyArb, key: keyArb, value: valueArb }) },
);

describe('InMemoryStore against a model', () => {
  it('agrees on every operation, snapshots taken mid-way stay as they were, restores continue', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 400 }), (ops) => {
        let store = new InMemoryStore();
        let model: Model = new Map();
        const snaps: { snap: StateSnapshot; model: Model }[] = [];
        for (const o of ops) {
          switch (o.op) {
            case 'put':
              store.put(o.key, o.value);
              model.set(hex(o.key), o.value.slice());
              break;
            case 'delete':
              expect(store.delete(o.key)).toBe(model.delete(hex(o.key)));
              break;
            case 'snapshot':
              snaps.push({ snap: store.snapshot(), model: new Map(model) });
              break;
            case 'restore': {
              if (snaps.length === 0) break;
              const { snap, model: then } = snaps[o.which % snaps.length]!;
              store = new InMemoryStore();
              store.restore(o.bytes ? snap.encode() : snap);
              model = new Map(then);
              break;
            }
            case 'range':
              expect(plain(store.rangeScan(o.lo, o.hi))).toEqual(plain(range(model, o.lo, o.hi)));
              break;
            case 'prefix':
              expect(plain(store.prefixScan(o.prefix))).toEqual(plain(range(model, o.prefix, prefixSuccessor(o.prefix))));
              break;
            case 'scanWhileWriting': {
              const expected = plain(range(model, o.lo, undefined));
              const it = store.rangeScan(o.lo);
              const got: [string, string][] = [];
              let first = true;
              for (const [k, v] of it) {
                got.push([hex(k), hex(v)]);
                if (first) {
                  // write into the range being scanned, and drop what was just read
                  store.put(o.key, o.value);
                  store.delete(k);
                  first = false;
                }
              }
              expect(got).toEqual(expected);
              if (!first) {
                model.set(hex(o.key), o.value.slice());
                model.delete(expected[0]![0]);
              }
              break;
            }
          }
        }
        expectSame(store, model);
        for (const { snap, model: then } of snaps) {
          expect(snap.len()).toBe(then.size);
          expect(plain(snap.entries())).toEqual(plain(sorted(then)));
          expect(plain(StateSnapshot.decode(snap.encode()).entries())).toEqual(plain(sorted(then)));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('replaces values of pages a snapshot shares (large and small, growing and shrinking): the store and every snapshot agree with the model', () => {
    // Overwriting a value on a shared page copies the page without the value being replaced;
    // the other records of the page, its free slots and the snapshots must not notice.
    const sizeArb = fc.oneof(fc.nat({ max: 40 }), fc.integer({ min: 1_000, max: 300_000 }));
    const stepArb = fc.oneof(
      fc.record({ key: fc.nat({ max: 30 }), size: sizeArb, fill: fc.nat({ max: 255 }) }),
      fc.record({ del: fc.nat({ max: 30 }) }),
      fc.constant('snapshot' as const),
    );
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 80 }), (steps) => {
        const store = new InMemoryStore();
        const model: Model = new Map();
        const snaps: { snap: StateSnapshot; model: Model }[] = [];
        const key = (k: number): Uint8Array => Uint8Array.of(k % 3, k);
        for (const step of steps) {
          if (step === 'snapshot') snaps.push({ snap: store.snapshot(), model: new Map(model) });
          else if ('del' in step) expect(store.delete(key(step.del))).toBe(model.delete(hex(key(step.del))));
          else {
            const value = new Uint8Array(step.size).fill(step.fill);
            store.put(key(step.key), value);
            model.set(hex(key(step.key)), value);
          }
        }
        expectSame(store, model);
        for (const { snap, model: then } of snaps) expect(plain(snap.entries())).toEqual(plain(sorted(then)));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps order, snapshots and restores through a three-level tree (20k keys, deletes, overwrites)', () => {
    let seed = 7;
    const rand = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    const key = (i: number): Uint8Array => {
      const k = new Uint8Array(4 + (i % 7));
      new DataView(k.buffer).setUint32(0, Math.imul(i, 0x9e3779b1) >>> 0);
      return k;
    };
    const store = new InMemoryStore();
    const model: Model = new Map();
    const snaps: { snap: StateSnapshot; model: Model }[] = [];
    for (let round = 0; round < 4; round++) {
      for (let j = 0; j < 8_000; j++) {
        const i = rand() % 20_000;
        const r = rand() % 10;
        if (r < 6) {
          const v = Uint8Array.of(round, j & 0xff, ...new Uint8Array(rand() % 30));
          store.put(key(i), v);
          model.set(hex(key(i)), v);
        } else {
          expect(store.delete(key(i))).toBe(model.delete(hex(key(i))));
        }
      }
      snaps.push({ snap: store.snapshot(), model: new Map(model) });
    }
    expectSame(store, model);
    for (const { snap, model: then } of snaps) expect(plain(snap.entries())).toEqual(plain(sorted(then)));
    // snapshot -> restore -> continue, from the objects and from the bytes
    for (const bytes of [false, true]) {
      const { snap, model: then } = snaps[2]!;
      const restored = new InMemoryStore();
      restored.restore(bytes ? snap.encode() : snap);
      const m = new Map(then);
      expectSame(restored, m);
      for (let j = 0; j < 8_000; j++) {
        const i = rand() % 20_000;
        if (rand() % 3 === 0) {
          expect(restored.delete(key(i))).toBe(m.delete(hex(key(i))));
        } else {
          const v = Uint8Array.of(9, j & 0xff);
          restored.put(key(i), v);
          m.set(hex(key(i)), v);
        }
      }
      expectSame(restored, m);
      expect(plain(snap.entries())).toEqual(plain(sorted(then)));
    }
    expectSame(store, model);
  });

  it('empties and refills: leaves merge and free ids are reused, with a snapshot holding the old state', () => {
    const store = new InMemoryStore();
    const k = (i: number): Uint8Array => Uint8Array.of(i >> 8, i & 0xff);
    for (let i = 0; i < 5000; i++) store.put(k(i), Uint8Array.of(i & 0xff));
    const snap = store.snapshot();
    for (let i = 0; i < 5000; i++) if (i % 50 !== 0) store.delete(k(i));
    expect(store.len()).toBe(100);
    expect([...store.rangeScan(new Uint8Array(0))].map(([key]) => (key[0]! << 8) | key[1]!)).toEqual(Array.from({ length: 100 }, (_, j) => j * 50));
    for (let i = 0; i < 5000; i++) store.put(k(i), Uint8Array.of(1, 2, 3));
    expect(store.len()).toBe(5000);
    expect(store.sizeBytes()).toBe(5000 * 5);
    expect(snap.len()).toBe(5000);
    expect(plain(snap.entries())).toEqual(Array.from({ length: 5000 }, (_, i) => [hex(k(i)), hex(Uint8Array.of(i & 0xff))]));
  });
});
