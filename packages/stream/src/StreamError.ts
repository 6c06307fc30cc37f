/**
 * The failure classes of `@weir/stream`.
 *
 * - `INVALID_TIMESTAMP`: an event time that is not a finite number (for a record), or not a number
 *   at all / NaN (for a watermark, which may also be `+Infinity` or `-Infinity`).
 * - `INVALID_ELEMENT`: something that is not a {@link StreamElement} reached an element operator,
 *   or a barrier's checkpoint id is not a non-negative safe integer.
 * - `INVALID_OPTION`: an operator was configured with an out-of-range option (thrown when the
 *   operator is created, not through the error channel).
 * - `BARRIER_MISALIGNED`: checkpoint barriers arrived out of order on a multi-input operator
 *   (barrier m on one input while barrier n is being aligned, or an id that does not increase).
 * - `CALLBACK_FAILED`: a function the user gave an operator threw (`mapRecords`' `project`,
 *   `filterRecords`' `predicate`, `withEventTime`'s `timestampOf`, ...). The message names the
 *   operator, the callback and the record's value; the thrown value is the error's `cause`.
 */
export type StreamErrorCode = 'INVALID_TIMESTAMP' | 'INVALID_ELEMENT' | 'INVALID_OPTION' | 'BARRIER_MISALIGNED' | 'CALLBACK_FAILED';

/**
 * The one error class of `@weir/stream`. Its message names the operator and the offending value.
 * Operators deliver it through the RxJS error channel; match it with `instanceof` and branch on
 * {@link code}.
 *
 * @example
 * ```ts
 * clicks$.pipe(withEventTime((c) => c.at, { maxOutOfOrderness: 1000 })).subscribe({
 *   error: (err) => {
 *     if (err instanceof StreamError && err.code === 'INVALID_TIMESTAMP') reportBadInput(err.message);
 *   },
 * });
 * ```
 */
export class StreamError extends Error {
  /** What kind of failure this is; stable across versions, safe to branch on. */
  readonly code: StreamErrorCode;

  /**
   * @param code - the failure class
   * @param message - what failed, naming the operator and the offending value
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: StreamErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StreamError';
    this.code = code;
  }
}
