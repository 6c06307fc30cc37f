// Internal to jetStreamSink: the open writer (buffer, stage, publish) and the recovery at open.
import type { Json, SinkWriter } from '@weir/checkpoint';
import { describeValue, messageOf } from '@weir/state';
import type { FoundRecord, JetStreamSinkLog, LogMessage } from './jetStreamSinkLog';
import type { JetStreamSinkStaging } from './jetStreamSinkStaging';
import { encodeChunks, parseState, stateToJson, type PendingEntry } from './jetStreamSinkState';
import { NatsError } from './NatsError';

/** What the writer needs from the sink's options. */
export interface WriterConfig<T> {
  readonly where: string;
  /** The value's payload (the record's message body). */
  readonly serialize: (value: T) => Uint8Array;
  /** The value's partition, 0 .. partitions - 1. */
  readonly partitionOf: (value: T) => number;
}

/** A checkpoint's records, in write order. */
interface Batch {
  readonly id: number;
  readonly payloads: Uint8Array[];
  readonly partitions: number[];
  /** Staged chunks (0 for a batch recovered from the stream, which is not staged again). */
  readonly chunks: number;
}

/** Staged chunks are at most this large (or the stream's largest message, less room for headers). */
const CHUNK_BYTES = 256 * 1024;
const HEADER_ROOM = 4096;

/**
 * An open {@link jetStreamSink}. Calls are ordered through one queue: a pre-commit waits for the
 * commit before it, so the stream sees staged batches and records in call order.
 */
export class JetStreamSinkWriter<T> implements SinkWriter<T> {
  #payloads: Uint8Array[] = [];
  #partitions: number[] = [];
  /** Pre-committed batches not yet published, in id order. */
  readonly #pending: Batch[] = [];
  /** Staged subjects whose batch is published, to purge. */
  readonly #unpurged: string[] = [];
  #lastPreCommit: number;
  /** The last record known published: [checkpoint id, index]. */
  #tail: [number, number] | null;
  /** Whether {@link #tail} is the stream's last record for sure (false after a failed commit, until the stream is read). */
  #tailKnown = false;
  #queue: Promise<void> = Promise.resolve();
  /** A lost pre-commit: every later call fails with it. */
  #failure: NatsError | undefined;
  readonly #chunkBytes: number;

  private constructor(
    readonly log: JetStreamSinkLog,
    readonly staging: JetStreamSinkStaging,
    readonly cfg: WriterConfig<T>,
    lastPreCommit: number,
    tail: [number, number] | null,
  ) {
    this.#lastPreCommit = lastPreCommit;
    this.#tail = tail;
    this.#chunkBytes = Math.max(1024, Math.min(CHUNK_BYTES, log.maxPayload - HEADER_ROOM, staging.maxPayload - HEADER_ROOM));
  }

  /**
   * Recovers the output for a job resuming with `restored` (or starting fresh) and returns the
   * writer. The log and the staging stream must be open (the epoch taken).
   */
  static async open<T>(log: JetStreamSinkLog, staging: JetStreamSinkStaging, cfg: WriterConfig<T>, restored: Json | undefined): Promise<JetStreamSinkWriter<T>> {
    const { subject } = log;
    if (restored === undefined) {
      await log.withRetries('discard the output of an earlier run', async () => {
        // the output stream is purged only when an earlier run left records there (docs/nats.md, "Durability")
        const info = await log.jsm.streams.info(log.stream, { subjects_filter: `${subject}.*` });
        if (Object.keys(info.state.subjects ?? {}).length > 0) await log.jsm.streams.purge(log.stream, { filter: `${subject}.*` });
        await staging.purge(staging.filter);
      });
      const fresh = new JetStreamSinkWriter(log, staging, cfg, -1, null);
      fresh.#tailKnown = true;
      return fresh;
    }
    const state = parseState(restored);
    if (state === undefined) {
      throw new NatsError(
        'CORRUPT_CHECKPOINT',
        `${cfg.where}: cannot recover from ${describeValue(restored)}: expected { v: 1, epoch, upTo, last, pending: [{ id, records, chunks }] } as returned by preCommit`,
      );
    }
    // 1. Roll back what checkpoints newer than the restored one published (one found corrupt).
    let tail = await log.withRetries('read the last record', () => log.lastRecord());
    while (tail !== undefined && tail.checkpointId > state.upTo) {
      const seq = tail.seq;
      await log.withRetries(`delete record ${seq} of checkpoint ${tail.checkpointId} (newer than the restored ${state.upTo})`, async () => {
        try {
          await log.jsm.streams.deleteMessage(log.stream, seq, false);
        } catch (err) {
          // a retry after a delete whose answer was lost: gone is what we want
          if ((await log.jsm.streams.getMessage(log.stream, { seq })) !== null) throw err;
        }
      });
      tail = await log.withRetries('read the last record', () => log.lastRecord(seq));
    }
    // 2. What the checkpoint saw published must still be there.
    const last = state.last;
    if (last !== null && (tail === undefined || tail.checkpointId < last[0] || (tail.checkpointId === last[0] && tail.index < last[1]))) {
      throw new NatsError(
        'READ',
        `${cfg.where}: stream '${log.stream}' lost committed output: checkpoint ${state.upTo} recorded record ${last[1]} of checkpoint ${last[0]} as published, but the last record there is ${tail === undefined ? 'none' : `record ${tail.index} of checkpoint ${tail.checkpointId}`} (purged, expired by the stream's limits, or lost by the server)`,
      );
    }
    // 3. Publish the rest of every batch the restored checkpoint covers, from its staged copy.
    const writer = new JetStreamSinkWriter(log, staging, cfg, state.upTo, tail === undefined ? null : [tail.checkpointId, tail.index]);
    for (const entry of state.pending) {
      const done = tail !== undefined && (tail.checkpointId > entry.id || (tail.checkpointId === entry.id && tail.index >= entry.records - 1));
      if (!done) writer.#pending.push({ id: entry.id, ...(await staging.read(state.epoch, entry)), chunks: 0 });
    }
    await writer.#publishDue(state.upTo);
    // 4. Discard every staged batch left (this one's, and those of checkpoints never persisted).
    await log.withRetries('discard staged batches', () => staging.purge(staging.filter));
    writer.#unpurged.length = 0;
    return writer;
  }

  write(value: T): void {
    if (this.#failure !== undefined) throw this.#failure;
    const fenced = this.log.fenced;
    if (fenced !== undefined) throw fenced;
    let payload: Uint8Array;
    let partition: number;
    try {
      payload = this.cfg.serialize(value);
      partition = this.cfg.partitionOf(value);
    } catch (err) {
      if (err instanceof NatsError) throw err;
      throw new NatsError('INVALID_ARGUMENT', `${this.cfg.where}: cannot write ${describeValue(value)}: ${messageOf(err)}`, { cause: err });
    }
    if (payload.length + 8 > this.#chunkBytes) {
      throw new NatsError('INVALID_ARGUMENT', `${this.cfg.where}: ${describeValue(value)} serializes to ${payload.length} bytes; stream '${this.log.stream}' takes records up to ${this.#chunkBytes - 8}`);
    }
    this.#payloads.push(payload);
    this.#partitions.push(partition);
  }

  async preCommit(checkpointId: number): Promise<Json> {
    // (an async function runs up to its first await synchronously: the cut is made by the call)
    this.#checkId('preCommit', checkpointId);
    if (checkpointId <= this.#lastPreCommit) {
      throw new NatsError('INVALID_ARGUMENT', `${this.cfg.where}: preCommit(${checkpointId}) after checkpoint ${this.#lastPreCommit}: checkpoint ids must increase`);
    }
    if (this.#failure !== undefined) throw this.#failure;
    const fenced = this.log.fenced;
    if (fenced !== undefined) throw fenced;
    this.#lastPreCommit = checkpointId;
    const payloads = this.#payloads; // the cut: what was written before this call
    const partitions = this.#partitions;
    this.#payloads = [];
    this.#partitions = [];
    return this.#enqueue(async () => {
      let chunks = 0;
      if (payloads.length > 0) {
        const encoded = encodeChunks(payloads, partitions, this.#chunkBytes);
        chunks = encoded.length;
        await this.staging.stage(`stage checkpoint ${checkpointId} in stream '${this.staging.stream}'`, this.staging.subjectOf(this.log.epoch, checkpointId), encoded);
        this.#pending.push({ id: checkpointId, payloads, partitions, chunks });
      }
      return stateToJson({
        v: 1,
        epoch: this.log.epoch,
        upTo: checkpointId,
        last: this.#tail,
        pending: this.#pending.map((b): PendingEntry => ({ id: b.id, records: b.payloads.length, chunks: b.chunks })),
      });
    }, true);
  }

  async commit(checkpointId: number): Promise<void> {
    this.#checkId('commit', checkpointId);
    return this.#enqueue(async () => {
      const fenced = this.log.fenced;
      if (fenced !== undefined) throw fenced;
      await this.#publishDue(checkpointId);
      await this.#purgeStaged();
    }, false);
  }

  async close(): Promise<void> {
    await this.#queue;
    this.#payloads = [];
    this.#partitions = [];
    this.log.close();
  }

  #checkId(call: string, id: number): void {
    if (!Number.isSafeInteger(id) || id < 0) {
      throw new NatsError('INVALID_ARGUMENT', `${this.cfg.where}: ${call} needs a checkpoint id (a non-negative integer), got ${describeValue(id)}`);
    }
  }

  /** Runs `op` after every earlier call's I/O; a failure poisons the writer when `fatal`. */
  #enqueue<R>(op: () => Promise<R>, fatal: boolean): Promise<R> {
    const run = this.#queue.then(() => {
      if (this.#failure !== undefined) throw this.#failure;
      return op();
    });
    this.#queue = run.then(
      () => undefined,
      (err: unknown) => {
        if (fatal && this.#failure === undefined) {
          this.#failure = err instanceof NatsError ? err : new NatsError('PUBLISH', `${this.cfg.where}: ${messageOf(err)}`, { cause: err });
        }
      },
    );
    return run;
  }

  /**
   * Publishes every pending batch up to `checkpointId` to the partition subjects, continuing
   * after the last record the stream holds (so a retry, or a recovery after the duplicate window,
   * never publishes a record twice).
   */
  async #publishDue(checkpointId: number): Promise<void> {
    let n = 0;
    while (n < this.#pending.length && this.#pending[n]!.id <= checkpointId) n++;
    if (n === 0) return;
    const due = this.#pending.slice(0, n);
    const { subject, epoch } = this.log;
    const items: LogMessage[] = [];
    const owner: Array<[number, number]> = []; // item -> [checkpoint id, index]
    const offsets: number[] = [];
    for (const b of due) {
      offsets.push(items.length);
      for (let i = 0; i < b.payloads.length; i++) {
        const s = `${subject}.${b.partitions[i]!}`;
        items.push({ subject: s, data: b.payloads[i]!, msgId: `${s}:${epoch}:${b.id}:${i}` });
        owner.push([b.id, i]);
      }
    }
    const ids = due.map((b) => b.id).join(', ');
    await this.log.withRetries(`commit checkpoint${n === 1 ? '' : 's'} ${ids}`, async () => {
      // in step with the stream, none of these is there yet; after a failure, ask the stream
      const from = this.#tailKnown ? 0 : this.#resumeAt(await this.log.lastRecord(), due, offsets);
      let acked = -1;
      this.#tailKnown = false;
      try {
        await this.log.publishRun(items, from, (i) => {
          if (i > acked) acked = i;
        });
      } finally {
        if (acked >= 0) this.#tail = owner[acked]!;
      }
      this.#tailKnown = true;
    });
    this.#pending.splice(0, n);
    for (const b of due) if (b.chunks > 0) this.#unpurged.push(this.staging.subjectOf(epoch, b.id));
  }

  /** The first item not yet in the stream, given the stream's last record. */
  #resumeAt(tail: FoundRecord | undefined, due: readonly Batch[], offsets: readonly number[]): number {
    if (tail === undefined || tail.checkpointId < due[0]!.id) return 0;
    const k = due.findIndex((b) => b.id === tail.checkpointId);
    if (k < 0) {
      throw new NatsError(
        'FENCED',
        `${this.cfg.where}: the last record in stream '${this.log.stream}' (seq ${tail.seq}) is from checkpoint ${tail.checkpointId}, epoch ${tail.epoch}, which this instance (epoch ${this.log.epoch}) is not committing: another writer published there`,
      );
    }
    return offsets[k]! + tail.index + 1;
  }

  /** Drops staged copies of published batches; a failure is retried at the next commit (and open purges them all). */
  async #purgeStaged(): Promise<void> {
    while (this.#unpurged.length > 0) {
      try {
        await this.staging.purge(this.#unpurged[0]!);
      } catch {
        return;
      }
      this.#unpurged.shift();
    }
  }
}
