import fc from 'fast-check';
import { DEFAULT_KEY_GROUPS, KeyGroupRange, KeyWriter, StateError, keyGroupOf, keyGroupRangeOf, type KeyPart } from '@weir/state';
import { murmur3 } from '../keyGroupOf';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const encoded = (k: KeyPart): Uint8Array => new KeyWriter().part(k).finish();

describe('murmur3', () => {
  it('matches the published MurmurHash3 x86_32 vectors (seed 0)', () => {
    expect(murmur3(new Uint8Array(0))).toBe(0);
    expect(murmur3(utf8('hello'))).toBe(0x248bfa47);
    expect(murmur3(utf8('Hello, world!'))).toBe(0xc0363e43);
    expect(murmur3(utf8('The quick brown fox jumps over the lazy dog'))).toBe(0x2e4ff723);
  });

  it('hashes a sub-range like a copy of it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(40), fc.nat(40), (bytes, a, b) => {
        const from = Math.min(a, b, bytes.length);
        const to = Math.min(Math.max(a, b), bytes.length);
        expect(murmur3(bytes, from, to)).toBe(murmur3(bytes.slice(from, to)));
      }),
    );
  });
});

describe('keyGroupOf', () => {
  // Checkpoints file state under these groups: if one of these changes, restored state is lost.
  it('is pinned: the groups of a few encoded keys never change', () => {
    expect([murmur3(encoded('home')), murmur3(encoded('user-42')), murmur3(encoded(7)), murmur3(encoded(Uint8Array.of(1, 2, 3)))]).toEqual(PINNED_HASHES);
    expect(['home', 'user-42', 7, -1, 0, Uint8Array.of(1, 2, 3), ''].map((k) => keyGroupOf(encoded(k), DEFAULT_KEY_GROUPS))).toEqual(PINNED_GROUPS);
  });

  it('is the hash modulo the number of groups, in [0, keyGroups)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 32_768 }), (bytes, n) => {
        const kg = keyGroupOf(bytes, n);
        expect(Number.isInteger(kg) && kg >= 0 && kg < n).toBe(true);
        expect(kg).toBe(murmur3(bytes) % n);
        expect(keyGroupOf(bytes.slice(), n)).toBe(kg); // a function of the bytes alone
      }),
    );
  });

  it('spreads keys evenly over the groups', () => {
    const counts = new Array<number>(DEFAULT_KEY_GROUPS).fill(0);
    const n = 128_000;
    for (let i = 0; i < n; i++) counts[keyGroupOf(encoded(`key-${i}`), DEFAULT_KEY_GROUPS)]!++;
    // 1,000 expected per group; a standard deviation of about 32
    expect(Math.min(...counts)).toBeGreaterThan(850);
    expect(Math.max(...counts)).toBeLessThan(1_150);
  });

  it('refuses a number of groups outside [1, 32768] and keys that are not bytes', () => {
    for (const bad of [0, -1, 1.5, 32_769, Number.NaN, Number.POSITIVE_INFINITY, '128', undefined]) {
      expect(() => keyGroupOf(Uint8Array.of(1), bad as number)).toThrow(StateError);
      expect(() => keyGroupOf(Uint8Array.of(1), bad as number)).toThrow(/key groups must be an integer in \[1, 32768\]/);
    }
    expect(() => keyGroupOf('abc' as unknown as Uint8Array, 128)).toThrow(StateError);
    expect(keyGroupOf(Uint8Array.of(1), 32_768)).toBeLessThan(32_768);
    expect(keyGroupOf(Uint8Array.of(1), 1)).toBe(0);
  });
});

describe('keyGroupRangeOf', () => {
  it('partitions [0, keyGroups) into contiguous ranges in worker order, balanced within one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 32_768 }), fc.integer({ min: 1, max: 300 }), (keyGroups, workers) => {
        let next = 0;
        const sizes: number[] = [];
        for (let w = 0; w < workers; w++) {
          const r = keyGroupRangeOf(w, workers, keyGroups);
          expect(r.start).toBe(next);
          expect(r.end).toBeGreaterThanOrEqual(r.start);
          sizes.push(r.size);
          next = r.end;
        }
        expect(next).toBe(keyGroups);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('gives every group to exactly the worker whose range contains it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 1, max: 40 }), (keyGroups, workers) => {
        const ranges = Array.from({ length: workers }, (_, w) => keyGroupRangeOf(w, workers, keyGroups));
        for (let kg = 0; kg < keyGroups; kg++) expect(ranges.filter((r) => r.contains(kg))).toHaveLength(1);
      }),
      { numRuns: 50 },
    );
  });

  it("splits like Flink's computeKeyGroupRangeForOperatorIndex", () => {
    // Flink: start = (i * maxP + p - 1) / p, end (inclusive) = ((i + 1) * maxP - 1) / p
    const flink = (i: number, p: number, maxP: number): [number, number] => [Math.floor((i * maxP + p - 1) / p), Math.floor(((i + 1) * maxP - 1) / p) + 1];
    for (const [keyGroups, workers] of [[128, 3], [128, 5], [128, 128], [7, 3], [10, 4], [32_768, 7]] as const) {
      for (let w = 0; w < workers; w++) {
        const r = keyGroupRangeOf(w, workers, keyGroups);
        expect([r.start, r.end]).toEqual(flink(w, workers, keyGroups));
      }
    }
    expect([...keyGroupRangeOf(2, 3, 128)].slice(0, 2)).toEqual([86, 87]);
    expect(keyGroupRangeOf(1, 3, 128).toString()).toBe('[43, 86)');
  });

  it('leaves workers beyond the number of groups an empty range', () => {
    const ranges = Array.from({ length: 5 }, (_, w) => keyGroupRangeOf(w, 5, 3));
    expect(ranges.map((r) => r.size).sort()).toEqual([0, 0, 1, 1, 1]);
  });

  it('refuses bad arguments', () => {
    expect(() => keyGroupRangeOf(2, 2, 128)).toThrow(StateError);
    expect(() => keyGroupRangeOf(-1, 2, 128)).toThrow(StateError);
    expect(() => keyGroupRangeOf(0, 0, 128)).toThrow(StateError);
    expect(() => keyGroupRangeOf(0, 1, 0)).toThrow(StateError);
    expect(() => keyGroupRangeOf(0, 1.5, 128)).toThrow(StateError);
    expect(() => new KeyGroupRange(3, 2)).toThrow(StateError);
    expect(() => new KeyGroupRange(0, 0x10000)).toThrow(StateError);
  });
});

// Computed by an independent implementation (Python, from the reference algorithm) of the bytes
// KeyWriter.part writes: str, int and bin components (docs/architecture.md §4.1).
const PINNED_HASHES = [1_611_751_074, 1_374_626_414, 888_047_126, 2_842_347_553];
const PINNED_GROUPS = [34, 110, 22, 107, 72, 33, 5];
