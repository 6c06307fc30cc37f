// Internal: the reader of jetStreamSource: one ordered pull consumer per partition, taking turns.
import type { NatsConnection } from '@nats-io/nats-core';
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { Json, SourceReader } from '@weir/checkpoint';
import { describeValue, messageOf } from '@weir/state';
import type { InvalidJetStreamMessage } from './jetStreamSource';
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

/** How long the ordered consumers' pull requests last; heartbeats come every half of it. */
const PULL_EXPIRES_MS = 5_000;

class Partition {
  messages: ConsumerMessages | undefined;
  iterator: AsyncIterator<JsMsg> | undefined;
  /** The next message being awaited, and its outcome once settled. */
  pending: Promise<void> | undefined;
  settled: IteratorResult<JsMsg> | { error: unknown } | undefined;
  finished = false;

  constructor(
    readonly name: string,
    readonly stream: string,
    readonly subject: string | undefined,
    /** The next stream sequence to read. */
    public next: number,
    /** The last stream sequence to read (bounded input), else Infinity. */
    readonly end: number,
  ) {}

  where(): string {
    return this.subject === undefined ? `stream '${this.stream}'` : `stream '${this.stream}' subject '${this.subject}'`;
  }

  /** Asks for the next message unless it is asked for or here already. */
  request(): void {
    if (this.pending !== undefined || this.settled !== undefined || this.iterator === undefined) return;
    this.pending = this.iterator.next().then(
      (r) => {
        this.settled = r;
        this.pending = undefined;
      },
      (error: unknown) => {
        this.settled = { error };
        this.pending = undefined;
      },
    );
  }

  /**
   * Stops the consumer: its subscription ends at once. Not awaited: the client resolves `close()`
   * only once the iterator is read past its end, which nobody does after this.
   */
  close(): void {
    this.finished = true;
    const m = this.messages;
    this.messages = undefined;
    this.iterator = undefined;
    if (m !== undefined) void m.close().catch(() => undefined);
  }
}

const decoder = new TextDecoder();

/** Internal: an open jetStreamSource; see jetStreamSource for the behaviour. */
export class JetStreamSourceReader<T> implements SourceReader<T> {
  readonly #o: ResolvedJetStreamSource<T>;
  readonly #parts: Partition[];
  readonly #counts: { read: number; invalid: number };
  #turn: number;
  #taken: number;
  #closed = false;
  #abort: Promise<void> | undefined;

  private constructor(o: ResolvedJetStreamSource<T>, parts: Partition[], offset: Offset | undefined, counts: { read: number; invalid: number }) {
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
    const parts: Partition[] = [];
    const reader = (): JetStreamSourceReader<T> => new JetStreamSourceReader(o, parts, offset, counts);
    try {
      for (const p of o.partitions) {
        const streamLast = lastSeqs.get(p.stream) ?? 0;
        const restoredNext = offset?.next[p.name];
        // a subject's own last message: where bounded input ends, and where 'new' starts
        const needLast = o.bounded || (restoredNext === undefined && o.start === 'new');
        const last = p.subject !== undefined && needLast ? await lastBySubject(jsm, p.stream, p.subject) : streamLast;
        const next = restoredNext ?? (o.start === 'new' ? last + 1 : 1);
        const part = new Partition(p.name, p.stream, p.subject, next, o.bounded ? last : Number.POSITIVE_INFINITY);
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
        part.request();
      }
    } catch (err) {
      for (const p of parts) p.close();
      throw err instanceof NatsError ? err : new NatsError('READ', `jetStreamSource: cannot start reading on ${serverOf(o.connection)}: ${messageOf(err)}`, { cause: err });
    }
    return reader();
  }

  read(): readonly T[] {
    throw new NatsError('INVALID_ARGUMENT', 'jetStreamSource: read it through CheckpointCoordinator, which calls readEach');
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
      let m = this.#take(p);
      if (m === undefined) {
        if (o.bounded) {
          await this.#await(p);
          continue;
        }
        // anything buffered resolves through microtasks, before the next turn of the event loop
        if (p.pending !== undefined) await Promise.race([p.pending, new Promise((r) => setImmediate(r))]);
        m = this.#take(p);
        if (m === undefined) {
          if (++empty < live) {
            this.#nextTurn();
            continue;
          }
          if (n > 0 || waited) break;
          await this.#awaitAny(o.maxWaitMs);
          waited = true;
          empty = 0;
          continue;
        }
      }
      empty = 0;
      p.next = m.seq + 1;
      this.#taken++;
      if (p.next > p.end) p.close();
      else p.request();
      if (this.#emit(p, m, emit)) n++;
    }
    return n;
  }

  /** The message `p` has ready, or `undefined`; throws what its consumer failed with. */
  #take(p: Partition): JsMsg | undefined {
    const s = p.settled;
    if (s === undefined) {
      p.request();
      return undefined;
    }
    p.settled = undefined;
    if ('error' in s) {
      const msg = messageOf(s.error);
      if (/stream not found/i.test(msg)) throw new NatsError('MISSING_STREAM', `jetStreamSource: ${p.where()} no longer exists (reading sequence ${p.next})`, { cause: s.error });
      throw new NatsError('READ', `jetStreamSource: reading ${p.where()} at sequence ${p.next} failed: ${msg}`, { cause: s.error });
    }
    if (s.done === true) throw new NatsError('READ', `jetStreamSource: the consumer of ${p.where()} stopped at sequence ${p.next} (connection closed?)`);
    const m = s.value;
    if (m.seq < p.next) {
      // not expected from an ordered consumer; never hand a message over twice
      p.request();
      return this.#take(p);
    }
    return m;
  }

  /** Waits for `p`'s next message (bounded input), failing with `READ` after `stallTimeoutMs`. */
  async #await(p: Partition): Promise<void> {
    p.request();
    if (p.pending === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    let stalled = false;
    const stall = new Promise<void>((r) => {
      timer = setTimeout(() => {
        stalled = true;
        r();
      }, this.#o.stallTimeoutMs);
    });
    try {
      await Promise.race([p.pending, stall, this.#aborted()]);
    } finally {
      clearTimeout(timer);
    }
    if (stalled && p.settled === undefined) {
      throw new NatsError('READ', `jetStreamSource: no message from ${p.where()} for ${this.#o.stallTimeoutMs} ms at sequence ${p.next}, which it holds (up to ${p.end}); is ${serverOf(this.#o.connection)} reachable?`);
    }
  }

  /** Waits until any partition has a message, `ms` pass, or the signal aborts. */
  async #awaitAny(ms: number): Promise<void> {
    const pending: Promise<unknown>[] = [];
    for (const p of this.#parts) {
      if (p.finished) continue;
      p.request();
      if (p.pending === undefined) return; // one is ready
      pending.push(p.pending);
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([...pending, new Promise<void>((r) => (timer = setTimeout(r, ms))), this.#aborted()]);
    } finally {
      clearTimeout(timer);
    }
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
  #emit(p: Partition, m: JsMsg, emit: (value: T, partition?: string, timestamp?: number) => void): boolean {
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
