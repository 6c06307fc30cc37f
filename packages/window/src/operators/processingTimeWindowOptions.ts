import type { SchedulerLike } from 'rxjs';
import { describeValue, type StateStore } from '@weir/state';
import type { CheckpointOptions, StreamRecord } from '@weir/stream';
import type { Aggregate } from '../aggregates/Aggregate';
import { WindowError } from '../WindowError';
import type { GroupKey, WindowOptions } from './WindowOptions';
import { resolveOptions, type ResolvedOptions } from './resolveOptions';

/**
 * Options every processing-time window operator takes: those of the event-time windows that
 * still mean something when the clock, not the watermark, closes windows (`key`, `aggregate`,
 * `store`, `name`, `keyGroups`, `onInvalid`, `checkpoint`), plus the `scheduler` whose clock
 * assigns records and fires windows. `allowedLateness`, `emit`, `earlyFiring`, `onLate` and
 * `cacheSize` are refused: in processing time nothing is late, and a window fires once, when the
 * clock passes its end.
 *
 * @typeParam T - the record value type
 * @typeParam K - the group key type
 * @typeParam A - the aggregate's accumulator type
 * @typeParam R - the aggregate's result type
 */
export interface ProcessingTimeWindowOptions<T, K extends GroupKey, A, R> extends CheckpointOptions {
  /** Computes a record's group key (a string, number, bigint or Uint8Array). */
  readonly key: (value: T) => K;
  /** How records of one window and key combine (`count()`, `sum(...)`, or your own). */
  readonly aggregate: Aggregate<T, A, R>;
  /** Where every accumulator, open window and pending timer lives. */
  readonly store: StateStore;
  /** The operator's stable name (its keys' prefix in the store, its identity in checkpoints). Defaults to the operator kind. */
  readonly name?: string;
  /** The job's number of key groups (see {@link WindowOptions.keyGroups}). Default 128. */
  readonly keyGroups?: number;
  /** Receives each record whose key or aggregation failed; without it such a record errors the stream. */
  readonly onInvalid?: (record: StreamRecord<T>, error: Error) => void;
  /**
   * The clock: `scheduler.now()` assigns each arriving record to its window, and windows fire on
   * `scheduler.schedule` timers. Default `asyncScheduler` (wall-clock `setTimeout`); pass the
   * `TestScheduler` (inside `run`) or any virtual scheduler to test on virtual time.
   */
  readonly scheduler?: SchedulerLike;
}

/** The option keys every processing-time window operator accepts. */
export const PROCESSING_TIME_OPTION_KEYS = {
  key: true,
  aggregate: true,
  store: true,
  name: true,
  keyGroups: true,
  onInvalid: true,
  checkpoint: true,
  scheduler: true,
} as const;

/** Checks the shared options (as the event-time operators do) and the scheduler. */
export function resolveProcessingTimeOptions<T, K extends GroupKey, A, R>(
  operator: string,
  options: ProcessingTimeWindowOptions<T, K, A, R>,
): ResolvedOptions<T, K, A, R> & { readonly scheduler: SchedulerLike | undefined } {
  const o = resolveOptions(operator, options as WindowOptions<T, K, A, R>);
  const s = options.scheduler as Partial<SchedulerLike> | undefined;
  if (s !== undefined && (typeof s !== 'object' || s === null || typeof s.now !== 'function' || typeof s.schedule !== 'function')) {
    throw new WindowError('INVALID_ARGUMENT', `${operator}: option \`scheduler\` must be an RxJS SchedulerLike (now() and schedule()), got ${describeValue(s)}`, s);
  }
  return { ...o, scheduler: options.scheduler };
}
