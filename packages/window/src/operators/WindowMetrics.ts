import type { StateStore } from '@weir/state';
import { OperatorCounters, type OperatorMetrics } from '@weir/stream';

/**
 * Live counters of one window operator, readable while it runs (`operator.metrics`): the figures
 * of every stateful operator ({@link OperatorMetrics}: records in, late records sent to `onLate`,
 * invalid records sent to `onInvalid`, watermark, store size) and the window's own. Counts
 * continue across a restore.
 *
 * @example
 * ```ts
 * const counts = tumblingWindow({ size: 60_000, key: (c) => c.page, aggregate: count(), store });
 * setInterval(() => console.log(counts.metrics.snapshot()), 1000);
 * ```
 */
export interface WindowMetrics extends OperatorMetrics {
  /** Window firings (one per window and firing, however many keys it holds). */
  readonly windowsFired: number;
  /** Result records emitted (insert, update and retract). */
  readonly resultsEmitted: number;
  /** Windows currently held (open, or fired and within allowed lateness); not a count, so recomputed on restore. */
  readonly openWindows: number;
  /** A plain copy of every figure, for logging. */
  snapshot(): WindowMetricsSnapshot;
}

/** A plain-object copy of {@link WindowMetrics}. */
export type WindowMetricsSnapshot = Omit<WindowMetrics, 'snapshot'>;

/** Internal: the mutable counters behind {@link WindowMetrics}. */
export class WindowCounters extends OperatorCounters implements WindowMetrics {
  windowsFired = 0;
  resultsEmitted = 0;
  openWindows = 0;

  constructor(store: StateStore) {
    super(store, ['windowsFired', 'resultsEmitted'], ['openWindows']);
  }

  override snapshot(): WindowMetricsSnapshot {
    return super.snapshot() as WindowMetricsSnapshot;
  }
}
