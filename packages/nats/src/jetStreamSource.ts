import type { NatsConnection } from '@nats-io/nats-core';
import type { JsMsg } from '@nats-io/jetstream';
import type { Json, Source } from '@weir/checkpoint';
import { describeValue, optionKeys } from '@weir/state';
import { checkNatsOptionKeys } from './checkNatsOptionKeys';
import { JetStreamSourceReader, type ResolvedJetStreamSource } from './jetStreamSourceReader';
import { STREAM_NAME } from './natsNames';
import { NatsError } from './NatsError';

/** Options of {@link jetStreamSource}. Give one of `stream` (with `subjects` or not), `streams` or `inputs`. */
export interface JetStreamSourceOptions<T> {
  /** An open connection ({@link connectNats}); the source does not close it. */
  readonly connection: NatsConnection;
  /**
   * The stream to read. With `subjects`, one partition per subject (each read by its own
   * consumer filtered on it, a wildcard allowed); without, one partition: the whole stream.
   */
  readonly stream?: string;
  /** The subjects of `stream`, one partition each, named by the subject. */
  readonly subjects?: readonly string[];
  /** Instead of `stream`: one partition per stream, named by the stream. */
  readonly streams?: readonly string[];
  /**
   * Instead of `stream` or `streams`: one partition per (stream, subject) pair, for input spread
   * over several streams, such as one logical partition written by several upstream workers,
   * each into a stream of its own (see {@link repartitionStreams}). A pair's partition is named
   * `<stream>/<subject>` (`<stream>` without a subject: the whole stream); each has its own
   * offset and its own watermark.
   */
  readonly inputs?: ReadonlyArray<JetStreamInput>;
  /** A message's value; default: its data parsed as JSON. A throw routes the message to `invalid`. */
  readonly decode?: (message: JsMsg) => T;
  /**
   * Where each value's event time is: a field of the decoded value, or a message header; a
   * number of epoch ms, or a string holding one or an ISO-8601 date. A message without a valid
   * one goes to `invalid`. Without this option, the job's source option `timestamp` stamps the
   * values instead.
   */
  readonly eventTime?: { readonly field: string } | { readonly header: string };
  /**
   * The side output of messages that do not decode (or carry no valid event time): each is
   * counted ({@link JetStreamSource.metrics}) and handed here, then skipped; the job goes on.
   * Called again for the same message when a job replays it after a restore (at least once).
   * Without it, such a message fails the job with `NatsError` `DECODE`.
   */
  readonly invalid?: (message: InvalidJetStreamMessage) => void;
  /** Where a partition with no offset in the checkpoint starts: `'first'` (default) or `'new'` (after the messages stored at open). */
  readonly start?: 'first' | 'new';
  /**
   * When the input ends: `'never'` (default; an unbounded job, ended by `signal`) or `'latest'`:
   * each partition ends at the last message it held when the reader opened (a bounded job, and
   * a deterministic one: the partitions then interleave the same way in every run).
   */
  readonly stopAt?: 'never' | 'latest';
  /**
   * Messages per pull request of each partition (the most it buffers ahead of the job) and per
   * turn of the round-robin over the partitions; default 256.
   */
  readonly batch?: number;
  /** How long a read of unbounded input waits for a first message before answering "nothing now", ms; default 100. */
  readonly maxWaitMs?: number;
  /**
   * How long a bounded read waits for a message the partition is known to hold (the server is
   * restarting, say) before failing with `READ`, ms; default 30,000.
   */
  readonly stallTimeoutMs?: number;
  /** Ends the input (after the message being read) when aborted: the job then takes its final checkpoint and completes. */
  readonly signal?: AbortSignal;
}

/** One input of {@link JetStreamSourceOptions.inputs}: a stream, or one subject of it (a wildcard allowed). */
export interface JetStreamInput {
  readonly stream: string;
  readonly subject?: string;
}

/** A message {@link JetStreamSourceOptions.invalid} receives. */
export interface InvalidJetStreamMessage {
  /** The partition it belongs to (its subject or stream, as configured). */
  readonly partition: string;
  readonly stream: string;
  readonly subject: string;
  /** Its stream sequence. */
  readonly seq: number;
  readonly data: Uint8Array;
  /** Why it was rejected (code `DECODE`, naming the stream, subject and sequence; the decoder's error as cause). */
  readonly error: NatsError;
}

/** What a {@link JetStreamSource} read so far, over every reader opened from it. */
export interface JetStreamSourceMetrics {
  /** Values handed to the job. */
  readonly read: number;
  /** Messages routed to the `invalid` side output. */
  readonly invalid: number;
}

/** A {@link Source} over JetStream partitions; see {@link jetStreamSource}. */
export interface JetStreamSource<T> extends Source<T> {
  /** The partition names, in round-robin order. */
  readonly partitionNames: readonly string[];
  /** Counts since the source was made. O(1). */
  metrics(): JetStreamSourceMetrics;
}

const KEYS = optionKeys<JetStreamSourceOptions<unknown>>({
  connection: true,
  stream: true,
  subjects: true,
  streams: true,
  inputs: true,
  decode: true,
  eventTime: true,
  invalid: true,
  start: true,
  stopAt: true,
  batch: true,
  maxWaitMs: true,
  stallTimeoutMs: true,
  signal: true,
});

/**
 * A partitioned, replayable input from NATS JetStream (issue 16): one partition per subject of a
 * stream (`stream` + `subjects`), per stream (`streams`), or per (stream, subject) pair
 * (`inputs`: e.g. partition 3 of a repartition stream written by two upstream workers, from
 * both of their streams). Each partition is read by its own
 * ordered pull consumer from its offset, the next stream sequence, which every checkpoint stores
 * (`{ next: { [partition]: seq }, turn, taken }`), so a job restored after a crash reads exactly
 * the messages that followed. Values go to the coordinator with their partition (a watermark per
 * partition, merged at the minimum; see the source option `idleTimeout`) and, with `eventTime`,
 * their timestamp.
 *
 * Partitions take turns of `batch` messages. Pulls are batched and paced by the job: a partition
 * asks the server for more only once the job has taken what it holds, so a slow job holds at most
 * about `batch` messages a partition in memory. A server restart is ridden out: the connection
 * reconnects and each consumer resumes after the last message it delivered, nothing lost or
 * read twice. A missing stream fails `open` with `MISSING_STREAM`; a message that does not
 * decode goes to `invalid` (counted), or fails the job with `DECODE` when there is none.
 *
 * Cost: on top of the client's replay, one decode and one promise per message; a few
 * requests per partition at open.
 *
 * @example
 * ```ts
 * const nc = await connectNats({ servers: 'nats://127.0.0.1:4222' });
 * const clicks = jetStreamSource<Click>({
 *   connection: nc,
 *   stream: 'CLICKS',
 *   subjects: ['clicks.0', 'clicks.1', 'clicks.2', 'clicks.3'],
 *   eventTime: { field: 'ts' },
 *   invalid: (m) => console.warn(`skipped ${m.subject}#${m.seq}: ${m.error.message}`),
 *   stopAt: 'latest',
 * });
 * const job = await CheckpointCoordinator.open({ storage });
 * const clicks$ = job.source('clicks', clicks, { maxOutOfOrderness: 5_000, idleTimeout: 10_000 });
 * ```
 */
export function jetStreamSource<T>(options: JetStreamSourceOptions<T>): JetStreamSource<T> {
  const o = resolve(options);
  const counts = { read: 0, invalid: 0 };
  const names = o.partitions.map((p) => p.name);
  return {
    partitionNames: names,
    describe: () =>
      options.streams !== undefined || options.inputs !== undefined
        ? `JetStream ${options.inputs !== undefined ? 'inputs' : 'streams'} ${names.join(', ')}`
        : `JetStream stream '${options.stream}'${options.subjects !== undefined ? ` (subjects ${names.join(', ')})` : ''}`,
    open: (offset: Json | undefined) => JetStreamSourceReader.open(o, offset, counts),
    metrics: () => ({ read: counts.read, invalid: counts.invalid }),
  };
}

function resolve<T>(o: JetStreamSourceOptions<T>): ResolvedJetStreamSource<T> {
  const bad = (what: string, value: unknown): NatsError => new NatsError('INVALID_ARGUMENT', `jetStreamSource: ${what}, got ${describeValue(value)}`);
  if (typeof o !== 'object' || o === null) throw bad('options must be an object', o);
  checkNatsOptionKeys('jetStreamSource', o, KEYS);
  if (typeof o.connection?.request !== 'function') throw bad('option `connection` must be a NatsConnection (connectNats(...))', o.connection);
  const names = (v: unknown, what: string): string[] => {
    if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string' && s.length > 0)) throw bad(`\`${what}\` must be a non-empty list of names`, v);
    if (new Set(v).size !== v.length) throw bad(`\`${what}\` must not repeat a name`, v);
    return v as string[];
  };
  let partitions: ResolvedJetStreamSource<T>['partitions'];
  if (o.inputs !== undefined) {
    if (o.stream !== undefined || o.subjects !== undefined || o.streams !== undefined) throw bad('give one of `inputs`, `streams` or `stream` (and `subjects`), not several', o.stream ?? o.subjects ?? o.streams);
    partitions = inputsOf(o.inputs, bad);
  } else if (o.streams !== undefined) {
    if (o.stream !== undefined || o.subjects !== undefined) throw bad('give either `streams` or `stream` (and `subjects`), not both', o.stream ?? o.subjects);
    partitions = names(o.streams, 'streams').map((stream) => ({ name: stream, stream, subject: undefined }));
  } else {
    if (typeof o.stream !== 'string' || o.stream.length === 0) throw bad('option `stream` (or `streams`) must be a stream name', o.stream);
    const stream = o.stream;
    partitions = o.subjects === undefined ? [{ name: stream, stream, subject: undefined }] : names(o.subjects, 'subjects').map((subject) => ({ name: subject, stream, subject }));
  }
  const int = (name: 'batch' | 'maxWaitMs' | 'stallTimeoutMs', fallback: number): number => {
    const v = o[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw bad(`\`${name}\` must be a positive integer`, v);
    return v;
  };
  if (o.decode !== undefined && typeof o.decode !== 'function') throw bad('`decode` must be a function', o.decode);
  if (o.invalid !== undefined && typeof o.invalid !== 'function') throw bad('`invalid` must be a function', o.invalid);
  if (o.start !== undefined && o.start !== 'first' && o.start !== 'new') throw bad("`start` must be 'first' or 'new'", o.start);
  if (o.stopAt !== undefined && o.stopAt !== 'never' && o.stopAt !== 'latest') throw bad("`stopAt` must be 'never' or 'latest'", o.stopAt);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw bad('`signal` must be an AbortSignal', o.signal);
  let eventTime: ResolvedJetStreamSource<T>['eventTime'];
  if (o.eventTime !== undefined) {
    const e = o.eventTime as { field?: unknown; header?: unknown };
    checkNatsOptionKeys('jetStreamSource: option `eventTime`', e, ['field', 'header']);
    const field = e.field;
    const header = e.header;
    if (typeof field === 'string' && field.length > 0 && header === undefined) eventTime = { field };
    else if (typeof header === 'string' && header.length > 0 && field === undefined) eventTime = { header };
    else throw bad('`eventTime` must be { field: name } or { header: name }', o.eventTime);
  }
  return {
    connection: o.connection,
    partitions,
    decode: o.decode,
    eventTime,
    invalid: o.invalid,
    start: o.start ?? 'first',
    bounded: o.stopAt === 'latest',
    batch: int('batch', 256),
    maxWaitMs: int('maxWaitMs', 100),
    stallTimeoutMs: int('stallTimeoutMs', 30_000),
    signal: o.signal,
  };
}

/** The partitions of option `inputs`, named `<stream>/<subject>` (or `<stream>`), checked. */
function inputsOf(raw: unknown, bad: (what: string, value: unknown) => NatsError): ResolvedJetStreamSource<unknown>['partitions'] {
  if (!Array.isArray(raw) || raw.length === 0) throw bad('`inputs` must be a non-empty list of { stream, subject? }', raw);
  const out: Array<{ name: string; stream: string; subject: string | undefined }> = [];
  const seen = new Set<string>();
  for (const input of raw as unknown[]) {
    if (typeof input !== 'object' || input === null) throw bad('each of `inputs` must be { stream, subject? }', input);
    checkNatsOptionKeys('jetStreamSource: an input', input, ['stream', 'subject']);
    const { stream, subject } = input as { stream?: unknown; subject?: unknown };
    if (typeof stream !== 'string' || !STREAM_NAME.test(stream)) throw bad('an input\'s `stream` must be a stream name (no spaces, dots, wildcards or slashes)', stream);
    if (subject !== undefined && (typeof subject !== 'string' || subject.length === 0 || /\s/.test(subject))) throw bad('an input\'s `subject` must be a subject', subject);
    const name = subject === undefined ? stream : `${stream}/${subject}`;
    if (seen.has(name)) throw bad(`\`inputs\` must not repeat an input (${name})`, raw);
    seen.add(name);
    out.push({ name, stream, subject });
  }
  return out;
}
