// Internal: one partition of a jetStreamSource reader: its ordered consumer and the messages it
// delivered that the job has not taken yet.
import type { ConsumerMessages, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { messageOf } from '@weir/state';

/** How many messages a partition asks its consumer's iterator for ahead of the job, resolved or not. */
const AHEAD = 32;

/**
 * One partition: its consumer, and the messages its iterator delivered that the job has not
 * taken yet. Up to {@link AHEAD} `next()` calls are kept outstanding, so that the messages the
 * client holds arrive here through microtasks while the job works and are taken without an await.
 */
export class JetStreamSourcePartition {
  messages: ConsumerMessages | undefined;
  iterator: AsyncIterator<JsMsg> | undefined;
  finished = false;
  readonly #ready: JsMsg[] = [];
  #head = 0;
  #outstanding = 0;
  /** How the iterator ended (an error, or done), once it did. */
  #end: { readonly error: unknown } | 'done' | undefined;
  #arrival: { readonly promise: Promise<void>; readonly resolve: () => void } | undefined;

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

  /** Keeps {@link AHEAD} messages asked for or ready. */
  fill(): void {
    const it = this.iterator;
    if (it === undefined) return;
    while (this.#end === undefined && this.#outstanding + this.#ready.length - this.#head < AHEAD) {
      this.#outstanding++;
      it.next().then(this.#onValue, this.#onError);
    }
  }

  /** The next delivered message, or `undefined` when none is here (yet); see {@link ended}. */
  shift(): JsMsg | undefined {
    if (this.#head === this.#ready.length) return undefined;
    const m = this.#ready[this.#head++];
    if (this.#head === this.#ready.length) {
      this.#ready.length = 0;
      this.#head = 0;
    }
    return m;
  }

  /** How the iterator ended, once every message it delivered was taken. */
  ended(): { readonly error: unknown } | 'done' | undefined {
    return this.#head === this.#ready.length ? this.#end : undefined;
  }

  /** Resolves once a message (or the end) is here. */
  arrival(): Promise<void> {
    if (this.#head < this.#ready.length || this.#end !== undefined) return Promise.resolve();
    this.fill();
    this.#arrival ??= ((): { promise: Promise<void>; resolve: () => void } => {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((r) => (resolve = r));
      return { promise, resolve };
    })();
    return this.#arrival.promise;
  }

  readonly #onValue = (r: IteratorResult<JsMsg>): void => {
    this.#outstanding--;
    if (r.done === true) this.#end ??= 'done';
    else this.#ready.push(r.value);
    this.#wake();
  };

  readonly #onError = (error: unknown): void => {
    this.#outstanding--;
    this.fail(error);
  };

  /** Ends the partition with `error` (after the messages already here). */
  fail(error: unknown): void {
    this.#end ??= { error };
    this.#wake();
  }

  #wake(): void {
    const a = this.#arrival;
    if (a === undefined) return;
    this.#arrival = undefined;
    a.resolve();
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
    this.#ready.length = 0;
    this.#head = 0;
    if (m !== undefined) void m.close().catch(() => undefined);
  }
}

/**
 * Fails `part` with `MISSING_STREAM` when its stream is deleted while it is read: the client's
 * consumer would retry for ever. Its notices of a missing stream or consumer are checked against
 * the stream's info (a server restarting can report them for a moment).
 */
export function watchStream(jsm: JetStreamManager, part: JetStreamSourcePartition, messages: ConsumerMessages): void {
  void (async () => {
    for await (const n of messages.status()) {
      if (n.type !== 'stream_not_found' && n.type !== 'consumer_deleted') continue;
      try {
        await jsm.streams.info(part.stream);
      } catch (err) {
        if (!/stream not found/i.test(messageOf(err))) continue;
        part.fail(new Error(`stream not found: ${messageOf(err)}`));
        return;
      }
    }
  })().catch(() => undefined);
}
