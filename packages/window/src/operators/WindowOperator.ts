import type { OperatorFunction } from 'rxjs';
import type { StreamElement } from '@weir/stream';
import type { WindowMetrics } from './WindowMetrics';
import type { WindowResult } from './WindowResult';

/**
 * A window operator: an RxJS operator from event-time elements to elements carrying
 * {@link WindowResult}s, with live {@link WindowMetrics}. Barriers are forwarded; the operator
 * forwards each watermark minus `allowedLateness`, so no result it emits is late downstream
 * (see {@link WindowOptions.allowedLateness}).
 */
export type WindowOperator<T, K, R> = OperatorFunction<StreamElement<T>, StreamElement<WindowResult<K, R>>> & {
  /** Live counters of this operator (shared by all its subscriptions). */
  readonly metrics: WindowMetrics;
};
