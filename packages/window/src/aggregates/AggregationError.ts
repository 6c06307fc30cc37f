import { WindowError } from '../WindowError';

/**
 * A record could not be folded into an aggregate: its value (or what the aggregate's selector
 * made of it) is not what the aggregate accepts, e.g. `sum` got a string or `NaN`. Thrown by
 * {@link Aggregate.add} before the accumulator is touched, so a windowed operator can catch it,
 * route the record to a side output or error channel with this context, and carry on with the
 * accumulator unchanged. It is the {@link WindowError} of `@weir/window` with code
 * `AGGREGATE_FAILED` that an aggregate throws; match it with `instanceof AggregationError` (or
 * `instanceof WindowError` and the code).
 *
 * @example
 * ```ts
 * try {
 *   acc = agg.add(acc, record, t);
 * } catch (err) {
 *   if (err instanceof AggregationError) deadLetters.next({ record, aggregate: err.aggregate, value: err.value });
 *   else throw err;
 * }
 * // err.message: 'sum: expected a finite number, got string "12"'
 * ```
 */
export class AggregationError extends WindowError {
  /** Always `AGGREGATE_FAILED`. */
  declare readonly code: 'AGGREGATE_FAILED';
  /** The name of the aggregate that refused the value (`'sum'`, `'avg'`, a user-defined name). */
  readonly aggregate: string;

  /**
   * @param aggregate - the aggregate's name
   * @param message - what failed, starting with the aggregate's name and naming the value
   * @param value - the offending value
   * @param options - `cause`: the underlying error, if any
   */
  constructor(aggregate: string, message: string, value: unknown, options?: { cause?: unknown }) {
    super('AGGREGATE_FAILED', message, value, options);
    this.name = 'AggregationError';
    this.aggregate = aggregate;
  }
}

