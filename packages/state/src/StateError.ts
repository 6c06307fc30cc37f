/**
 * The failure classes a {@link StateStore} can report.
 *
 * - `SERIALIZATION`: a value or key could not be encoded (msgpackr failed, a key component is
 *   out of range, a string is not well-formed UTF-16).
 * - `DESERIALIZATION`: stored bytes could not be decoded into the requested type.
 * - `CORRUPTION`: a snapshot's bytes fail their checksum, have a foreign format or an unknown
 *   version, or the object handed to `restore` is not a snapshot at all.
 * - `IO`: a durable store failed to read or write.
 * - `NOT_SUPPORTED`: the store does not implement the requested operation.
 * - `CAPACITY_EXCEEDED`: the store is full (a fixed map size, say).
 * - `INVALID_ARGUMENT`: a function, store method or store was given a value it does not take (a
 *   key that is not a `Uint8Array`, a negative capacity, an unknown option key); the message
 *   names the function and the value.
 */
export type StateErrorCode =
  | 'SERIALIZATION'
  | 'DESERIALIZATION'
  | 'CORRUPTION'
  | 'IO'
  | 'NOT_SUPPORTED'
  | 'CAPACITY_EXCEEDED'
  | 'INVALID_ARGUMENT';

/**
 * The one error class of `@weir/state`. Match it with `instanceof` and branch on {@link code}.
 *
 * @example
 * ```ts
 * try {
 *   store.restore(bytesFromDisk);
 * } catch (err) {
 *   if (err instanceof StateError && err.code === 'CORRUPTION') fallBackToOlderCheckpoint();
 *   else throw err;
 * }
 * ```
 */
export class StateError extends Error {
  /** What kind of failure this is; stable across versions, safe to branch on. */
  readonly code: StateErrorCode;

  /**
   * @param code - the failure class
   * @param message - what failed, naming the operation and the offending value
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: StateErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateError';
    this.code = code;
  }
}
