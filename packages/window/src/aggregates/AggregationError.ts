/**
 * A record could not be folded into an aggregate: its value (or what the aggregate's selector
 * made of it) is not what the aggregate accepts, e.g. `sum` got a string or `NaN`. Thrown by
 * {@link Aggregate.add} before the accumulator is touched, so a windowed operator can catch it,
 * route the record to a side output or error channel with this context, and carry on with the
 * accumulator unchanged. Match it with `instanceof AggregationError`.
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
export class AggregationError extends Error {
  /** The name of the aggregate that refused the value (`'sum'`, `'avg'`, a user-defined name). */
  readonly aggregate: string;
  /** The offending value, as the selector returned it (or the record, without a selector). */
  readonly value: unknown;

  /**
   * @param aggregate - the aggregate's name
   * @param message - what failed, starting with the aggregate's name and naming the value
   * @param value - the offending value
   * @param options - `cause`: the underlying error, if any
   */
  constructor(aggregate: string, message: string, value: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AggregationError';
    this.aggregate = aggregate;
    this.value = value;
  }
}

