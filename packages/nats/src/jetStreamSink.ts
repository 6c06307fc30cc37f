import type { NatsConnection } from '@nats-io/nats-core';
import type { Json, Sink, SinkWriter } from '@weir/checkpoint';
import { describeValue, optionKeys } from '@weir/state';
import { checkNatsOptionKeys } from './checkNatsOptionKeys';
import { JetStreamSinkLog } from './jetStreamSinkLog';
import { JetStreamSinkStaging } from './jetStreamSinkStaging';
import { JetStreamSinkWriter } from './jetStreamSinkWriter';
import { isLiteralSubject, STREAM_NAME } from './natsNames';
import { NatsError } from './NatsError';

/** Options of {@link jetStreamSink}. */
export interface JetStreamSinkOptions<T> {
  /** An open connection (e.g. from `connectNats`); the sink never closes it. */
  readonly connection: NatsConnection;
  /**
   * The output stream. It must exist (else `MISSING_STREAM` at open), take the subjects
   * `<subject>.>`, and have this sink as its only writer.
   */
  readonly stream: string;
  /**
   * The subject prefix: records go to `<subject>.<partition>`, the sink's fence to
   * `<subject>._weir.fence`. E.g. `'clicks.out'`.
   */
  readonly subject: string;
  /**
   * The stream where pre-committed batches wait for their commit, on subjects
   * `_weir.staged.<subject>.<epoch>.<checkpoint id>`; default `<stream>_WEIR_STAGING`. Created at
   * open when missing (subjects `_weir.staged.<subject>.>`, the output stream's replicas and
   * storage, no limits); an existing one must take those subjects, and no other stream may.
   * The sink purges it after every commit; the output stream itself is never purged (but on a
   * fresh start over an earlier run's records).
   */
  readonly stagingStream?: string;
  /** Output partitions, 1 .. 100,000 (default 1): record subjects `<subject>.0` .. `<subject>.<partitions - 1>`. */
  readonly partitions?: number;
  /**
   * The value's key, which picks its partition: FNV-1a (32-bit) of its UTF-8 bytes modulo
   * `partitions`, stable across runs and versions. With `partitions > 1`, this or `partitionOf`
   * is required (not both).
   */
  readonly key?: (value: T) => string | Uint8Array;
  /**
   * Instead of `key`: the value's partition, an integer in [0, `partitions`), checked for every
   * value (anything else fails `write` with `INVALID_ARGUMENT`). For a stream that a partitioned
   * job reads downstream by key group (a repartition stream, docs/scale-out.md), pass
   * `(v) => partitionOfKey(v.user, { partitions, keyGroups })` of `@weir/partition`: partition `p`
   * then carries the contiguous key-group range the worker that owns `p` keeps state for.
   */
  readonly partitionOf?: (value: T) => number;
  /** The message body of a value; default its `JSON.stringify` as UTF-8. */
  readonly serialize?: (value: T) => string | Uint8Array;
  /** How long one publish or stream request waits for its answer, ms; default 5,000. */
  readonly timeoutMs?: number;
  /** Publishes awaiting their acknowledgement at once; default 1,024. */
  readonly maxInFlight?: number;
  /**
   * Tries per step (stage a checkpoint, commit, each recovery request) when the server does not
   * answer, restarts or changes leader; the waits between them double from 250 ms up to 2 s.
   * Default 6 (about 6 s of waits, then `PUBLISH`).
   */
  readonly attempts?: number;
}

const KEYS = optionKeys<JetStreamSinkOptions<unknown>>({
  connection: true,
  stream: true,
  subject: true,
  stagingStream: true,
  partitions: true,
  key: true,
  partitionOf: true,
  serialize: true,
  timeoutMs: true,
  maxInFlight: true,
  attempts: true,
});


/**
 * An exactly-once {@link Sink} into a JetStream stream, partitioned by key (or by a partition
 * function: option `partitionOf`, e.g. by key group for a partitioned job downstream): each committed record
 * appears once in the output stream, on `<subject>.<partition>`, in write order per partition,
 * however often the job crashes, is killed or restarts, and whatever the server's duplicate
 * window. Consumers read only the output stream, with the filter `<subject>.*` (or one
 * partition's subject); they never see the sink's bookkeeping subjects (`<subject>._weir.…`).
 *
 * **Two-phase commit.** `write` serializes and buffers. `preCommit(n)` stages the batch written
 * since the last barrier in the staging stream (`stagingStream`, default `<stream>_WEIR_STAGING`,
 * created at open when missing), in chunks on `_weir.staged.<subject>.<epoch>.<n>`, checks that
 * the fence still holds its epoch, and returns
 * `{ v: 1, epoch, upTo: n, last, pending: [{ id, records, chunks }] }`. `commit(n)` publishes every
 * pending batch up to `n` to the partition subjects, one message per record with
 * `Nats-Msg-Id: <subject>.<partition>:<epoch>:<checkpoint id>:<index>`, then purges their staged
 * copies from the staging stream.
 *
 * ```
 *  write ─► buffer ─preCommit(n)─► staging stream: _weir.staged.<subject>.<e>.<n> (chunks)   state { epoch, upTo: n, pending }
 *                                         │
 *  commit(n): last record of <subject>.* ─► resume after it ─► <subject>.<p>, chained:
 *             1st expects last seq = L, each next expects last msg id = previous ─► purge staged (staging stream)
 * ```
 *
 * **The output stream is never purged** in normal operation: it receives only records and
 * fences (and, on a restore from an older checkpoint, deletes of the records rolled back; on a
 * fresh start over an earlier run's records, one purge of those). On nats-server 2.9.10 an R3
 * stream that has had subject-filtered purges can lose acknowledged messages when a replica
 * with a damaged block later leads; a stream never purged is repaired (docs/nats.md,
 * "Durability"). The purges land on the staging stream, which holds only batches not yet known
 * committed.
 *
 * **Idempotence without the duplicate window.** Every publish is conditional on the stream's
 * last message (the first of a run on its sequence, each next on the previous message's id), so
 * a batch lands as a contiguous prefix. Before publishing, the sink reads the stream's last
 * record (its id names checkpoint and index) and continues after it: a retry, or a recovery days
 * later, never publishes a record twice.
 *
 * **Fence.** At open the sink takes the next epoch by compare-and-set on
 * `<subject>._weir.fence` (publish expecting that subject's last sequence). That message moves
 * the stream's last sequence, so every conditional publish of an older instance (a zombie) fails
 * from then on and it publishes nothing more; it learns of the new epoch (from a subscription to
 * the fence, or on its next publish) and throws `FENCED` from `write`, `preCommit` and `commit`.
 *
 * **Recovery** (`open`). From a checkpoint's state: records of checkpoints newer than `upTo`
 * are deleted (one request each: the newest checkpoint was found corrupt and the replay
 * writes them again); the stream must still hold the last record the checkpoint saw (else
 * `READ`: the output was purged or expired); then each batch the state lists is published from
 * its staged copy, after the last record the stream holds, and the staging stream is purged.
 * Starting fresh (`undefined`): the staging stream is purged, and the output's record subjects
 * too when an earlier run left records there (the fences stay). A zombie may leave a staged
 * batch in the staging stream after that; the next open discards it.
 *
 * **Cost.** `write`: serialize, hash the key, push (no I/O). `preCommit`: two requests, then the
 * batch in 256 KiB chunks to the staging stream, then one request to read the fence. `commit`:
 * one acknowledged publish per record, up to `maxInFlight` in flight (core publishes with their
 * replies on one inbox, no promise or timer per record), then one purge of the staging stream;
 * after a failure, one request per message to find the last record. Measured
 * (bench/jetStreamSink.bench.ts, 30k records of ~80 B, loopback R1, 2 cores): ~40k records/s for
 * write + preCommit + commit, 2.2x the raw client's `js.publish` with 256 in flight. Every record
 * crosses the network twice (staged, then published). The batches stay in memory until
 * committed. The output stream's limits must keep at least the sink's last record (recovery
 * reads it); the staging stream's must keep a checkpoint's batch until its commit.
 *
 * **Limits.** The sink must be the stream's only writer (one sink per stream: its conditional
 * publishes fail against any other). A consumer sees each committed record once, except after a
 * restore from a checkpoint older than the newest committed one (the newest found corrupt): the
 * records that checkpoint committed are deleted and written again by the replay, so a consumer
 * that had read them reads them again (the log's form of "visible output may briefly step back").
 *
 * **Errors** are `NatsError`s: `MISSING_STREAM` naming the stream; `INVALID_ARGUMENT` for bad
 * options, a stream (output or staging) that does not take the subjects, a staging stream that
 * cannot be created (its subjects overlap another stream's), a value that cannot be serialized or is
 * larger than the stream takes, ids out of order; `FENCED` for a newer instance or a foreign
 * writer; `PUBLISH` (the cause attached) when a step fails `attempts` times or is refused;
 * `READ` and `CORRUPT_CHECKPOINT` when recovery cannot find what the state names. A failed
 * `preCommit` fails every later call (its batch is lost; the job must restart from a
 * checkpoint); a failed `commit` is retried by the next one.
 *
 * @param options - see {@link JetStreamSinkOptions}
 *
 * @example
 * ```ts
 * const nc = await connectNats({ servers: 'nats://127.0.0.1:4222' });
 * await (await jetstreamManager(nc)).streams.add({ name: 'CLICKS_OUT', subjects: ['clicks.out.>'] });
 * const sink = jetStreamSink<{ user: string; count: number }>({
 *   connection: nc,
 *   stream: 'CLICKS_OUT',
 *   subject: 'clicks.out',
 *   partitions: 8,
 *   key: (r) => r.user,
 * });
 * // job.sink('counts', sink); consumers read CLICKS_OUT with filter 'clicks.out.*'
 * // for a partitioned job downstream, partition by key group instead of `key`:
 * //   partitionOf: (r) => partitionOfKey(r.user, { partitions: 8 }),  // @weir/partition
 * // (the sink creates CLICKS_OUT_WEIR_STAGING on its first open, like CLICKS_OUT's replicas and storage)
 * ```
 */
export function jetStreamSink<T>(options: JetStreamSinkOptions<T>): Sink<T> {
  const kind = 'jetStreamSink';
  if (options === null || typeof options !== 'object') {
    throw new NatsError('INVALID_ARGUMENT', `${kind}: expected options { connection, stream, subject, ... }, got ${describeValue(options)}`);
  }
  checkNatsOptionKeys(kind, options, KEYS);
  const { connection, stream, subject } = options;
  const bad = (what: string, value: unknown): NatsError => new NatsError('INVALID_ARGUMENT', `${kind}: ${what}, got ${describeValue(value)}`);
  if (connection === null || typeof connection !== 'object' || typeof (connection as { publish?: unknown }).publish !== 'function') {
    throw bad('option `connection` must be a NatsConnection', connection);
  }
  if (typeof stream !== 'string' || !STREAM_NAME.test(stream)) throw bad('option `stream` must be a stream name (no spaces, dots, wildcards or slashes)', stream);
  if (!isLiteralSubject(subject)) {
    throw bad('option `subject` must be a subject without wildcards (tokens separated by dots)', subject);
  }
  const stagingStream = options.stagingStream ?? `${stream}_WEIR_STAGING`;
  if (typeof stagingStream !== 'string' || !STREAM_NAME.test(stagingStream) || stagingStream === stream) {
    throw bad('option `stagingStream` must be a stream name (no spaces, dots, wildcards or slashes) other than `stream`', options.stagingStream);
  }
  const partitions = options.partitions ?? 1;
  if (!Number.isSafeInteger(partitions) || partitions < 1 || partitions > 100_000) throw bad('option `partitions` must be an integer 1 .. 100000', options.partitions);
  const { key, serialize, partitionOf: choose } = options;
  if (key !== undefined && typeof key !== 'function') throw bad('option `key` must be a function value => string | Uint8Array', key);
  if (choose !== undefined && typeof choose !== 'function') throw bad('option `partitionOf` must be a function value => partition number', choose);
  if (key !== undefined && choose !== undefined) throw bad('give either option `key` or option `partitionOf`, not both', Object.keys(options));
  if (key === undefined && choose === undefined && partitions > 1) throw bad(`option \`key\` (or \`partitionOf\`) is required with ${partitions} partitions`, key);
  if (serialize !== undefined && typeof serialize !== 'function') throw bad('option `serialize` must be a function value => string | Uint8Array', serialize);
  const int = (name: 'timeoutMs' | 'maxInFlight' | 'attempts', fallback: number): number => {
    const v = options[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw bad(`option \`${name}\` must be a positive integer`, v);
    return v;
  };
  const tuning = { timeoutMs: int('timeoutMs', 5_000), maxInFlight: int('maxInFlight', 1_024), attempts: int('attempts', 6), backoffMs: 250 };
  const where = `${kind} (${stream}, ${subject}.*)`;

  const toBytes = (v: unknown, what: string): Uint8Array => {
    if (typeof v === 'string') return Buffer.from(v, 'utf8');
    if (v instanceof Uint8Array) return v;
    throw new Error(`${what} must return a string or a Uint8Array, got ${describeValue(v)}`);
  };
  const serializeValue =
    serialize === undefined
      ? (value: T): Uint8Array => {
          const json = JSON.stringify(value) as string | undefined;
          if (json === undefined) throw new Error('JSON.stringify returned undefined');
          return Buffer.from(json, 'utf8');
        }
      : (value: T): Uint8Array => toBytes(serialize(value), 'serialize');
  const partitionOf =
    choose !== undefined
      ? (value: T): number => {
          const p = choose(value);
          if (!Number.isInteger(p) || p < 0 || p >= partitions) throw new Error(`partitionOf must return an integer in [0, ${partitions}), got ${describeValue(p)}`);
          return p;
        }
      : key === undefined || partitions === 1
        ? (): number => 0
        : (value: T): number => fnv1a(toBytes(key(value), 'key')) % partitions;

  return {
    describe: () => `JetStream stream ${stream} (${subject}.<0..${partitions - 1}>)`,
    async open(restored: Json | undefined): Promise<SinkWriter<T>> {
      const log = new JetStreamSinkLog(connection, stream, subject, where, tuning);
      await log.open(restored === undefined);
      try {
        const staging = new JetStreamSinkStaging(log, stagingStream);
        await staging.open();
        return await JetStreamSinkWriter.open(log, staging, { where, serialize: serializeValue, partitionOf }, restored);
      } catch (err) {
        log.close();
        throw err;
      }
    },
  };
}

/** FNV-1a, 32-bit, unseeded: the same partition for the same key in every process and version. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}
