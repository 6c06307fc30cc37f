// The per-event pseudo-random generator: every event draws from a generator seeded by a hash of
// (seed, event number), as Beam's generator does `new Random(eventId)`. That makes each event a
// pure function of (seed, n): the stream is deterministic, random-access and resumable.
//
// The state is one module-level 32-bit word (mulberry32) so drawing allocates nothing and needs
// no closure; `seedEventRandom` resets it at the start of each event. Internal to the package.

const TWO_POW_32 = 4294967296;
const TWO_POW_MINUS_32 = 1 / TWO_POW_32;

let state = 0;
let cachedSeed = NaN;
let cachedSeedHash = 0;

/** murmur3's 32-bit finaliser: a bijection on 32-bit words with full avalanche. */
function mix32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A 32-bit hash of a safe-integer seed (both halves), cached for the last seed seen. */
function seedHash(seed: number): number {
  if (seed !== cachedSeed) {
    cachedSeedHash = mix32((seed >>> 0) ^ mix32(Math.floor(seed / TWO_POW_32) ^ 0x85ebca6b));
    cachedSeed = seed;
  }
  return cachedSeedHash;
}

/**
 * Positions the generator at the start of event `n`'s stream for `seed`. For a given seed the
 * start states of events 0 .. 2^32 - 1 are all distinct (the hash is a bijection of `n`'s low
 * word). O(1).
 */
export function seedEventRandom(seed: number, n: number): void {
  const high = n > 0xffffffff ? Math.floor(n / TWO_POW_32) : 0;
  state = mix32(mix32((n >>> 0) ^ seedHash(seed)) ^ high);
}

/** The next uniform 32-bit unsigned integer (mulberry32, Tommy Ettinger). */
export function nextUint32(): number {
  const s = (state = (state + 0x6d2b79f5) | 0);
  let t = Math.imul(s ^ (s >>> 15), s | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** A uniform float in [0, 1) with 32 bits of resolution (Java's `nextDouble`). */
export function nextUnit(): number {
  return nextUint32() * TWO_POW_MINUS_32;
}

/**
 * A uniform integer in [0, bound) for an integer `bound` in 1 .. 2^21 (Java's `nextInt(bound)`):
 * `floor(u32 * bound / 2^32)`, exact in doubles, truncated with `| 0` (faster than `Math.floor`).
 */
export function nextInt(bound: number): number {
  return (nextUint32() * bound * TWO_POW_MINUS_32) | 0;
}

/** Like {@link nextInt} for any integer `bound` in 1 .. 2^53 (Java's `nextLong(bound)`), 32 bits of resolution. */
export function nextLong(bound: number): number {
  return Math.floor(nextUint32() * TWO_POW_MINUS_32 * bound);
}
