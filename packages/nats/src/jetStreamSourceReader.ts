// Internal: the reader of jetStreamSource: one ordered pull consumer per partition, taking turns.
import type { NatsConnection } from '@nats-io/nats-core';
import { DeliverPolicy, jetstream, jetstreamManager, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { Json, SourceReader } from '@weir/checkpoint';
import { describeValue, messageOf } from '@weir/state';
import type { InvalidJetStreamMessage } from './jetStreamSource';
import { JetStreamSourcePartition, watchStream } from './jetStreamSourcePartition';
import { NatsError } from './NatsError';

/** Internal: the checked options of a jetStreamSource. */
export interface ResolvedJetStreamSource<T> {
  readonly connection: NatsConnection;
  readonly partitions: ReadonlyArray<{ readonly name: string; readonly stream: string; readonly subject: string | undefined }>;
  readonly decode: ((message: JsMsg) => T) | undefined;
  readonly eventTime: { readonly field: string } | { readonly header: string } | undefined;
  readonly invalid: ((message: InvalidJetStreamMessage) => void) | undefined;
  readonly start: 'first' | 'new';
  readonly bounded: boolean;
  readonly batch: number;
  readonly maxWaitMs: number;
  readonly stallTimeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

/** The reader's offset: each partition's next stream sequence, and where the round-robin stands. */
interface Offset {
  readonly next: Record<string, number>;
  readonly turn: number;
  readonly taken: number;
}

/**
 * How long the ordered consumers' pull requests last; heartbeats come every half of it. 1 s, the
 * client's least: a pull lost to a server restart is noticed and made again within ~1-3 s of the
 * reconnect (measured: 2.6 s; 5 s requests took ~8 s).
 */
const PULL_EXPIRES_MS = 1_000;

const decoder = new TextDecoder();

/** Internal: an open jetStreamSource; see jetStreamSource for the behaviour. */
export class JetStreamSourceReader<T> implements SourceReader<T> {
  readonly #o: ResolvedJetStreamSource<T>;
  readonly #parts: JetStreamSourcePartition[];
  readonly #counts: { read: number; invalid: number };
  #turn: number;
  #taken: number;
  #closed = false;
  #abort: Promise<void> | undefined;
  /** Messages taken so far (the watchdog's measure of progress), the partition being waited for, and the watchdog. */
  #progress = 0;
  #waiting: JetStreamSourcePartition | undefined;
  #stall: { readonly promise: Promise<never>; readonly timer: NodeJS.Timeout } | undefined;

  private constructor(o: ResolvedJetStreamSource<T>, parts: JetStreamSourcePartition[], offset: Offset | undefined, counts: { read: number; invalid: number }) {
    this.#o = o;
    this.#parts = parts;
    this.#counts = counts;
    this.#turn = offset === undefined ? 0 : offset.turn % parts.length;
    this.#taken = offset?.taken ?? 0;
  }

  /** Checks the streams, finds each partition's start (and end, when bounded) and starts its consumer. */
  static async open<T>(o: ResolvedJetStreamSource<T>, raw: Json | undefined, counts: { read: number; invalid: number }): Promise<JetStreamSourceReader<T>> {
    const offset = raw === undefined ? undefined : parseOffset(raw);
    let jsm: JetStreamManager;
    try {
      jsm = await jetstreamManager(o.connection);
    } catch (err) {
      throw new NatsError('READ', `jetStreamSource: JetStream is not available on ${serverOf(o.connection)}: ${messageOf(err)}`, { cause: err });
    }
    const lastSeqs = new Map<string, number>();
    for (const stream of new Set(o.partitions.map((p) => p.stream))) {
      try {
        lastSeqs.set(stream, (await jsm.streams.info(stream)).state.last_seq);
      } catch (err) {
        if (/stream not found/i.test(messageOf(err))) throw new NatsError('MISSING_STREAM', `jetStreamSource: stream '${stream}' does not exist on ${serverOf(o.connection)}`, { cause: err });
        throw new NatsError('READ', `jetStreamSource: cannot read the info of stream '${stream}' on ${serverOf(o.connection)}: ${messageOf(err)}`, { cause: err });
      }
    }
    const parts: JetStreamSourcePartition[] = [];
    try {
      for (const p of o.partitions) {
        const streamLast = lastSeqs.get(p.stream) ?? 0;
        const restoredNext = offset?.next[p.name];
        // a subject's own last message: where bounded input ends, and where 'new' starts
        const needLast = o.bounded || (restoredNext === undefined && o.start === 'new');
        const last = p.subject !== undefined && needLast ? await lastBySubject(jsm, p.stream, p.subject) : streamLast;
        const next = restoredNext ?? (o.start === 'new' ? last + 1 : 1);
        const part = new JetStreamSourcePartition(p.name, p.stream, p.subject, next, o.bounded ? last : Number.POSITIVE_INFINITY);
        parts.push(part);
        if (next > part.end) {
          part.finished = true;
          continue;
        }
        const consumer = await jetstream(o.connection).consumers.get(p.stream, {
          ...(p.subject === undefined ? {} : { filter_subjects: p.subject }), // one string: a 2.9 server knows only filter_subject
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: next,
        });
        part.messages = await consumer.consume({ max_messages: o.batch, expires: PULL_EXPIRES_MS });
        part.iterator = part.messages[Symbol.asyncIterator]();
        part.fill();
        watchStream(jsm, part, part.messages);
      }
    } catch (err) {
      for (const p of parts) p.close();
      throw err instanceof NatsError ? err : new NatsError('READ', `jetStreamSource: cannot start reading on ${serverOf(o.connection)}: ${messageOf(err)}`, { cause: err });
    }
    return new JetStreamSourceReader(o, parts, offset, counts);
  }

  /** {@link readEach} into an array (the coordinator calls `readEach`). An empty array means the end only once {@link ended} says so. */
  async read(max: number): Promise<readonly T[]> {
    const out: T[] = [];
    await this.readEach(max, (v) => out.push(v));
    return out;
  }

  /**
   * Hands up to `max` values to `emit`, partitions taking turns of `batch` messages. Bounded:
   * waits for each message a partition still holds, so the interleaving is the same in every
   * run. Unbounded: a partition with nothing buffered ends its turn; when none has anything, it
   * waits up to `maxWaitMs` for a first message, and returns 0 if none came.
   */
  async readEach(max: number, emit: (value: T, partition?: string, timestamp?: number) => void): Promise<number> {
    const o = this.#o;
    const parts = this.#parts;
    let n = 0;
    let empty = 0; // partitions found without a buffered message in a row (unbounded)
    let waited = false;
    while (n < max && !this.#closed) {
      if (o.signal?.aborted === true) break;
      let live = 0;
      for (const p of parts) if (!p.finished) live++;
      if (live === 0) break;
      const p = parts[this.#turn]!;
      if (p.finished || this.#taken >= o.batch) {
        this.#nextTurn();
        continue;
      }
      const m = this.#take(p);
      if (m === undefined) {
        if (o.bounded) {
          await this.#await(p);
          continue;
        }
        if (++empty < live) {
          this.#nextTurn();
          continue;
        }
        // none has a message here: those the client holds arrive within microtasks; else wait a little, once
        if (await this.#awaitAny(n > 0 || waited ? 0 : o.maxWaitMs)) {
          empty = 0;
          continue;
        }
        if (n > 0 || waited) break;
        waited = true;
        empty = 0;
        continue;
      }
      empty = 0;
      this.#progress++;
      p.next = m.seq + 1;
      this.#taken++;
      if (p.next > p.end) p.close();
      else p.fill();
      if (this.#emit(p, m, emit)) n++;
    }
    return n;
  }

  /** The message `p` has here, or `undefined`; throws what its consumer failed with. */
  #take(p: JetStreamSourcePartition): JsMsg | undefined {
    for (;;) {
      const m = p.shift();
      if (m === undefined) break;
      if (m.seq >= p.next) return m;
      // not expected from an ordered consumer: never hand a message over twice
    }
    const end = p.ended();
    if (end === undefined) {
      p.fill();
      return undefined;
    }
    if (end === 'done') throw new NatsError('READ', `jetStreamSource: the consumer of ${p.where()} stopped at sequence ${p.next} (connection closed?)`);
    const msg = messageOf(end.error);
    if (/stream not found/i.test(msg)) throw new NatsError('MISSING_STREAM', `jetStreamSource: ${p.where()} no longer exists (reading sequence ${p.next})`, { cause: end.error });
    throw new NatsError('READ', `jetStreamSource: reading ${p.where()} at sequence ${p.next} failed: ${msg}`, { cause: end.error });
  }

  /**
   * Waits for `p`'s next message (or the signal). Fails with `READ` when no message at all came
   * for `stallTimeoutMs` (1 to 2 times it): checked by one timer per reader, not one per wait.
   */
  async #await(p: JetStreamSourcePartition): Promise<void> {
    const arrival = p.arrival();
    const watchdog = this.#watchdog();
    this.#waiting = p;
    try {
      await Promise.race([arrival, watchdog, this.#aborted()]);
    } finally {
      this.#waiting = undefined;
    }
  }

  /** A promise that rejects with `READ` once a wait made no progress for a whole `stallTimeoutMs` tick. */
  #watchdog(): Promise<never> {
    if (this.#stall !== undefined) return this.#stall.promise;
    let reject: (err: NatsError) => void = () => undefined;
    const promise = new Promise<never>((_, r) => (reject = r));
    promise.catch(() => undefined); // rejected only while awaited; never unhandled
    let seen = this.#progress;
    const timer = setInterval(() => {
      const p = this.#waiting;
      if (p === undefined || this.#progress !== seen) {
        seen = this.#progress;
        return;
      }
      clearInterval(timer);
      this.#stall = undefined;
      const o = this.#o;
      const holds = Number.isFinite(p.end) ? `, which it holds (up to ${p.end})` : '';
      reject(new NatsError('READ', `jetStreamSource: no message from ${p.where()} for ${o.stallTimeoutMs} ms at sequence ${p.next}${holds}; is ${serverOf(o.connection)} reachable?`));
    }, this.#o.stallTimeoutMs);
    timer.unref();
    this.#stall = { promise, timer };
    return promise;
  }

  /**
   * Waits until any partition has a message (true), or `ms` pass or the signal aborts (false);
   * `ms` 0 waits for what the client holds already (a turn of the event loop).
   */
  async #awaitAny(ms: number): Promise<boolean> {
    const arrivals: Promise<void>[] = [];
    for (const p of this.#parts) if (!p.finished) arrivals.push(p.arrival());
    let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
    let timedOut = false;
    const timeout = new Promise<void>((r) => {
      const done = (): void => {
        timedOut = true;
        r();
      };
      timer = ms === 0 ? setImmediate(done) : setTimeout(done, ms);
    });
    try {
      await Promise.race([...arrivals, timeout, this.#aborted()]);
    } finally {
      if (ms === 0) clearImmediate(timer as NodeJS.Immediate);
      else clearTimeout(timer as NodeJS.Timeout);
    }
    return !timedOut && this.#o.signal?.aborted !== true;
  }

  /** Resolves when the signal aborts (never without one); one listener per reader. */
  #aborted(): Promise<void> {
    if (this.#abort !== undefined) return this.#abort;
    const signal = this.#o.signal;
    this.#abort =
      signal === undefined ? new Promise<void>(() => undefined) : signal.aborted ? Promise.resolve() : new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    return this.#abort;
  }

  #nextTurn(): void {
    this.#turn = (this.#turn + 1) % this.#parts.length;
    this.#taken = 0;
  }

  /** Decodes `m` and emits it, or routes it to `invalid`; whether it was emitted. */
  #emit(p: JetStreamSourcePartition, m: JsMsg, emit: (value: T, partition?: string, timestamp?: number) => void): boolean {
    const o = this.#o;
    let value: T;
    let ts: number | undefined;
    try {
      value = o.decode === undefined ? (JSON.parse(decoder.decode(m.data)) as T) : o.decode(m);
      if (o.eventTime !== undefined) ts = eventTimeOf(value, m, o.eventTime);
    } catch (err) {
      const error = new NatsError('DECODE', `jetStreamSource: message ${m.seq} of ${p.where()} (subject '${m.subject}') ${messageOf(err)}`, { cause: err });
      if (o.invalid === undefined) throw error;
      this.#counts.invalid++;
      o.invalid({ partition: p.name, stream: p.stream, subject: m.subject, seq: m.seq, data: m.data, error });
      return false;
    }
    this.#counts.read++;
    emit(value, p.name, ts);
    return true;
  }

  /** The partitions not finished yet (bounded input ends each at its last message). */
  partitions(): readonly string[] {
    const out: string[] = [];
    for (const p of this.#parts) if (!p.finished) out.push(p.name);
    return out;
  }

  ended(): boolean {
    return this.#closed || this.#o.signal?.aborted === true || this.#parts.every((p) => p.finished);
  }

  offset(): Json {
    const next: Record<string, number> = {};
    for (const p of this.#parts) next[p.name] = p.next;
    return { next, turn: this.#turn, taken: this.#taken };
  }

  close(): void {
    this.#closed = true;
    if (this.#stall !== undefined) clearInterval(this.#stall.timer);
    this.#stall = undefined;
    for (const p of this.#parts) p.close();
  }
}

/** The sequence of the last message on `subject` (0 if none). */
async function lastBySubject(jsm: JetStreamManager, stream: string, subject: string): Promise<number> {
  try {
    const m = await jsm.streams.getMessage(stream, { last_by_subj: subject });
    return m?.seq ?? 0;
  } catch (err) {
    if (/no message found|not found/i.test(messageOf(err))) return 0;
    throw new NatsError('READ', `jetStreamSource: cannot find the last message of subject '${subject}' in stream '${stream}': ${messageOf(err)}`, { cause: err });
  }
}

/** The event time of a message, epoch ms; throws naming what is wrong. */
function eventTimeOf(value: unknown, m: JsMsg, where: { readonly field: string } | { readonly header: string }): number {
  let raw: unknown;
  let what: string;
  if ('field' in where) {
    what = `field '${where.field}'`;
    if (typeof value !== 'object' || value === null) throw new Error(`has no ${what}: its value is ${describeValue(value)}`);
    raw = (value as Record<string, unknown>)[where.field];
  } else {
    what = `header '${where.header}'`;
    raw = m.headers?.has(where.header) === true ? m.headers.get(where.header) : undefined;
  }
  const ts = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? (Number.isFinite(Number(raw)) ? Number(raw) : Date.parse(raw)) : NaN;
  if (!Number.isFinite(ts)) throw new Error(`has no valid event time in its ${what}: ${describeValue(raw)}`);
  return ts;
}

function parseOffset(raw: Json): Offset {
  const bad = (why: string): NatsError => new NatsError('INVALID_ARGUMENT', `jetStreamSource: the offset to open at is not one of a jetStreamSource (${why}): ${describeValue(raw)}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('expected { next, turn, taken }');
  const { next, turn, taken } = raw as Record<string, Json>;
  if (typeof next !== 'object' || next === null || Array.isArray(next)) throw bad('`next` must map partitions to sequences');
  for (const [name, seq] of Object.entries(next)) {
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) throw bad(`partition '${name}': the next sequence must be a positive integer`);
  }
  if (typeof turn !== 'number' || !Number.isSafeInteger(turn) || turn < 0) throw bad('`turn` must be an integer >= 0');
  if (typeof taken !== 'number' || !Number.isSafeInteger(taken) || taken < 0) throw bad('`taken` must be an integer >= 0');
  // a partition named in the offset but no longer configured is dropped; a new one starts per `start`
  return { next: next as Record<string, number>, turn, taken };
}

function serverOf(nc: NatsConnection): string {
  return nc.getServer?.() ?? 'the NATS server';
}
