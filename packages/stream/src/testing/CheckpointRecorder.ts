import { StreamError } from '../StreamError';
import type { Entry, StateSnapshot } from '@weir/state';
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
 *
 * With `{ takesDeferredEntries: true }` it lets operators defer part of their snapshots
 * (`OperatorSnapshot.deferred`) and completes each one when {@link snapshotsOf} first returns it,
 * however many records the operator handled since its barrier: what a test of deferred
 * snapshots needs.
 */
export class CheckpointRecorder implements CheckpointHook {
  /** Every report, in the order received. */
  readonly reports: OperatorSnapshot[] = [];
  /** See `CheckpointHook.takesDeferredEntries`. */
  readonly takesDeferredEntries: boolean;
  readonly #registered = new Map<string, number>();
  readonly #completed = new Map<OperatorSnapshot, StateSnapshot>();

  /** @param options - `takesDeferredEntries` (default false); an unknown key throws `StreamError` `INVALID_OPTION` */
  constructor(options: { readonly takesDeferredEntries?: boolean } = {}) {
    for (const key of Object.keys(options)) {
      if (key !== 'takesDeferredEntries') throw new StreamError('INVALID_OPTION', `CheckpointRecorder: unknown option '${key}'`);
    }
    this.takesDeferredEntries = options.takesDeferredEntries ?? false;
  }

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
    for (const r of this.reports) if (r.checkpointId === checkpointId) out.set(r.operator, this.#complete(r));
    return out;
  }

  /** The report's snapshot with its deferred entries, produced on first use. */
  #complete(r: OperatorSnapshot): StateSnapshot {
    if (r.deferred === undefined) return r.snapshot;
    let done = this.#completed.get(r);
    if (done === undefined) {
      const entries: Entry[] = [];
      for (let next = r.deferred.next(); next.done !== true; next = r.deferred.next()) entries.push(next.value);
      done = r.snapshot.withEntries(entries);
      this.#completed.set(r, done);
    }
    return done;
  }

  /** Whether every currently registered operator has reported `checkpointId`. */
  isComplete(checkpointId: number): boolean {
    const got = this.snapshotsOf(checkpointId);
    for (const operator of this.#registered.keys()) if (!got.has(operator)) return false;
    return true;
  }
}
