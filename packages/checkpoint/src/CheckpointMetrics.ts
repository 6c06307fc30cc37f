/**
 * Live checkpoint figures of a {@link CheckpointCoordinator} (`job.metrics`).
 *
 * @example
 * ```ts
 * setInterval(() => console.log(job.metrics.snapshot()), 1000);
 * ```
 */
export interface CheckpointMetrics {
  /** Checkpoints whose barriers were injected. */
  readonly checkpointsTriggered: number;
  /** Checkpoints persisted and committed. */
  readonly checkpointsCompleted: number;
  /** Checkpoints whose persistence failed (the next one covers their output). */
  readonly checkpointsFailed: number;
  /**
   * Triggers that fell due while `maxConcurrentCheckpoints` were in flight (or within
   * `minPauseBetweenCheckpoints` of the last one): each waited and was merged into the next
   * checkpoint taken.
   */
  readonly checkpointsSkipped: number;
  /** Checkpoints triggered and not yet committed or failed. */
  readonly checkpointsInFlight: number;
  /** The id of the last completed checkpoint. */
  readonly lastCompletedId: number | undefined;
  /** Trigger to committed, ms, of the last completed checkpoint. */
  readonly lastDurationMs: number;
  /** Trigger to the last acknowledgement (every operator snapshot and sink pre-commit), ms. */
  readonly lastAlignmentMs: number;
  /**
   * The longest the record path stood still because of the last completed checkpoint, ms: the
   * barrier injection or any turn the sources waited while it was encoded and persisted (see
   * `CheckpointReport.pauseMs`).
   */
  readonly lastPauseMs: number;
  /** The largest {@link lastPauseMs} of this run, ms. */
  readonly maxPauseMs: number;
  /** The barrier injection of the last completed checkpoint (every synchronous operator's cache flush and snapshot), ms. */
  readonly lastBarrierMs: number;
  /** Encoded bytes of the last persisted checkpoint's stores. */
  readonly lastSizeBytes: number;
  /** The checkpoint this job resumed from. */
  readonly restoredFrom: number | undefined;
  /** Time spent loading the checkpoint and restoring the stores, ms. */
  readonly restoreMs: number;
  /** A plain copy of every figure, for logging. */
  snapshot(): CheckpointMetricsSnapshot;
}

/** A plain-object copy of {@link CheckpointMetrics}. */
export type CheckpointMetricsSnapshot = Omit<CheckpointMetrics, 'snapshot'>;

/** Internal: the mutable counters behind {@link CheckpointMetrics}. */
export class CheckpointCounters implements CheckpointMetrics {
  checkpointsTriggered = 0;
  checkpointsCompleted = 0;
  checkpointsFailed = 0;
  checkpointsSkipped = 0;
  checkpointsInFlight = 0;
  lastCompletedId: number | undefined = undefined;
  lastDurationMs = 0;
  lastAlignmentMs = 0;
  lastPauseMs = 0;
  maxPauseMs = 0;
  lastBarrierMs = 0;
  lastSizeBytes = 0;
  restoredFrom: number | undefined = undefined;
  restoreMs = 0;

  snapshot(): CheckpointMetricsSnapshot {
    return {
      checkpointsTriggered: this.checkpointsTriggered,
      checkpointsCompleted: this.checkpointsCompleted,
      checkpointsFailed: this.checkpointsFailed,
      checkpointsSkipped: this.checkpointsSkipped,
      checkpointsInFlight: this.checkpointsInFlight,
      lastCompletedId: this.lastCompletedId,
      lastDurationMs: this.lastDurationMs,
      lastAlignmentMs: this.lastAlignmentMs,
      lastPauseMs: this.lastPauseMs,
      maxPauseMs: this.maxPauseMs,
      lastBarrierMs: this.lastBarrierMs,
      lastSizeBytes: this.lastSizeBytes,
      restoredFrom: this.restoredFrom,
      restoreMs: this.restoreMs,
    };
  }
}
