// Internal: a barrier log captured at the barrier and encoded after it, chunk by chunk
// (docs/architecture.md §5.3: deferred entries).
import { StateError, type Entry } from '@weir/state';
import { grown } from './grown';
import type { WindowKeys } from './windowState';

/** Bytes of a deferred log chunk before the next starts: one chunk is one piece of checkpoint work (about 0.1 ms warm, 1 ms on cold code). */
const DEFERRED_CHUNK_BYTES = 16 * 1024;

/** A captured record larger than this is a codec that never fits: it fails the checkpoint. */
const MAX_RECORD_BYTES = 1 << 26;

/**
 * Writes captured entry `k`'s log record, `[u32 n, key, u32 m, value]`, into `out` from `at`;
 * returns the index after it, or -1 when it does not fit.
 */
export type CapturedLogWriter = (from: LogCapture, k: number, out: Uint8Array, at: number) => number;

/**
 * The barrier log of one checkpoint, held as values rather than bytes: what a waiting entry's log
 * record needs (its owner and index, which give its store key; creation number, stored flags and
 * a number accumulator) copied into typed columns at the barrier, a few word writes per entry.
 * Entries that cannot be captured so (an accumulator that is an object, which later records may
 * change in place) are encoded at the barrier into {@link eager} chunks, as a flush does.
 *
 * As an iterator it yields the log's chunks, `[log key, bytes]`: the eager chunks first, then one
 * chunk of about 16 KiB of captured records per `next()`, encoded when asked for. Nothing it
 * yields depends on when it is asked: the columns are its own, and an owner's store keys never
 * change once known. Once done it lets go of the owners and may be reused for a later barrier.
 */
export class LogCapture implements Iterator<Entry> {
  /** Each captured entry's owner (a group table) and index in it. */
  readonly owners: unknown[] = [];
  index = new Int32Array(1024);
  seqs = new Float64Array(1024);
  flags = new Uint8Array(1024);
  values = new Float64Array(1024);
  /** Entries captured. */
  size = 0;
  /** Log chunks encoded at the barrier. */
  readonly eager: Uint8Array[] = [];
  /** Every chunk was produced: the capture may be reused. */
  done = false;
  #chunk = 0;
  #eagerAt = 0;
  #k = 0;
  #buf = new Uint8Array(DEFERRED_CHUNK_BYTES + 4096);

  constructor(
    private readonly keys: WindowKeys,
    private readonly write: CapturedLogWriter,
  ) {}

  /** Empties the capture for a new barrier. */
  reset(): this {
    this.size = 0;
    this.eager.length = 0;
    this.done = false;
    this.#chunk = 0;
    this.#eagerAt = 0;
    this.#k = 0;
    return this;
  }

  /** Captures an entry. O(1) amortised. */
  push(owner: unknown, i: number, seq: number, flags: number, value: number): void {
    const k = this.size++;
    if (k === this.index.length) this.#grow(2 * k);
    this.owners[k] = owner;
    this.index[k] = i;
    this.seqs[k] = seq;
    this.flags[k] = flags;
    this.values[k] = value;
  }

  /** The next log chunk: O(its records). */
  next(): IteratorResult<Entry> {
    if (this.#eagerAt < this.eager.length) return { done: false, value: [this.keys.log(this.#chunk++), this.eager[this.#eagerAt++]!] };
    if (this.#k >= this.size) {
      if (!this.done) {
        this.done = true;
        this.owners.fill(undefined, 0, this.size); // a purged table is not kept alive by its last log
      }
      return { done: true, value: undefined };
    }
    let pos = 0;
    while (this.#k < this.size && pos < DEFERRED_CHUNK_BYTES) {
      const end = this.write(this, this.#k, this.#buf, pos);
      if (end >= 0) {
        pos = end;
        this.#k++;
      } else if (pos > 0) break; // the chunk is full
      else if (this.#buf.length < MAX_RECORD_BYTES) this.#buf = new Uint8Array(2 * this.#buf.length); // one record larger than the buffer
      else throw new StateError('SERIALIZATION', `barrier log: captured entry ${this.#k} does not encode in ${MAX_RECORD_BYTES} bytes`);
    }
    return { done: false, value: [this.keys.log(this.#chunk++), this.#buf.slice(0, pos)] };
  }

  #grow(n: number): void {
    this.index = grown(this.index, n);
    this.seqs = grown(this.seqs, n);
    this.flags = grown(this.flags, n);
    this.values = grown(this.values, n);
  }
}
