import type { OperatorFunction } from 'rxjs';
import type { StreamElement } from '@weir/stream';
import type { JoinMetrics } from './JoinMetrics';

/**
 * A join operator: an RxJS operator from the left input's elements to elements carrying the
 * join's output rows (watermarks and aligned barriers forwarded), with live {@link JoinMetrics}.
 * The right input was given when the operator was made.
 */
export type JoinOperator<L, O> = OperatorFunction<StreamElement<L>, StreamElement<O>> & {
  /** Live counters of this operator (shared by all its subscriptions). */
  readonly metrics: JoinMetrics;
};
