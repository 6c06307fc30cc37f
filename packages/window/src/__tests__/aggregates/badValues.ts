import fc from 'fast-check';
import { AggregationError } from '../../aggregates/AggregationError';

/** Values that are not finite numbers: what a numeric aggregate must refuse. */
export const notFinite = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(NaN, Infinity, -Infinity, undefined, null, '12', '', true, 12n),
    fc.string(),
    fc.bigInt(),
    fc.array(fc.integer(), { maxLength: 2 }),
    fc.object({ maxDepth: 0 }),
  );

/** What a bad argument to an aggregate throws: `WindowError` `INVALID_ARGUMENT` with this message. */
export const invalidArgument = (message: string): Error => expect.objectContaining({ name: 'WindowError', code: 'INVALID_ARGUMENT', message });

/** Runs `fn`, expecting an {@link AggregationError} naming `aggregate` and carrying `value`. */
export function expectAggregationError(fn: () => unknown, aggregate: string, value: unknown): AggregationError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(AggregationError);
  const err = caught as AggregationError;
  expect(err.name).toBe('AggregationError');
  expect(err.code).toBe('AGGREGATE_FAILED');
  expect(err.aggregate).toBe(aggregate);
  expect(Object.is(err.value, value)).toBe(true);
  expect(err.message.startsWith(`${aggregate}: expected `)).toBe(true);
  return err;
}
