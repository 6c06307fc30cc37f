// Shared by the state benchmarks: seeded random keys and values, shuffles and cyclic pickers, so
// that InMemoryStore and LmdbStore are measured on the same inputs.

let seed = 0x9e3779b9;

/** The next number of a seeded xorshift32 sequence (the same in every run): an unsigned 32-bit integer. */
export function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}

/** `n` seeded random bytes. */
export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rand() & 0xff;
  return out;
}

/** A random key of `keyBytes` bytes whose first 4 bytes are `group` (big-endian), as operator keys share prefixes. */
export function makeKey(group: number, keyBytes: number): Uint8Array {
  const k = randomBytes(keyBytes);
  k[0] = group >>> 24;
  k[1] = (group >>> 16) & 0xff;
  k[2] = (group >>> 8) & 0xff;
  k[3] = group & 0xff;
  return k;
}

/** A shuffled copy of `xs` (Fisher-Yates on the seeded sequence). */
export function shuffled<T>(xs: T[]): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = rand() % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** A function returning the elements of `xs` in turn, forever. */
export function cycle<T>(xs: T[]): () => T {
  let i = 0;
  return () => {
    const x = xs[i]!;
    i = i + 1 === xs.length ? 0 : i + 1;
    return x;
  };
}
