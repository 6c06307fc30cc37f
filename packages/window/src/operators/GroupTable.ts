// Internal: the accumulators of one window (aligned engine) or pane (pane engine), one per group
// key, kept column by column so that a record touches as little memory as possible.
//
// A record looks its key up in `index` (a GroupIndex from the key's identity to a small integer) and
// then reads and writes `accs.at(i)` and `flags[i]`: two compact columns that stay in the processor's
// cache, where one object per group (its fields, and boxes for its numbers) would be a cache miss
// per record once the 10k groups of a window no longer fit beside the stream's garbage. The rest
// of a group (key, creation number, store key, its handle in the write-back cache) is read only
// when the group is created, fires, is written or is purged. Groups are never removed one by one:
// a table goes with its window or pane.
//
// A group costs the garbage collector no object of its own beyond its key and accumulator (when
// they are objects; number keys and accumulators sit unboxed in a GroupColumn's Float64Array, not
// in slots to mark): its store key lives in a KeyArena (a few large pages), and its handle in the
// write-back cache is taken from a pool while it waits there and returned once written or
// dropped, so at most about `cacheSize` handles exist. With 1M groups, one key array and one
// handle per group were 4M objects that every major collection marked, 20-77 ms pauses on the
// record path (docs/architecture.md §5.8).
import type { AccumulatorCodec } from '../aggregates/AccumulatorCodec';
import type { Cached, KeyPart, StateStore } from '@weir/state';
import { GroupColumn } from './GroupColumn';
import { GroupIndex } from './GroupIndex';
import { grown } from './grown';
import { KeyArena } from './KeyArena';
import { StateCache, writeLength, type StateCodec } from './StateCache';
import { HEADER_BYTES, Scratch, groupValue, writeHeader, type WindowKeys } from './windowState';

/** `flags[i]`: the group's result was emitted (the stored FLAG_EMITTED, same bit). */
export const EMITTED = 1;
/** `flags[i]`: changed since its result was last emitted (the stored FLAG_CHANGED, same bit). */
export const CHANGED = 2;
/** `flags[i]`: changed since last written to the store: waits in the write-back cache. */
export const DIRTY = 4;
/** `flags[i]`: the store holds the group (under the key in the table's arena). */
const STORED = 8;
/** `flags[i]`: the table's arena holds the group's store key (from its first change on). */
const KEYED = 16;
/** The flags that are stored with a group (its header's flags byte). */
const STORED_FLAGS = EMITTED | CHANGED;

/** A group's handle in the write-back cache (taken from the cache's pool while the group waits). */
export interface GroupRef<K, A> extends Cached {
  table: GroupTable<K, A>;
  i: number;
  /** The handle's number in its cache's pool (GroupCache.refAt). */
  readonly id: number;
}

/** The groups of one window or pane `[start, end)`, in creation order. */
export class GroupTable<K, A> {
  /** Group key identity (keyPartId) -> the group's index. */
  readonly index = new GroupIndex();
  readonly keys = new GroupColumn<K>();
  readonly accs = new GroupColumn<A>();
  /** Creation numbers (persisted: a restored operator orders results the same way); safe integers. */
  seqs = new Float64Array(16);
  /** {@link EMITTED} | {@link CHANGED} | {@link DIRTY} (and whether stored) per group. */
  flags = new Uint8Array(16);
  /** Each group's store key, kept from its first write (or its restore) on. */
  private readonly storeKeys = new KeyArena();
  /**
   * The pool number + 1 of each group's handle while it waits in the write-back cache (0: not
   * waiting): numbers, not the handles, so that 1M groups are not 1M slots for the collector to
   * mark (see GroupIndex).
   */
  private refIds = new Int32Array(16);

  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  get size(): number {
    return this.keys.length;
  }

  /** Appends a group (`storeKey`: its key if the store holds it); returns its index. O(1) amortised. */
  add(mk: unknown, key: K, acc: A, seq: number, flags: number, storeKey: Uint8Array | undefined): number {
    const i = this.keys.length;
    if (i === this.flags.length) this.grow(2 * i);
    this.index.add(mk, i);
    this.keys.push(key);
    this.accs.push(acc);
    this.seqs[i] = seq;
    this.flags[i] = flags & ~(STORED | KEYED);
    if (storeKey !== undefined) this.stored(i, storeKey);
    return i;
  }

  /** Moves the typed columns to arrays of `n` slots. */
  private grow(n: number): void {
    this.flags = grown(this.flags, n);
    this.seqs = grown(this.seqs, n);
    this.refIds = grown(this.refIds, n);
  }

  /** Group `i`'s store key (a view: do not modify), or undefined while the store does not hold it. O(1). */
  storeKey(i: number): Uint8Array | undefined {
    return (this.flags[i]! & STORED) === 0 ? undefined : this.storeKeys.get(i);
  }

  /** The length of group `i`'s store key once known, else -1. O(1). */
  storeKeyLength(i: number): number {
    return (this.flags[i]! & KEYED) === 0 ? -1 : this.storeKeys.length(i);
  }

  /**
   * Copies group `i`'s store key into `out` from index `at`; returns the index after it, or -1
   * while the key is not known or does not fit. O(key length), no allocation.
   */
  copyStoreKey(i: number, out: Uint8Array, at: number): number {
    return (this.flags[i]! & KEYED) === 0 ? -1 : this.storeKeys.copyTo(i, out, at);
  }

  /** Whether group `i`'s store key is known. O(1). */
  isKeyed(i: number): boolean {
    return (this.flags[i]! & KEYED) !== 0;
  }

  /** Keeps `src[0, n)` (copied) as group `i`'s store key, if not known yet. O(n). */
  keyedFrom(i: number, src: Uint8Array, n: number): void {
    if ((this.flags[i]! & KEYED) !== 0) return;
    this.storeKeys.setFrom(i, src, n);
    this.flags[i] = this.flags[i]! | KEYED;
  }

  /** Notes that the store now holds group `i` under `storeKey`. */
  private stored(i: number, storeKey: Uint8Array): void {
    this.keyedFrom(i, storeKey, storeKey.length);
    this.flags[i] = this.flags[i]! | STORED;
  }

  /** Records a change of group `i` in `cache` (it waits there, or is written at once). O(1). */
  changed(i: number, cache: GroupCache<K, A>): void {
    const f = this.flags[i]!;
    if ((f & DIRTY) !== 0) return;
    this.flags[i] = f | DIRTY;
    const ref = cache.take(this, i);
    this.refIds[i] = ref.id + 1;
    cache.changed(ref);
  }

  /**
   * After an aggregate threw on group `i`: its accumulator as the store holds it, when that is
   * its latest value (the `add` may have half-updated it in place), else the accumulator as is.
   */
  reloaded(i: number, store: StateStore, codec: AccumulatorCodec<A>): A {
    const storeKey = this.storeKey(i);
    if ((this.flags[i]! & DIRTY) !== 0 || storeKey === undefined) return this.accs.at(i);
    const stored = store.get(storeKey);
    return stored === undefined ? this.accs.at(i) : codec.decode(stored.subarray(HEADER_BYTES));
  }

  /** Forgets every group: drops the waiting ones from `cache`, deletes the stored ones. O(size). */
  purge(cache: GroupCache<K, A>, store: StateStore): void {
    for (let i = 0; i < this.keys.length; i++) {
      const f = this.flags[i]!;
      if ((f & DIRTY) !== 0) {
        const ref = cache.refAt(this.refIds[i]! - 1);
        cache.drop(ref);
        cache.release(ref);
      }
      if ((f & STORED) !== 0) store.delete(this.storeKeys.get(i)!);
    }
  }

  /** The pool number + 1 of group `i`'s handle while it waits in the write-back cache, else 0. O(1). */
  refId(i: number): number {
    return this.refIds[i]!;
  }

  /** Group `i` no longer waits in the write-back cache (its handle went back to the pool). */
  released(i: number): void {
    this.refIds[i] = 0;
  }

  /** After group `i` was written under `storeKey` (a view, copied on its first write). */
  written(i: number, storeKey: Uint8Array): void {
    this.stored(i, storeKey);
    this.flags[i] = this.flags[i]! & ~DIRTY;
  }
}

/** A placeholder table for pooled handles, so a handle never keeps a purged table alive. */
const NO_TABLE = new GroupTable<never, never>(0, 0);

/**
 * The write-back cache of an engine's group tables, with a pool of group handles. A group's store
 * key is built when it first waits here (on the record path, once per group), so that the barrier
 * log copies known keys instead of encoding and hashing up to `capacity` of them in one turn
 * (docs/architecture.md §5.7: the barrier is the part of a checkpoint records wait for).
 */
export class GroupCache<K, A> extends StateCache<GroupRef<K, A>> {
  private readonly free: Array<GroupRef<K, A>> = [];
  /** Every handle made, by its id. */
  private readonly all: Array<GroupRef<K, A>> = [];

  constructor(
    store: StateStore,
    private readonly windowKeys: WindowKeys,
    capacity: number,
    codec: StateCodec<GroupRef<K, A>>,
  ) {
    super(store, windowKeys, capacity, codec);
  }

  /** A handle for group `i` of `table` (from the pool when one is free); builds its store key if not known. O(1) (O(key) once per group). */
  take(table: GroupTable<K, A>, i: number): GroupRef<K, A> {
    if (!table.isKeyed(i)) {
      const w = this.windowKeys.groupWriter(table.end, table.start, table.keys.at(i) as KeyPart);
      table.keyedFrom(i, w.buffer, w.length);
    }
    const ref = this.free.pop();
    if (ref === undefined) {
      const made: GroupRef<K, A> = { table, i, dirty: false, cacheSlot: -1, id: this.all.length };
      this.all.push(made);
      return made;
    }
    ref.table = table;
    ref.i = i;
    return ref;
  }

  /** The handle numbered `id` (see GroupRef.id). O(1). */
  refAt(id: number): GroupRef<K, A> {
    return this.all[id]!;
  }

  /** Returns a handle the cache no longer holds (written or dropped) to the pool. O(1). */
  release(ref: GroupRef<K, A>): void {
    if (ref.table !== (NO_TABLE as unknown)) ref.table.released(ref.i);
    ref.table = NO_TABLE as unknown as GroupTable<K, A>;
    this.free.push(ref);
  }
}

/**
 * The write-back cache of an engine's group tables: a group is stored as GROUP `end start key`
 * -> `[seq, flags, acc]` (windowState.ts).
 */
export function groupCache<K extends KeyPart, A>(store: StateStore, keys: WindowKeys, capacity: number, codec: AccumulatorCodec<A>): GroupCache<K, A> {
  const scratch = new Scratch();
  // An accumulator logInto encoded but could not fit in the log's chunk (one larger than the
  // chunk: a big set, say): the valueView that follows at once takes its bytes, not a second encoding.
  let spare: { readonly acc: A; readonly bytes: Uint8Array } | undefined;
  const direct = codec.encodeInto !== undefined;
  // Where a write encodes a value in place: header, then the accumulator (grown when one does not fit).
  let encoded = new Uint8Array(256);
  const valueOf = ({ table, i }: GroupRef<K, A>): Uint8Array => {
    const acc = table.accs.at(i);
    const seq = table.seqs[i]!;
    const flags = table.flags[i]! & STORED_FLAGS;
    if (direct && spare === undefined) {
      // no allocation on the record path (a write per record once the groups outnumber the cache)
      let end = codec.encodeInto!(acc, encoded, HEADER_BYTES);
      if (end < 0 && encoded.length < 64 * 1024) end = codec.encodeInto!(acc, (encoded = new Uint8Array(64 * 1024)), HEADER_BYTES);
      if (end >= 0) {
        writeHeader(encoded, seq, flags);
        const out = scratch.take(end);
        for (let k = 0; k < end; k++) out[k] = encoded[k]!;
        return out;
      }
    }
    const bytes = spare !== undefined && spare.acc === acc ? spare.bytes : codec.encode(acc);
    spare = undefined;
    return groupValue(scratch, seq, flags, bytes);
  };
  // The store key from the table's arena, copied into a scratch buffer of its length rather than
  // viewed (a view per write is garbage per record).
  const keyScratch = new Scratch();
  const keyOf = ({ table, i }: GroupRef<K, A>): Uint8Array => {
    const n = table.storeKeyLength(i);
    if (n < 0) return keys.groupView(table.end, table.start, table.keys.at(i));
    const out = keyScratch.take(n);
    table.copyStoreKey(i, out, 0);
    return out;
  };
  // A group's log record, [u32 n, key, u32 m, seq(6) flags(1) acc], into `out` from `at`: the key
  // from the table's arena, the accumulator encoded in place when its codec can (else encoded,
  // then copied, and kept as `spare` when it does not fit); -1 when the key is not known yet or the
  // record does not fit.
  const logRecord = (table: GroupTable<K, A>, i: number, seq: number, flags: number, acc: A, out: Uint8Array, at: number): number => {
    const keyEnd = table.copyStoreKey(i, out, at + 4);
    const v = keyEnd + 4;
    if (keyEnd < 0 || v + HEADER_BYTES > out.length) return -1;
    writeLength(out, at, keyEnd - at - 4);
    writeHeader(out, seq, flags, v);
    let end: number;
    if (direct) end = codec.encodeInto!(acc, out, v + HEADER_BYTES);
    else {
      const bytes = codec.encode(acc);
      end = v + HEADER_BYTES + bytes.length;
      if (end > out.length) {
        spare = { acc, bytes };
        return -1;
      }
      out.set(bytes, v + HEADER_BYTES);
    }
    if (end < 0) return -1;
    writeLength(out, keyEnd, end - v);
    return end;
  };
  let cache: GroupCache<K, A> | undefined = undefined;
  const stateCodec: StateCodec<GroupRef<K, A>> = {
    write(ref) {
      const { table, i } = ref;
      const value = valueOf(ref);
      const storeKey = keyOf(ref);
      store.put(storeKey, value);
      table.written(i, storeKey);
      cache!.release(ref);
    },
    keyView: keyOf,
    valueView: valueOf,
    logInto({ table, i }, out, at) {
      spare = undefined;
      return logRecord(table, i, table.seqs[i]!, table.flags[i]! & STORED_FLAGS, table.accs.at(i), out, at);
    },
    // a number accumulator is a value: later records cannot change what was captured
    capture({ table, i }, into) {
      const acc = table.accs.at(i);
      if (typeof acc !== 'number' || !table.isKeyed(i)) return false;
      into.push(table, i, table.seqs[i]!, table.flags[i]! & STORED_FLAGS, acc);
      return true;
    },
    logCaptured(from, k, out, at) {
      const end = logRecord(from.owners[k] as GroupTable<K, A>, from.index[k]!, from.seqs[k]!, from.flags[k]!, from.values[k]! as A, out, at);
      spare = undefined; // a capture retries in a larger buffer itself, and no valueView follows
      return end;
    },
  };
  cache = new GroupCache<K, A>(store, keys, capacity, stateCodec);
  return cache;
}
