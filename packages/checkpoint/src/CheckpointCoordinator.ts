import { Observable, type OperatorFunction, type Subscriber, type Subscription } from 'rxjs';
import { InMemoryStore, StateSnapshot, type StateStore } from '@weir/state';
import { describeValue, type CheckpointHook, type OperatorSnapshot, type StreamElement } from '@weir/stream';
import { CheckpointError } from './CheckpointError';
import type { CheckpointData, CheckpointStorage, SourceCheckpoint } from './CheckpointStorage';
import { CheckpointCounters, type CheckpointMetrics, type CheckpointMetricsSnapshot } from './CheckpointMetrics';
import type { Json } from './Json';
import { loadLatestCheckpoint } from './loadLatestCheckpoint';
import type { Sink, SinkWriter } from './Sink';
import type { Source, SourceReader } from './Source';

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
  /** Makes the store for a name; default `() => new InMemoryStore()`. Plug a custom store in here. */
  readonly storeFactory?: (name: string) => StateStore;
  /** Records each source emits per round (sources take turns, so the interleaving is deterministic). Default 1,000. */
  readonly batchSize?: number;
  /**
   * Resume even if the restored checkpoint holds state for a store, source or sink this job does
   * not create (that state is dropped). Default `false`: such a job fails with `UNKNOWN_STORE`.
   */
  readonly allowNonRestoredState?: boolean;
  /** Where progress and skipped checkpoints are reported; default: nowhere. */
  readonly log?: (message: string) => void;
  /** The processing-time clock (ms) for interval triggers and metrics; default `Date.now`. */
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
  /** Time the record path stood still injecting the barriers, ms. */
  readonly pauseMs: number;
  /** Encoded bytes of the stores. */
  readonly sizeBytes: number;
  /** Entries in the stores. */
  readonly entries: number;
}

/** Options of {@link CheckpointCoordinator.source}: how event time is assigned. */
export interface CoordinatedSourceOptions<T> {
  /** A value's event time, epoch ms (a finite number). */
  readonly timestamp: (value: T) => number;
  /** Bounded out-of-orderness, ms: the watermark trails the largest timestamp seen by this much (plus 1). */
  readonly maxOutOfOrderness: number;
  /** Check whether the watermark advanced every this many records (default 1: after each record). */
  readonly watermarkEvery?: number;
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

const DEFAULT_EVENTS = 100_000;

/** One checkpoint between its trigger and its persistence. */
interface Pending {
  readonly id: number;
  readonly time: number;
  readonly startedAt: number;
  readonly sources: Record<string, SourceCheckpoint>;
  readonly operators: Set<string>;
  readonly acked: Set<string>;
  readonly snapshots: Map<string, StateSnapshot>;
  readonly sinkStates: Map<string, Promise<Json>>;
  readonly done: Array<(id: number) => void>;
  complete: boolean;
  sizeBytes: number;
  entries: number;
  pauseMs: number;
  alignmentMs: number;
}

/** A source as the coordinator drives it. */
class SourceRun<T> {
  reader: SourceReader<T> | undefined;
  subscriber: Subscriber<StreamElement<T>> | undefined;
  maxTimestamp = Number.NEGATIVE_INFINITY;
  watermark = Number.NEGATIVE_INFINITY;
  sinceWatermark = 0;
  exhausted = false;

  constructor(
    readonly name: string,
    readonly source: Source<T>,
    readonly options: CoordinatedSourceOptions<T>,
    readonly restored: SourceCheckpoint | undefined,
  ) {
    this.timestamp = options.timestamp;
    this.maxOutOfOrderness = options.maxOutOfOrderness;
    this.watermarkEvery = options.watermarkEvery ?? 1;
  }

  private readonly timestamp: (value: T) => number;
  private readonly maxOutOfOrderness: number;
  private readonly watermarkEvery: number;

  async open(): Promise<void> {
    try {
      this.reader = await this.source.open(this.restored?.offset);
    } catch (err) {
      throw err instanceof CheckpointError ? err : new CheckpointError('SOURCE', `source '${this.name}' (${this.source.describe()}) failed to open: ${messageOf(err)}`, { cause: err });
    }
    if (this.restored !== undefined) {
      this.maxTimestamp = this.restored.maxTimestamp;
      this.watermark = this.restored.watermark;
      this.sinceWatermark = this.restored.sinceWatermark;
    }
  }

  /**
   * Reads and emits exactly `n` values unless the input ends first (then `exhausted`); returns
   * how many. Values go downstream one at a time as the reader produces them when it implements
   * `readEach`, else a batch at a time.
   */
  async pull(n: number): Promise<number> {
    const reader = this.reader!;
    let total = 0;
    while (total < n) {
      let got: number;
      try {
        if (reader.readEach !== undefined) {
          const r = reader.readEach(n - total, this.emitOne);
          got = typeof r === 'number' ? r : await r;
        } else {
          const values = await reader.read(n - total);
          for (const v of values) this.emitOne(v);
          got = values.length;
        }
      } catch (err) {
        throw err instanceof CheckpointError ? err : new CheckpointError('SOURCE', `source '${this.name}' (${this.source.describe()}) failed to read: ${messageOf(err)}`, { cause: err });
      }
      if (got === 0) {
        this.exhausted = true;
        break;
      }
      total += got;
    }
    return total;
  }

  /** Stamps one value, emits it and, when due, the watermark. */
  readonly emitOne = (value: T): void => {
    const sub = this.subscriber;
    if (sub === undefined) return;
    let ts: number;
    try {
      ts = this.timestamp(value);
    } catch (err) {
      throw new CheckpointError('SOURCE', `source '${this.name}': the timestamp function threw for ${describeValue(value)}: ${messageOf(err)}`, { cause: err });
    }
    if (typeof ts !== 'number' || !Number.isFinite(ts)) {
      throw new CheckpointError('SOURCE', `source '${this.name}': the timestamp function must return a finite number, got ${describeValue(ts)} for ${describeValue(value)}`);
    }
    sub.next({ kind: 'record', value, timestamp: ts });
    if (ts > this.maxTimestamp) this.maxTimestamp = ts;
    if (++this.sinceWatermark >= this.watermarkEvery) {
      this.sinceWatermark = 0;
      const wm = this.maxTimestamp - this.maxOutOfOrderness - 1;
      if (wm > this.watermark) {
        this.watermark = wm;
        sub.next({ kind: 'watermark', timestamp: wm });
      }
    }
  };

  state(): SourceCheckpoint {
    return { offset: this.reader!.offset(), maxTimestamp: this.maxTimestamp, watermark: this.watermark, sinceWatermark: this.sinceWatermark };
  }
}

/** A sink as the coordinator drives it. */
class SinkRun<T> {
  writer: SinkWriter<T> | undefined;
  constructor(
    readonly name: string,
    readonly sink: Sink<T>,
    readonly restored: Json | undefined,
  ) {}

  async open(): Promise<void> {
    try {
      this.writer = await this.sink.open(this.restored);
    } catch (err) {
      throw err instanceof CheckpointError ? err : new CheckpointError('SINK', `sink '${this.name}' (${this.sink.describe()}) failed to open: ${messageOf(err)}`, { cause: err });
    }
  }
}

/**
 * Runs a job with exactly-once state (DESIGN.md §4, asynchronous barrier snapshots as in Flink):
 * it owns the job's stores, sources and sinks, injects checkpoint barriers into every source at
 * the same moment, collects each stateful operator's snapshot as the barrier passes it and each
 * sink's pre-commit, persists them together with the sources' offsets and watermarks as one
 * checkpoint, then tells the sinks to commit. After a crash, {@link CheckpointCoordinator.open}
 * finds the newest valid checkpoint (falling back past a corrupt one), restores every store,
 * resumes every source at its offset and lets every sink commit or discard what it had written:
 * the committed output equals an uninterrupted run's.
 *
 * It is the {@link CheckpointHook} of the job: pass it as `checkpoint` to every stateful operator,
 * whose store must come from {@link CheckpointCoordinator.store} (one store per operator).
 *
 * On the record path a checkpoint costs each operator a cache flush and an O(1)
 * `store.snapshot()`; encoding (in chunks, between batches of records), checksums and file writes
 * happen asynchronously, off it. Once a checkpoint is persisted (or has failed) the coordinator
 * releases the snapshots it collected (`StateSnapshot.release`: an LMDB store's snapshot holds a
 * read transaction until then). Sources take turns emitting `batchSize` records, so the
 * interleaving of several sources (and with it every join's output) is the same in every run.
 *
 * @example
 * ```ts
 * const job = await CheckpointCoordinator.open({ storage: new FileCheckpointStorage('chk'), interval: { events: 100_000 } });
 * const clicks$ = job.source('clicks', jsonLinesSource<Click>('clicks.jsonl'), { timestamp: (c) => c.ts, maxOutOfOrderness: 5_000 });
 * const views$ = clicks$.pipe(
 *   tumblingWindow({ size: 60_000, key: (c) => c.page, aggregate: count(), store: job.store('views'), name: 'views', checkpoint: job }),
 * ); // a stream of elements, not values: the sink needs the barriers
 * await job.run(views$.pipe(job.sink('out', jsonLinesSink('out'))));
 * ```
 */
export class CheckpointCoordinator implements CheckpointHook {
  /** Live checkpoint metrics. */
  readonly metrics: CheckpointMetrics;
  readonly #counters = new CheckpointCounters();
  readonly #o: CheckpointCoordinatorOptions;
  /** The processing-time clock (`options.now`, or `Date.now`). */
  readonly #now: () => number;
  readonly #restored: CheckpointData | undefined;
  readonly #stores = new Map<string, StateStore>();
  readonly #storeNames = new Map<StateStore, string>();
  readonly #sources: SourceRun<unknown>[] = [];
  readonly #sinks: SinkRun<unknown>[] = [];
  readonly #operators = new Map<string, number>();
  readonly #pending = new Map<number, Pending>();
  #lastId: number;
  #persisting: Promise<void> = Promise.resolve();
  #failure: unknown = undefined;
  #requested: Array<(id: number) => void> = [];
  #running = false;
  #lastCompleted: number | undefined = undefined;

  private constructor(options: CheckpointCoordinatorOptions, restored: CheckpointData | undefined, restoreMs: number, highestId: number) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#restored = restored;
    this.#lastId = Math.max(highestId, restored?.id ?? 0);
    this.#counters.restoredFrom = restored?.id;
    this.#counters.restoreMs = restoreMs;
    this.metrics = this.#counters;
  }

  /**
   * Opens a job: loads the newest valid checkpoint from `options.storage` (logging and skipping
   * corrupt ones), if any, so that the stores, sources and sinks created next resume from it.
   *
   * @example
   * ```ts
   * const job = await CheckpointCoordinator.open({ storage: new FileCheckpointStorage('chk') });
   * if (job.restoredFrom !== undefined) console.log(`resuming from checkpoint ${job.restoredFrom}`);
   * ```
   */
  static async open(options: CheckpointCoordinatorOptions): Promise<CheckpointCoordinator> {
    validateOptions(options);
    const now = options.now ?? Date.now;
    const t0 = now();
    // New checkpoints number on from the highest id stored, valid or not (a corrupt newer one included).
    const listed = await options.storage.list();
    const highestId = listed.reduce((max, info) => Math.max(max, info.id), 0);
    const restored = await loadLatestCheckpoint(options.storage, options.log, listed);
    if (restored === undefined && listed.length > 0 && (options.ifAllCorrupt ?? 'fail') === 'fail') {
      throw new CheckpointError(
        'CORRUPT_CHECKPOINT',
        `CheckpointCoordinator.open: none of the ${listed.length} checkpoint(s) in ${options.storage.describe()} is valid ` +
          `(newest: ${listed[0]!.id}, ${listed[0]!.reason ?? 'unreadable'}); starting over would discard the committed output. ` +
          "Delete the checkpoints (and the output) to start over, or pass ifAllCorrupt: 'start-fresh'.",
      );
    }
    if (restored !== undefined && restored.id === highestId) options.log?.(`restoring checkpoint ${restored.id} from ${options.storage.describe()}`); // after skipping, loadLatestCheckpoint said so
    return new CheckpointCoordinator(options, restored, now() - t0, highestId);
  }

  /** The id of the checkpoint this job resumed from, or `undefined` for a fresh start. */
  get restoredFrom(): number | undefined {
    return this.#restored?.id;
  }

  /**
   * The store named `name`: created by the store factory on first call (and restored from the
   * checkpoint being resumed, if it holds one of that name), the same store afterwards. Give each
   * stateful operator its own store and a stable name. Decoding a restored snapshot is O(n).
   *
   * @example
   * ```ts
   * tumblingWindow({ ..., store: job.store('views'), name: 'views', checkpoint: job });
   * ```
   */
  store(name: string): StateStore {
    if (typeof name !== 'string' || name.length === 0) throw new CheckpointError('INVALID_ARGUMENT', `CheckpointCoordinator.store: name must be a non-empty string, got ${describeValue(name)}`);
    let store = this.#stores.get(name);
    if (store !== undefined) return store;
    store = (this.#o.storeFactory ?? (() => new InMemoryStore()))(name);
    const bytes = this.#restored?.stores[name];
    if (bytes !== undefined) {
      const t0 = this.#now();
      store.restore(bytes); // decoded by the store (InMemoryStore builds its index while decoding)
      this.#counters.restoreMs += this.#now() - t0;
    }
    this.#stores.set(name, store);
    this.#storeNames.set(store, name);
    return store;
  }

  /**
   * A source of the job, as an event-time stream: values read from `source` (from the restored
   * offset when resuming), stamped by `options.timestamp`, with bounded-out-of-orderness
   * watermarks, and checkpoint barriers injected by the coordinator. When the input ends, a final
   * `+Infinity` watermark and a last checkpoint barrier precede completion. Subscribe once; the
   * records flow when {@link CheckpointCoordinator.run} runs the job.
   *
   * @example
   * ```ts
   * const orders$ = job.source('orders', jsonLinesSource<Order>('orders.jsonl'), { timestamp: (o) => o.time, maxOutOfOrderness: 10_000 });
   * ```
   */
  source<T>(name: string, source: Source<T>, options: CoordinatedSourceOptions<T>): Observable<StreamElement<T>> {
    if (typeof name !== 'string' || name.length === 0) throw new CheckpointError('INVALID_ARGUMENT', `CheckpointCoordinator.source: name must be a non-empty string, got ${describeValue(name)}`);
    if (this.#sources.some((s) => s.name === name)) throw new CheckpointError('INVALID_ARGUMENT', `CheckpointCoordinator.source: a source named '${name}' exists already`);
    if (typeof source?.open !== 'function') throw new CheckpointError('INVALID_ARGUMENT', `CheckpointCoordinator.source('${name}'): expected a Source, got ${describeValue(source)}`);
    if (typeof options?.timestamp !== 'function') throw new CheckpointError('INVALID_ARGUMENT', `CheckpointCoordinator.source('${name}'): option \`timestamp\` must be a function, got ${describeValue(options?.timestamp)}`);
    if (!Number.isSafeInteger(options.maxOutOfOrderness) || options.maxOutOfOrderness < 0) {
      throw new CheckpointError('INVALID_ARGUMENT', `CheckpointCoordinator.source('${name}'): option \`maxOutOfOrderness\` must be a non-negative integer number of ms, got ${describeValue(options.maxOutOfOrderness)}`);
    }
    const every = options.watermarkEvery ?? 1;
    if (!Number.isSafeInteger(every) || every < 1) throw new CheckpointError('INVALID_ARGUMENT', `CheckpointCoordinator.source('${name}'): option \`watermarkEvery\` must be a positive integer, got ${describeValue(every)}`);
    const run = new SourceRun<T>(name, source, options, this.#restored?.sources[name]);
    this.#sources.push(run as SourceRun<unknown>);
    return new Observable<StreamElement<T>>((subscriber) => {
      if (run.subscriber !== undefined) {
        subscriber.error(new CheckpointError('STATE', `source '${name}' is subscribed twice; share it (rxjs share()) if two branches read it`));
        return undefined;
      }
      run.subscriber = subscriber;
      return () => {
        run.subscriber = undefined;
      };
    });
  }

  /**
   * The job's output into `sink`, with two-phase commit: records are written as they come, made
   * durable at each checkpoint barrier (pre-commit) and visible once the checkpoint is persisted
   * (commit). The returned observable completes when its input completes; hand it to
   * {@link CheckpointCoordinator.run}.
   *
   * @example
   * ```ts
   * await job.run(results$.pipe(job.sink('results', jsonLinesSink('out/results'))));
   * ```
   */
  sink<T>(name: string, sink: Sink<T>): OperatorFunction<StreamElement<T>, never> {
    if (typeof name !== 'string' || name.length === 0) throw new CheckpointError('INVALID_ARGUMENT', `CheckpointCoordinator.sink: name must be a non-empty string, got ${describeValue(name)}`);
    if (this.#sinks.some((s) => s.name === name)) throw new CheckpointError('INVALID_ARGUMENT', `CheckpointCoordinator.sink: a sink named '${name}' exists already`);
    if (typeof sink?.open !== 'function') throw new CheckpointError('INVALID_ARGUMENT', `CheckpointCoordinator.sink('${name}'): expected a Sink, got ${describeValue(sink)}`);
    const run = new SinkRun<T>(name, sink, this.#restored?.sinks[name]);
    this.#sinks.push(run as SinkRun<unknown>);
    return (input$) =>
      new Observable<never>((subscriber) =>
        input$.subscribe({
          next: (el) => {
            try {
              if (el.kind === 'record') {
                if (run.writer === undefined) throw new CheckpointError('STATE', `sink '${name}' received a record before the job started (use CheckpointCoordinator.run)`);
                run.writer.write(el.value);
              } else if (el.kind === 'barrier') {
                this.#sinkBarrier(run as SinkRun<unknown>, el.checkpointId);
              }
            } catch (err) {
              subscriber.error(err);
            }
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        }),
      );
  }

  /**
   * Asks for a checkpoint at the next round boundary; resolves with its id once it is persisted
   * and committed.
   */
  checkpointNow(): Promise<number> {
    return new Promise((resolve) => this.#requested.push(resolve));
  }

  /**
   * Runs the job: subscribes to every output (each a pipeline ending in {@link CheckpointCoordinator.sink},
   * or any observable), opens sinks and sources (recovering them from the restored checkpoint),
   * then lets the sources take turns emitting records, checkpointing at the configured interval,
   * until every source is exhausted; then takes a final checkpoint and resolves once every output
   * has completed and every checkpoint is persisted. Rejects with the first error of any output,
   * source, sink or checkpoint protocol violation.
   */
  async run(...outputs: Observable<unknown>[]): Promise<JobSummary> {
    if (this.#running) throw new CheckpointError('STATE', 'CheckpointCoordinator.run: the job is running already');
    this.#running = true;
    const subscriptions: Subscription[] = [];
    let open = outputs.length;
    let allDone: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (allDone = resolve));
    if (open === 0) allDone();
    const fail = (err: unknown): void => {
      if (this.#failure === undefined) this.#failure = err;
      allDone();
    };
    for (const out of outputs) {
      subscriptions.push(
        out.subscribe({
          error: fail,
          complete: () => {
            if (--open === 0) allDone();
          },
        }),
      );
    }
    try {
      this.#checkRestoredNames();
      await Promise.all([...this.#sinks.map((s) => s.open()), ...this.#sources.map((s) => s.open())]);
      for (const s of this.#sources) {
        if (s.subscriber === undefined) throw new CheckpointError('STATE', `source '${s.name}' is not part of any output passed to run()`);
        if (this.#restored !== undefined && s.watermark > Number.NEGATIVE_INFINITY) s.subscriber.next({ kind: 'watermark', timestamp: s.watermark });
      }
      const batch = this.#o.batchSize ?? 1_000;
      const everyEvents = this.#o.interval?.events ?? (this.#o.interval?.ms === undefined ? DEFAULT_EVENTS : Infinity);
      const everyMs = this.#o.interval?.ms ?? Infinity;
      let sinceCheckpoint = 0;
      let lastCheckpointAt = this.#now();
      let recordsRead = 0;
      let batchesSinceYield = 0;
      for (;;) {
        this.#throwIfFailed();
        let live = 0;
        for (const s of this.#sources) {
          if (s.exhausted) continue;
          const got = await s.pull(batch);
          this.#throwIfFailed();
          sinceCheckpoint += got;
          recordsRead += got;
          if (!s.exhausted) live++;
        }
        this.#throwIfFailed();
        if (live === 0) break;
        if (sinceCheckpoint >= everyEvents || this.#now() - lastCheckpointAt >= everyMs || this.#requested.length > 0) {
          this.#trigger();
          sinceCheckpoint = 0;
          lastCheckpointAt = this.#now();
        }
        // Let IO progress (a checkpoint being written, async sources, sinks and schedulers):
        // after every batch while a checkpoint is in flight, else every 16th batch, since a turn
        // of the event loop costs 4-12 us, up to 5% of a fast job's time if taken after every
        // batch. Counted in batches, not time, so runs stay reproducible.
        if (this.#pending.size > 0 || ++batchesSinceYield >= 16) {
          batchesSinceYield = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      // End of input: close event time, take the last checkpoint, complete the sources.
      for (const s of this.#sources) {
        if (s.watermark < Number.POSITIVE_INFINITY) {
          s.watermark = Number.POSITIVE_INFINITY;
          s.subscriber?.next({ kind: 'watermark', timestamp: Number.POSITIVE_INFINITY });
        }
      }
      this.#throwIfFailed();
      const last = this.#trigger();
      for (const s of this.#sources) s.subscriber?.complete();
      await finished;
      this.#throwIfFailed();
      await this.#awaitCheckpoint(last);
      await this.#persisting;
      this.#throwIfFailed();
      return { restoredFrom: this.restoredFrom, recordsRead, lastCheckpoint: this.#lastCompleted, metrics: this.metrics.snapshot() };
    } catch (err) {
      fail(err);
      // Let a checkpoint write already under way settle (no new one starts after a failure), so
      // that a job restarted in the same process sees storage and sinks at rest.
      await this.#persisting.catch(() => undefined);
      throw this.#failure;
    } finally {
      for (const sub of subscriptions) sub.unsubscribe();
      await Promise.all(this.#sources.map(async (s) => s.reader?.close?.())).catch(() => undefined);
      await Promise.all(this.#sinks.map(async (s) => s.writer?.close?.())).catch(() => undefined);
      this.#running = false;
    }
  }

  /** Counts an operator instance in (see `CheckpointHook.register`): checkpoints wait for its snapshot. */
  register(operator: string): () => void {
    this.#operators.set(operator, (this.#operators.get(operator) ?? 0) + 1);
    return () => {
      const n = (this.#operators.get(operator) ?? 1) - 1;
      if (n <= 0) this.#operators.delete(operator);
      else this.#operators.set(operator, n);
    };
  }

  /** Takes an operator's snapshot for a checkpoint (see `CheckpointHook.snapshotTaken`). O(1). */
  snapshotTaken(report: OperatorSnapshot): void {
    const p = this.#pending.get(report.checkpointId);
    if (p === undefined) throw new CheckpointError('STATE', `operator '${report.operator}' reported checkpoint ${report.checkpointId}, which the coordinator did not trigger`);
    const name = report.store !== undefined ? this.#storeNames.get(report.store) : this.#stores.has(report.operator) ? report.operator : undefined;
    if (name === undefined) {
      throw new CheckpointError('UNKNOWN_STORE', `operator '${report.operator}' uses a store the coordinator did not create: pass it \`store: job.store('${report.operator}')\``);
    }
    if (p.snapshots.has(name)) {
      throw new CheckpointError('STATE', `store '${name}' was reported twice at checkpoint ${p.id} (last by operator '${report.operator}'): give each stateful operator its own store`);
    }
    p.snapshots.set(name, report.snapshot);
    p.acked.add(report.operator);
    this.#maybeComplete(p);
  }

  #sinkBarrier(run: SinkRun<unknown>, id: number): void {
    const p = this.#pending.get(id);
    if (p === undefined) throw new CheckpointError('STATE', `sink '${run.name}' received barrier ${id}, which the coordinator did not trigger`);
    let state: Promise<Json>;
    try {
      state = Promise.resolve(run.writer!.preCommit(id));
    } catch (err) {
      state = Promise.reject(err);
    }
    // A failed pre-commit fails the job (its output would be lost otherwise).
    state.catch((err: unknown) => this.#fail(new CheckpointError('SINK', `sink '${run.name}' failed to pre-commit checkpoint ${id}: ${messageOf(err)}`, { cause: err })));
    p.sinkStates.set(run.name, state);
    this.#maybeComplete(p);
  }

  /** Injects barrier n into every source, now. Returns n. */
  #trigger(): number {
    const id = ++this.#lastId;
    const sources: Record<string, SourceCheckpoint> = {};
    for (const s of this.#sources) sources[s.name] = s.state();
    const p: Pending = {
      id,
      time: Date.now(),
      startedAt: this.#now(),
      sources,
      operators: new Set(this.#operators.keys()),
      acked: new Set(),
      snapshots: new Map(),
      sinkStates: new Map(),
      done: this.#requested,
      complete: false,
      sizeBytes: 0,
      entries: 0,
      pauseMs: 0,
      alignmentMs: 0,
    };
    this.#requested = [];
    this.#pending.set(id, p);
    this.#counters.checkpointsTriggered++;
    const t0 = performance.now();
    for (const s of this.#sources) s.subscriber?.next({ kind: 'barrier', checkpointId: id });
    p.pauseMs = performance.now() - t0;
    this.#counters.lastPauseMs = p.pauseMs;
    this.#maybeComplete(p);
    return id;
  }

  #maybeComplete(p: Pending): void {
    if (p.complete) return;
    for (const op of p.operators) if (!p.acked.has(op)) return;
    if (p.sinkStates.size < this.#sinks.length) return;
    p.complete = true;
    p.alignmentMs = this.#now() - p.startedAt;
    this.#counters.lastAlignmentMs = p.alignmentMs;
    for (const name of this.#stores.keys()) {
      if (!p.snapshots.has(name)) {
        this.#fail(new CheckpointError('STATE', `store '${name}' was not reported at checkpoint ${p.id}: pass \`checkpoint: job\` to the operator that uses it`));
        return;
      }
    }
    this.#persisting = this.#persisting.then(() => this.#persist(p));
  }

  async #persist(p: Pending): Promise<void> {
    try {
      await this.#persistAndCommit(p);
    } finally {
      // The snapshots are encoded (or the checkpoint is given up): let lazily-backed ones (an
      // LMDB read transaction) go. A no-op for in-memory snapshots.
      for (const snap of p.snapshots.values()) snap.release();
    }
  }

  async #persistAndCommit(p: Pending): Promise<void> {
    if (this.#failure !== undefined) return;
    try {
      const sinks: Record<string, Json> = {};
      for (const [name, state] of p.sinkStates) sinks[name] = await state;
      const stores: Record<string, Uint8Array> = {};
      let bytes = 0;
      let entries = 0;
      for (const [name, snap] of p.snapshots) {
        stores[name] = await encodeYielding(snap);
        bytes += stores[name].length;
        entries += snap.len();
      }
      p.sizeBytes = bytes;
      p.entries = entries;
      await this.#o.storage.save({ id: p.id, time: p.time, sources: p.sources, sinks, stores });
      this.#counters.lastSizeBytes = bytes;
    } catch (err) {
      if (this.#failure !== undefined) return;
      this.#counters.checkpointsFailed++;
      this.#o.log?.(`checkpoint ${p.id} failed: ${messageOf(err)}`);
      this.#pending.delete(p.id);
      for (const resolve of p.done) this.#requested.push(resolve); // the next one answers them
      return;
    }
    try {
      for (const s of this.#sinks) await s.writer!.commit(p.id);
    } catch (err) {
      this.#fail(new CheckpointError('SINK', `a sink failed to commit checkpoint ${p.id}: ${messageOf(err)}`, { cause: err }));
      return;
    }
    this.#pending.delete(p.id);
    this.#lastCompleted = p.id;
    this.#counters.checkpointsCompleted++;
    this.#counters.lastCompletedId = p.id;
    this.#counters.lastDurationMs = this.#now() - p.startedAt;
    for (const resolve of p.done) resolve(p.id);
    this.#o.onCheckpoint?.({ id: p.id, durationMs: this.#counters.lastDurationMs, alignmentMs: p.alignmentMs, pauseMs: p.pauseMs, sizeBytes: p.sizeBytes, entries: p.entries });
  }

  async #awaitCheckpoint(id: number): Promise<void> {
    // Wait until checkpoint `id` completed or failed (its persistence is chained after the acks).
    for (;;) {
      this.#throwIfFailed();
      const p = this.#pending.get(id);
      if (p === undefined) return;
      if (!p.complete) {
        const missing = [...p.operators].filter((op) => !p.acked.has(op));
        const sinks = this.#sinks.filter((s) => !p.sinkStates.has(s.name)).map((s) => s.name);
        throw new CheckpointError('STATE', `the final checkpoint ${id} never completed: no acknowledgement from ${[...missing.map((m) => `operator '${m}'`), ...sinks.map((s) => `sink '${s}'`)].join(', ')}`);
      }
      await this.#persisting;
    }
  }

  #checkRestoredNames(): void {
    const r = this.#restored;
    if (r === undefined || this.#o.allowNonRestoredState === true) return;
    const unknown = [
      ...Object.keys(r.stores).filter((n) => !this.#stores.has(n)).map((n) => `store '${n}'`),
      ...Object.keys(r.sources).filter((n) => !this.#sources.some((s) => s.name === n)).map((n) => `source '${n}'`),
      ...Object.keys(r.sinks).filter((n) => !this.#sinks.some((s) => s.name === n)).map((n) => `sink '${n}'`),
    ];
    if (unknown.length > 0) {
      throw new CheckpointError(
        'UNKNOWN_STORE',
        `checkpoint ${r.id} holds state for ${unknown.join(', ')}, which this job does not create: the pipeline changed. ` +
          'Restore with the pipeline that wrote it, or pass allowNonRestoredState: true to drop that state.',
      );
    }
  }

  #fail(err: unknown): void {
    if (this.#failure === undefined) this.#failure = err;
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }
}

/** Encodes a snapshot in chunks, yielding to the event loop between them (records flow meanwhile). */
async function encodeYielding(snap: StateSnapshot): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (const chunk of snap.encodeChunks(32_768)) {
    chunks.push(chunk);
    total += chunk.length;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const out = new Uint8Array(total);
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

function validateOptions(o: CheckpointCoordinatorOptions): void {
  const bad = (what: string, value: unknown): CheckpointError => new CheckpointError('INVALID_ARGUMENT', `CheckpointCoordinator: ${what}, got ${describeValue(value)}`);
  if (typeof o !== 'object' || o === null) throw bad('options must be an object', o);
  if (typeof o.storage?.save !== 'function' || typeof o.storage?.list !== 'function') throw bad('option `storage` must be a CheckpointStorage (new FileCheckpointStorage(dir), say)', o.storage);
  if (o.interval !== undefined) {
    const { events, ms } = o.interval;
    if (events !== undefined && (!Number.isSafeInteger(events) || events < 1)) throw bad('`interval.events` must be a positive integer', events);
    if (ms !== undefined && (typeof ms !== 'number' || !(ms > 0))) throw bad('`interval.ms` must be a positive number of milliseconds', ms);
  }
  if (o.batchSize !== undefined && (!Number.isSafeInteger(o.batchSize) || o.batchSize < 1)) throw bad('`batchSize` must be a positive integer', o.batchSize);
  if (o.ifAllCorrupt !== undefined && o.ifAllCorrupt !== 'fail' && o.ifAllCorrupt !== 'start-fresh') throw bad("`ifAllCorrupt` must be 'fail' or 'start-fresh'", o.ifAllCorrupt);
  if (o.storeFactory !== undefined && typeof o.storeFactory !== 'function') throw bad('`storeFactory` must be a function (name -> StateStore)', o.storeFactory);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
