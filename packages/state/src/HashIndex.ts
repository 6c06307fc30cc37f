// Internal: the point-lookup index InMemoryStore keeps beside its ordered tree.
//
// Open addressing with linear probing and backward-shift deletion (no tombstones) over one flat
// Int32Array of [hash, id + 1] slots: 8 bytes a slot, 11-23 bytes an entry at a load of
// 0.35-0.7, and no JS object per entry. A probe compares the 32-bit hash first and then the key
// bytes of the entry's record (EntryPages), which is also where the value is read from, so a hit
// costs the probe's cache line plus the record's. The table is rebuilt on restore and never
// leaves the process, so its hash seed is random per process: crafted keys cannot be made to
// collide ahead of time.
//
// Growth is incremental (as Redis rehashes its dictionaries): when the table is full a table of
// twice the slots is allocated and the old one is drained into it a few slots per insert or
// delete, so no single write pays for moving every entry (at 1M entries a one-shot rehash moved
// 700k pairs in one go). While both tables exist a lookup probes the new one, then the old one;
// new entries go to the new one. A slot of the old table whose entry has moved, or been deleted,
// becomes a tombstone (hash 0, which no key hashes to, id -1) so that probe runs through it
// stay intact; the old table is never written otherwise and is dropped once drained.

import { type PageTable, keyEquals } from './EntryPages';

const SLOT_INTS = 2; // [hash, id + 1]
const SLOT_SHIFT = 1;
const MAX_LOAD = 0.7;
const MIN_SLOTS = 16;
/**
 * Old-table slots drained per insert or delete while growing. The new table has twice the old
 * one's slots and starts at a load of 0.35; the old one is drained after a quarter of its slots'
 * worth of inserts, well before the new one fills to 0.7 (0.7 x its slots inserts away).
 */
const MIGRATE_STEP = 4;
/** Marks a slot number (from {@link HashIndex.find}) as one of the old table's. */
const OLD = 1 << 30;
const TOMBSTONE_ID = -1;

const SEED = (Math.random() * 0x100000000) | 0;

/** A 32-bit hash of the bytes (seeded FNV-1a with a murmur3 finaliser), never 0. */
export function hashBytes(key: Uint8Array): number {
  let h = 0x811c9dc5 ^ SEED;
  const n = key.length;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
  return finish(h);
}

/** {@link hashBytes} of `data[start..end)`, without a view. */
export function hashRange(data: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 ^ SEED;
  for (let i = start; i < end; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
  return finish(h);
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 1;
}

function slotsFor(entries: number): number {
  let slots = MIN_SLOTS;
  while (slots * MAX_LOAD < entries) slots *= 2;
  return slots;
}

/** Maps key bytes to an entry id (whose record, in the store's pages, holds the key). */
export class HashIndex {
  private ints!: Int32Array;
  private mask = 0;
  private growAt = 0;
  /** While growing: the table being drained into `ints` (see the file comment). */
  private old: Int32Array | undefined = undefined;
  private oldMask = 0;
  /** While growing: the next slot of `old` to drain. */
  private cursor = 0;
  /** Entries in both tables. */
  count = 0;

  constructor(expectedEntries = 0) {
    this.allocate(slotsFor(expectedEntries));
  }

  /**
   * Builds a table for `n` entries known to be distinct (a restore): entry j has id `ids[j]` and
   * hash `hashes[j]`. The entries go into the table in the order of their home slots, so the
   * writes sweep the table once instead of landing on random cache lines (and pages). Linear
   * probing places each entry in the first free slot from its home whatever the insertion order,
   * so the result is the table inserting them one by one would build. O(n).
   */
  static build(n: number, ids: Int32Array | undefined, hashes: Int32Array, expectedEntries = n): HashIndex {
    const index = new HashIndex(Math.max(n, expectedEntries));
    index.count = n;
    const mask = index.mask;
    const slotBits = Math.log2(mask + 1);
    const bucketBits = Math.min(slotBits, 16);
    const shift = slotBits - bucketBits;
    const starts = new Int32Array((1 << bucketBits) + 1);
    for (let i = 0; i < n; i++) starts[((hashes[i]! & mask) >>> shift) + 1]!++;
    for (let b = 1; b < starts.length; b++) starts[b]! += starts[b - 1]!;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[starts[(hashes[i]! & mask) >>> shift]!++] = i;
    const ints = index.ints;
    for (let j = 0; j < n; j++) {
      const e = order[j]!;
      const h = hashes[e]!;
      let slot = h & mask;
      while (ints[(slot << SLOT_SHIFT) + 1] !== 0) slot = (slot + 1) & mask;
      const o = slot << SLOT_SHIFT;
      ints[o] = h;
      ints[o + 1] = (ids === undefined ? e : ids[e]!) + 1;
    }
    return index;
  }

  /** Entries the table holds before it grows. */
  capacity(): number {
    return Math.floor((this.mask + 1) * MAX_LOAD);
  }

  private allocate(slots: number): void {
    this.ints = new Int32Array(slots * SLOT_INTS);
    this.mask = slots - 1;
    this.growAt = Math.floor(slots * MAX_LOAD);
  }

  /** Whether an old table is still being drained (for tests). */
  growing(): boolean {
    return this.old !== undefined;
  }

  /** The slot holding `key` (whose hash is `h`, records in `pages`), or -1. */
  find(key: Uint8Array, h: number, pages: PageTable): number {
    const s = probe(this.ints, this.mask, key, h, pages);
    if (s >= 0 || this.old === undefined) return s;
    const t = probe(this.old, this.oldMask, key, h, pages);
    return t < 0 ? t : t | OLD;
  }

  /** The entry id stored in a slot returned by {@link find}. */
  idAt(slot: number): number {
    if ((slot & OLD) !== 0) return this.old![((slot ^ OLD) << SLOT_SHIFT) + 1]! - 1;
    return this.ints[(slot << SLOT_SHIFT) + 1]! - 1;
  }

  /** Adds entry `id` for a key (whose hash is `h`) known to be absent. */
  insert(id: number, h: number): void {
    if (this.old !== undefined) this.drain(MIGRATE_STEP);
    if (this.count >= this.growAt) this.grow();
    place(this.ints, this.mask, h, id + 1);
    this.count++;
  }

  /** Removes the entry in `slot` (from {@link find}). */
  removeSlot(slot: number): void {
    if ((slot & OLD) !== 0) {
      const o = (slot ^ OLD) << SLOT_SHIFT;
      this.old![o] = 0;
      this.old![o + 1] = TOMBSTONE_ID;
      this.count--;
      this.drain(MIGRATE_STEP);
      return;
    }
    const ints = this.ints;
    const mask = this.mask;
    this.count--;
    // Backward-shift deletion: pull later members of the probe run into the hole unless their
    // home slot lies cyclically within (hole, current].
    let hole = slot;
    let j = slot;
    for (;;) {
      j = (j + 1) & mask;
      const oj = j << SLOT_SHIFT;
      if (ints[oj + 1] === 0) break;
      const home = ints[oj]! & mask;
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      const oh = hole << SLOT_SHIFT;
      ints[oh] = ints[oj]!;
      ints[oh + 1] = ints[oj + 1]!;
      hole = j;
    }
    const oh = hole << SLOT_SHIFT;
    ints[oh] = 0;
    ints[oh + 1] = 0;
    if (this.old !== undefined) this.drain(MIGRATE_STEP);
  }

  /** Starts draining the full table into one of twice its slots. */
  private grow(): void {
    // Cannot happen while MIGRATE_STEP >= 2 (see there); a guard should the step change.
    if (this.old !== undefined) this.drain(Infinity);
    this.old = this.ints;
    this.oldMask = this.mask;
    this.cursor = 0;
    this.allocate((this.mask + 1) * 2);
  }

  /** Moves the entries of up to `slots` slots of the old table into the new one. */
  private drain(slots: number): void {
    const old = this.old!;
    const oldSlots = this.oldMask + 1;
    const end = Math.min(oldSlots, this.cursor + slots);
    const ints = this.ints;
    const mask = this.mask;
    for (let s = this.cursor; s < end; s++) {
      const o = s << SLOT_SHIFT;
      const id1 = old[o + 1]!;
      if (id1 <= 0) continue;
      place(ints, mask, old[o]!, id1);
      old[o] = 0;
      old[o + 1] = TOMBSTONE_ID;
    }
    this.cursor = end;
    if (end === oldSlots) this.old = undefined;
  }

  /** Rebuilds the table with `slots` slots (a power of two large enough for every entry). O(n), at once. */
  resize(slots: number): void {
    if (this.old !== undefined) this.drain(Infinity);
    const old = this.ints;
    const oldSlots = old.length >> SLOT_SHIFT;
    this.allocate(slots);
    const ints = this.ints;
    const mask = this.mask;
    for (let s = 0; s < oldSlots; s++) {
      const o = s << SLOT_SHIFT;
      if (old[o + 1] === 0) continue;
      place(ints, mask, old[o]!, old[o + 1]!);
    }
  }

  /** Shrinks the table to fit the current entries. */
  shrinkToFit(): void {
    this.resize(slotsFor(this.count));
  }
}

/** The slot of `ints` holding `key`, or -1. */
function probe(ints: Int32Array, mask: number, key: Uint8Array, h: number, pages: PageTable): number {
  let s = h & mask;
  for (;;) {
    const o = s << SLOT_SHIFT;
    const id1 = ints[o + 1]!;
    if (id1 === 0) return -1;
    // a tombstone's hash, 0, matches no key's
    if (ints[o] === h && keyEquals(pages, id1 - 1, key)) return s;
    s = (s + 1) & mask;
  }
}

/** Writes [h, id1] into the first free slot from h's home (the table has one). */
function place(ints: Int32Array, mask: number, h: number, id1: number): void {
  let s = h & mask;
  while (ints[(s << SLOT_SHIFT) + 1] !== 0) s = (s + 1) & mask;
  const o = s << SLOT_SHIFT;
  ints[o] = h;
  ints[o + 1] = id1;
}
