// Internal: the point-lookup index InMemoryStore keeps beside its ordered tree.
//
// Open addressing with linear probing and backward-shift deletion (no tombstones) over one flat
// Int32Array of [hash, id + 1] slots: 8 bytes a slot, 11-23 bytes an entry at a load of
// 0.35-0.7, and no JS object per entry. A probe compares the 32-bit hash first and then the key
// bytes of the entry's record (EntryPages), which is also where the value is read from, so a hit
// costs the probe's cache line plus the record's. The table is rebuilt on restore and never
// leaves the process, so its hash seed is random per process: crafted keys cannot be made to
// collide ahead of time.

import { type PageTable, keyEquals } from './EntryPages';

const SLOT_INTS = 2; // [hash, id + 1]
const SLOT_SHIFT = 1;
const MAX_LOAD = 0.7;
const MIN_SLOTS = 16;

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

  /** The slot holding `key` (whose hash is `h`, records in `pages`), or -1. */
  find(key: Uint8Array, h: number, pages: PageTable): number {
    const ints = this.ints;
    const mask = this.mask;
    let s = h & mask;
    for (;;) {
      const o = s << SLOT_SHIFT;
      const id1 = ints[o + 1]!;
      if (id1 === 0) return -1;
      if (ints[o] === h && keyEquals(pages, id1 - 1, key)) return s;
      s = (s + 1) & mask;
    }
  }

  /** The entry id stored in a slot returned by {@link find}. */
  idAt(slot: number): number {
    return this.ints[(slot << SLOT_SHIFT) + 1]! - 1;
  }

  /** Adds entry `id` for a key (whose hash is `h`) known to be absent. */
  insert(id: number, h: number): void {
    if (this.count >= this.growAt) this.resize(slotsFor(this.count + 1));
    const ints = this.ints;
    const mask = this.mask;
    let s = h & mask;
    while (ints[(s << SLOT_SHIFT) + 1] !== 0) s = (s + 1) & mask;
    const o = s << SLOT_SHIFT;
    ints[o] = h;
    ints[o + 1] = id + 1;
    this.count++;
  }

  /** Removes the entry in `slot` (from {@link find}). */
  removeSlot(slot: number): void {
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
  }

  /** Rebuilds the table with `slots` slots (a power of two large enough for every entry). */
  resize(slots: number): void {
    const old = this.ints;
    const oldSlots = old.length >> SLOT_SHIFT;
    this.allocate(slots);
    const ints = this.ints;
    const mask = this.mask;
    for (let s = 0; s < oldSlots; s++) {
      const o = s << SLOT_SHIFT;
      if (old[o + 1] === 0) continue;
      let t = old[o]! & mask;
      while (ints[(t << SLOT_SHIFT) + 1] !== 0) t = (t + 1) & mask;
      ints[t << SLOT_SHIFT] = old[o]!;
      ints[(t << SLOT_SHIFT) + 1] = old[o + 1]!;
    }
  }

  /** Shrinks the table to fit the current entries. */
  shrinkToFit(): void {
    this.resize(slotsFor(this.count));
  }
}
