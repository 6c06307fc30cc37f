// A small seeded random number generator, so every generated data set is reproducible.

/** Mulberry32: a fast 32-bit PRNG. Returns a function giving floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An exponentially distributed number with the given mean. */
export function exponential(random: () => number, mean: number): number {
  return -Math.log(1 - random()) * mean;
}

/** An index in [0, n), skewed towards the low ones (index 0 is the most popular). */
export function skewedIndex(random: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(random() ** 2.2 * n));
}
