// GroupIndex: key identities -> group numbers, against a Map (SameValueZero, as keyPartId's users relied on).
import fc from 'fast-check';
import { keyPartId, type KeyPart } from '@weir/state';
import { GroupIndex } from '../../operators/GroupIndex';

const keyPart: fc.Arbitrary<KeyPart> = fc.oneof(
  fc.integer({ min: -50, max: 50 }), // collide often
  fc.integer(), // int32: the typed table
  fc.constantFrom(-0, 0, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
  fc.maxSafeInteger(), // beyond int32: the Map
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.string({ maxLength: 4 }),
  fc.constantFrom('1', '\u0000s1', ''),
  fc.uint8Array({ maxLength: 3 }),
);

describe('GroupIndex', () => {
  it('finds every identity added, as the group it was added as, and nothing else (property, against a Map)', () => {
    fc.assert(
      fc.property(fc.array(keyPart, { maxLength: 300 }), fc.array(keyPart, { maxLength: 50 }), (added, probes) => {
        const index = new GroupIndex();
        const model = new Map<unknown, number>();
        for (const part of added) {
          const id = keyPartId(part);
          expect(index.get(id)).toBe(model.get(id));
          if (model.has(id)) continue; // a table adds each key once
          index.add(id, model.size);
          model.set(id, model.size);
        }
        for (const part of [...added, ...probes]) expect(index.get(keyPartId(part))).toBe(model.get(keyPartId(part)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps 1M integer groups and 100k strings through their growths, and tells 0 from "0" and 1 from 1n only as a Map would', () => {
    const index = new GroupIndex();
    for (let k = 0; k < 1_000_000; k++) index.add(k * 7919 - 3_000_000, k);
    for (let k = 0; k < 1_000_000; k += 997) expect(index.get(k * 7919 - 3_000_000)).toBe(k);
    expect(index.get(1)).toBeUndefined();
    // strings beside them, through the string table's growths
    for (let k = 0; k < 100_000; k++) index.add(`page-${k}`, 1_000_000 + k);
    for (let k = 0; k < 100_000; k += 101) expect(index.get(`page-${k}`)).toBe(1_000_000 + k);
    expect(index.get('page-100000')).toBeUndefined();
    expect(index.get(0 * 7919 - 3_000_000)).toBe(0);
    const small = new GroupIndex();
    small.add(0, 0);
    small.add('0', 1);
    small.add(1n, 2);
    expect([small.get(-0), small.get('0'), small.get(1n), small.get(1)]).toEqual([0, 1, 2, undefined]);
  });
});
