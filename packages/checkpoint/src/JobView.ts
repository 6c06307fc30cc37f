import type { StateStore } from '@weir/state';
import type { OperatorMetrics, OperatorQuery } from '@weir/stream';
import type { CompletedCheckpoint } from './CheckpointHistory';
import type { CheckpointMetrics } from './CheckpointMetrics';
import type { SourceRun } from './SourceRun';

/** One partition of a source, in a {@link SourceView}. */
export interface PartitionView {
  readonly partition: string;
  /** The partition's watermark, ms of event time (`-Infinity` before its first). */
  readonly watermark: number;
  /** The largest timestamp it delivered (`-Infinity` before its first). */
  readonly maxTimestamp: number;
  /** Whether it is idle (not holding the source's watermark back). */
  readonly idle: boolean;
  /** Records it delivered in this run (not counted across restarts; from 0 again if the reader stopped and then resumed listing it). */
  readonly recordsRead: number;
}

/** One source of a running job, as {@link JobView.sources} reads it. */
export interface SourceView {
  readonly name: string;
  /** Records this run emitted (counted per batch read). */
  readonly recordsRead: number;
  /** The last watermark emitted: `-Infinity` before the first, `+Infinity` after the end of input. */
  readonly watermark: number;
  /** The largest record timestamp seen (`-Infinity` before the first record). */
  readonly maxTimestamp: number;
  /** Whether the source reached the end of its input. */
  readonly exhausted: boolean;
  /** Per partition, once the source's reader named partitions; `undefined` otherwise. */
  readonly partitions: readonly PartitionView[] | undefined;
}

/** Internal: what the coordinator hands its {@link JobView}. */
export interface JobViewSource {
  readonly metrics: CheckpointMetrics;
  running(): boolean;
  sources(): readonly SourceRun<unknown>[];
  operators(): ReadonlyMap<string, OperatorMetrics>;
  queries(): ReadonlyMap<string, OperatorQuery>;
  storeNames(): readonly string[];
  store(name: string): StateStore | undefined;
  recentCheckpoints(): CompletedCheckpoint[];
  now(): number;
}

/**
 * A read-only window on a running job, for monitoring (`@weir/http` serves it as `/status`,
 * `/metrics` and `/state/<store>`): its sources' progress, its stateful operators' figures, its
 * stores and its recent checkpoints. Every read is a cheap copy of live figures, taken on the
 * caller's turn of the event loop: since the record path runs synchronously batch by batch, a
 * read never sees half a batch. Get it with `job.view()`; it reads nothing until asked.
 *
 * @example
 * ```ts
 * const view = job.view();
 * setInterval(() => {
 *   for (const s of view.sources()) console.log(s.name, s.recordsRead, s.maxTimestamp - s.watermark);
 * }, 1_000);
 * ```
 */
export class JobView {
  /** When the coordinator was opened, ms since the epoch (`Date.now()`). */
  readonly openedAt: number;
  readonly #src: JobViewSource;

  /** @internal made by `CheckpointCoordinator.view()` */
  constructor(src: JobViewSource) {
    this.#src = src;
    this.openedAt = Date.now();
  }

  /** The coordinator's live checkpoint figures (`job.metrics`). */
  get metrics(): CheckpointMetrics {
    return this.#src.metrics;
  }

  /** Whether `job.run()` is running. */
  get running(): boolean {
    return this.#src.running();
  }

  /** The coordinator's clock (the `now` option, `Date.now` by default), ms. */
  now(): number {
    return this.#src.now();
  }

  /** Every source, in the order they were created. O(sources + partitions). */
  sources(): SourceView[] {
    return this.#src.sources().map((s) => {
      const parts = s.partitionStates();
      const counts = parts === undefined ? undefined : s.partitionRecordsRead();
      return {
        name: s.name,
        recordsRead: s.recordsRead,
        watermark: s.watermark,
        maxTimestamp: s.maxTimestamp,
        exhausted: s.exhausted,
        partitions: parts === undefined ? undefined : Object.entries(parts).map(([partition, p]) => ({ partition, ...p, recordsRead: counts?.[partition] ?? 0 })),
      };
    });
  }

  /**
   * Every stateful operator that registered with the coordinator (on subscription), by name, in
   * the order they first did, with its live metrics (`operator.metrics`). An operator stays
   * listed after it stops, with its final figures.
   */
  operators(): ReadonlyMap<string, OperatorMetrics> {
    return this.#src.operators();
  }

  /**
   * The key queries of the operator named `operator` (a window's open windows of a key, a lookup
   * table's current row of a key), or `undefined` for an unknown operator or one that offers
   * none. Its answers read the operator's live state through its write-back cache, so they equal
   * what the operator itself holds at that moment, not the store (which lags until the next flush
   * or barrier). O(1); the cost of an answer is the operator's (see {@link OperatorQuery}).
   *
   * @example
   * ```ts
   * const q = job.view().query('clicks-per-page');
   * console.log(q?.kind, q?.query('home')); // 'windows' { windows: [{ start, end, result, fired }] }
   * ```
   */
  query(operator: string): OperatorQuery | undefined {
    return this.#src.queries().get(operator);
  }

  /**
   * Every operator that offers a key query (see {@link JobView.query}), by name, in the order they
   * first registered; `@weir/http` lists them in `/status` and serves them as `/query/<name>`. O(1).
   *
   * @example
   * ```ts
   * for (const [name, q] of job.view().queries()) console.log(name, q.kind); // 'page-views windows'
   * ```
   */
  queries(): ReadonlyMap<string, OperatorQuery> {
    return this.#src.queries();
  }

  /** The names of the stores the pipeline claimed (`job.store(name)`), in the order it did. */
  storeNames(): string[] {
    return [...this.#src.storeNames()];
  }

  /**
   * The claimed store named `name`, or `undefined`. For reading only: a write would bypass the
   * operator that owns it and the checkpoints. O(1).
   */
  store(name: string): StateStore | undefined {
    return this.#src.store(name);
  }

  /** The last completed checkpoints of this run (at most 10), oldest first. */
  recentCheckpoints(): CompletedCheckpoint[] {
    return this.#src.recentCheckpoints();
  }
}
