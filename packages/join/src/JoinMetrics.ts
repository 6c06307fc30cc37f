import type { StateStore } from '@weir/state';

/**
 * Live counters of one join operator, readable while it runs (`operator.metrics`).
 *
 * @example
 * ```ts
 * const paid = intervalJoin(payments$, { ...options });
 * setInterval(() => console.log(paid.metrics.snapshot()), 1000);
 * ```
 */
export interface JoinMetrics {
  /** Records received on the left input. */
  readonly leftRecordsIn: number;
  /** Records received on the right input. */
  readonly rightRecordsIn: number;
  /** Late left records (sent to `onLateLeft`). */
  readonly lateLeft: number;
  /** Late right records (sent to `onLateRight`). */
  readonly lateRight: number;
  /** Records a key function rejected, or whose value could not be stored (sent to `onInvalid`). */
  readonly invalidRecords: number;
  /** Rows emitted that pair a left and a right value. */
  readonly matchesEmitted: number;
  /** Rows emitted with one side missing (outer rows, semi and anti rows, unmatched lookups). */
  readonly unmatchedEmitted: number;
  /** Left rows held in state (buffered records, pending lookups). */
  readonly leftRowsHeld: number;
  /** Right rows held in state (buffered records, table rows or versions). */
  readonly rightRowsHeld: number;
  /** The operator's input watermark (minimum over its inputs). */
  readonly watermark: number;
  /** Entries in the operator's store (every operator sharing the store included). */
  readonly storeEntries: number;
  /** Approximate bytes in the operator's store. */
  readonly storeBytes: number;
  /** A plain copy of every figure, for logging. */
  snapshot(): JoinMetricsSnapshot;
}

/** A plain-object copy of {@link JoinMetrics}. */
export type JoinMetricsSnapshot = Omit<JoinMetrics, 'snapshot'>;

/** Internal: the mutable counters behind {@link JoinMetrics}. */
export class JoinCounters implements JoinMetrics {
  leftRecordsIn = 0;
  rightRecordsIn = 0;
  lateLeft = 0;
  lateRight = 0;
  invalidRecords = 0;
  matchesEmitted = 0;
  unmatchedEmitted = 0;
  /** Set by the running engine: how many rows each side holds. */
  heldLeft: () => number = () => 0;
  heldRight: () => number = () => 0;
  watermark = Number.NEGATIVE_INFINITY;

  constructor(private readonly store: StateStore) {}

  get leftRowsHeld(): number {
    return this.heldLeft();
  }

  get rightRowsHeld(): number {
    return this.heldRight();
  }

  get storeEntries(): number {
    return this.store.len();
  }

  get storeBytes(): number {
    return this.store.sizeBytes();
  }

  snapshot(): JoinMetricsSnapshot {
    return {
      leftRecordsIn: this.leftRecordsIn,
      rightRecordsIn: this.rightRecordsIn,
      lateLeft: this.lateLeft,
      lateRight: this.lateRight,
      invalidRecords: this.invalidRecords,
      matchesEmitted: this.matchesEmitted,
      unmatchedEmitted: this.unmatchedEmitted,
      leftRowsHeld: this.leftRowsHeld,
      rightRowsHeld: this.rightRowsHeld,
      watermark: this.watermark,
      storeEntries: this.storeEntries,
      storeBytes: this.storeBytes,
    };
  }
}
