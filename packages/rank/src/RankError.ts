/**
 * The failure classes of `@weir/rank`.
 *
 * - `INVALID_ARGUMENT`: an operator was configured with a bad or unknown option, or its restored
 *   state was written with another number of key groups.
 * - `INVALID_KEY`: `key` returned something that cannot be a key (not a string, safe integer,
 *   64-bit bigint or Uint8Array).
 * - `INVALID_RECORD`: a record whose timestamp is not an integer, or whose value cannot be kept in
 *   the store (a function inside it, say), or something that is not a stream element.
 * - `CALLBACK_FAILED`: a function given to the operator threw (`key`, `compare`, `orderBy`,
 *   `onLate`, `onInvalid`); `value` is the record's value and `cause` what was thrown.
 *
 * `INVALID_ARGUMENT` is thrown when the operator is created (or, for key groups, when it is
 * subscribed on a restored store). A record that fails goes to `onInvalid` with its error when the
 * operator has that callback, else errors the stream; a throwing `onLate` or `onInvalid` errors the
 * stream.
 */
export type RankErrorCode = 'INVALID_ARGUMENT' | 'INVALID_KEY' | 'INVALID_RECORD' | 'CALLBACK_FAILED';

/**
 * The one error class of `@weir/rank`: the message names the operator (kind and `name`) and the
 * offending value. Branch on {@link RankError.code}.
 *
 * @example
 * ```ts
 * bids$.pipe(deduplicate({ store, key: (b) => b.bidder, keep: 'last', onInvalid: (record, err) => {
 *   if (err.code === 'INVALID_KEY') badKeys.push(record);
 * } }));
 * ```
 */
export class RankError extends Error {
  /** What kind of failure this is; stable across versions, safe to branch on. */
  readonly code: RankErrorCode;
  /** The offending value, as it was passed. */
  readonly value: unknown;

  /**
   * @param code - the failure class
   * @param message - what failed, naming the operator and the offending value
   * @param value - the offending value
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: RankErrorCode, message: string, value: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RankError';
    this.code = code;
    this.value = value;
  }
}
