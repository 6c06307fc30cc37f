import { Observable, type OperatorFunction, type Subscription } from 'rxjs';
import { describeValue, type StateStore } from '@weir/state';
import type { CheckpointHook, OperatorMetrics, OperatorQuery, OperatorSnapshot, StreamElement } from '@weir/stream';
import { CheckpointError } from './CheckpointError';
import { CheckpointHistory } from './CheckpointHistory';
import type { CheckpointData, SourceCheckpoint } from './CheckpointStorage';
import { CheckpointCounters, type CheckpointMetrics } from './CheckpointMetrics';
import {
  resolveCoordinatorOptions,
  type CheckpointCoordinatorOptions,
  type CoordinatedSourceOptions,
  type JobSummary,
  type ResolvedCoordinatorOptions,
} from './CheckpointCoordinatorOptions';
import { CheckpointPersister } from './CheckpointPersister';
import { CheckpointTracker, type PendingCheckpoint } from './CheckpointTracker';
import { checkRestoredNames, recoverLatestCheckpoint } from './recoverLatestCheckpoint';
import type { Sink } from './Sink';
import { SinkRun } from './SinkRun';
import type { Source } from './Source';
import { SourceRun } from './SourceRun';
import { StoreRegistry } from './StoreRegistry';
import { JobView } from './JobView';

/**
 * Runs a job with exactly-once state (docs/architecture.md §4, asynchronous barrier snapshots as
 * in Flink): it owns the job's stores, sources and sinks, injects checkpoint barriers into every
 * source at the same moment, collects each stateful operator's snapshot as the barrier passes it
 * and each sink's pre-commit, persists them together with the sources' offsets and watermarks as
 * one checkpoint, then tells the sinks to commit. After a crash, {@link CheckpointCoordinator.open}
 * finds the newest checkpoint that loads and restores (falling back past a corrupt one), resumes
 * every source at its offset and lets every sink commit or discard what it had written: the
 * committed output equals an uninterrupted run's.
 *
 * It is the {@link CheckpointHook} of the job: pass it as `checkpoint` to every stateful operator,
 * whose store must come from {@link CheckpointCoordinator.store} (one store per operator).
 *
 * **Cost and bounds.** On the record path a checkpoint costs each operator a cache flush (a window
 * only captures its waiting groups, their log encoded later: docs/architecture.md §5.3) and an
 * O(1) `store.snapshot()`; encoding, checksums and writes run in slices of about 1 ms between
 * record batches, streamed to the storage. At most `maxConcurrentCheckpoints` (default 1) are in
 * flight: a trigger that falls due meanwhile waits (counted as skipped), so memory stays flat at
 * any interval. `job.metrics` and `onCheckpoint` report each checkpoint's real pause: the longest
 * the sources stood still because of it. Sources take turns emitting `batchSize` records, so the
 * interleaving of several sources (and with it every join's output) is the same in every run.
 *
 * **Failures.** A checkpoint the storage cannot persist is counted; after more consecutive
 * failures than `tolerableCheckpointFailures` (default 0), or when the final checkpoint at the end
 * of input fails, {@link run} rejects with `CheckpointError` `STORAGE`: output no checkpoint
 * committed is never reported as done.
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
  readonly #o: ResolvedCoordinatorOptions;
  readonly #restored: CheckpointData | undefined;
  readonly #stores: StoreRegistry;
  readonly #sources: SourceRun<unknown>[] = [];
  readonly #sinks: SinkRun<unknown>[] = [];
  readonly #tracker: CheckpointTracker;
  readonly #persister: CheckpointPersister;
  #lastId: number;
  #failure: unknown = undefined;
  #requested: Array<(id: number) => void> = [];
  #running = false;
  #lastCompleted: number | undefined = undefined;
  /** When the last checkpoint ended (committed or failed), on the coordinator's clock. */
  #lastEndedAt = Number.NEGATIVE_INFINITY;
  /** For {@link view}: the operators that registered, with their metrics, and the recent checkpoints. */
  readonly #operators = new Map<string, OperatorMetrics>();
  /** For {@link view}: the key queries the operators offered when they registered. */
  readonly #queries = new Map<string, OperatorQuery>();
  readonly #history = new CheckpointHistory();
  #view: JobView | undefined;

  private constructor(o: ResolvedCoordinatorOptions, stores: StoreRegistry, restored: CheckpointData | undefined, restoreMs: number, highestId: number) {
    this.#o = o;
    this.#stores = stores;
    this.#restored = restored;
    this.#lastId = Math.max(highestId, restored?.id ?? 0);
    this.#counters.restoredFrom = restored?.id;
    this.#counters.restoreMs = restoreMs;
    this.metrics = this.#counters;
    this.#tracker = new CheckpointTracker(() => this.#sinks.length, (p) => this.#acknowledged(p), o.now);
    this.#persister = new CheckpointPersister(o, this.#counters, this.#sinks, {
      hasFailed: () => this.#failure !== undefined,
      fail: (err) => this.#fail(err),
      completed: (p) => {
        this.#lastCompleted = p.id;
        this.#history.completed(p, this.#counters, this.#o.now());
        for (const resolve of p.done) resolve(p.id);
      },
      skipped: (p) => this.#requested.push(...p.done), // the next checkpoint answers them
      ended: (p) => {
        this.#tracker.finish(p);
        this.#counters.checkpointsInFlight = this.#tracker.inFlight;
        this.#lastEndedAt = this.#o.now();
      },
    });
  }

  /**
   * Opens a job: finds the newest checkpoint in `options.storage` that loads and whose stores
   * restore (logging and skipping corrupt ones), if any, and restores the stores from it, so that
   * the stores, sources and sinks created next resume from it. Restoring is O(entries).
   *
   * @example
   * ```ts
   * const job = await CheckpointCoordinator.open({ storage: new FileCheckpointStorage('chk') });
   * if (job.restoredFrom !== undefined) console.log(`resuming from checkpoint ${job.restoredFrom}`);
   * ```
   */
  static async open(options: CheckpointCoordinatorOptions): Promise<CheckpointCoordinator> {
    const o = resolveCoordinatorOptions(options);
    const t0 = o.now();
    const { stores, restored, highestId } = await recoverLatestCheckpoint(o);
    return new CheckpointCoordinator(o, stores, restored, o.now() - t0, highestId);
  }

  /** The id of the checkpoint this job resumed from, or `undefined` for a fresh start. */
  get restoredFrom(): number | undefined {
    return this.#restored?.id;
  }

  /**
   * The store named `name`: made by the store factory (and restored when the job opened, if the
   * checkpoint being resumed holds one of that name), the same store on every call. Give each
   * stateful operator its own store and a stable name. O(1).
   *
   * @example
   * ```ts
   * tumblingWindow({ ..., store: job.store('views'), name: 'views', checkpoint: job });
   * ```
   */
  store(name: string): StateStore {
    return this.#stores.claim(name);
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
    if (this.#sources.some((s) => s.name === name)) throw new CheckpointError('INVALID_ARGUMENT', `CheckpointCoordinator.source: a source named '${name}' exists already`);
    SourceRun.check(name, source, options);
    const run = new SourceRun<T>(name, source, options, this.#restored?.sources[name], this.#o.now);
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
    return run.operator((id) => this.#sinkBarrier(run as SinkRun<unknown>, id));
  }

  /**
   * Asks for a checkpoint as soon as one may be taken (at the next round boundary, once fewer than
   * `maxConcurrentCheckpoints` are in flight); resolves with the id of the checkpoint that covers
   * the request once it is persisted and committed.
   */
  checkpointNow(): Promise<number> {
    return new Promise((resolve) => this.#requested.push(resolve));
  }

  /**
   * Runs the job: subscribes to every output (each a pipeline ending in {@link CheckpointCoordinator.sink},
   * or any observable), opens sinks and sources (recovering them from the restored checkpoint),
   * then lets the sources take turns emitting records, checkpointing at the configured interval,
   * until every source is exhausted; then takes a final checkpoint and resolves once every output
   * has completed and that checkpoint is persisted and committed. Rejects with the first error of
   * any output, source, sink or checkpoint protocol violation, and with `CheckpointError`
   * `STORAGE` when checkpoints cannot be persisted (see `tolerableCheckpointFailures`).
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
      this.#fail(err);
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
        s.emitRestoredWatermark();
      }
      const recordsRead = await this.#pump();
      // End of input: close event time, let the checkpoints in flight end, take the final one.
      for (const s of this.#sources) s.closeEventTime();
      await this.#drain();
      const last = this.#trigger(true);
      for (const s of this.#sources) s.subscriber?.complete();
      await finished;
      this.#throwIfFailed();
      await this.#drain(last);
      return { restoredFrom: this.restoredFrom, recordsRead, lastCheckpoint: this.#lastCompleted, metrics: this.metrics.snapshot() };
    } catch (err) {
      fail(err);
      // Let a checkpoint write already under way settle (no new one starts after a failure), so
      // that a job restarted in the same process sees storage and sinks at rest.
      await this.#persister.settled();
      throw this.#failure;
    } finally {
      for (const sub of subscriptions) sub.unsubscribe();
      await Promise.all(this.#sources.map(async (s) => s.reader?.close?.())).catch(() => undefined);
      await Promise.all(this.#sinks.map(async (s) => s.close())).catch(() => undefined);
      this.#running = false;
    }
  }

  /** Lets the sources take turns until every one is exhausted, checkpointing as due; returns the records read. */
  async #pump(): Promise<number> {
    const { batchSize, everyEvents, everyMs, maxConcurrent, minPauseMs, now } = this.#o;
    let sinceCheckpoint = 0;
    let periodStart = now();
    let waiting = false; // a due checkpoint waits for a free slot
    let recordsRead = 0;
    let batchesSinceYield = 0;
    for (;;) {
      this.#throwIfFailed();
      let live = 0;
      for (const s of this.#sources) {
        if (s.exhausted) continue;
        const got = await s.pull(batchSize);
        this.#throwIfFailed();
        sinceCheckpoint += got;
        recordsRead += got;
        if (!s.exhausted) live++;
      }
      if (live === 0) return recordsRead;
      const t = now();
      const periodOver = sinceCheckpoint >= everyEvents || t - periodStart >= everyMs;
      if (periodOver || waiting || this.#requested.length > 0) {
        if (this.#tracker.inFlight >= maxConcurrent || t - this.#lastEndedAt < minPauseMs) {
          if (periodOver || !waiting) this.#counters.checkpointsSkipped++;
          waiting = true;
        } else {
          this.#trigger(false);
          waiting = false;
        }
        if (periodOver || !waiting) {
          sinceCheckpoint = 0;
          periodStart = t;
        }
      }
      // Let IO progress (a checkpoint being written, async sources, sinks and schedulers): after
      // every batch while a checkpoint is in flight, else every 16th batch, since a turn of the
      // event loop costs 4-12 us, up to 5% of a fast job's time if taken after every batch.
      // Counted in batches, not time, so runs stay reproducible. A turn taken while checkpoints
      // are in flight is a stall they cause: it runs their encoding and persistence slices.
      const inFlight = this.#tracker.inFlight > 0;
      if (inFlight || ++batchesSinceYield >= 16) {
        batchesSinceYield = 0;
        const t0 = performance.now();
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (inFlight) this.#tracker.notePause(performance.now() - t0);
      }
    }
  }

  /**
   * Waits until checkpoint `id` has ended or, without `id`, until no checkpoint is being
   * persisted (one whose barrier has not reached every operator yet is left to the final
   * checkpoint's check, so that a barrier that never arrives is reported, not waited for);
   * throws the job's failure.
   */
  async #drain(id?: number): Promise<void> {
    for (;;) {
      this.#throwIfFailed();
      if (id === undefined ? !this.#tracker.persisting() : !this.#tracker.has(id)) return;
      if (id !== undefined) {
        const p = this.#tracker.get(id, 'the coordinator');
        if (!p.acknowledged) {
          const missing = this.#tracker.missing(p, this.#sinks.map((s) => s.name));
          throw new CheckpointError('STATE', `the final checkpoint ${id} never completed: no acknowledgement from ${missing}`);
        }
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Counts an operator instance in (see `CheckpointHook.register`): checkpoints wait for its snapshot. */
  register(operator: string, metrics?: OperatorMetrics, query?: OperatorQuery): () => void {
    if (metrics !== undefined) this.#operators.set(operator, metrics);
    if (query !== undefined) this.#queries.set(operator, query);
    return this.#tracker.register(operator);
  }

  /**
   * A read-only view of this job for monitoring: sources, operators, stores, recent checkpoints
   * (see {@link JobView}; `@weir/http` serves it). The same view on every call. O(1).
   *
   * @example
   * ```ts
   * const view = job.view();
   * console.log(view.sources().map((s) => `${s.name}: ${s.recordsRead}`).join(', '));
   * ```
   */
  view(): JobView {
    return (this.#view ??= new JobView({
      metrics: this.metrics,
      running: () => this.#running,
      sources: () => this.#sources,
      operators: () => this.#operators,
      queries: () => this.#queries,
      storeNames: () => [...this.#stores.claimed()],
      store: (name) => this.#stores.claimedStore(name),
      recentCheckpoints: () => this.#history.recent(),
      now: this.#o.now,
    }));
  }

  /**
   * Operators may leave entries of their snapshot to be produced after the barrier
   * (`OperatorSnapshot.deferred`): the persister adds them, a slice at a time between records,
   * before it encodes the checkpoint (docs/architecture.md §5.3).
   */
  readonly takesDeferredEntries = true;

  /** Takes an operator's snapshot for a checkpoint (see `CheckpointHook.snapshotTaken`). O(1). */
  snapshotTaken(report: OperatorSnapshot): void {
    const p = this.#tracker.get(report.checkpointId, `operator '${report.operator}'`);
    const name = report.store !== undefined ? this.#stores.nameOf(report.store) : this.#stores.has(report.operator) ? report.operator : undefined;
    if (name === undefined) {
      throw new CheckpointError('UNKNOWN_STORE', `operator '${report.operator}' uses a store the coordinator did not create: pass it \`store: job.store('${report.operator}')\``);
    }
    this.#tracker.snapshotTaken(p, report.operator, name, report.snapshot, report.deferred);
  }

  #sinkBarrier(run: SinkRun<unknown>, id: number): void {
    const p = this.#tracker.get(id, `sink '${run.name}'`);
    const state = run.preCommit(id);
    state.catch((err: unknown) => this.#fail(err)); // its output would be lost otherwise
    this.#tracker.preCommitted(p, run.name, state);
  }

  /** Injects barrier n into every source, now. Returns n. */
  #trigger(final: boolean): number {
    const id = ++this.#lastId;
    const sources: Record<string, SourceCheckpoint> = {};
    for (const s of this.#sources) sources[s.name] = s.state();
    const p = this.#tracker.begin(id, sources, this.#requested, final, this.#o.now());
    this.#requested = [];
    this.#counters.checkpointsTriggered++;
    this.#counters.checkpointsInFlight = this.#tracker.inFlight;
    const t0 = performance.now();
    for (const s of this.#sources) s.subscriber?.next({ kind: 'barrier', checkpointId: id });
    p.barrierMs = performance.now() - t0;
    if (p.barrierMs > p.pauseMs) p.pauseMs = p.barrierMs;
    this.#tracker.check(p);
    return id;
  }

  /** Every operator and sink acknowledged `p`: check every store took part, then persist it. */
  #acknowledged(p: PendingCheckpoint): void {
    for (const name of this.#stores.claimed()) {
      if (!p.snapshots.has(name)) {
        this.#fail(new CheckpointError('STATE', `store '${name}' was not reported at checkpoint ${p.id}: pass \`checkpoint: job\` to the operator that uses it`));
        return;
      }
    }
    this.#persister.enqueue(p);
  }

  #checkRestoredNames(): void {
    if (this.#restored === undefined) return;
    checkRestoredNames(this.#restored, this.#stores, this.#sources.map((s) => s.name), this.#sinks.map((s) => s.name), this.#o.options.allowNonRestoredState === true);
  }

  #fail(err: unknown): void {
    if (this.#failure === undefined) this.#failure = err;
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }
}
