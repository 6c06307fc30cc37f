import { nextUint32 } from './eventRandom';

// 10^(6u) for u = k / 2^32 (k a 32-bit integer) is a product of three table entries, one per
// 11 / 11 / 10-bit part of k: as exact as `Math.pow` (three roundings), about 10x faster than
// `Math.pow`/`Math.exp`, and only 40 KB of tables (built once, 5,120 `Math.pow` calls).
const HIGH = new Float64Array(2048); // 100 * 10^(6 * hi / 2^11): includes the cents factor
const MID = new Float64Array(2048); // 10^(6 * mid / 2^22)
const LOW = new Float64Array(1024); // 10^(6 * low / 2^32)
for (let i = 0; i < 2048; i++) {
  HIGH[i] = 100 * Math.pow(10, (6 * i) / 2 ** 11);
  MID[i] = Math.pow(10, (6 * i) / 2 ** 22);
}
for (let i = 0; i < 1024; i++) LOW[i] = Math.pow(10, (6 * i) / 2 ** 32);

/**
 * The model's `PriceGenerator.nextPrice`: `round(10^(u * 6) * 100)` cents for a uniform `u` in
 * [0, 1), so prices spread log-uniformly from $1 to $1,000,000. Draws one random number. O(1).
 */
export function nextPrice(): number {
  const k = nextUint32();
  return Math.round(HIGH[k >>> 21]! * MID[(k >>> 10) & 2047]! * LOW[k & 1023]!);
}
