/**
 * The failure classes of `@weir/partition`.
 *
 * - `INVALID_ARGUMENT`: a function was given a bad value (a worker index out of range, more
 *   workers than partitions, an unknown option).
 * - `LAYOUT_MISMATCH`: the job's number of key groups or partitions differs from the one its
 *   checkpoints were written with (the key groups of a job are fixed for life, and a partition
 *   carries a fixed range of them).
 * - `NO_CHECKPOINT`: a rescale found a worker without any valid checkpoint to take state from.
 * - `UNCOMMITTED_OUTPUT`: a rescale would retire a worker whose sink still holds pre-committed
 *   output, and was not given the sink to commit it with.
 * - `OFFSETS`: a source's offset is not a map partition -> position the rescale can split.
 * - `FENCED`: another process took this worker's lease (a newer epoch): this one is a zombie and
 *   must not write checkpoints or output.
 * - `IO`: the shared directory (lease, layout) could not be read or written.
 * - `WORKER`: a worker process failed for good (it exited with an error, or died more often
 *   than the launcher restarts it).
 */
export type PartitionErrorCode = 'INVALID_ARGUMENT' | 'LAYOUT_MISMATCH' | 'NO_CHECKPOINT' | 'UNCOMMITTED_OUTPUT' | 'OFFSETS' | 'FENCED' | 'IO' | 'WORKER';

/**
 * The one error class of `@weir/partition`; branch on {@link PartitionError.code}.
 *
 * @example
 * ```ts
 * try {
 *   await rescaleJob({ dir: 'shared', to: 3 });
 * } catch (err) {
 *   if (err instanceof PartitionError && err.code === 'LAYOUT_MISMATCH') console.error(err.message);
 * }
 * ```
 */
export class PartitionError extends Error {
  /** What kind of failure this is; stable across versions, safe to branch on. */
  readonly code: PartitionErrorCode;

  /**
   * @param code - the failure class
   * @param message - what failed, naming the worker, partition or file and the offending value
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: PartitionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PartitionError';
    this.code = code;
  }
}
