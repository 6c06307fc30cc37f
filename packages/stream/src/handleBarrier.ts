import type { Entry, StateStore } from '@weir/state';
import type { CheckpointHook, OperatorSnapshot } from './CheckpointHook';
import type { CheckpointBarrier } from './StreamElement';

/** What {@link handleBarrier} needs to know about the operator handling a barrier. */
export interface BarrierContext {
  /** The operator's stable name (see {@link OperatorSnapshot.operator}). */
  readonly operator: string;
  /** The operator's state store: the source of truth a checkpoint snapshots. */
  readonly store: StateStore;
  /** Writes every cached (decoded, dirty) piece of state into `store`; omit when there is no cache. */
  readonly flush?: () => void;
  /**
   * Optional, used instead of {@link flush} when the hook takes deferred entries: records what the
   * caches hold at the barrier and returns the entries the snapshot still needs, produced after
   * the barrier (see {@link OperatorSnapshot.deferred}), or `undefined` when the store holds it all.
   */
  readonly capture?: () => Iterator<Entry> | undefined;
  /** The coordinator's hook, from the operator's `options.checkpoint`. */
  readonly checkpoint?: CheckpointHook | undefined;
}

/**
 * The operator snapshot (docs/architecture.md §5.3) of a stateful operator that has received
 * barrier n (already aligned on all its inputs, which {@link mergeEventStreams} guarantees for
 * joins): flushes the operator's
 * caches into its store, takes `store.snapshot()` (O(1) for `InMemoryStore`), reports
 * `{ checkpointId: n, operator, snapshot }` to the hook, then forwards the barrier downstream.
 * Without a hook the caches are still flushed and the barrier forwarded, but no snapshot is taken.
 * When the hook takes deferred entries and the operator can capture its caches, `capture` runs
 * instead of `flush` and what it returns is reported as `deferred`.
 *
 * Exceptions from `flush`, `snapshot` or the hook propagate, before the barrier is forwarded: call
 * it inside the operator's try/catch so they reach the error channel.
 *
 * @param barrier - the aligned barrier
 * @param downstream - where to forward it (the operator's subscriber)
 * @param ctx - the operator's store, cache flush, name and hook
 * @returns the reported snapshot, or `undefined` when there is no hook
 *
 * @example
 * ```ts
 * next: (el) => {
 *   try {
 *     if (el.kind === 'barrier') handleBarrier(el, subscriber, { operator: name, store, flush, checkpoint });
 *     else ...
 *   } catch (err) {
 *     subscriber.error(err);
 *   }
 * }
 * ```
 */
export function handleBarrier(
  barrier: CheckpointBarrier,
  downstream: { next(element: CheckpointBarrier): void },
  ctx: BarrierContext,
): OperatorSnapshot | undefined {
  const hook = ctx.checkpoint;
  let deferred: Iterator<Entry> | undefined;
  if (hook?.takesDeferredEntries === true && ctx.capture !== undefined) deferred = ctx.capture();
  else ctx.flush?.();
  let report: OperatorSnapshot | undefined;
  if (hook !== undefined) {
    report = { checkpointId: barrier.checkpointId, operator: ctx.operator, snapshot: ctx.store.snapshot(), store: ctx.store, ...(deferred === undefined ? {} : { deferred }) };
    hook.snapshotTaken(report);
  }
  downstream.next(barrier);
  return report;
}
