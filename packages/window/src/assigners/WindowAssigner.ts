import type { Window } from '../Window';

/** The kinds of window assigner; the discriminant of {@link WindowAssigner.kind}. */
export type WindowAssignerKind = 'tumbling' | 'hopping' | 'cumulative' | 'calendar';

/**
 * A window assigner (Flink's `WindowAssigner`): a pure function from a record's event time to the
 * windows the record belongs to. It holds only its immutable configuration (plus, for some, a
 * one-entry cache that never changes results), so one assigner may be shared by every operator
 * instance and subscription.
 *
 * Session windows are not assigned but merged: see {@link sessionWindowOf} and
 * {@link mergeSessions}.
 *
 * @example
 * ```ts
 * const assigner: WindowAssigner = hoppingWindows(10_000, 5_000);
 * for (const w of assigner.assign(record.timestamp)) addTo(w, record.value);
 * ```
 */
export interface WindowAssigner {
  /** Which assigner this is; narrow on it to reach the kind-specific fast paths. */
  readonly kind: WindowAssignerKind;
  /**
   * Every window containing `t`, in ascending order (by start, then end); possibly none (hopping
   * windows with gaps). Allocates a fresh array on each call.
   *
   * @throws {@link WindowError} `INVALID_TIMESTAMP` unless `t` is an integer epoch-ms timestamp
   *   within MIN_TIMESTAMP..MAX_TIMESTAMP
   */
  assign(t: number): Window[];
}

/**
 * An assigner that puts every timestamp in exactly one window (tumbling and calendar windows: the
 * windows partition the time line). It adds allocation-free fast paths for the per-record hot path.
 *
 * @example
 * ```ts
 * const minutes: SingleWindowAssigner = tumblingWindows(60_000);
 * const w = minutes.assignOne(t); // no array, and no new object while t stays in the same window
 * ```
 */
export interface SingleWindowAssigner extends WindowAssigner {
  readonly kind: 'tumbling' | 'calendar';
  /**
   * The one window containing `t`. Returns the same (frozen) object for consecutive calls that
   * fall in the same window, so in-order input allocates once per window.
   */
  assignOne(t: number): Window;
  /** The start of the one window containing `t`; never allocates. */
  windowStart(t: number): number;
}
