/**
 * What `GET /status` returns: one JSON document describing a running job at one moment, built
 * from the same live figures as `/metrics` (docs/architecture.md §7). Every number is finite or
 * `null`: JSON has no infinities, so a watermark before the first is `null` and a source or
 * operator past the end of input says `ended: true` (its watermark is then `null` too).
 * Durations are milliseconds, sizes bytes, instants milliseconds since the epoch.
 *
 * Rates (records per second) are not part of it: take two statuses and divide the difference of
 * the counters by the difference of `time`.
 *
 * @example
 * ```ts
 * const status = (await (await fetch(`${server.url}/status`)).json()) as JobStatus;
 * for (const s of status.sources) console.log(s.name, s.recordsRead, s.watermarkLagMs);
 * ```
 */
export interface JobStatus {
  /** The schema version of this document; 1. */
  readonly schema: 1;
  /** The job's name (the `name` option of `serveJob`). */
  readonly job: string;
  /** When this status was taken, ms since the epoch. */
  readonly time: number;
  /** Since the job's coordinator was opened, ms. */
  readonly uptimeMs: number;
  /** Whether `job.run()` is running (false before it starts and after it ends). */
  readonly running: boolean;
  /** Every source of the job, in the order they were created. */
  readonly sources: readonly SourceStatus[];
  /** Every stateful operator that registered with the coordinator, in the order they first did. */
  readonly operators: readonly OperatorStatus[];
  /** Every store the job claimed (`job.store(name)`), in the order it did. */
  readonly stores: readonly StoreStatus[];
  /** Every operator offering a key query (served as `/query/<name>?key=…`), in the order they first registered. */
  readonly queries: readonly QueryStatus[];
  /** The coordinator's checkpoints. */
  readonly checkpoints: CheckpointsStatus;
  /** The process the job runs in. */
  readonly process: ProcessStatus;
  /** What this worker owns, when `serveJob` was given the `partition` option; absent otherwise. */
  readonly worker?: WorkerStatus;
}

/** The worker of a partitioned job in a {@link JobStatus}: a key query for a key group outside `keyGroups` answers 421. */
export interface WorkerStatus {
  /** Its index, in [0, workers). */
  readonly index: number;
  /** How many workers share the job. */
  readonly workers: number;
  /** The input partitions it reads, ascending. */
  readonly partitions: readonly number[];
  /** The key groups it owns: `[start, end)`. */
  readonly keyGroups: { readonly start: number; readonly end: number };
}

/** One source in a {@link JobStatus}. */
export interface SourceStatus {
  readonly name: string;
  /** Records this source emitted in this run (not counted across restarts). */
  readonly recordsRead: number;
  /** The source's watermark, ms of event time; `null` before its first and after the end of input. */
  readonly watermark: number | null;
  /** The largest record timestamp the source has seen, ms of event time; `null` before its first record. */
  readonly maxTimestamp: number | null;
  /**
   * Event-time lag of the watermark: `maxTimestamp - watermark`, ms (about `maxOutOfOrderness`
   * when healthy; large when a partition holds the watermark back); `null` while either is
   * unknown, 0 after the end of input.
   */
  readonly watermarkLagMs: number | null;
  /** Whether the source reached the end of its input. */
  readonly ended: boolean;
  /** Per partition, once the source's reader names partitions; absent otherwise. */
  readonly partitions?: readonly PartitionStatus[];
}

/** One partition of a partitioned source in a {@link SourceStatus}. */
export interface PartitionStatus {
  readonly partition: string;
  /** The partition's own watermark, ms; `null` before its first. */
  readonly watermark: number | null;
  /** The largest timestamp the partition delivered, ms; `null` before its first. */
  readonly maxTimestamp: number | null;
  /** `maxTimestamp - watermark` of the partition, ms; `null` while either is unknown. */
  readonly watermarkLagMs: number | null;
  /** Whether the partition is idle (not holding the source's watermark back). */
  readonly idle: boolean;
  /** Records the partition delivered in this run (not counted across restarts). */
  readonly recordsRead: number;
}

/** One stateful operator in a {@link JobStatus} (from its `operator.metrics`). */
export interface OperatorStatus {
  /** The operator's stable name (its `name` option). */
  readonly name: string;
  /** Records received, late and invalid ones included (continues across a restore). */
  readonly recordsIn: number;
  /** Records the operator emitted (results, matches; continues across a restore). */
  readonly recordsOut: number;
  /** Records dropped as late (handed to the late side output). */
  readonly lateRecords: number;
  /** Records rejected by a key function, an aggregate or the store (handed to `onInvalid`). */
  readonly invalidRecords: number;
  /** The operator's input watermark, ms; `null` before its first and after the end of input. */
  readonly watermark: number | null;
  /** Whether the operator's watermark reached the end of input. */
  readonly ended: boolean;
  /** Entries in the operator's store (every operator sharing it included), when known. */
  readonly stateEntries?: number;
  /** Approximate bytes in the operator's store, when known. */
  readonly stateBytes?: number;
}

/** One store in a {@link JobStatus}. */
export interface StoreStatus {
  readonly name: string;
  /** Live entries (`store.len()`). */
  readonly entries: number;
  /** Approximate live bytes (`store.sizeBytes()`). */
  readonly bytes: number;
}

/** An operator offering a key query, in a {@link JobStatus}. */
export interface QueryStatus {
  /** The operator's name: ask it at `/query/<name>?key=…`. */
  readonly name: string;
  /** What it answers: `'windows'` (a key's open windows), `'row'` (a key's current table row). */
  readonly kind: string;
}

/** The checkpoints of a {@link JobStatus} (from `job.metrics`). */
export interface CheckpointsStatus {
  /** Checkpoints whose barriers were injected. */
  readonly triggered: number;
  /** Checkpoints persisted and committed. */
  readonly completed: number;
  /** Checkpoints the storage could not persist. */
  readonly failed: number;
  /** Triggers that waited and merged into the next checkpoint. */
  readonly skipped: number;
  /** Checkpoints triggered and not yet committed or failed. */
  readonly inFlight: number;
  /** The checkpoint this run resumed from, or `null`. */
  readonly restoredFrom: number | null;
  /** The largest record-path stall of this run, ms. */
  readonly maxStallMs: number;
  /** The last completed checkpoint of this run, or `null`. */
  readonly last: CheckpointStatus | null;
  /** The last completed checkpoints of this run (up to 10), oldest first. */
  readonly recent: readonly CheckpointStatus[];
}

/** One completed checkpoint in a {@link CheckpointsStatus}. */
export interface CheckpointStatus {
  readonly id: number;
  /** When it was committed, ms since the epoch (on the coordinator's clock). */
  readonly completedAt: number;
  /** Since it was committed, ms. */
  readonly ageMs: number;
  /** Trigger to committed, ms. */
  readonly durationMs: number;
  /** Trigger to the last acknowledgement, ms. */
  readonly alignmentMs: number;
  /** The longest the record path stood still because of it, ms. */
  readonly stallMs: number;
  /** The barrier injection alone (every synchronous operator's flush and snapshot), ms. */
  readonly barrierMs: number;
  /** Encoded bytes of its stores. */
  readonly sizeBytes: number;
}

/** The process in a {@link JobStatus}. */
export interface ProcessStatus {
  readonly pid: number;
  /** `process.version`. */
  readonly node: string;
  /** V8 heap in use, bytes. */
  readonly heapUsedBytes: number;
  /** V8 heap reserved, bytes. */
  readonly heapTotalBytes: number;
  /** Resident set size, bytes. */
  readonly rssBytes: number;
  /** Garbage collections seen since the server started. */
  readonly gcCount: number;
  /** The longest garbage-collection pause since the server started, ms. */
  readonly gcPauseMaxMs: number;
  /** All garbage-collection pauses since the server started, ms. */
  readonly gcPauseTotalMs: number;
}
