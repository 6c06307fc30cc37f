import { messageOf, type Entry, type StateSnapshot } from '@weir/state';
import { CheckpointError } from './CheckpointError';
import type { CheckpointCounters } from './CheckpointMetrics';
import type { CheckpointReport, ResolvedCoordinatorOptions } from './CheckpointCoordinatorOptions';
import type { PendingCheckpoint } from './CheckpointTracker';
import type { Json } from './Json';
import type { SinkRun } from './SinkRun';

/** Entries per encoded chunk: ~40 KiB for typical window state, well under a millisecond to encode. */
export const ENTRIES_PER_CHUNK = 1_024;
/**
 * The most a turn of the event loop runs checkpoint work before the record path gets its turn,
 * ms: encoding and whatever the storage does with each chunk in the same turn (checksums,
 * gathering writes).
 */
export const SLICE_MS = 1;

/** Deferred entries added to a snapshot at once, at most (a join's rows come one per entry)... */
const DEFERRED_BATCH_ENTRIES = 512;
/** ... or bytes of them (a window's barrier log comes in 16 KiB chunks). */
const DEFERRED_BATCH_BYTES = 64 * 1024;

/** Internal: how the coordinator hears about the persister's outcomes. */
export interface PersisterEvents {
  /** The job has failed already (nothing more is persisted). */
  hasFailed(): boolean;
  /** Fails the job with `err`. */
  fail(err: unknown): void;
  /** Checkpoint `p` is persisted and committed. */
  completed(p: PendingCheckpoint): void;
  /** Checkpoint `p` failed and the job tolerates it: the next checkpoint covers its output. */
  skipped(p: PendingCheckpoint): void;
  /** Checkpoint `p` is no longer in flight (after `completed`, `skipped` or a failure of the job). */
  ended(p: PendingCheckpoint): void;
}

/**
 * Internal: persists acknowledged checkpoints one at a time, in order (docs/architecture.md §4):
 * waits for the sinks' pre-commits, streams every store's snapshot to the storage in chunks
 * encoded in slices of about {@link SLICE_MS} ms of a turn, the storage's own work on each chunk
 * included (a turn of the event loop between slices lets records through, so a large store never stalls the record path for its whole encoding, and
 * never sits in memory whole), then commits the sinks. A checkpoint the storage cannot persist is
 * counted; past `tolerableCheckpointFailures` consecutive ones, or for the final checkpoint, the
 * job fails with `CheckpointError` `STORAGE`.
 */
export class CheckpointPersister {
  #chain: Promise<void> = Promise.resolve();
  #consecutiveFailures = 0;

  constructor(
    private readonly o: ResolvedCoordinatorOptions,
    private readonly counters: CheckpointCounters,
    private readonly sinks: readonly SinkRun<unknown>[],
    private readonly events: PersisterEvents,
  ) {}

  /** Queues `p` behind the checkpoints being persisted. */
  enqueue(p: PendingCheckpoint): void {
    this.#chain = this.#chain.then(() => this.#persist(p));
  }

  /** Settles once everything queued so far is persisted (or given up). Never rejects. */
  settled(): Promise<void> {
    return this.#chain;
  }

  async #persist(p: PendingCheckpoint): Promise<void> {
    try {
      if (this.events.hasFailed()) return;
      const sinks: Record<string, Json> = {};
      try {
        for (const [name, state] of p.sinkStates) sinks[name] = await state;
      } catch (err) {
        this.events.fail(err); // a sink that cannot pre-commit would lose its output
        return;
      }
      if (p.deferred.size > 0 && !(await this.#complete(p))) return;
      const encoded = new SlicedEncoding(p.snapshots, this.o.storage.copiesChunks === true);
      try {
        await this.o.storage.save({ id: p.id, time: p.time, sources: p.sources, sinks, stores: encoded.stores });
      } catch (err) {
        if (encoded.failure !== undefined) {
          const { store, error } = encoded.failure;
          this.events.fail(new CheckpointError('STATE', `checkpoint ${p.id}: store '${store}' could not be encoded: ${messageOf(error)}`, { cause: error }));
        } else {
          this.#storageFailed(p, err);
        }
        return;
      }
      this.#consecutiveFailures = 0;
      try {
        for (const s of this.sinks) {
          // A sink's commit holds the job's thread up to its first await: a stall this checkpoint
          // causes, which the run loop's count of turns cannot see (by its next turn the
          // checkpoint has ended), so it is measured here.
          const t0 = performance.now();
          const committing = s.commit(p.id);
          const ms = performance.now() - t0;
          if (ms > p.pauseMs) p.pauseMs = ms;
          await committing;
        }
      } catch (err) {
        this.events.fail(err);
        return;
      }
      let entries = 0;
      for (const snap of p.snapshots.values()) entries += snap.len();
      const c = this.counters;
      c.checkpointsCompleted++;
      c.lastCompletedId = p.id;
      c.lastDurationMs = this.o.now() - p.startedAt;
      c.lastSizeBytes = encoded.bytes;
      c.lastPauseMs = p.pauseMs;
      c.lastBarrierMs = p.barrierMs;
      if (p.pauseMs > c.maxPauseMs) c.maxPauseMs = p.pauseMs;
      this.events.completed(p);
      const report: CheckpointReport = { id: p.id, durationMs: c.lastDurationMs, alignmentMs: p.alignmentMs, pauseMs: p.pauseMs, barrierMs: p.barrierMs, sizeBytes: encoded.bytes, entries };
      this.o.options.onCheckpoint?.(report);
    } finally {
      // Encoded (or given up): let lazily-backed snapshots (an LMDB read transaction) go.
      for (const snap of p.snapshots.values()) snap.release();
      this.events.ended(p);
    }
  }

  /**
   * Adds each store's deferred entries to its snapshot, one `next()` per piece of a slice of
   * checkpoint work; false when one could not be produced (the job has failed then: the
   * checkpoint cannot hold the state at its barrier).
   */
  async #complete(p: PendingCheckpoint): Promise<boolean> {
    const slices = new TurnSlices();
    // acknowledged in the barrier's own turn: let the records through before the first piece
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (const [name, rest] of p.deferred) {
      let snap = p.snapshots.get(name)!;
      try {
        // added in batches: each withEntries copies a path of the tree and starts a page
        let batch: Entry[] = [];
        let bytes = 0;
        for (;;) {
          await slices.next();
          const next = rest.next();
          if (next.done !== true) {
            batch.push(next.value);
            bytes += next.value[0].length + next.value[1].length;
          }
          if (batch.length > 0 && (next.done === true || batch.length >= DEFERRED_BATCH_ENTRIES || bytes >= DEFERRED_BATCH_BYTES)) {
            snap = snap.withEntries(batch);
            batch = [];
            bytes = 0;
          }
          if (next.done === true) break;
        }
      } catch (err) {
        this.events.fail(new CheckpointError('STATE', `checkpoint ${p.id}: store '${name}' could not be completed (its deferred entries): ${messageOf(err)}`, { cause: err }));
        return false;
      }
      p.snapshots.set(name, snap);
    }
    return true;
  }

  #storageFailed(p: PendingCheckpoint, err: unknown): void {
    this.counters.checkpointsFailed++;
    const n = ++this.#consecutiveFailures;
    const tolerated = this.o.tolerableFailures;
    const where = this.o.storage.describe();
    if (p.final || n > tolerated) {
      const why = p.final
        ? 'the final checkpoint must succeed: it commits the end of the output'
        : `${n} consecutive checkpoint failure(s), tolerableCheckpointFailures is ${tolerated}`;
      this.events.fail(new CheckpointError('STORAGE', `checkpoint ${p.id} could not be persisted to ${where}: ${messageOf(err)} (${why})`, { cause: err }));
      return;
    }
    this.o.log?.(`checkpoint ${p.id} could not be persisted to ${where}: ${messageOf(err)} (failure ${n} of ${tolerated} tolerated in a row; the next checkpoint covers its output)`);
    this.events.skipped(p);
  }
}

/** The stores of one checkpoint as chunk streams, encoded slice by slice as the storage reads them. */
class SlicedEncoding {
  readonly stores: Record<string, AsyncIterable<Uint8Array>> = {};
  bytes = 0;
  failure: { readonly store: string; readonly error: unknown } | undefined;

  readonly #slices = new TurnSlices();

  /** @param reuseBuffer - the storage copies each chunk before asking for the next (CheckpointStorage.copiesChunks) */
  constructor(
    snapshots: ReadonlyMap<string, StateSnapshot>,
    private readonly reuseBuffer: boolean,
  ) {
    for (const [name, snap] of snapshots) this.stores[name] = this.#chunks(name, snap);
  }

  async *#chunks(name: string, snap: StateSnapshot): AsyncGenerator<Uint8Array, void, undefined> {
    let it: Iterator<Uint8Array>;
    try {
      it = snap.encodeChunks(ENTRIES_PER_CHUNK, this.reuseBuffer ? { reuseBuffer: true } : {});
    } catch (error) {
      this.failure = { store: name, error };
      throw error;
    }
    for (;;) {
      // the storage has taken the last chunk (and done its work on it): go on in this turn, or
      // let the records through first
      await this.#slices.next();
      let next: IteratorResult<Uint8Array>;
      try {
        next = it.next();
      } catch (error) {
        this.failure = { store: name, error };
        throw error;
      }
      if (next.done === true) return;
      this.bytes += next.value.byteLength;
      yield next.value;
    }
  }
}

/**
 * Internal: cuts checkpoint work into slices of at most about {@link SLICE_MS} of one turn of
 * the event loop. The budget counts from the first piece of work in a turn to the piece about to
 * start, so it covers everything the turn ran for the checkpoint between them: the encoding and
 * what the storage did with each chunk (a consumer's synchronous work runs between two requests
 * for the next chunk). A turn is noticed by an immediate scheduled at its first piece: once that
 * has run, the event loop has turned (the storage awaited I/O, or we yielded) and a new budget
 * starts.
 */
export class TurnSlices {
  /** Slices started: turns of the event loop that ran checkpoint work. */
  slices = 0;
  #start = 0;
  #turned = true;

  constructor(
    private readonly budgetMs: number = SLICE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Resolves at once while this turn's budget lasts; otherwise after a turn of the event loop. */
  async next(): Promise<void> {
    if (!this.#turned && this.now() - this.#start >= this.budgetMs) await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.#turned) this.#begin();
  }

  #begin(): void {
    this.slices++;
    this.#turned = false;
    this.#start = this.now();
    setImmediate(() => {
      this.#turned = true;
    });
  }
}
