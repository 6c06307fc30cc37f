// Shared by the state benchmarks: seeded random keys and values, shuffles and cyclic pickers, so
// that InMemoryStore and LmdbStore are measured on the same inputs.
import { compareBytes } from '../../packages/state/src';

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

/** The inputs of the state operation benchmarks for a store of `n` entries (the same for every store measured). */
export interface OperationInputs {
  readonly groups: number;
  readonly keys: Uint8Array[];
  readonly values: Uint8Array[];
  readonly sortedKeys: Uint8Array[];
  /** Batches of fresh copies of present keys in random order, as an operator builds them per record. */
  readonly hitBatches: Uint8Array[][];
  readonly missBatches: Uint8Array[][];
  readonly newBatches: Uint8Array[][];
  readonly overwriteValues: Uint8Array[];
  /** 4-byte group prefixes, each holding `n / groups` entries. */
  readonly prefixes: Uint8Array[];
  /** [start, end) pairs 1,000 entries apart. */
  readonly rangeStarts: (readonly [Uint8Array, Uint8Array])[];
}

/** Builds {@link OperationInputs}: `n` keys of `keyBytes` in groups of `perGroup`, values of `valueBytes`, lookup batches of `batch`. */
export function operationInputs(n: number, o: { perGroup: number; keyBytes: number; valueBytes: number; batch: number }): OperationInputs {
  const groups = Math.max(1, Math.floor(n / o.perGroup));
  const keys: Uint8Array[] = [];
  for (let i = 0; i < n; i++) keys.push(makeKey(i % groups, o.keyBytes));
  const values = keys.map(() => randomBytes(o.valueBytes));
  const sortedKeys = keys.slice().sort(compareBytes);
  const batches = (make: () => Uint8Array): Uint8Array[][] => Array.from({ length: 64 }, () => Array.from({ length: o.batch }, make));
  return {
    groups,
    keys,
    values,
    sortedKeys,
    hitBatches: batches(() => keys[rand() % n]!.slice()),
    missBatches: batches(() => makeKey(rand() % groups, o.keyBytes)),
    newBatches: batches(() => makeKey(rand() % groups, o.keyBytes)),
    overwriteValues: Array.from({ length: o.batch }, () => randomBytes(o.valueBytes)),
    prefixes: shuffled(Array.from({ length: Math.min(groups, 4096) }, (_, g) => makeKey(g, o.keyBytes).subarray(0, 4))),
    rangeStarts: Array.from({ length: 256 }, () => {
      const i = rand() % Math.max(1, n - 1001);
      return [sortedKeys[i]!, sortedKeys[Math.min(n - 1, i + 1000)]!] as const;
    }),
  };
}
