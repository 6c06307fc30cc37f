import type { CheckpointCounters } from './CheckpointMetrics';
import type { PendingCheckpoint } from './CheckpointTracker';

/** One completed checkpoint as {@link JobView.recentCheckpoints} lists it. */
export interface CompletedCheckpoint {
  readonly id: number;
  /** When it was committed, on the coordinator's clock (the `now` option, `Date.now` by default), ms. */
  readonly completedAt: number;
  /** Trigger to committed, ms. */
  readonly durationMs: number;
  /** Trigger to the last acknowledgement, ms. */
  readonly alignmentMs: number;
  /** The longest the record path stood still because of it, ms (`CheckpointReport.pauseMs`). */
  readonly pauseMs: number;
  /** The barrier injection alone, ms. */
  readonly barrierMs: number;
  /** Encoded bytes of its stores. */
  readonly sizeBytes: number;
}

/** Internal: the last {@link CAPACITY} completed checkpoints of a run, oldest first. O(1) per checkpoint. */
export class CheckpointHistory {
  static readonly CAPACITY = 10;
  readonly #recent: CompletedCheckpoint[] = [];

  /** Notes checkpoint `p`, just completed: its figures are the counters' `last*` ones. */
  completed(p: PendingCheckpoint, c: CheckpointCounters, at: number): void {
    this.#recent.push({ id: p.id, completedAt: at, durationMs: c.lastDurationMs, alignmentMs: p.alignmentMs, pauseMs: p.pauseMs, barrierMs: p.barrierMs, sizeBytes: c.lastSizeBytes });
    if (this.#recent.length > CheckpointHistory.CAPACITY) this.#recent.shift();
  }

  /** The checkpoints noted, oldest first (a copy). */
  recent(): CompletedCheckpoint[] {
    return this.#recent.slice();
  }
}
