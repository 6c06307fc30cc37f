import type { StateStore } from '@weir/state';

/**
 * Live counters of one window operator, readable while it runs (`operator.metrics`).
 *
 * @example
 * ```ts
 * const counts = tumblingWindow({ size: 60_000, key: (c) => c.page, aggregate: count(), store });
 * setInterval(() => console.log(counts.metrics.snapshot()), 1000);
 * ```
 */
export interface WindowMetrics {
  /** Records received. */
  readonly recordsIn: number;
  /** Records too late for every window they belong to (sent to `onLate`). */
  readonly lateRecords: number;
  /** Records the key function or aggregate rejected (sent to `onInvalid`). */
  readonly invalidRecords: number;
  /** Window firings (one per window and firing, however many keys it holds). */
  readonly windowsFired: number;
  /** Result records emitted (insert, update and retract). */
  readonly resultsEmitted: number;
  /** Windows currently held (open, or fired and within allowed lateness). */
  readonly openWindows: number;
  /** The operator's current watermark. */
  readonly watermark: number;
  /** Entries in the operator's store (every operator sharing the store included). */
  readonly storeEntries: number;
  /** Approximate bytes in the operator's store. */
  readonly storeBytes: number;
  /** A plain copy of every figure, for logging. */
  snapshot(): WindowMetricsSnapshot;
}

/** A plain-object copy of {@link WindowMetrics}. */
export type WindowMetricsSnapshot = Omit<WindowMetrics, 'snapshot'>;

/** Internal: the mutable counters behind {@link WindowMetrics}. */
export class WindowCounters implements WindowMetrics {
  recordsIn = 0;
  lateRecords = 0;
  invalidRecords = 0;
  windowsFired = 0;
  resultsEmitted = 0;
  openWindows = 0;
  watermark = Number.NEGATIVE_INFINITY;

  constructor(private readonly store: StateStore) {}

  get storeEntries(): number {
    return this.store.len();
  }

  get storeBytes(): number {
    return this.store.sizeBytes();
  }

  snapshot(): WindowMetricsSnapshot {
    return {
      recordsIn: this.recordsIn,
      lateRecords: this.lateRecords,
      invalidRecords: this.invalidRecords,
      windowsFired: this.windowsFired,
      resultsEmitted: this.resultsEmitted,
      openWindows: this.openWindows,
      watermark: this.watermark,
      storeEntries: this.storeEntries,
      storeBytes: this.storeBytes,
    };
  }
}
