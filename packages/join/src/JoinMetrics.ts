import type { StateStore } from '@weir/state';
import { OperatorCounters, type OperatorMetrics } from '@weir/stream';

/**
 * Live counters of one join operator, readable while it runs (`operator.metrics`): the figures of
 * every stateful operator ({@link OperatorMetrics}: records in, late records, invalid records,
 * watermark, store size, over both inputs) and the join's own, per input. Counts continue across
 * a restore.
 *
 * @example
 * ```ts
 * const paid = intervalJoin(payments$, { ...options });
 * setInterval(() => console.log(paid.metrics.snapshot()), 1000);
 * ```
 */
export interface JoinMetrics extends OperatorMetrics {
  /** Records received on the left input. */
  readonly leftRecordsIn: number;
  /** Records received on the right input. */
  readonly rightRecordsIn: number;
  /** Late left records (sent to `onLateLeft`). */
  readonly lateLeft: number;
  /** Late right records (sent to `onLateRight`). */
  readonly lateRight: number;
  /** Rows emitted that pair a left and a right value. */
  readonly matchesEmitted: number;
  /** Rows emitted with one side missing (outer rows, semi and anti rows, unmatched lookups). */
  readonly unmatchedEmitted: number;
  /** Left rows held in state (buffered records, pending lookups); recomputed on restore. */
  readonly leftRowsHeld: number;
  /** Right rows held in state (buffered records, table rows or versions); recomputed on restore. */
  readonly rightRowsHeld: number;
  /** A plain copy of every figure, for logging. */
  snapshot(): JoinMetricsSnapshot;
}

/** A plain-object copy of {@link JoinMetrics}. */
export type JoinMetricsSnapshot = Omit<JoinMetrics, 'snapshot'>;

/** Internal: the mutable counters behind {@link JoinMetrics}. */
export class JoinCounters extends OperatorCounters implements JoinMetrics {
  leftRecordsIn = 0;
  rightRecordsIn = 0;
  lateLeft = 0;
  lateRight = 0;
  matchesEmitted = 0;
  unmatchedEmitted = 0;
  /** Set by the running engine: how many rows each side holds. */
  heldLeft: () => number = () => 0;
  heldRight: () => number = () => 0;

  constructor(store: StateStore) {
    super(store, ['leftRecordsIn', 'rightRecordsIn', 'lateLeft', 'lateRight', 'matchesEmitted', 'unmatchedEmitted'], ['leftRowsHeld', 'rightRowsHeld']);
  }

  get leftRowsHeld(): number {
    return this.heldLeft();
  }

  get rightRowsHeld(): number {
    return this.heldRight();
  }

  override snapshot(): JoinMetricsSnapshot {
    return super.snapshot() as JoinMetricsSnapshot;
  }
}
