// HashIndex (internal) against a Map model, through its incremental growth: inserts, deletes and
// lookups interleaved while an old table is being drained into the new one, with real hashes and
// with hashes that collide on purpose (long probe runs that wrap around the table, so deletes
// shift entries and tombstones sit inside runs).
import fc from 'fast-check';
import { EntryPages } from '../EntryPages';
import { HashIndex, hashBytes } from '../HashIndex';

type Op = { op: 'insert' | 'delete' | 'get'; key: number };

const opArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom<Op['op']>('insert', 'insert', 'insert', 'delete', 'get'),
  key: fc.nat({ max: 299 }),
});

const keyBytes = (k: number): Uint8Array => new Uint8Array([k & 0xff, k >> 8, 7]);

/** Runs `ops` against a HashIndex and a Map; returns how many ops ran while the index was growing. */
function run(ops: Op[], collide: boolean, expected: number): number {
  const pages = new EntryPages();
  const index = new HashIndex(expected);
  const model = new Map<number, number>(); // key -> entry id
  // Colliding hashes: 4 distinct odd values whose low bits share a home slot in any table.
  const hashOf = (k: number): number => (collide ? ((hashBytes(keyBytes(k)) & 0x3) << 8) | 1 : hashBytes(keyBytes(k)));
  let whileGrowing = 0;
  for (const { op, key } of ops) {
    if (index.growing()) whileGrowing++;
    const bytes = keyBytes(key);
    const h = hashOf(key);
    const slot = index.find(bytes, h, pages.pages);
    const found = slot >= 0 ? index.idAt(slot) : undefined;
    if (found !== model.get(key)) throw new Error(`key ${key}: found id ${found}, the model has ${model.get(key)}`);
    if (op === 'insert' && slot < 0) {
      const id = pages.add(bytes, new Uint8Array(0));
      index.insert(id, h);
      model.set(key, id);
    } else if (op === 'delete' && slot >= 0) {
      index.removeSlot(slot);
      pages.remove(model.get(key)!);
      model.delete(key);
    }
    if (index.count !== model.size || index.capacity() < model.size) {
      throw new Error(`count ${index.count}, capacity ${index.capacity()}, the model has ${model.size}`);
    }
  }
  for (let k = 0; k < 300; k++) {
    const slot = index.find(keyBytes(k), hashOf(k), pages.pages);
    expect(slot >= 0 ? index.idAt(slot) : undefined).toBe(model.get(k));
  }
  index.shrinkToFit();
  for (const [k, id] of model) expect(index.idAt(index.find(keyBytes(k), hashOf(k), pages.pages))).toBe(id);
  return whileGrowing;
}

describe('HashIndex', () => {
  it.each([
    ['real hashes', false],
    ['colliding hashes', true],
  ])('matches a Map through incremental growth (%s)', (_name, collide) => {
    let whileGrowing = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 50, maxLength: 400, size: 'max' }), fc.constantFrom(0, 5, 40), (ops, expected) => {
        whileGrowing += run(ops, collide, expected);
      }),
      { numRuns: 60 },
    );
    // the interesting states were reached: operations ran while an old table was draining
    expect(whileGrowing).toBeGreaterThan(1000);
  });

  it('drains the old table within a quarter of its slots in inserts, never two grows at once', () => {
    const pages = new EntryPages();
    const index = new HashIndex();
    let started = -1;
    let oldCapacity = 0;
    let longest = 0;
    for (let k = 0; k < 100_000; k++) {
      const bytes = new Uint8Array([k & 0xff, (k >> 8) & 0xff, k >> 16]);
      const before = index.capacity();
      index.insert(pages.add(bytes, new Uint8Array(0)), hashBytes(bytes));
      if (index.capacity() !== before) {
        expect(started).toBe(-1); // the previous drain had ended
        started = k;
        oldCapacity = before;
      }
      if (started >= 0 && !index.growing()) {
        longest = Math.max(longest, k - started);
        // the old table's slots = its capacity / 0.7, drained at 4 slots per insert
        expect(k - started).toBeLessThanOrEqual(Math.ceil(oldCapacity / 0.7 / 4) + 1);
        started = -1;
      }
    }
    expect(longest).toBeGreaterThan(1000);
  });
});
