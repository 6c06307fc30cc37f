import type { Entry, StateSnapshot, StateStore } from '@weir/state';
import type { OperatorMetrics } from './OperatorMetrics';
import type { OperatorQuery } from './OperatorQuery';

/**
 * What a stateful operator reports for checkpoint n: its name and its store's snapshot, taken
 * after the barrier aligned on all its inputs and after its caches were flushed into the store.
 */
export interface OperatorSnapshot {
  /** The checkpoint (barrier id) this snapshot belongs to. */
  readonly checkpointId: number;
  /**
   * The operator's stable name: the key under which a coordinator stores the snapshot and by
   * which it restores the operator's store on recovery (like Flink's operator uid), so it must be
   * unique per job and stay the same across restarts.
   */
  readonly operator: string;
  /** The operator's state at the barrier (an O(1) copy-on-write view for `InMemoryStore`). */
  readonly snapshot: StateSnapshot;
  /** The store the snapshot was taken of, so a coordinator can tell which of its stores it is. */
  readonly store?: StateStore;
  /**
   * Entries the operator's state at the barrier still needs beyond {@link snapshot}, produced one
   * per `next()` after the barrier (its barrier log, say): only for a hook that sets
   * {@link CheckpointHook.takesDeferredEntries}. The hook adds them all
   * (`snapshot.withEntries(...)`) before it persists the snapshot; they never depend on when they
   * are produced, and a `next()` that throws means the checkpoint cannot be completed.
   */
  readonly deferred?: Iterator<Entry>;
}

/**
 * How stateful operators talk to a checkpoint coordinator without importing it
 * (docs/architecture.md §5.3). A coordinator implements this interface and is passed to every
 * stateful operator as `options.checkpoint` (see {@link CheckpointOptions}); operators call
 * {@link registerOperator} when subscribed and {@link handleBarrier} on every aligned barrier.
 *
 * Checkpoint n is complete for the operators once every registered operator has reported n.
 * Both methods are called synchronously on the record path: keep them O(1) (store the snapshot,
 * serialise and write it elsewhere, asynchronously). An exception thrown by either one errors the
 * calling operator's stream.
 *
 * @example
 * ```ts
 * const acks = new Map<number, Map<string, StateSnapshot>>();
 * const operators = new Set<string>();
 * const hook: CheckpointHook = {
 *   register: (operator) => {
 *     operators.add(operator);
 *     return () => operators.delete(operator);
 *   },
 *   snapshotTaken: ({ checkpointId, operator, snapshot }) => {
 *     const got = acks.get(checkpointId) ?? new Map<string, StateSnapshot>();
 *     acks.set(checkpointId, got.set(operator, snapshot));
 *     if (got.size === operators.size) persistLater(checkpointId, got); // every operator acknowledged
 *   },
 * };
 * // then pass `checkpoint: hook` in the options of every stateful operator of the job
 * ```
 */
export interface CheckpointHook {
  /**
   * Called when an operator instance starts (on subscribe), before it handles any element, so the
   * coordinator knows whose acknowledgement each checkpoint needs. The returned function, if any,
   * is called when the instance stops (unsubscribe, completion or error). `metrics`, when given,
   * are the operator's live figures (shared by its instances), for a coordinator that reports them;
   * `query`, when given, answers typed questions about one key of the operator's live state (see
   * {@link OperatorQuery}), for a coordinator that serves them.
   */
  register?(operator: string, metrics?: OperatorMetrics, query?: OperatorQuery): (() => void) | void;
  /** Receives an operator's snapshot for a checkpoint, just before the operator forwards the barrier. */
  snapshotTaken(report: OperatorSnapshot): void;
  /**
   * Whether this hook completes snapshots with {@link OperatorSnapshot.deferred} entries. When
   * true, an operator that can may capture its caches at the barrier instead of writing them into
   * its store, and leave encoding them until after the barrier, between records: a shorter barrier.
   * Default false: every snapshot is complete when reported.
   */
  readonly takesDeferredEntries?: boolean;
}

/**
 * The option every stateful operator accepts to take part in checkpoints; operator option
 * interfaces extend it.
 *
 * @example
 * ```ts
 * interface TumblingWindowOptions extends CheckpointOptions {
 *   readonly store: StateStore;
 *   readonly size: number;
 * }
 * ```
 */
export interface CheckpointOptions {
  /** Where to report snapshots on barriers; without it barriers are only forwarded. */
  readonly checkpoint?: CheckpointHook;
}
