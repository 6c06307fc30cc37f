// Internal: the point-lookup index InMemoryStore keeps beside its ordered tree.
//
// Measured on this project's 2-core machine, a lookup in a JS `Map<string, ...>` keyed by the
// latin1 form of a 20-byte key costs ~600 ns at 100k entries, nearly all of it dependent cache
// misses (string conversion, bucket, entry, stored string). This table keeps the key's hash,
// length and first 52 bytes inline in one 64-byte slot (a cache line) of a flat Int32Array, so a
// hit usually costs one cache line for the probe and the comparison, plus one for the value
// (~250 ns at 100k, ~350 ns at 1M in the same measurement). Operator keys are often 30-50 bytes
// and share long prefixes (operator name, window bounds), so they must fit inline too: with 20
// inline bytes every hit on such a key compared the rest against the stored string, one more
// dependent miss.
//
// Open addressing with linear probing and backward-shift deletion (no tombstones). The table is
// rebuilt from the tree on restore and never leaves the process, so its hash seed is random per
// process: crafted keys cannot be made to collide ahead of time.

import type { Cell } from './Cell';

const SLOT_INTS = 16; // [hash, id + 1, keyLength, 52 inline key bytes]
const SLOT_SHIFT = 4;
const INLINE_BYTES = 52;
const INLINE_OFFSET = 12; // byte offset of the inline key within a slot
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

/** {@link hashBytes} of the bytes a latin1 string stands for. */
/** {@link hashBytes} of `data[start..end)`, without a view. */
export function hashRange(data: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 ^ SEED;
  for (let i = start; i < end; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
  return finish(h);
}

export function hashLatin1(str: string): number {
  let h = 0x811c9dc5 ^ SEED;
  const n = str.length;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ str.charCodeAt(i), 0x01000193);
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

/**
 * Maps key bytes to an entry id; per id it holds the key's latin1 form (the tree key), the current
 * value and the tree cell.
 */
export class HashIndex {
  private ints!: Int32Array;
  private inline!: Uint8Array;
  private mask = 0;
  private growAt = 0;
  count = 0;
  /** Per entry id: the key as a latin1 string (the ordered tree's key). */
  strs: (string | undefined)[] = [];
  /**
   * Per entry id: the current value. Always equal to `cells[id].v`; kept because reading the value
   * from a flat array instead of through the cell saves a dependent cache miss on every `get`
   * (measured: ~470 vs ~665 ns per hit at 100k entries).
   */
  values: (Uint8Array | undefined)[] = [];
  /** Per entry id: the cell the ordered tree holds for the key. */
  cells: (Cell | undefined)[] = [];
  private free: number[] = [];

  constructor(expectedEntries = 0) {
    this.allocate(slotsFor(expectedEntries));
  }

  /**
   * Builds a table for entries known to be distinct (a restore): ids are array positions, and the
   * entries go into the table in the order of their home slots, so the writes sweep the table
   * once instead of landing on random cache lines (and pages) of a table that, at 1M entries, is
   * 128 MiB. Linear probing places each entry in the first free slot from its home whatever the
   * insertion order, so the result is the table `insert` would build. O(n).
   */
  static build(strs: string[], cells: Cell[], hashes: Int32Array): HashIndex {
    const n = strs.length;
    const index = new HashIndex(n);
    index.strs = strs;
    index.cells = cells;
    index.values = new Array<Uint8Array | undefined>(n); // filled from the cells on first read
    index.count = n;
    // Counting sort of the ids by the top bits of their home slot.
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
    const inline = index.inline;
    for (let j = 0; j < n; j++) {
      const id = order[j]!;
      const h = hashes[id]!;
      const str = strs[id]!;
      let slot = h & mask;
      while (ints[(slot << SLOT_SHIFT) + 1] !== 0) slot = (slot + 1) & mask;
      const o = slot << SLOT_SHIFT;
      const len = str.length;
      ints[o] = h;
      ints[o + 1] = id + 1;
      ints[o + 2] = len;
      const m = len < INLINE_BYTES ? len : INLINE_BYTES;
      const b = (o << 2) + INLINE_OFFSET;
      for (let i = 0; i < m; i++) inline[b + i] = str.charCodeAt(i);
    }
    return index;
  }

  /** Entries the table holds before it grows. */
  capacity(): number {
    return Math.floor((this.mask + 1) * MAX_LOAD);
  }

  private allocate(slots: number): void {
    const buffer = new ArrayBuffer(slots * SLOT_INTS * 4);
    this.ints = new Int32Array(buffer);
    this.inline = new Uint8Array(buffer);
    this.mask = slots - 1;
    this.growAt = Math.floor(slots * MAX_LOAD);
  }

  /** The slot holding `key` (whose hash is `h`), or -1. */
  find(key: Uint8Array, h: number): number {
    const ints = this.ints;
    const inline = this.inline;
    const mask = this.mask;
    const n = key.length;
    const m = n < INLINE_BYTES ? n : INLINE_BYTES;
    let s = h & mask;
    for (;;) {
      const o = s << SLOT_SHIFT;
      const id1 = ints[o + 1]!;
      if (id1 === 0) return -1;
      if (ints[o] === h && ints[o + 2] === n) {
        const b = (o << 2) + INLINE_OFFSET;
        let i = 0;
        while (i < m && inline[b + i] === key[i]) i++;
        if (i === m) {
          if (n <= INLINE_BYTES) return s;
          const stored = this.strs[id1 - 1]!;
          while (i < n && stored.charCodeAt(i) === key[i]) i++;
          if (i === n) return s;
        }
      }
      s = (s + 1) & mask;
    }
  }

  /** The entry id stored in a slot returned by {@link find}. */
  idAt(slot: number): number {
    return this.ints[(slot << SLOT_SHIFT) + 1]! - 1;
  }

  /** Adds an entry for a key (given as its latin1 string) known to be absent; returns its id. */
  insert(str: string, value: Uint8Array, cell: Cell, h: number): number {
    if (this.count >= this.growAt) this.resize(slotsFor(this.count + 1));
    let id: number;
    if (this.free.length > 0) {
      id = this.free.pop()!;
      this.strs[id] = str;
      this.values[id] = value;
      this.cells[id] = cell;
    } else {
      id = this.strs.length;
      this.strs.push(str);
      this.values.push(value);
      this.cells.push(cell);
    }
    const ints = this.ints;
    const mask = this.mask;
    let s = h & mask;
    while (ints[(s << SLOT_SHIFT) + 1] !== 0) s = (s + 1) & mask;
    const o = s << SLOT_SHIFT;
    const n = str.length;
    ints[o] = h;
    ints[o + 1] = id + 1;
    ints[o + 2] = n;
    const m = n < INLINE_BYTES ? n : INLINE_BYTES;
    const inline = this.inline;
    const b = (o << 2) + INLINE_OFFSET;
    for (let i = 0; i < m; i++) inline[b + i] = str.charCodeAt(i);
    this.count++;
    return id;
  }

  /** Removes the entry in `slot` (from {@link find}). */
  removeSlot(slot: number): void {
    const ints = this.ints;
    const mask = this.mask;
    const id = ints[(slot << SLOT_SHIFT) + 1]! - 1;
    this.strs[id] = undefined;
    this.values[id] = undefined;
    this.cells[id] = undefined;
    this.free.push(id);
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
      ints.copyWithin(hole << SLOT_SHIFT, oj, oj + SLOT_INTS);
      hole = j;
    }
    ints.fill(0, hole << SLOT_SHIFT, (hole << SLOT_SHIFT) + SLOT_INTS);
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
      ints.set(old.subarray(o, o + SLOT_INTS), t << SLOT_SHIFT);
    }
  }

  /** Shrinks the table (and the id arrays) to fit the current entries. */
  shrinkToFit(): void {
    this.compactIds();
    this.resize(slotsFor(this.count));
  }

  // Renumbers live ids densely so the per-id arrays can shrink.
  private compactIds(): void {
    if (this.free.length === 0) return;
    const strs: string[] = [];
    const values: Uint8Array[] = [];
    const cells: Cell[] = [];
    const remap = new Int32Array(this.strs.length);
    for (let id = 0; id < this.strs.length; id++) {
      const str = this.strs[id];
      if (str === undefined) continue;
      remap[id] = strs.length + 1;
      strs.push(str);
      values.push(this.values[id] ?? this.cells[id]!.v);
      cells.push(this.cells[id]!);
    }
    const ints = this.ints;
    for (let o = 0; o < ints.length; o += SLOT_INTS) {
      const id1 = ints[o + 1]!;
      if (id1 !== 0) ints[o + 1] = remap[id1 - 1]!;
    }
    this.strs = strs;
    this.values = values;
    this.cells = cells;
    this.free = [];
  }
}
