import type { StateStore } from '@weir/state';
import type { OperatorMetrics, OperatorMetricsSnapshot } from './OperatorMetrics';

/** The counters every operator has; {@link statefulOperator} moves the first three. */
const COMMON = ['recordsIn', 'recordsOut', 'lateRecords', 'invalidRecords'] as const;

/**
 * The mutable counters behind an operator's {@link OperatorMetrics}, for operator authors.
 * {@link statefulOperator} counts `recordsIn`, `recordsOut` and `lateRecords` and moves `watermark`; the
 * operator counts the rest. The counts (the common ones and the subclass's `persisted` names) are
 * written into the operator's store at every barrier and read back when an operator starts on a
 * restored store, so they continue from the checkpoint instead of restarting at 0. Gauges (rows
 * held, windows open) are recomputed by the operator from its state instead.
 *
 * One instance serves every subscription of an operator (it is created with the operator).
 *
 * @example
 * ```ts
 * class DedupCounters extends OperatorCounters {
 *   duplicates = 0;
 *   constructor(store: StateStore) {
 *     super(store, ['duplicates']);
 *   }
 * }
 * ```
 */
export class OperatorCounters implements OperatorMetrics {
  recordsIn = 0;
  recordsOut = 0;
  lateRecords = 0;
  invalidRecords = 0;
  watermark = Number.NEGATIVE_INFINITY;
  readonly #store: StateStore;
  readonly #counts: readonly string[];
  readonly #gauges: readonly string[];

  /**
   * @param store - the operator's store (for `storeEntries` and `storeBytes`)
   * @param persisted - the subclass's counters (numeric fields) that continue across a restore
   * @param gauges - the subclass's other numeric figures, reported by `snapshot()` only
   */
  constructor(store: StateStore, persisted: readonly string[] = [], gauges: readonly string[] = []) {
    this.#store = store;
    this.#counts = [...COMMON, ...persisted];
    this.#gauges = gauges;
  }

  get storeEntries(): number {
    return this.#store.len();
  }

  get storeBytes(): number {
    return this.#store.sizeBytes();
  }

  /** The counts, as a plain object for the operator's checkpointed state. O(counters). */
  save(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of this.#counts) out[name] = this.#field(name);
    return out;
  }

  /**
   * Sets the counts from what {@link save} returned (at the checkpoint being restored). Unknown
   * or missing names are ignored, so state written before a counter existed restores as 0.
   */
  restore(saved: unknown): void {
    if (typeof saved !== 'object' || saved === null) return;
    const fields = this as unknown as Record<string, number>;
    for (const name of this.#counts) {
      const value = (saved as Record<string, unknown>)[name];
      if (typeof value === 'number') fields[name] = value;
    }
  }

  snapshot(): OperatorMetricsSnapshot {
    const out: Record<string, number> = this.save();
    for (const name of this.#gauges) out[name] = this.#field(name);
    out['watermark'] = this.watermark;
    out['storeEntries'] = this.storeEntries;
    out['storeBytes'] = this.storeBytes;
    return out as unknown as OperatorMetricsSnapshot;
  }

  #field(name: string): number {
    return (this as unknown as Record<string, number>)[name] ?? 0;
  }
}
