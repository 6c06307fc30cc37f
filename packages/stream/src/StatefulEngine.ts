import type { Entry } from '@weir/state';
import type { Observable } from 'rxjs';
import type { OperatorQuery } from './OperatorQuery';
import type { StreamElement, StreamRecord } from './StreamElement';

/** What {@link statefulOperator} gives an operator's engine for one subscription. */
export interface StatefulContext<O> {
  /** The operator's input watermark: `-Infinity` before the first. Only the harness moves it. */
  watermark(): number;
  /** Draws the next sequence number (checkpointed with the watermark), to order state by creation. */
  nextSeq(): number;
  /** Emits an output record at `timestamp`. */
  emit(value: O, timestamp: number): void;
}

/**
 * What an operator does inside {@link statefulOperator}, one instance per subscription: its own
 * state and logic, while the harness owns the watermark, the lateness rule, barriers, the
 * checkpointed meta entry (watermark, sequence, counters) and completion.
 *
 * Per record the harness calls `admit` (checks that come before the lateness rule), then judges
 * lateness (`ts <= watermark - allowedLateness`, for the records `judged` selects) and hands a
 * late record to `late`, any other to `onRecord`.
 */
export interface StatefulEngine<I> {
  /**
   * Rebuilds in-memory state from the store when the subscription starts. `meta` holds the
   * fields `save` returned at the restored checkpoint, or is `undefined` on a fresh store.
   */
  load(meta: Readonly<Record<string, unknown>> | undefined): void;
  /** The input to subscribe to; called once, after `load` (a join merges its inputs here). */
  input(): Observable<StreamElement<I>>;
  /**
   * Checks and counts a record before the lateness rule is applied (its timestamp, say); returns
   * `false` when it handled the record itself (routed it as invalid). Default: every record passes.
   */
  admit?(record: StreamRecord<I>): boolean;
  /** Whether the lateness rule applies to a record (default: always; not to a lookup join's table). */
  judged?(record: StreamRecord<I>): boolean;
  /** The late side output: a late record, already counted in `lateRecords`. */
  late(record: StreamRecord<I>): void;
  /** Handles a record that is not late. */
  onRecord(record: StreamRecord<I>): void;
  /** The input watermark advanced from `previous` to `wm`: fire, emit and expire what is due. */
  advance(wm: number, previous: number): void;
  /**
   * The watermark to forward for input watermark `wm`: no output the operator emits later may be
   * stamped at or below it (usually `wm - allowedLateness`).
   */
  outputWatermark(wm: number): number;
  /** Writes every cached change into the store (called before each snapshot). */
  flush(): void;
  /**
   * Optional, used instead of {@link flush} when the checkpoint hook takes deferred entries
   * ({@link CheckpointHook.takesDeferredEntries}): records what the caches hold at the barrier,
   * cheaply, and returns the entries the snapshot still needs, produced one per `next()` after the
   * barrier (docs/architecture.md §5.3); `undefined` when the store holds everything. With it,
   * what {@link save} returns at a barrier is encoded after the barrier: it must not be changed
   * in place afterwards.
   */
  capture?(): Iterator<Entry> | undefined;
  /** Extra fields to checkpoint in the operator's meta entry (a join's input watermarks, say). */
  save?(): Readonly<Record<string, unknown>>;
  /**
   * This subscription's key queries over its live state (read through its caches), registered
   * with the checkpoint hook when it starts; see {@link OperatorQuery}.
   */
  readonly query?: OperatorQuery;
}
