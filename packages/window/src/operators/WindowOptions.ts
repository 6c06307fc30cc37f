import type { KeyPart, StateStore } from '@weir/state';
import type { CheckpointOptions, StreamRecord } from '@weir/stream';
import type { Aggregate } from '../aggregates/Aggregate';

/**
 * When results are emitted:
 * - `'watermark'` (default): when the watermark passes the window's end; a record that arrives
 *   later but within the allowed lateness re-fires the window at once with an `update`.
 * - `'final'`: exactly once per window and key, when the watermark passes end + allowed lateness.
 * - `'changelog'`: on every change, as a `retract` of the previous result followed by an `insert`
 *   of the new one (Kafka Streams / Flink SQL style); no watermark-driven firing.
 */
export type EmitMode = 'watermark' | 'final' | 'changelog';

/** A group key: what the `key` option returns. Bigints in the safe range become numbers. */
export type GroupKey = KeyPart;

/**
 * Options every window operator takes.
 *
 * @typeParam T - the record value type
 * @typeParam K - the group key type
 * @typeParam A - the aggregate's accumulator type
 * @typeParam R - the aggregate's result type
 */
export interface WindowOptions<T, K extends GroupKey, A, R> extends CheckpointOptions {
  /** Computes a record's group key (a string, number, bigint or Uint8Array). */
  readonly key: (value: T) => K;
  /** How records of one window and key combine (`count()`, `sum(...)`, or your own). */
  readonly aggregate: Aggregate<T, A, R>;
  /** Where every accumulator, window, timer and the watermark live. */
  readonly store: StateStore;
  /**
   * The operator's stable name: its keys' prefix in the store (several operators can share one
   * store) and its identity in checkpoints and errors. Defaults to the operator kind; give each
   * operator sharing a store a distinct name.
   */
  readonly name?: string;
  /**
   * How long after a window's end (ms of event time) late records still update it. Default 0.
   * The operator forwards each watermark minus `allowedLateness`, so no result it emits is late
   * downstream (idle markers likewise; completion still forwards +Infinity).
   */
  readonly allowedLateness?: number;
  /** When results are emitted; see {@link EmitMode}. Default `'watermark'`. */
  readonly emit?: EmitMode;
  /**
   * Also fire early, every this many ms of event time after a window's start, with the results
   * of the keys that changed since their last emission (`'watermark'` mode; tumbling, calendar
   * and session windows: hopping and cumulative windows already fire every slide or step).
   */
  readonly earlyFiring?: number;
  /**
   * How many changed accumulators (groups, panes, sessions) may wait in memory before being
   * written to the store. The store holds every change at each checkpoint barrier, not at every
   * record (docs/architecture.md, operator/state contract): a key updated many times between two
   * barriers costs nothing more, and a window that opens and closes between two barriers never
   * reaches the store. When more than `cacheSize` wait, the one waiting longest is written (one
   * write per record at most, never a burst). A barrier records what still waits in the
   * operator's barrier log (one store entry per ~256 KiB, encoded in one pass: about 0.2 µs per
   * entry), so `cacheSize` bounds what a checkpoint adds to the record path.
   * Default 16,384 (a few ms at a barrier). Larger suits windows holding more changed keys at
   * once (a hopping window holds every key of each of its panes); 0 writes every change through
   * at once, for the shortest barrier at the price of one store write per record.
   */
  readonly cacheSize?: number;
  /**
   * The job's number of key groups (docs/architecture.md §6): every accumulator and session is
   * filed under its key's group (`keyGroupOf` of `@weir/state`), so the state of a range of
   * groups can be moved to another worker on a rescale. An integer in [1, 32768]; default 128
   * (`DEFAULT_KEY_GROUPS`). Fixed for the life of the job's checkpoints: it is recorded in the
   * operator's meta entry, and restoring state written with another number is an error
   * (`INVALID_ARGUMENT`, naming both). Every keyed operator of a job must use the same number.
   */
  readonly keyGroups?: number;
  /** Receives each record too late for all its windows. Such records are also counted. */
  readonly onLate?: (record: StreamRecord<T>) => void;
  /**
   * Receives each record whose key or aggregation failed, with the error. Without it such a
   * record errors the stream (with a WindowError naming the operator and the value).
   */
  readonly onInvalid?: (record: StreamRecord<T>, error: Error) => void;
}
