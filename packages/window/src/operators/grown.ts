// Internal: growing the typed columns of group tables and log captures.

/** A new array of `n` slots (`n` >= `a.length`) of `a`'s type, starting with `a`'s values. O(n). */
export function grown<T extends Int32Array | Float64Array | Uint8Array>(a: T, n: number): T {
  const out = new (a.constructor as new (length: number) => T)(n);
  out.set(a);
  return out;
}
