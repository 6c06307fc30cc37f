/**
 * The failure classes of `@weir/join`.
 *
 * - `INVALID_ARGUMENT`: a join was configured with a bad option (bounds that are not integers, an
 *   unknown join type, a missing key function, ...).
 * - `INVALID_KEY`: a key function returned something that cannot be a join key (not a string,
 *   safe integer, 64-bit bigint or Uint8Array).
 * - `INVALID_RECORD`: a join received something that is not a stream element, or a record whose
 *   value cannot be kept in the store (a function inside it, say), or whose timestamp is not an
 *   integer.
 * - `CALLBACK_FAILED`: a function given to the join threw: a key function (`key`, `leftKey`,
 *   `rightKey`, `tableKey`) or `isDelete` for a record, or the `onLateLeft` / `onLateRight` /
 *   `onInvalid` callback. The message names the operator, the callback, the input and the
 *   record's value; `value` is the record's value and `cause` what was thrown.
 *
 * `INVALID_ARGUMENT` is thrown when the join is created. A record that fails (a bad or throwing
 * key function, `isDelete` throwing, a value that cannot be stored) goes to `onInvalid` with its
 * error when the join has that callback, else errors the stream; a throwing `onLate*` or
 * `onInvalid` errors the stream.
 */
export type JoinErrorCode = 'INVALID_ARGUMENT' | 'INVALID_KEY' | 'INVALID_RECORD' | 'CALLBACK_FAILED';

/** Which input of a two-input operator: the piped (left) stream or the one passed as argument. */
export type JoinSide = 'left' | 'right';

/**
 * The one error class of `@weir/join`: the message names the operator (kind and `name`), the
 * input, and the offending value. Branch on {@link JoinError.code}.
 *
 * @example
 * ```ts
 * orders$.pipe(intervalJoin(payments$, { ...options, onInvalid: (record, err) => {
 *   if (err.code === 'INVALID_KEY') badKeys.push(record); // err.side says which input
 * } }));
 * ```
 */
export class JoinError extends Error {
  /** What kind of failure this is; stable across versions, safe to branch on. */
  readonly code: JoinErrorCode;
  /** The offending value, as it was passed. */
  readonly value: unknown;
  /** The input the offending record came from, when a record caused the error. */
  readonly side: JoinSide | undefined;

  /**
   * @param code - the failure class
   * @param message - what failed, naming the operator and the offending value
   * @param value - the offending value
   * @param side - the input of the offending record, if any
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: JoinErrorCode, message: string, value: unknown, side?: JoinSide, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JoinError';
    this.code = code;
    this.value = value;
    this.side = side;
  }
}
