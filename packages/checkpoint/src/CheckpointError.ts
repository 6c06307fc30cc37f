/**
 * The failure classes of `@weir/checkpoint`.
 *
 * - `INVALID_ARGUMENT`: a coordinator, source, sink or storage was configured with a bad value.
 * - `UNKNOWN_STORE`: a restored checkpoint holds state for a store the job does not create (the
 *   pipeline changed), or an operator reported a store the coordinator did not create.
 * - `CORRUPT_CHECKPOINT`: a stored checkpoint is unreadable (bad manifest, size or checksum
 *   mismatch, a missing file). Loading skips it and falls back to an older one.
 * - `NO_CHECKPOINT`: a checkpoint was asked for by id and does not exist.
 * - `IO`: checkpoint storage could not read or write (missing or read-only directory, full
 *   disk, ...). A sink's own file-system failures are `SINK`, a source's `SOURCE`.
 * - `STORAGE`: a running job failed because its checkpoints could not be persisted: more
 *   consecutive failures than `tolerableCheckpointFailures`, or the final checkpoint. The message
 *   names the checkpoint, the storage and the cause; `cause` is the storage's error (often `IO`).
 * - `SOURCE`: a source failed to open or read, or a line of input could not be parsed.
 * - `SINK`: a sink failed to write, pre-commit, commit or recover.
 * - `STATE`: the job's state does not fit the protocol (a store shared by two operators, a
 *   checkpoint that never completes, ...).
 */
export type CheckpointErrorCode =
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_STORE'
  | 'CORRUPT_CHECKPOINT'
  | 'NO_CHECKPOINT'
  | 'IO'
  | 'STORAGE'
  | 'SOURCE'
  | 'SINK'
  | 'STATE';

/**
 * The one error class of `@weir/checkpoint`; branch on {@link CheckpointError.code}.
 *
 * @example
 * ```ts
 * try {
 *   await job.run();
 * } catch (err) {
 *   if (err instanceof CheckpointError && err.code === 'UNKNOWN_STORE') console.error(err.message);
 * }
 * ```
 */
export class CheckpointError extends Error {
  /** What kind of failure this is; stable across versions, safe to branch on. */
  readonly code: CheckpointErrorCode;

  /**
   * @param code - the failure class
   * @param message - what failed, naming the checkpoint, store, source or sink and the offending value
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: CheckpointErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CheckpointError';
    this.code = code;
  }
}
