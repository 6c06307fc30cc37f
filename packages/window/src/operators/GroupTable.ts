// Internal: the accumulators of one window (aligned engine) or pane (pane engine), one per group
// key, kept column by column so that a record touches as little memory as possible.
//
// A record looks its key up in `index` (a Map from the key's identity to a small integer) and
// then reads and writes `accs[i]` and `flags[i]`: two compact arrays that stay in the processor's
// cache, where one object per group (its fields, and boxes for its numbers) would be a cache miss
// per record once the 10k groups of a window no longer fit beside the stream's garbage. The rest
// of a group (key, creation number, store key, its handle in the write-back cache) is read only
// when the group is created, fires, is written or is purged. Groups are never removed one by one:
// a table goes with its window or pane.
import type { AccumulatorCodec } from '../aggregates/AccumulatorCodec';
import type { Cached, KeyPart, StateStore } from '@weir/state';
import { StateCache } from './StateCache';
import { HEADER_BYTES, Scratch, groupValue, type WindowKeys } from './windowState';

/** `flags[i]`: the group's result was emitted (the stored FLAG_EMITTED, same bit). */
export const EMITTED = 1;
/** `flags[i]`: changed since its result was last emitted (the stored FLAG_CHANGED, same bit). */
export const CHANGED = 2;
/** `flags[i]`: changed since last written to the store: waits in the write-back cache. */
export const DIRTY = 4;
/** The flags that are stored with a group (its header's flags byte). */
const STORED_FLAGS = EMITTED | CHANGED;

/** A group's handle in the write-back cache (made when it first waits there, then reused). */
export interface GroupRef<K, A> extends Cached {
  readonly table: GroupTable<K, A>;
  readonly i: number;
}

/** The groups of one window or pane `[start, end)`, in creation order. */
export class GroupTable<K, A> {
  /** Group key identity (keyPartId) -> the group's index. */
  readonly index = new Map<unknown, number>();
  readonly keys: K[] = [];
  readonly accs: A[] = [];
  /** Creation numbers (persisted: a restored operator orders results the same way). */
  readonly seqs: number[] = [];
  /** {@link EMITTED} | {@link CHANGED} | {@link DIRTY} per group. */
  flags = new Uint8Array(16);
  /** Each group's store key, built on its first write; set iff the store holds the group. */
  readonly storeKeys: Array<Uint8Array | undefined> = [];
  readonly refs: Array<GroupRef<K, A> | undefined> = [];

  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  get size(): number {
    return this.keys.length;
  }

  /** Appends a group; returns its index. O(1) amortised. */
  add(mk: unknown, key: K, acc: A, seq: number, flags: number, storeKey: Uint8Array | undefined): number {
    const i = this.keys.length;
    if (i === this.flags.length) {
      const grown = new Uint8Array(2 * i);
      grown.set(this.flags);
      this.flags = grown;
    }
    this.index.set(mk, i);
    this.keys.push(key);
    this.accs.push(acc);
    this.seqs.push(seq);
    this.flags[i] = flags;
    this.storeKeys.push(storeKey);
    this.refs.push(undefined);
    return i;
  }

  /** Records a change of group `i` in `cache` (it waits there, or is written at once). O(1). */
  changed(i: number, cache: StateCache<GroupRef<K, A>>): void {
    const f = this.flags[i]!;
    if ((f & DIRTY) !== 0) return;
    this.flags[i] = f | DIRTY;
    let ref = this.refs[i];
    if (ref === undefined) this.refs[i] = ref = { table: this, i, dirty: false, cacheSlot: -1 };
    cache.changed(ref);
  }

  /**
   * After an aggregate threw on group `i`: its accumulator as the store holds it, when that is
   * its latest value (the `add` may have half-updated it in place), else the accumulator as is.
   */
  reloaded(i: number, store: StateStore, codec: AccumulatorCodec<A>): A {
    const storeKey = this.storeKeys[i];
    if ((this.flags[i]! & DIRTY) !== 0 || storeKey === undefined) return this.accs[i]!;
    const stored = store.get(storeKey);
    return stored === undefined ? this.accs[i]! : codec.decode(stored.subarray(HEADER_BYTES));
  }

  /** Forgets every group: drops the waiting ones from `cache`, deletes the stored ones. O(size). */
  purge(cache: StateCache<GroupRef<K, A>>, store: StateStore): void {
    for (let i = 0; i < this.keys.length; i++) {
      if ((this.flags[i]! & DIRTY) !== 0) cache.drop(this.refs[i]!);
      const storeKey = this.storeKeys[i];
      if (storeKey !== undefined) store.delete(storeKey);
    }
  }
}

/**
 * The write-back cache of an engine's group tables: a group is stored as GROUP `end start key`
 * -> `[seq, flags, acc]` (windowState.ts).
 */
export function groupCache<K extends KeyPart, A>(store: StateStore, keys: WindowKeys, capacity: number, codec: AccumulatorCodec<A>): StateCache<GroupRef<K, A>> {
  const scratch = new Scratch();
  const valueOf = ({ table, i }: GroupRef<K, A>): Uint8Array => groupValue(scratch, table.seqs[i]!, table.flags[i]! & STORED_FLAGS, codec.encode(table.accs[i]!));
  return new StateCache<GroupRef<K, A>>(store, keys, capacity, {
    write(ref) {
      const { table, i } = ref;
      const value = valueOf(ref);
      const storeKey = (table.storeKeys[i] ??= keys.group(table.end, table.start, table.keys[i]!));
      store.put(storeKey, value);
      table.flags[i] = table.flags[i]! & ~DIRTY;
    },
    keyView: ({ table, i }) => table.storeKeys[i] ?? keys.groupView(table.end, table.start, table.keys[i]!),
    valueView: valueOf,
  });
}
