import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager, StorageType } from '@nats-io/jetstream';
import { describeValue, messageOf, optionKeys } from '@weir/state';
import { checkNatsOptionKeys } from './checkNatsOptionKeys';
import type { JetStreamInput } from './jetStreamSource';
import { isLiteralSubject, STREAM_NAME } from './natsNames';
import { NatsError } from './NatsError';

/** Options of {@link repartitionStreams}. */
export interface RepartitionStreamsOptions {
  /** The name the writers' streams start with: writer `i` writes stream `<stream>_W<i>`. */
  readonly stream: string;
  /** The subject prefix: writer `i`'s records go to `<subject>.w<i>.<partition>`. */
  readonly subject: string;
  /** How many upstream workers write (each into its own stream), 1 .. 1,000. Fixed for the life of the streams. */
  readonly writers: number;
  /** The logical partitions, 1 .. 100,000: what the downstream workers share out. */
  readonly partitions: number;
}

/** Where writer `i` of a {@link RepartitionStreams} writes: spread into `jetStreamSink`'s options. */
export interface RepartitionSinkTarget {
  readonly stream: string;
  readonly subject: string;
  readonly partitions: number;
}

/** Options of {@link RepartitionStreams.create}. */
export interface RepartitionStreamsCreateOptions {
  /** Replicas of each stream (1 .. 5, default 1; 3 on a cluster, docs/nats.md "Durability"). */
  readonly replicas?: number;
  /** `'file'` (default) or `'memory'`. */
  readonly storage?: 'file' | 'memory';
}

/**
 * The intermediate streams of a repartition (Kafka Streams' repartition topic; issue 17,
 * docs/scale-out.md): made by {@link repartitionStreams}.
 */
export interface RepartitionStreams {
  readonly stream: string;
  readonly subject: string;
  readonly writers: number;
  readonly partitions: number;
  /** The stream writer `i` writes, `<stream>_W<i>`. */
  streamOf(writer: number): string;
  /**
   * Writer `i`'s `jetStreamSink` target: `{ stream: '<stream>_W<i>', subject: '<subject>.w<i>', partitions }`.
   * Add `partitionOf` (by key group: `partitionOfKey` of `@weir/partition`). O(1).
   */
  sinkTarget(writer: number): RepartitionSinkTarget;
  /**
   * The `jetStreamSource` `inputs` of these logical partitions: for each, its subject in every
   * writer's stream, partition-major (`p` from writer 0, from writer 1, ...). O(partitions x writers).
   */
  inputsOf(partitions: Iterable<number>): JetStreamInput[];
  /**
   * The logical partition of a `jetStreamSource` partition name made by {@link inputsOf}
   * (`<stream>_W<i>/<subject>.w<i>.<p>` -> `p`), `undefined` for any other name: what a rescale
   * needs to hand a downstream worker's offsets (one per writer of each partition) to the
   * partitions' new owners. O(name length).
   */
  partitionOfInput(name: string): number | undefined;
  /**
   * Creates every writer's stream (subjects `<subject>.w<i>.>`) that does not exist yet; an
   * existing one must take those subjects (else `INVALID_ARGUMENT`). A request or two per writer.
   */
  create(connection: NatsConnection, options?: RepartitionStreamsCreateOptions): Promise<void>;
}

const KEYS = optionKeys<RepartitionStreamsOptions>({ stream: true, subject: true, writers: true, partitions: true });
const CREATE_KEYS = optionKeys<RepartitionStreamsCreateOptions>({ replicas: true, storage: true });

/**
 * Names the streams through which a partitioned job regroups its records by another key, exactly
 * once: each of `writers` upstream workers writes its own stream with a `jetStreamSink` (a sink
 * must be the only writer of its stream: its commits are chained on the stream's last message
 * and fenced by an epoch), on `<subject>.w<i>.<p>` for logical partition `p`; the downstream
 * worker that owns partition `p` reads `p` from every writer's stream (`jetStreamSource` with
 * `inputs: streams.inputsOf(owned)`), each (stream, subject) pair with its own offset and watermark.
 *
 * ```
 *  upstream worker 0 ─ jetStreamSink ─► MID_W0: mid.w0.0  mid.w0.1 ─┐
 *  upstream worker 1 ─ jetStreamSink ─► MID_W1: mid.w1.0  mid.w1.1 ─┤
 *                                                                    ├─► downstream worker owning p=0 reads mid.w0.0 + mid.w1.0
 *                                                                    └─► downstream worker owning p=1 reads mid.w0.1 + mid.w1.1
 * ```
 *
 * The number of writers is fixed for the life of the streams: an upstream worker's sink state
 * (in its checkpoints) belongs to its stream. Pure naming, no I/O but {@link RepartitionStreams.create}.
 *
 * @throws NatsError `INVALID_ARGUMENT` for bad options (and bad writer or partition numbers later)
 *
 * @example
 * ```ts
 * const mid = repartitionStreams({ stream: 'BY_USER', subject: 'by-user', writers: 2, partitions: 4 });
 * await mid.create(nc);
 * // upstream worker i:
 * const sink = jetStreamSink<Visit>({ connection: nc, ...mid.sinkTarget(i), partitionOf: (v) => partitionOfKey(v.user, { partitions: 4 }) });
 * // downstream worker owning partitions [2, 3]:
 * const source = jetStreamSource<Visit>({ connection: nc, inputs: mid.inputsOf([2, 3]), eventTime: { field: 'ts' } });
 * ```
 */
export function repartitionStreams(options: RepartitionStreamsOptions): RepartitionStreams {
  const kind = 'repartitionStreams';
  const bad = (what: string, value: unknown): NatsError => new NatsError('INVALID_ARGUMENT', `${kind}: ${what}, got ${describeValue(value)}`);
  if (options === null || typeof options !== 'object') throw bad('expected options { stream, subject, writers, partitions }', options);
  checkNatsOptionKeys(kind, options, KEYS);
  const { stream, subject, writers, partitions } = options;
  if (typeof stream !== 'string' || !STREAM_NAME.test(stream)) throw bad('option `stream` must be a stream name (no spaces, dots, wildcards or slashes)', stream);
  if (!isLiteralSubject(subject)) throw bad('option `subject` must be a subject without wildcards (tokens separated by dots)', subject);
  if (!Number.isSafeInteger(writers) || writers < 1 || writers > 1_000) throw bad('option `writers` must be an integer 1 .. 1000', writers);
  if (!Number.isSafeInteger(partitions) || partitions < 1 || partitions > 100_000) throw bad('option `partitions` must be an integer 1 .. 100000', partitions);
  const writer = (i: unknown): number => {
    if (!Number.isSafeInteger(i) || (i as number) < 0 || (i as number) >= writers) throw bad(`a writer must be an integer in [0, ${writers})`, i);
    return i as number;
  };
  const streamOf = (i: number): string => `${stream}_W${writer(i)}`;
  return Object.freeze({
    stream,
    subject,
    writers,
    partitions,
    streamOf,
    sinkTarget: (i: number): RepartitionSinkTarget => ({ stream: streamOf(i), subject: `${subject}.w${writer(i)}`, partitions }),
    inputsOf(owned: Iterable<number>): JetStreamInput[] {
      const out: JetStreamInput[] = [];
      for (const p of owned) {
        if (!Number.isSafeInteger(p) || p < 0 || p >= partitions) throw bad(`a partition must be an integer in [0, ${partitions})`, p);
        for (let i = 0; i < writers; i++) out.push({ stream: `${stream}_W${i}`, subject: `${subject}.w${i}.${p}` });
      }
      if (out.length === 0) throw bad('inputsOf needs at least one partition', owned);
      return out;
    },
    partitionOfInput(name: string): number | undefined {
      if (typeof name !== 'string') return undefined;
      const slash = name.indexOf('/');
      const streamPart = name.slice(0, slash);
      const m = /^w(\d+)\.(\d+)$/.exec(name.slice(slash + 1 + subject.length + 1));
      if (slash < 0 || m === null || !name.startsWith(`${subject}.`, slash + 1)) return undefined;
      const w = Number(m[1]);
      const p = Number(m[2]);
      if (String(w) !== m[1] || String(p) !== m[2] || w >= writers || p >= partitions || streamPart !== `${stream}_W${w}`) return undefined;
      return p;
    },
    async create(connection: NatsConnection, createOptions: RepartitionStreamsCreateOptions = {}): Promise<void> {
      checkNatsOptionKeys(`${kind}: create`, createOptions, CREATE_KEYS);
      const replicas = createOptions.replicas ?? 1;
      if (!Number.isSafeInteger(replicas) || replicas < 1 || replicas > 5) throw bad('option `replicas` must be an integer 1 .. 5', replicas);
      const storage = createOptions.storage ?? 'file';
      if (storage !== 'file' && storage !== 'memory') throw bad("option `storage` must be 'file' or 'memory'", storage);
      const jsm = await jetstreamManager(connection);
      for (let i = 0; i < writers; i++) {
        const name = `${stream}_W${i}`;
        const subjects = `${subject}.w${i}.>`;
        try {
          const info = await jsm.streams.info(name).catch((err: unknown) => {
            if (/stream not found/i.test(messageOf(err))) return undefined;
            throw err;
          });
          if (info === undefined) {
            await jsm.streams.add({ name, subjects: [subjects], num_replicas: replicas, storage: storage === 'file' ? StorageType.File : StorageType.Memory });
          } else if (!info.config.subjects?.includes(subjects)) {
            throw bad(`stream '${name}' exists but does not take the subjects '${subjects}'`, info.config.subjects);
          }
        } catch (err) {
          if (err instanceof NatsError) throw err;
          throw new NatsError('PUBLISH', `${kind}: cannot create stream '${name}' (subjects '${subjects}'): ${messageOf(err)}`, { cause: err });
        }
      }
    },
  });
}
