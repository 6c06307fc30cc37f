/**
 * The failure classes of `@weir/nexmark`.
 *
 * - `INVALID_ARGUMENT`: a generator function, the configuration or a source was given a value it
 *   does not take (an unknown or mistyped option, a negative event count, `read(0)`).
 * - `INVALID_OFFSET`: a source was opened at an offset it did not write (not an event number
 *   from 0 to its event count); the checkpoint coordinator reports it as a `SOURCE` failure with
 *   this error as `cause`.
 */
export type NexmarkErrorCode = 'INVALID_ARGUMENT' | 'INVALID_OFFSET';

/**
 * The one error class of `@weir/nexmark`. Match it with `instanceof` and branch on
 * {@link NexmarkError.code}; the message names the function and the offending value.
 *
 * @example
 * ```ts
 * try {
 *   nexmarkEvents(-1);
 * } catch (err) {
 *   if (err instanceof NexmarkError && err.code === 'INVALID_ARGUMENT') console.error(err.message);
 *   // "nexmarkEvents: `count` must be a non-negative integer or Infinity, got number -1"
 * }
 * ```
 */
export class NexmarkError extends Error {
  /** What kind of failure this is; stable across versions, safe to branch on. */
  readonly code: NexmarkErrorCode;

  /**
   * @param code - the failure class
   * @param message - what failed, naming the function and the offending value
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: NexmarkErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NexmarkError';
    this.code = code;
  }
}
