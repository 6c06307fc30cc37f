/**
 * The failure classes of `@weir/nats`.
 *
 * - `INVALID_ARGUMENT`: a source, sink or storage was configured with a bad value.
 * - `CONNECT`: the server could not be reached (after the bounded retries); the message names the URL.
 * - `MISSING_STREAM`: a stream, object store or KV bucket the job needs does not exist.
 * - `FENCED`: another instance of the job took over (a newer epoch, or an unexpected last sequence):
 *   this instance must stop writing.
 * - `PUBLISH`: a publish was not acknowledged.
 * - `READ`: a pull or replay from the stream failed.
 * - `DECODE`: a message could not be decoded (or carries no valid event time) and the source has no
 *   `invalid` side output to route it to.
 * - `CORRUPT_CHECKPOINT`: a checkpoint in the object store does not match its checksum.
 * - `SERVER`: the `nats-server` used by tests could not be found or started.
 */
export type NatsErrorCode =
  | 'INVALID_ARGUMENT'
  | 'CONNECT'
  | 'MISSING_STREAM'
  | 'FENCED'
  | 'PUBLISH'
  | 'READ'
  | 'DECODE'
  | 'CORRUPT_CHECKPOINT'
  | 'SERVER';

/**
 * The one error class of `@weir/nats`; branch on {@link NatsError.code}.
 *
 * @example
 * ```ts
 * try {
 *   await job.run();
 * } catch (err) {
 *   if (err instanceof NatsError && err.code === 'FENCED') console.error('another instance took over');
 * }
 * ```
 */
export class NatsError extends Error {
  /** What kind of failure this is; stable across versions, safe to branch on. */
  readonly code: NatsErrorCode;

  /**
   * @param code - the failure class
   * @param message - what failed, naming the stream, subject, URL or value
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: NatsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NatsError';
    this.code = code;
  }
}
