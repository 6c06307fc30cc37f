import type { StateSnapshot } from '@weir/state';
import type { CheckpointHook, OperatorSnapshot } from '../CheckpointHook';

/**
 * A {@link CheckpointHook} for tests and harnesses: records which operators are registered and
 * every snapshot reported, so a test can take checkpoint n midway, restore the snapshots into
 * fresh stores and check the resumed operators continue as if never stopped.
 *
 * @example
 * ```ts
 * const recorder = new CheckpointRecorder();
 * const out$ = input$.pipe(someStatefulOperator({ store, name: 'op', checkpoint: recorder }));
 * // ... push elements including barrier(1) ...
 * recorder.isComplete(1);                 // every registered operator reported checkpoint 1
 * fresh.restore(recorder.snapshotsOf(1).get('op')!);
 * ```
 */
export class CheckpointRecorder implements CheckpointHook {
  /** Every report, in the order received. */
  readonly reports: OperatorSnapshot[] = [];
  readonly #registered = new Map<string, number>();

  /** Records that `operator` started (see `CheckpointHook.register`); the returned function records that it stopped. */
  register(operator: string): () => void {
    this.#registered.set(operator, (this.#registered.get(operator) ?? 0) + 1);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const count = (this.#registered.get(operator) ?? 1) - 1;
      if (count === 0) this.#registered.delete(operator);
      else this.#registered.set(operator, count);
    };
  }

  /** Keeps the snapshot an operator reported (see `CheckpointHook.snapshotTaken`). */
  snapshotTaken(report: OperatorSnapshot): void {
    this.reports.push(report);
  }

  /** The names of the operators currently registered (started and not yet stopped). */
  registeredOperators(): string[] {
    return [...this.#registered.keys()];
  }

  /** The snapshots reported for `checkpointId`, by operator name (a later report wins). */
  snapshotsOf(checkpointId: number): Map<string, StateSnapshot> {
    const out = new Map<string, StateSnapshot>();
    for (const r of this.reports) if (r.checkpointId === checkpointId) out.set(r.operator, r.snapshot);
    return out;
  }

  /** Whether every currently registered operator has reported `checkpointId`. */
  isComplete(checkpointId: number): boolean {
    const got = this.snapshotsOf(checkpointId);
    for (const operator of this.#registered.keys()) if (!got.has(operator)) return false;
    return true;
  }
}
