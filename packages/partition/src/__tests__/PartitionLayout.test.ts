import fc from 'fast-check';
import { KeyWriter, OperatorKeys, keyGroupOf } from '@weir/state';
import { PartitionError, keyGroupsOfPartition, ownershipOf, partitionOfKey, partitionOfKeyGroup, resolveLayout } from '../index';

const layouts = fc
  .integer({ min: 1, max: 512 })
  .chain((keyGroups) => fc.record({ keyGroups: fc.constant(keyGroups), partitions: fc.integer({ min: 1, max: keyGroups }) }))
  .chain((layout) => fc.record({ layout: fc.constant(layout), workers: fc.integer({ min: 1, max: layout.partitions }) }));

describe('ownership arithmetic', () => {
  it('gives every partition and every key group to exactly one worker, in contiguous ranges (any N <= P <= K)', () => {
    fc.assert(
      fc.property(layouts, ({ layout, workers }) => {
        const partitionOwner = new Array<number>(layout.partitions).fill(-1);
        const groupOwner = new Array<number>(layout.keyGroups).fill(-1);
        let nextGroup = 0;
        let nextPartition = 0;
        for (let w = 0; w < workers; w++) {
          const own = ownershipOf(w, workers, layout);
          // at least one partition, contiguous, in worker order
          if (own.partitions.length === 0 || own.partitions[0] !== nextPartition || own.keyGroups.start !== nextGroup) return false;
          nextPartition += own.partitions.length;
          nextGroup = own.keyGroups.end;
          for (const p of own.partitions) {
            if (partitionOwner[p] !== -1) return false;
            partitionOwner[p] = w;
          }
          for (const kg of own.keyGroups) {
            if (groupOwner[kg] !== -1) return false;
            groupOwner[kg] = w;
          }
        }
        if (!partitionOwner.every((w) => w >= 0) || !groupOwner.every((w) => w >= 0)) return false;
        // the groups a worker owns are exactly those its partitions carry
        for (let kg = 0; kg < layout.keyGroups; kg++) if (partitionOwner[partitionOfKeyGroup(kg, layout)] !== groupOwner[kg]) return false;
        return true;
      }),
    );
  });

  it('partitionOfKeyGroup inverts keyGroupsOfPartition', () => {
    fc.assert(
      fc.property(layouts, ({ layout }) => {
        let next = 0;
        for (let p = 0; p < layout.partitions; p++) {
          const range = keyGroupsOfPartition(p, layout);
          if (range.start !== next || range.size === 0) return false;
          for (const kg of range) if (partitionOfKeyGroup(kg, layout) !== p) return false;
          next = range.end;
        }
        return next === layout.keyGroups;
      }),
    );
  });

  it('refuses more workers than partitions, bad indexes and layouts with a typed error', () => {
    const err = (f: () => unknown): PartitionError => {
      try {
        f();
      } catch (e) {
        return e as PartitionError;
      }
      throw new Error('expected a throw');
    };
    expect(err(() => ownershipOf(0, 5, { partitions: 4, keyGroups: 128 }))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('[1, 4]') });
    expect(err(() => ownershipOf(2, 2, { partitions: 4, keyGroups: 128 }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(err(() => resolveLayout({ partitions: 200 }, 'job'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('job: the number of partitions') });
    expect(err(() => partitionOfKey(1.5, { partitions: 4 }))).toBeInstanceOf(PartitionError);
    expect(resolveLayout({ partitions: 4 }, 'job')).toEqual({ partitions: 4, keyGroups: 128 });
  });
});

describe('partitionOfKey', () => {
  it('sends a key to the partition carrying the key group the operators file its state under', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.integer(), fc.uint8Array({ maxLength: 12 }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
        fc.integer({ min: 1, max: 256 }),
        fc.integer({ min: 1, max: 256 }),
        (key, k, p) => {
          const layout = { keyGroups: k, partitions: Math.min(p, k) };
          const kg = new OperatorKeys('views', k).keyGroupOf(typeof key === 'bigint' && key >= BigInt(Number.MIN_SAFE_INTEGER) && key <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(key) : key);
          expect(partitionOfKey(key, layout)).toBe(partitionOfKeyGroup(kg, layout));
          expect(kg).toBe(keyGroupOf(new KeyWriter().part(typeof key === 'bigint' && key >= BigInt(Number.MIN_SAFE_INTEGER) && key <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(key) : key).finish(), k));
        },
      ),
    );
  });

  it('is pinned: the same partitions forever (checkpoints and published input depend on it)', () => {
    expect(['home', 'cart', 'user-42', 7].map((k) => partitionOfKey(k, { partitions: 8 }))).toMatchInlineSnapshot(`
[
  2,
  6,
  6,
  1,
]
`);
  });
});
