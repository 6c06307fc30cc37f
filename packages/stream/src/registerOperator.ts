import type { CheckpointHook } from './CheckpointHook';

/**
 * Registers a starting operator instance with a checkpoint hook (if any) and returns the function
 * that unregisters it. Call it once per subscription and hand the result to `subscriber.add`, so
 * the coordinator stops waiting for the instance when it stops.
 *
 * @param hook - the operator's `options.checkpoint`, possibly `undefined`
 * @param operator - the operator's stable name (see {@link OperatorSnapshot.operator})
 *
 * @example
 * ```ts
 * return (source) => new Observable((subscriber) => {
 *   subscriber.add(registerOperator(options.checkpoint, name));
 *   // ... subscribe to source, call handleBarrier on barriers
 * });
 * ```
 */
export function registerOperator(hook: CheckpointHook | undefined, operator: string): () => void {
  const unregister = hook?.register?.(operator);
  return typeof unregister === 'function' ? unregister : noop;
}

function noop(): void {}
