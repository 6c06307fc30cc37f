/**
 * The figures every stateful operator built on {@link statefulOperator} reports, live
 * (`operator.metrics`). Operators add their own (window firings, join matches, ...). The counts
 * continue across a restore: they are part of the operator's checkpointed state.
 *
 * @example
 * ```ts
 * const views = tumblingWindow({ size: 60_000, key: (c) => c.page, aggregate: count(), store });
 * setInterval(() => console.log(views.metrics.lateRecords, views.metrics.watermark), 1000);
 * ```
 */
export interface OperatorMetrics {
  /** Records received (on every input). */
  readonly recordsIn: number;
  /** Records the operator emitted (results, matches, rows); late and invalid records handed to side outputs are not counted. */
  readonly recordsOut: number;
  /** Records at or below the watermark minus the allowed lateness: counted, handed to the late side output, not processed. */
  readonly lateRecords: number;
  /** Records a key function, an aggregate or the store rejected (handed to `onInvalid`). */
  readonly invalidRecords: number;
  /** The operator's input watermark (the minimum over its inputs); `-Infinity` before the first. */
  readonly watermark: number;
  /** Entries in the operator's store (every operator sharing the store included). */
  readonly storeEntries: number;
  /** Approximate bytes in the operator's store. */
  readonly storeBytes: number;
  /** A plain copy of every figure, for logging. */
  snapshot(): OperatorMetricsSnapshot;
}

/** A plain-object copy of {@link OperatorMetrics}. */
export type OperatorMetricsSnapshot = Omit<OperatorMetrics, 'snapshot'>;
