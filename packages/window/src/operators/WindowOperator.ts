import type { OperatorFunction } from 'rxjs';
import type { StreamElement } from '@weir/stream';
import type { WindowMetrics } from './WindowMetrics';
import type { WindowResult } from './WindowResult';

/**
 * A window operator: an RxJS operator from event-time elements to elements carrying
 * {@link WindowResult}s (watermarks and barriers forwarded), with live {@link WindowMetrics}.
 */
export type WindowOperator<T, K, R> = OperatorFunction<StreamElement<T>, StreamElement<WindowResult<K, R>>> & {
  /** Live counters of this operator (shared by all its subscriptions). */
  readonly metrics: WindowMetrics;
};
