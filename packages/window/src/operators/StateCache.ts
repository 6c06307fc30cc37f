// Internal: how a window engine's changed state reaches its store: a bounded write-back cache,
// and a barrier log so that a checkpoint barrier costs one encoding pass, not a store write per
// changed entry.
import { WriteBackCache, type Cached, type StateStore } from '@weir/state';
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
   * Optional: hands the entry's key to the barrier log as `bytes[from, to)` without making a view
   * (a barrier logs up to `capacity` keys in one turn); returns false to use {@link keyView}.
   */
  logKey?(entry: E, append: (bytes: Uint8Array, from: number, to: number) => void): boolean;
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
 *   costs a copy, so a barrier stays short however large the cache (about 0.1 µs per entry).
 *   A restored engine lays the log over the stored entries ({@link loadSection}) and marks what
 *   came from it as changed again.
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
  private readonly appendRange = (bytes: Uint8Array, from: number, to: number): void => this.append(bytes, from, to);

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

  /** At a barrier: records every waiting change in the barrier log. O(waiting). */
  flush(): void {
    let chunk = 0;
    this.pos = 0;
    const codec = this.codec;
    this.cache.forEachWaiting((entry) => {
      if (codec.logKey?.(entry, this.appendRange) !== true) this.append(codec.keyView(entry));
      this.append(codec.valueView(entry));
      if (this.pos >= CHUNK_BYTES) {
        this.store.put(this.keys.log(chunk++), this.buf.subarray(0, this.pos));
        this.pos = 0;
      }
    });
    if (this.pos > 0) this.store.put(this.keys.log(chunk++), this.buf.subarray(0, this.pos));
    this.pos = 0;
    const previous = this.chunks;
    this.chunks = chunk;
    for (let i = chunk; i < previous; i++) this.store.delete(this.keys.log(i));
  }

  private deleteChunksFrom(first: number): void {
    for (let i = first; i < this.chunks; i++) this.store.delete(this.keys.log(i));
    this.chunks = first;
  }

  /** Appends `bytes[from, to)` with a 4-byte big-endian length. */
  private append(bytes: Uint8Array, from = 0, to = bytes.length): void {
    const n = to - from;
    const need = this.pos + 4 + n;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, 2 * this.buf.length));
      grown.set(this.buf.subarray(0, this.pos));
      this.buf = grown;
    }
    const buf = this.buf;
    let at = this.pos;
    buf[at++] = n >>> 24;
    buf[at++] = (n >>> 16) & 0xff;
    buf[at++] = (n >>> 8) & 0xff;
    buf[at++] = n & 0xff;
    // short keys and values: a loop beats a typed-array copy's call overhead
    if (n <= 32) for (let k = from; k < to; k++) buf[at++] = bytes[k]!;
    else {
      buf.set(from === 0 && to === bytes.length ? bytes : bytes.subarray(from, to), at);
      at += n;
    }
    this.pos = at;
  }
}
