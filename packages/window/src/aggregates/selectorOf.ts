// Internal: how a record becomes the value an aggregate folds, and the checks on that value.
import { describeValue } from '@weir/state';
import { WindowError } from '../WindowError';
import { AggregationError } from './AggregationError';

const identity = <V>(value: unknown): V => value as V;

/**
 * The selector to apply to each record: `selector` itself, or the identity when it is
 * `undefined`. Throws `WindowError` `INVALID_ARGUMENT` naming the aggregate when `selector` is
 * not a function. O(1).
 */
export function selectorOf<T, V>(aggregate: string, selector: ((value: T) => V) | undefined): (value: T) => V {
  if (selector === undefined) return identity;
  if (typeof selector !== 'function') {
    throw new WindowError('INVALID_ARGUMENT', `${aggregate}: selector must be a function, got ${describeValue(selector)}`, selector);
  }
  return selector;
}

/**
 * `value` when it is a finite number, else throws {@link AggregationError}
 * `"<aggregate>: expected a finite number, got <value>"`. O(1), no allocation on success.
 */
export function finiteNumber(aggregate: string, value: unknown): number {
  if (!Number.isFinite(value)) {
    throw new AggregationError(aggregate, `${aggregate}: expected a finite number, got ${describeValue(value)}`, value);
  }
  return value as number;
}

/**
 * `value` unless it is a function or a symbol, which msgpack cannot store: those throw
 * {@link AggregationError} at `add`, where the operator can route the record, rather than a
 * `StateError` at the next checkpoint. Nested functions are only caught when the accumulator is
 * encoded. O(1).
 */
export function storableValue<V>(aggregate: string, value: V): V {
  const t = typeof value;
  if (t === 'function' || t === 'symbol') {
    throw new AggregationError(aggregate, `${aggregate}: expected a value msgpack can store, got ${describeValue(value)}`, value);
  }
  return value;
}
