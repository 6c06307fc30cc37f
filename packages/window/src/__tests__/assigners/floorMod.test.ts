import fc from 'fast-check';
import { floorMod } from '../../assigners/floorMod';
import { modExact } from '../arbitraries';

describe('floorMod', () => {
  it('is in [0, n) for negative dividends, unlike %', () => {
    expect(floorMod(7, 5)).toBe(2);
    expect(floorMod(-7, 5)).toBe(3);
    expect(-7 % 5).toBe(-2);
    expect(floorMod(-5, 5)).toBe(0);
    expect(Object.is(floorMod(-5, 5), 0)).toBe(true); // not -0
    expect(Object.is(floorMod(-0, 5), 0)).toBe(true);
    expect(floorMod(0, 1)).toBe(0);
  });

  it('matches exact BigInt arithmetic for safe integers', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (a, n) => {
        const r = floorMod(a, n);
        expect(r).toBe(modExact(a, n));
        expect(Object.is(r, -0)).toBe(false);
      }),
    );
  });
});
