import type { CheckpointHook } from './CheckpointHook';
import type { OperatorMetrics } from './OperatorMetrics';
import type { OperatorQuery } from './OperatorQuery';

/**
 * Registers a starting operator instance with a checkpoint hook (if any) and returns the function
 * that unregisters it. Call it once per subscription and hand the result to `subscriber.add`, so
 * the coordinator stops waiting for the instance when it stops.
 *
 * @param hook - the operator's `options.checkpoint`, possibly `undefined`
 * @param operator - the operator's stable name (see {@link OperatorSnapshot.operator})
 * @param metrics - the operator's live figures, for a coordinator that reports them (`/status`, `/metrics`)
 * @param query - the operator's key queries, read live through its cache, for a coordinator that serves them (`/query/<operator>`)
 *
 * @example
 * ```ts
 * return (source) => new Observable((subscriber) => {
 *   subscriber.add(registerOperator(options.checkpoint, name));
 *   // ... subscribe to source, call handleBarrier on barriers
 * });
 * ```
 */
export function registerOperator(hook: CheckpointHook | undefined, operator: string, metrics?: OperatorMetrics, query?: OperatorQuery): () => void {
  const unregister = query === undefined ? hook?.register?.(operator, metrics) : hook?.register?.(operator, metrics, query);
  return typeof unregister === 'function' ? unregister : noop;
}

function noop(): void {}
