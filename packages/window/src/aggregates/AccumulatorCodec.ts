/**
 * Encodes an accumulator to bytes for the state store and back. `decode(encode(acc))` must give
 * an accumulator with the same result that keeps folding the same way; `decode` of bytes it did
 * not write throws `StateError` `DESERIALIZATION` (from `@weir/state`) naming the aggregate.
 *
 * @example
 * ```ts
 * const codec = avg().codec;
 * const bytes = codec.encode({ sum: 10, count: 4 }); // 16 bytes
 * codec.decode(bytes);                               // { sum: 10, count: 4 }
 * ```
 */
export interface AccumulatorCodec<A> {
  /** The accumulator as bytes the store can keep (a fresh array the caller owns). */
  encode(acc: A): Uint8Array;
  /** An accumulator from bytes written by {@link AccumulatorCodec.encode}. */
  decode(bytes: Uint8Array): A;
  /**
   * Optional: writes exactly the bytes {@link AccumulatorCodec.encode} would return into `out`
   * from index `at`, allocating nothing, and returns the index after them, or -1 when they do not
   * fit (what was written past `at` is then ignored). A window's checkpoint barrier logs up to
   * `cacheSize` accumulators in one turn of the event loop (docs/architecture.md §5.7), and this
   * spares it an array per accumulator; without it, `encode` is called and its bytes copied.
   * Cost: O(encoded size).
   *
   * @example
   * ```ts
   * const out = new Uint8Array(32);
   * count().codec.encodeInto!(3, out, 4); // 12: out[4..12] holds codec.encode(3)
   * ```
   */
  encodeInto?(acc: A, out: Uint8Array, at: number): number;
}
