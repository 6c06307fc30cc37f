import type { StateStore } from '@weir/state';
import { OperatorCounters, type OperatorMetrics } from '@weir/stream';

/**
 * Live counters of one rank operator (`operator.metrics`): the figures of every stateful operator
 * ({@link OperatorMetrics}: records in and out, late and invalid records, watermark, store size)
 * and the rank operators' own. Counts continue across a restore.
 *
 * @example
 * ```ts
 * const latest = deduplicate({ store, key: (b) => b.bidder, keep: 'last' });
 * bids$.pipe(latest).subscribe();
 * latest.metrics.snapshot(); // { recordsIn, duplicates, expiredKeys, ... }
 * ```
 */
export interface RankMetrics extends OperatorMetrics {
  /** Records that changed nothing: a duplicate kept out by `keep: 'first'`, a row older than the kept last one, a row below a full top-n. */
  readonly unchanged: number;
  /** Insert rows emitted. */
  readonly inserts: number;
  /** Retract rows emitted. */
  readonly retractions: number;
  /** Keys whose state expired after `ttl`. */
  readonly expiredKeys: number;
  /** A plain copy of every figure, for logging. */
  snapshot(): RankMetricsSnapshot;
}

/** A plain-object copy of {@link RankMetrics}. */
export type RankMetricsSnapshot = Omit<RankMetrics, 'snapshot'>;

/** Internal: the mutable counters behind {@link RankMetrics}. */
export class RankCounters extends OperatorCounters implements RankMetrics {
  unchanged = 0;
  inserts = 0;
  retractions = 0;
  expiredKeys = 0;

  constructor(store: StateStore) {
    super(store, ['unchanged', 'inserts', 'retractions', 'expiredKeys']);
  }

  override snapshot(): RankMetricsSnapshot {
    return super.snapshot() as RankMetricsSnapshot;
  }
}
