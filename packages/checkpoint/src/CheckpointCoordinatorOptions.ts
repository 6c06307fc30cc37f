import { describeValue, optionKeys, type StateStore } from '@weir/state';
import { checkCheckpointOptionKeys } from './checkCheckpointOptionKeys';
import { CheckpointError } from './CheckpointError';
import type { CheckpointMetricsSnapshot } from './CheckpointMetrics';
import type { CheckpointStorage } from './CheckpointStorage';

/** Options of {@link CheckpointCoordinator.open}. */
export interface CheckpointCoordinatorOptions {
  /** Where checkpoints are persisted and restored from. */
  readonly storage: CheckpointStorage;
  /**
   * When to checkpoint: every `events` records read (across all sources) and/or every `ms`
   * milliseconds of processing time, whichever comes first. Default: every 100,000 events. A
   * checkpoint is also taken at the end of input, and on demand ({@link CheckpointCoordinator.checkpointNow}).
   */
  readonly interval?: { readonly events?: number; readonly ms?: number };
  /**
   * How many checkpoints may be in flight (triggered, not yet persisted and committed) at once;
   * default 1 (Flink's `maxConcurrentCheckpoints`). A checkpoint that falls due while this many
   * are in flight waits until one completes (the records keep flowing meanwhile), and is counted
   * in `metrics.checkpointsSkipped`; however small the interval, at most this many snapshots are
   * held, so memory stays flat.
   */
  readonly maxConcurrentCheckpoints?: number;
  /**
   * The least processing time (ms) from one checkpoint's completion to the next one's trigger;
   * default 0 (Flink's `minPauseBetweenCheckpoints`). Guarantees the job time to make progress
   * between checkpoints when persisting them is slow.
   */
  readonly minPauseBetweenCheckpoints?: number;
  /**
   * How many consecutive checkpoint failures (storage that cannot persist) the job rides out;
   * default 0 (Flink's `tolerableCheckpointFailureNumber`): the first failure fails the job.
   * Past it, {@link CheckpointCoordinator.run} rejects with `CheckpointError` `STORAGE` naming the
   * storage and the cause. A completed checkpoint resets the count. The final checkpoint (at the
   * end of input) must succeed whatever this says: the output it commits would be lost.
   */
  readonly tolerableCheckpointFailures?: number;
  /** Makes the store for a name; default `() => new InMemoryStore()`. Plug a custom store in here. */
  readonly storeFactory?: (name: string) => StateStore;
  /** Records each source emits per round (sources take turns, so the interleaving is deterministic). Default 1,000. */
  readonly batchSize?: number;
  /**
   * Resume even if the restored checkpoint holds state for a store, source or sink this job does
   * not create (that state is dropped). Default `false`: such a job fails with `UNKNOWN_STORE`.
   */
  readonly allowNonRestoredState?: boolean;
  /** Where progress, failed and skipped checkpoints are reported; default: nowhere. */
  readonly log?: (message: string) => void;
  /** The processing-time clock (ms) for interval triggers, pauses and metrics; default `Date.now`. */
  readonly now?: () => number;
  /** Called after each checkpoint is persisted and committed, with its figures. */
  readonly onCheckpoint?: (report: CheckpointReport) => void;
  /**
   * What to do when the storage holds checkpoints but none of them is valid: `'fail'` (the
   * default) rejects with `CORRUPT_CHECKPOINT`, since starting over would make the sinks discard
   * the output the job committed so far; `'start-fresh'` starts from the beginning anyway.
   */
  readonly ifAllCorrupt?: 'fail' | 'start-fresh';
}

/** What {@link CheckpointCoordinatorOptions.onCheckpoint} receives for each completed checkpoint. */
export interface CheckpointReport {
  readonly id: number;
  /** Trigger to committed, ms. */
  readonly durationMs: number;
  /** Trigger to the last acknowledgement, ms. */
  readonly alignmentMs: number;
  /**
   * The longest the record path stood still because of this checkpoint, ms: what a user feels.
   * The largest of the barrier injection ({@link barrierMs}), the longest turn the sources
   * waited while the checkpoint was in flight (each slice of encoding and persisting runs in such
   * a turn, between record batches) and each sink's commit up to its first await.
   */
  readonly pauseMs: number;
  /** Time the barrier injection took: every synchronous operator's cache flush (or capture) and O(1) snapshot, ms. */
  readonly barrierMs: number;
  /** Encoded bytes of the stores. */
  readonly sizeBytes: number;
  /** Entries in the stores. */
  readonly entries: number;
}

/** Options of {@link CheckpointCoordinator.source}: how event time is assigned. */
export interface CoordinatedSourceOptions<T> {
  /**
   * A value's event time, epoch ms (a finite number). May be left out only when the source's
   * reader passes each value's timestamp itself (see `SourceReader.readEach`); a value that
   * comes without one then fails the job with `SOURCE`.
   */
  readonly timestamp?: (value: T) => number;
  /**
   * Bounded out-of-orderness, ms: the watermark trails the largest timestamp seen by this much
   * (plus 1). For a partitioned source, per partition: the source's watermark is the minimum
   * of its partitions' watermarks.
   */
  readonly maxOutOfOrderness: number;
  /** Check whether the watermark advanced every this many records (default 1: after each record). */
  readonly watermarkEvery?: number;
  /**
   * For a partitioned source (see `SourceReader.partitions`): a partition that delivered no
   * value for this long (ms of the coordinator's `now` clock, checked after every read) is idle
   * and stops holding the source's watermark back, until its next value (Flink's
   * `withIdleness`). Default: never idle. The idle flags are saved in checkpoints.
   */
  readonly idleTimeout?: number;
}

/** What {@link CheckpointCoordinator.run} resolves to. */
export interface JobSummary {
  /** The checkpoint the job resumed from, if any. */
  readonly restoredFrom: number | undefined;
  /** Records read from the sources by this run. */
  readonly recordsRead: number;
  /** The last checkpoint completed (persisted and committed). */
  readonly lastCheckpoint: number | undefined;
  /** The coordinator's metrics at the end. */
  readonly metrics: CheckpointMetricsSnapshot;
}

/** Internal: the options with their defaults, checked. */
export interface ResolvedCoordinatorOptions {
  readonly options: CheckpointCoordinatorOptions;
  readonly storage: CheckpointStorage;
  readonly everyEvents: number;
  readonly everyMs: number;
  readonly batchSize: number;
  readonly maxConcurrent: number;
  readonly minPauseMs: number;
  readonly tolerableFailures: number;
  readonly now: () => number;
  readonly log: ((message: string) => void) | undefined;
}

const DEFAULT_EVENTS = 100_000;
const KEYS = optionKeys<CheckpointCoordinatorOptions>({
  storage: true,
  interval: true,
  maxConcurrentCheckpoints: true,
  minPauseBetweenCheckpoints: true,
  tolerableCheckpointFailures: true,
  storeFactory: true,
  batchSize: true,
  allowNonRestoredState: true,
  log: true,
  now: true,
  onCheckpoint: true,
  ifAllCorrupt: true,
});
const INTERVAL_KEYS = ['events', 'ms'] as const;
const SOURCE_KEYS = optionKeys<CoordinatedSourceOptions<unknown>>({ timestamp: true, maxOutOfOrderness: true, watermarkEvery: true, idleTimeout: true });

/** Internal: rejects an unknown key of {@link CoordinatedSourceOptions}. */
export function checkSourceOptionKeys(where: string, options: unknown): void {
  checkCheckpointOptionKeys(where, options, SOURCE_KEYS);
}

/** Internal: checks the options of {@link CheckpointCoordinator.open} and fills in the defaults. */
export function resolveCoordinatorOptions(o: CheckpointCoordinatorOptions): ResolvedCoordinatorOptions {
  const bad = (what: string, value: unknown): CheckpointError => new CheckpointError('INVALID_ARGUMENT', `CheckpointCoordinator: ${what}, got ${describeValue(value)}`);
  if (typeof o !== 'object' || o === null) throw bad('options must be an object', o);
  checkCheckpointOptionKeys('CheckpointCoordinator.open', o, KEYS);
  checkCheckpointOptionKeys('CheckpointCoordinator.open: option `interval`', o.interval, INTERVAL_KEYS);
  if (typeof o.storage?.save !== 'function' || typeof o.storage?.list !== 'function') throw bad('option `storage` must be a CheckpointStorage (new FileCheckpointStorage(dir), say)', o.storage);
  const { events, ms } = o.interval ?? {};
  if (events !== undefined && (!Number.isSafeInteger(events) || events < 1)) throw bad('`interval.events` must be a positive integer', events);
  if (ms !== undefined && (typeof ms !== 'number' || !(ms > 0))) throw bad('`interval.ms` must be a positive number of milliseconds', ms);
  const count = (name: keyof CheckpointCoordinatorOptions, min: number, fallback: number): number => {
    const v = o[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw bad(`\`${name}\` must be an integer >= ${min}`, v);
    return v;
  };
  const minPause = o.minPauseBetweenCheckpoints;
  if (minPause !== undefined && (typeof minPause !== 'number' || !(minPause >= 0) || !Number.isFinite(minPause))) throw bad('`minPauseBetweenCheckpoints` must be a finite number of milliseconds >= 0', minPause);
  if (o.ifAllCorrupt !== undefined && o.ifAllCorrupt !== 'fail' && o.ifAllCorrupt !== 'start-fresh') throw bad("`ifAllCorrupt` must be 'fail' or 'start-fresh'", o.ifAllCorrupt);
  for (const fn of ['storeFactory', 'log', 'now', 'onCheckpoint'] as const) {
    if (o[fn] !== undefined && typeof o[fn] !== 'function') throw bad(`\`${fn}\` must be a function`, o[fn]);
  }
  return {
    options: o,
    storage: o.storage,
    everyEvents: events ?? (ms === undefined ? DEFAULT_EVENTS : Infinity),
    everyMs: ms ?? Infinity,
    batchSize: count('batchSize', 1, 1_000),
    maxConcurrent: count('maxConcurrentCheckpoints', 1, 1),
    minPauseMs: minPause ?? 0,
    tolerableFailures: count('tolerableCheckpointFailures', 0, 0),
    now: o.now ?? Date.now,
    log: o.log,
  };
}
