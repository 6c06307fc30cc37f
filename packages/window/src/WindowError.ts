/**
 * The failure classes of `@weir/window`.
 *
 * - `INVALID_ARGUMENT`: an assigner or helper was configured with a bad value (a size that is not
 *   a positive integer, a maxSize that is not a multiple of step, an unknown time zone, ...).
 * - `INVALID_TIMESTAMP`: a record timestamp is not an integer number of epoch milliseconds within
 *   {@link MIN_TIMESTAMP}..{@link MAX_TIMESTAMP} (NaN, ±Infinity, 1.5, a string, ...), or lies
 *   outside the range a calendar assigner can convert.
 * - `INVALID_KEY`: a window operator's `key` function returned something that cannot be a group
 *   key (not a string, safe integer, 64-bit bigint or Uint8Array).
 * - `INVALID_RECORD`: a window operator received something that is not a stream element.
 * - `CALLBACK_FAILED`: a function given to a window operator threw: its `key` function (for a
 *   record), or its `onLate` / `onInvalid` callback. The message names the operator, the callback
 *   and the record's value; `value` is the record's value, `cause` what was thrown.
 * - `AGGREGATE_FAILED`: the operator's aggregate failed: it refused a record (`sum()` over a
 *   string throws an {@link AggregationError}) or one of its methods threw while folding, merging
 *   or producing a result. The message names the operator, the aggregate and the offending value;
 *   `cause` is what the aggregate threw.
 *
 * `INVALID_ARGUMENT` is thrown when an assigner or operator is created; an operator sends the
 * others to the RxJS error channel (or, for a record, to its `onInvalid` callback if it has one).
 */
export type WindowErrorCode = 'INVALID_ARGUMENT' | 'INVALID_TIMESTAMP' | 'INVALID_KEY' | 'INVALID_RECORD' | 'CALLBACK_FAILED' | 'AGGREGATE_FAILED';

/**
 * The one error class of `@weir/window`. It extends `RangeError`, so code that only checks
 * `instanceof RangeError` keeps working; match it with `instanceof WindowError` and branch on
 * {@link WindowError.code}. The message names the assigner (with its configuration) and the
 * offending value.
 *
 * @example
 * ```ts
 * try {
 *   tumblingWindows(0);
 * } catch (err) {
 *   if (err instanceof WindowError && err.code === 'INVALID_ARGUMENT') console.error(err.message);
 *   // "tumblingWindows: size must be a positive integer number of milliseconds ..., got 0"
 * }
 * ```
 */
export class WindowError extends RangeError {
  /** What kind of failure this is; stable across versions, safe to branch on. */
  readonly code: WindowErrorCode;
  /** The offending value, as it was passed. */
  readonly value: unknown;

  /**
   * @param code - the failure class
   * @param message - what failed, naming the assigner and the offending value
   * @param value - the offending value
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: WindowErrorCode, message: string, value: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WindowError';
    this.code = code;
    this.value = value;
  }
}
