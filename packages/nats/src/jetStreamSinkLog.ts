// Internal to jetStreamSink: the output stream as the sink's private, fenced, append-only log.
// Everything the sink publishes to it (the fence, records) goes through one instance, in chained
// runs, so that the stream's own sequence is the fence (docs/nats.md, "jetStreamSink"). Staged
// batches go to a separate staging stream (jetStreamSinkStaging.ts): the output is never purged.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createInbox, headers as natsHeaders, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { JetStreamApiError, jetstream, jetstreamManager, type ApiError, type JetStreamClient, type JetStreamManager, type StoredMsg, type StreamConfig } from '@nats-io/jetstream';
import { messageOf } from '@weir/state';
import { NatsError } from './NatsError';

/** One message of a run. */
export interface LogMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly msgId: string;
}

/** Tuning of the log, resolved from the sink's options. */
export interface LogTuning {
  readonly timeoutMs: number;
  readonly maxInFlight: number;
  readonly attempts: number;
  readonly backoffMs: number;
}

/** A record found in the stream: where it is and which checkpoint wrote it (from its `Nats-Msg-Id`). */
export interface FoundRecord {
  readonly seq: number;
  readonly epoch: number;
  readonly checkpointId: number;
  readonly index: number;
}

/** The server's "wrong last sequence" / "wrong last msg ID" answers to a conditional publish. */
const WRONG_LAST = new Set([10070, 10071, 10164]);
/** Answers that pass: JetStream temporarily unavailable, no quorum, stream offline or not (yet) recovered. */
const PASSING = new Set([10008, 10005, 10118, 10059]);
const RECORD_ID = /:(\d+):(\d+):(\d+)$/;
const RECORD_SUFFIX = /^\d+$/;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The output stream seen by one open sink instance, holding epoch {@link JetStreamSinkLog.epoch}.
 *
 * Every publish is conditional: the first message of a run expects the stream's last sequence
 * the instance knows, each next one expects the previous one's `Nats-Msg-Id` as the stream's
 * last. So a run lands contiguously or not at all from the first failure on, and once another
 * instance has published its fence (a newer epoch) no message of this one can land after it.
 */
export class JetStreamSinkLog {
  readonly js: JetStreamClient;
  /** Set by {@link JetStreamSinkLog.open}. */
  jsm!: JetStreamManager;
  readonly fenceSubject: string;
  /** The epoch this instance took at open (1 for the first instance ever). */
  epoch = 0;
  /** The largest payload the stream accepts (its `max_msg_size`, or the server's max payload). */
  maxPayload = 1 << 20;
  /** The output stream's configuration as read at open (the staging stream copies its replicas and storage). */
  config: StreamConfig | undefined;
  /** The stream's last sequence as of this instance's last successful publish; unknown after a failure. */
  #lastSeq: number | undefined;
  #fenced: NatsError | undefined;
  #sub: Subscription | undefined;
  readonly #instance = randomBytes(6).toString('hex');

  constructor(
    readonly nc: NatsConnection,
    readonly stream: string,
    readonly subject: string,
    readonly where: string,
    readonly tuning: LogTuning,
  ) {
    this.js = jetstream(nc, { timeout: tuning.timeoutMs });
    this.fenceSubject = `${subject}._weir.fence`;
  }

  /** The `FENCED` error once a newer epoch was seen (published by another instance), else `undefined`. */
  get fenced(): NatsError | undefined {
    return this.#fenced;
  }

  /**
   * Checks the stream (exists, takes the sink's subjects) and takes the next epoch by
   * compare-and-set on the fence subject; from then on no older instance can publish. `fresh`:
   * the instance starts without a checkpoint and purges every earlier record (its fence then
   * bounds {@link lastRecord}'s walk back).
   */
  async open(fresh: boolean): Promise<void> {
    this.jsm = await jetstreamManager(this.nc, { timeout: this.tuning.timeoutMs, checkAPI: false });
    const info = await this.retry('read the stream', 'CONNECT', async () => {
      try {
        return await this.jsm.streams.info(this.stream);
      } catch (err) {
        if (err instanceof JetStreamApiError && err.code === 10059) {
          throw new NatsError('MISSING_STREAM', `${this.where}: the output stream '${this.stream}' does not exist; create it with subjects ['${this.subject}.>']`, { cause: err });
        }
        throw err;
      }
    });
    const subjects = info.config.subjects ?? [];
    const needed = [`${this.subject}.0`, this.fenceSubject];
    const missing = needed.filter((s) => !subjects.some((p) => subjectMatches(p, s)));
    if (missing.length > 0) {
      throw new NatsError(
        'INVALID_ARGUMENT',
        `${this.where}: stream '${this.stream}' takes subjects ${JSON.stringify(subjects)}, which do not cover '${missing[0]}': give it '${this.subject}.>'`,
      );
    }
    const serverMax = this.nc.info?.max_payload ?? 1 << 20;
    const streamMax = info.config.max_msg_size ?? -1;
    this.maxPayload = streamMax > 0 ? Math.min(streamMax, serverMax) : serverMax;
    this.config = info.config;
    await this.#takeEpoch(fresh);
    this.#sub = this.nc.subscribe(this.fenceSubject, {
      callback: (err, msg) => {
        if (err !== null) return;
        const epoch = parseFence(msg.data)?.epoch;
        if (epoch !== undefined && epoch > this.epoch) this.#fence(epoch);
      },
    });
  }

  async #takeEpoch(fresh: boolean): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const last: StoredMsg | null = await this.retry(`read the fence ${this.fenceSubject}`, 'CONNECT', () =>
        this.jsm.streams.getMessage(this.stream, { last_by_subj: this.fenceSubject }),
      );
      const previous = last === null ? 0 : (parseFence(last.data)?.epoch ?? 0);
      const epoch = previous + 1;
      const body = JSON.stringify({ epoch, instance: this.#instance, fresh, host: hostname(), pid: process.pid, at: new Date().toISOString() });
      try {
        const ack = await this.js.publish(this.fenceSubject, body, {
          msgID: `${this.fenceSubject}:${epoch}:${this.#instance}`,
          expect: { lastSubjectSequence: last?.seq ?? 0 },
          timeout: this.tuning.timeoutMs,
        });
        this.epoch = epoch;
        this.#lastSeq = ack.seq;
        return;
      } catch (err) {
        // The ack may be lost (a timeout) or the condition refused by a fence of ours that landed
        // late: the last fence tells whether it is ours.
        const now = await this.jsm.streams.getMessage(this.stream, { last_by_subj: this.fenceSubject }).catch(() => null);
        const landed = now === null ? undefined : parseFence(now.data);
        if (landed?.instance === this.#instance) {
          this.epoch = landed.epoch;
          this.#lastSeq = undefined;
          return;
        }
        if (err instanceof JetStreamApiError && WRONG_LAST.has(err.code)) {
          throw new NatsError('FENCED', `${this.where}: another instance took epoch ${epoch} of stream '${this.stream}' at the same time; this one must not write`, { cause: err });
        }
        if (attempt >= this.tuning.attempts) {
          throw new NatsError('PUBLISH', `${this.where}: cannot publish the fence (epoch ${epoch}) to ${this.fenceSubject}: ${messageOf(err)}`, { cause: err });
        }
        await sleep(this.#backoff(attempt));
      }
    }
  }

  #fence(epoch: number): NatsError {
    this.#fenced ??= new NatsError(
      'FENCED',
      `${this.where}: another instance of the job took over stream '${this.stream}' (epoch ${epoch}, this one holds ${this.epoch}); this instance must stop writing`,
    );
    return this.#fenced;
  }

  #backoff(attempt: number): number {
    return Math.min(this.tuning.backoffMs * 2 ** (attempt - 1), 2_000);
  }

  /** Re-reads the stream's last sequence, then checks that the fence still holds this epoch. */
  async #resync(): Promise<void> {
    const info = await this.jsm.streams.info(this.stream);
    await this.checkFence();
    this.#lastSeq = info.state.last_seq;
  }

  /** Reads the last fence (one request): throws `FENCED` unless it still holds this instance's epoch. */
  async checkFence(): Promise<void> {
    if (this.#fenced !== undefined) throw this.#fenced;
    const fence = await this.jsm.streams.getMessage(this.stream, { last_by_subj: this.fenceSubject });
    const epoch = fence === null ? undefined : parseFence(fence.data)?.epoch;
    if (epoch !== this.epoch) throw this.#fence(epoch ?? 0);
  }

  /**
   * Runs `op` (which reads where it left off and publishes the rest) until it succeeds, resyncing
   * before each attempt after a failure: up to `attempts` tries for a timeout, a lost connection,
   * a server restart or leader change (a refused condition with the epoch still ours). `FENCED`
   * fails at once; anything else, or the last attempt, fails with `PUBLISH` naming `what`.
   */
  async withRetries<R>(what: string, op: () => Promise<R>): Promise<R> {
    return this.retry(what, 'PUBLISH', async () => {
      if (this.#fenced !== undefined) throw this.#fenced;
      try {
        if (this.#lastSeq === undefined) await this.#resync();
        return await op();
      } catch (err) {
        this.#lastSeq = undefined;
        throw err;
      }
    });
  }

  /** Tries `op` up to `attempts` times while it fails with a passing error; a `NatsError` fails at once, the rest as `code`. */
  async retry<R>(what: string, code: 'PUBLISH' | 'CONNECT', op: () => Promise<R>): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        if (err instanceof NatsError) throw err;
        if (!retryable(err) || attempt >= this.tuning.attempts) {
          throw new NatsError(code, `${this.where}: cannot ${what} (stream '${this.stream}', attempt ${attempt} of ${this.tuning.attempts}): ${messageOf(err)}`, { cause: err });
        }
        await sleep(this.#backoff(attempt));
      }
    }
  }

  /**
   * Publishes `items[from..]` as one chained run, at most `maxInFlight` unacknowledged; calls
   * `acked(i, seq)` for each acknowledged message. Throws the first failure once every publish
   * in flight has settled (or nothing was acknowledged for `timeoutMs`). Call inside
   * {@link withRetries}.
   *
   * Core publishes with a reply subject per message on one inbox subscription, not
   * `js.publish`: no promise and no timer per message (3-4x the rate of `js.publish` measured
   * here); the acknowledgements are JetStream's own.
   */
  async publishRun(items: readonly LogMessage[], from: number, acked: (i: number, seq: number) => void): Promise<void> {
    if (this.#fenced !== undefined) throw this.#fenced;
    const base = this.#lastSeq;
    if (base === undefined) throw new Error('publishRun before the log was synchronized');
    if (from >= items.length) return;
    this.#lastSeq = undefined; // until the whole run is acknowledged
    await this.publishChain(this.stream, base, items, from, acked);
    this.#lastSeq = base + (items.length - from);
  }

  /**
   * Publishes `items[from..]` to `stream`, whose last sequence is `base`, as one chained run
   * (the first expects `base`, each next the previous id): {@link publishRun}'s engine, also
   * used for the staging stream.
   */
  async publishChain(stream: string, base: number, items: readonly LogMessage[], from: number, acked: (i: number, seq: number) => void): Promise<void> {
    if (from >= items.length) return;
    const inbox = createInbox();
    let failure: unknown;
    let inFlight = 0;
    let lastProgress = Date.now();
    let wake: (() => void) | undefined;
    const notify = (): void => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const decoder = new TextDecoder();
    const sub = this.nc.subscribe(`${inbox}.*`, {
      callback: (err, msg) => {
        lastProgress = Date.now();
        const i = Number(msg.subject.slice(inbox.length + 1));
        inFlight--;
        try {
          if (err !== null) throw err;
          if (msg.headers?.hasError === true) throw new Error(`${msg.headers.code} ${msg.headers.description || 'no responders'}: is stream '${stream}' up?`);
          const ack = JSON.parse(decoder.decode(msg.data)) as { error?: ApiError; stream?: string; seq?: number; duplicate?: boolean };
          if (ack.error !== undefined) throw new JetStreamApiError(ack.error);
          const want = base + (i - from) + 1;
          if (ack.duplicate === true || ack.seq !== want || ack.stream !== stream) {
            throw new Error(`message ${items[i]?.msgId} was acknowledged as ${ack.duplicate === true ? 'a duplicate' : `seq ${ack.seq} of '${ack.stream}', expected ${want}`}`);
          }
          if (failure === undefined) acked(i, want);
        } catch (e) {
          failure ??= e;
        }
        notify();
      },
    });
    let timedOut = false;
    const watchdog = setInterval(
      () => {
        if (inFlight > 0 && Date.now() - lastProgress >= this.tuning.timeoutMs) {
          timedOut = true;
          failure ??= new Error(`no acknowledgement from stream '${stream}' within ${this.tuning.timeoutMs} ms (${inFlight} publishes unanswered)`);
          notify();
        }
      },
      Math.min(this.tuning.timeoutMs, 100),
    );
    const waitBelow = async (n: number): Promise<void> => {
      while (inFlight > n && !timedOut && (failure === undefined || n === 0)) await new Promise<void>((r) => (wake = r));
    };
    try {
      let prev = '';
      for (let i = from; i < items.length && failure === undefined; i++) {
        const item = items[i]!;
        const h = natsHeaders();
        h.set('Nats-Msg-Id', item.msgId);
        if (i === from) h.set('Nats-Expected-Last-Sequence', String(base));
        else h.set('Nats-Expected-Last-Msg-Id', prev);
        if (inFlight === 0) lastProgress = Date.now();
        inFlight++;
        this.nc.publish(item.subject, item.data, { reply: `${inbox}.${i}`, headers: h });
        prev = item.msgId;
        if (inFlight >= this.tuning.maxInFlight) await waitBelow(this.tuning.maxInFlight - 1);
      }
      await waitBelow(0);
    } catch (err) {
      failure ??= err; // the connection closed under the publish
    } finally {
      clearInterval(watchdog);
      sub.unsubscribe();
    }
    if (failure !== undefined) {
      if (this.#fenced !== undefined) throw this.#fenced;
      throw failure;
    }
  }

  /**
   * The last record of the sink in the stream (any partition) below sequence `before`, or
   * `undefined` when there is none.
   * Walks back by sequence from the stream's last message over the sink's bookkeeping and
   * deleted messages (server 2.9 cannot find a subject's last message once it was deleted), so
   * it costs one request per such message: a few staged chunks after a crash between pre-commit
   * and commit, every deleted record after a rollback until the next commit. It stops at the
   * fence of an instance that started fresh (and purged every record before it).
   */
  async lastRecord(before = Number.MAX_SAFE_INTEGER): Promise<FoundRecord | undefined> {
    const info = await this.jsm.streams.info(this.stream);
    const first = Math.max(1, info.state.first_seq);
    const prefix = `${this.subject}.`;
    for (let seq = Math.min(info.state.last_seq, before - 1); seq >= first; seq--) {
      const m = await this.jsm.streams.getMessage(this.stream, { seq });
      if (m === null) continue;
      if (m.subject.startsWith(prefix) && RECORD_SUFFIX.test(m.subject.slice(prefix.length))) return this.parseRecord(m);
      if (m.subject === this.fenceSubject && parseFence(m.data)?.fresh === true) return undefined; // everything before it was purged
    }
    return undefined;
  }

  /** Where a stored record came from, from its `Nats-Msg-Id`; a message the sink did not write is `FENCED`. */
  parseRecord(m: StoredMsg): FoundRecord {
    const id = m.header?.get('Nats-Msg-Id') ?? '';
    const match = id.startsWith(`${m.subject}:`) ? RECORD_ID.exec(id) : null;
    if (match === null) {
      throw new NatsError(
        'FENCED',
        `${this.where}: message ${m.seq} on ${m.subject} of stream '${this.stream}' was not written by this sink (Nats-Msg-Id ${JSON.stringify(id)}): the sink must be the stream's only writer`,
      );
    }
    return { seq: m.seq, epoch: Number(match[1]), checkpointId: Number(match[2]), index: Number(match[3]) };
  }

  /** Stops listening to the fence; the connection stays open (it belongs to the caller). */
  close(): void {
    this.#sub?.unsubscribe();
    this.#sub = undefined;
  }
}

/** Whether a publish or API failure may pass (a retry after a resync can succeed). */
function retryable(err: unknown): boolean {
  if (err instanceof JetStreamApiError) return WRONG_LAST.has(err.code) || PASSING.has(err.code);
  return true; // timeouts, a closed or reconnecting connection, no responders while the server restarts
}

/** The fence message's body. */
function parseFence(data: Uint8Array): { epoch: number; instance: string; fresh: boolean } | undefined {
  try {
    const v = JSON.parse(new TextDecoder().decode(data)) as { epoch?: unknown; instance?: unknown; fresh?: unknown };
    if (typeof v.epoch === 'number' && Number.isSafeInteger(v.epoch) && typeof v.instance === 'string') return { epoch: v.epoch, instance: v.instance, fresh: v.fresh === true };
  } catch {
    // not a fence
  }
  return undefined;
}

/** Whether NATS subject `pattern` (with `*` and `>` wildcards) matches `subject`. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}
