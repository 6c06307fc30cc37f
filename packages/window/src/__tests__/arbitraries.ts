import fc from 'fast-check';
import { MAX_TIMESTAMP, MIN_TIMESTAMP } from '../limits';

/** Timestamps: mostly near 0 (where signs flip), some anywhere in the accepted range. */
export const timestamp = (): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: -10_000, max: 10_000 }) },
    { weight: 2, arbitrary: fc.integer({ min: MIN_TIMESTAMP, max: MAX_TIMESTAMP }) },
    { weight: 1, arbitrary: fc.constantFrom(MIN_TIMESTAMP, MAX_TIMESTAMP, -1, 0, 1) },
  );

/** Offsets of any sign and magnitude up to ±10^12. */
export const offset = (): fc.Arbitrary<number> =>
  fc.oneof(fc.integer({ min: -1_000, max: 1_000 }), fc.integer({ min: -1e12, max: 1e12 }));

/** Exact floor modulus through BigInt, independent of the implementation under test. */
export function modExact(a: number, n: number): number {
  const r = BigInt(a) % BigInt(n);
  return Number(r < 0n ? r + BigInt(n) : r);
}

/** Whether `start ≡ offset (mod n)`, computed exactly through BigInt. */
export function alignedExact(start: number, offset: number, n: number): boolean {
  return (BigInt(start) - BigInt(offset)) % BigInt(n) === 0n;
}
