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
}
