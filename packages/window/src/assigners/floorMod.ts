/**
 * The floor modulus: `a - n * Math.floor(a / n)`, always in `[0, n)` for `n > 0` (JavaScript's
 * `%` keeps the sign of `a`: `-1 % 5 === -1`, but `floorMod(-1, 5) === 4`). Never returns `-0`.
 * Exact for safe integers. O(1).
 *
 * @example
 * ```ts
 * floorMod(7, 5);  // 2
 * floorMod(-7, 5); // 3
 * ```
 */
export function floorMod(a: number, n: number): number {
  const r = a % n;
  return r < 0 ? r + n : r + 0;
}
