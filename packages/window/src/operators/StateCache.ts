// Internal: how a window engine's changed state reaches its store: a bounded write-back cache,
// and a barrier log so that a checkpoint barrier costs one encoding pass, not a store write per
// changed entry.
import { WriteBackCache, type Cached, type Entry, type StateStore } from '@weir/state';
import { LogCapture } from './LogCapture';
import { LOG, type WindowKeys } from './windowState';

/** How the engine's entries are stored: what the cache writes and what the log records. */
export interface StateCodec<E> {
  /** Writes the entry under its store key (and notes that the store holds it). */
  write(entry: E): void;
  /** The entry's store key; may be a view valid only until the next call on the engine's keys. */
  keyView(entry: E): Uint8Array;
  /** The entry's value; may be a view valid only until the next `keyView` or `valueView`. */
  valueView(entry: E): Uint8Array;
  /**
   * Optional: writes the entry's barrier log record, `[u32 n, key, u32 m, value]` (big-endian
   * lengths, the bytes {@link keyView} and {@link valueView} would give), straight into `out` from
   * index `at`, with no view or array made on the way (a barrier logs up to `capacity` entries in
   * one turn); returns the index after the record, or -1 when the entry cannot (its key is not
   * known yet) or the record does not fit in `out`: the views are used then. What it writes past
   * `at` before returning -1 is ignored.
   */
  logInto?(entry: E, out: Uint8Array, at: number): number;
  /**
   * Optional, with {@link logCaptured}: copies what the entry's log record needs into `into`
   * (see {@link LogCapture.push}) and returns true, or returns false when the entry cannot be
   * captured by value (an object accumulator, which later records may change in place): it is
   * encoded at the barrier then.
   */
  capture?(entry: E, into: LogCapture): boolean;
  /** Writes captured entry `k`'s log record, as {@link logInto} would have at the barrier. */
  logCaptured?(from: LogCapture, k: number, out: Uint8Array, at: number): number;
}

/** Writes `n` as a 4-byte big-endian length at `out[at]`. */
export function writeLength(out: Uint8Array, at: number, n: number): void {
  out[at] = n >>> 24;
  out[at + 1] = (n >>> 16) & 0xff;
  out[at + 2] = (n >>> 8) & 0xff;
  out[at + 3] = n & 0xff;
}

/** Bytes of a log chunk before the next chunk starts (a chunk can exceed it by one entry). */
const CHUNK_BYTES = 256 * 1024;

/**
 * The changed state of a window engine on its way to the store (docs/architecture.md,
 * operator/state contract: the store is the source of truth at every barrier).
 *
 * - A change waits in a {@link WriteBackCache} of `capacity` entries: an entry changed many times
 *   between two barriers is handled once, and one purged before the next barrier never reaches
 *   the store. Over capacity, the entry waiting longest is written under its key.
 * - At a barrier ({@link flush}), the entries still waiting are not written one by one: they are
 *   encoded into the barrier log (the LOG section, chunks of about 256 KiB, replacing the previous
 *   log) and keep waiting. A store put per entry costs a hash and a tree insert; encoding one
 *   costs a copy, so a barrier stays short however large the cache (about 0.1 µs per entry: the
 *   record is written straight into the chunk, see {@link StateCodec.logInto}).
 *   A restored engine lays the log over the stored entries ({@link loadSection}) and marks what
 *   came from it as changed again.
 * - Or, when the checkpoint takes deferred entries ({@link capture}), the log is not written at
 *   the barrier at all: the waiting entries are captured by value and their records encoded
 *   after the barrier, between records, into the snapshot only.
 * - When nothing waits any more (purged or written), the log says nothing the stored entries do
 *   not, and it is deleted.
 *
 * With capacity 0 every change is written at once and there is never a log.
 */
export class StateCache<E extends Cached> {
  private readonly cache: WriteBackCache<E>;
  /** Chunks of the barrier log in the store (keys 0 .. chunks - 1). */
  private chunks = 0;
  private buf = new Uint8Array(1024);
  private pos = 0;
  /** The last capture: reused by the next barrier once it is done. */
  private spare: LogCapture | undefined;

  constructor(
    private readonly store: StateStore,
    private readonly keys: WindowKeys,
    capacity: number,
    private readonly codec: StateCodec<E>,
  ) {
    this.cache = new WriteBackCache(capacity, (e) => codec.write(e));
  }

  /** Records a change of `entry` (it waits, or is written at once with capacity 0). O(1). */
  changed(entry: E): void {
    this.cache.changed(entry);
  }

  /** Forgets a waiting change: the entry left the engine's state. O(1). */
  drop(entry: E): void {
    this.cache.drop(entry);
    if (this.chunks > 0 && this.cache.size === 0) this.deleteChunksFrom(0);
  }

  /**
   * After the engine loaded its state (and called {@link changed} on every entry that came from
   * the log): notes the log the store holds, and deletes it when nothing waits.
   */
  loaded(): void {
    let n = 0;
    for (const _ of this.store.prefixScan(this.keys.section(LOG))) n++;
    this.chunks = n;
    if (this.cache.size === 0) this.deleteChunksFrom(0);
  }

  /** At a barrier: records every waiting change in the barrier log, in the store. O(waiting). */
  flush(): void {
    let chunk = 0;
    this.logWaiting(undefined, (bytes) => this.store.put(this.keys.log(chunk++), bytes));
    const previous = this.chunks;
    this.chunks = chunk;
    for (let i = chunk; i < previous; i++) this.store.delete(this.keys.log(i));
  }

  /**
   * At a barrier, instead of {@link flush} (docs/architecture.md §5.3, deferred entries):
   * captures every waiting change by value, the log records themselves to be encoded after the
   * barrier, a chunk per `next()` of what it returns (see {@link LogCapture}); the store's own log,
   * if any, is deleted, so the snapshot taken next holds none and the returned chunks are its log.
   * O(waiting) word copies, plus an encoding for each entry the codec cannot capture by value.
   *
   * @returns the log's chunks as snapshot entries, or `undefined` when nothing waits
   */
  capture(): Iterator<Entry> | undefined {
    if (this.chunks > 0) this.deleteChunksFrom(0);
    if (this.cache.size === 0) return undefined;
    const codec = this.codec;
    const write = codec.logCaptured;
    if (write === undefined || codec.capture === undefined) {
      const all = new LogCapture(this.keys, () => -1);
      this.logWaiting(undefined, (bytes) => all.eager.push(bytes.slice()));
      return all;
    }
    // a capture still being encoded (a later checkpoint overtook it) is left alone
    const into = this.spare?.done === true ? this.spare.reset() : (this.spare = new LogCapture(this.keys, write));
    this.logWaiting(into, (bytes) => into.eager.push(bytes.slice()));
    return into;
  }

  /**
   * Encodes the waiting changes as log chunks of about {@link CHUNK_BYTES}, each handed to `emit`
   * as a view valid until it returns; with `into`, the entries the codec captures by value are
   * captured there instead.
   */
  private logWaiting(into: LogCapture | undefined, emit: (bytes: Uint8Array) => void): void {
    this.pos = 0;
    const codec = this.codec;
    const direct = codec.logInto !== undefined;
    this.cache.forEachWaiting((entry) => {
      if (into !== undefined && codec.capture!(entry, into)) return;
      const end = direct ? codec.logInto!(entry, this.buf, this.pos) : -1;
      if (end >= 0) this.pos = end;
      else {
        this.append(codec.keyView(entry));
        this.append(codec.valueView(entry));
      }
      if (this.pos >= CHUNK_BYTES) {
        emit(this.buf.subarray(0, this.pos));
        this.pos = 0;
      }
    });
    if (this.pos > 0) emit(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  private deleteChunksFrom(first: number): void {
    for (let i = first; i < this.chunks; i++) this.store.delete(this.keys.log(i));
    this.chunks = first;
  }

  /** Appends `bytes` with a 4-byte big-endian length. */
  private append(bytes: Uint8Array): void {
    const n = bytes.length;
    const need = this.pos + 4 + n;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, 2 * this.buf.length));
      grown.set(this.buf.subarray(0, this.pos));
      this.buf = grown;
    }
    const buf = this.buf;
    let at = this.pos;
    writeLength(buf, at, n);
    at += 4;
    // short keys and values: a loop beats a typed-array copy's call overhead
    if (n <= 32) for (let k = 0; k < n; k++) buf[at++] = bytes[k]!;
    else {
      buf.set(bytes, at);
      at += n;
    }
    this.pos = at;
  }
}
