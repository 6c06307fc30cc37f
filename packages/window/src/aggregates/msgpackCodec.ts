import { StateError, decodeValue, describeValue, encodeValue } from '@weir/state';
import type { AccumulatorCodec } from './AccumulatorCodec';

/**
 * Stores accumulators as self-contained msgpack (`encodeValue` / `decodeValue` of
 * `@weir/state`): any plain data, bytes decodable by a fresh process. The default codec of
 * {@link aggregate}, and the codec of `first`, `last` and `collect`, whose values are arbitrary.
 *
 * Round trips keep numbers, strings, booleans, null, arrays, plain objects, Maps, Dates, typed
 * arrays and bigints; `-0` comes back as `0` (msgpack writes it as the integer 0) and `undefined`
 * at the top level cannot be stored. Cost: O(size of the accumulator) both ways.
 *
 * @param name - the aggregate's name, used in error messages (default `'msgpackCodec'`)
 * @param isAccumulator - optional shape check run on every decoded value; when it returns false,
 *   `decode` throws `DESERIALIZATION` instead of handing back a malformed accumulator
 * @throws `StateError` `SERIALIZATION` from `encode` (a function, symbol or `undefined`),
 *   `DESERIALIZATION` from `decode` (bytes that are not msgpack, or fail `isAccumulator`)
 *
 * @example
 * ```ts
 * const codec = msgpackCodec<{ n: number; tags: string[] }>('tagCount');
 * codec.decode(codec.encode({ n: 2, tags: ['a', 'b'] })); // { n: 2, tags: ['a', 'b'] }
 * ```
 */
export function msgpackCodec<A>(
  name = 'msgpackCodec',
  isAccumulator?: (value: unknown) => value is A,
): AccumulatorCodec<A> {
  const where = `${name}: codec`;
  return Object.freeze({
    encode: (acc: A): Uint8Array => encodeValue(acc, `${where}.encode`),
    decode(bytes: Uint8Array): A {
      const value = decodeValue<unknown>(bytes, `${where}.decode`);
      if (isAccumulator !== undefined && !isAccumulator(value)) {
        throw new StateError('DESERIALIZATION', `${where}.decode: decoded ${describeValue(value)} is not a ${name} accumulator`);
      }
      return value as A;
    },
  });
}
