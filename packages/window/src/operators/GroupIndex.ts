// Internal: a group table's index from a key's identity (keyPartId) to the group's number.
//
// Integer keys that fit 32 bits (the common case: user ids, page ids, auction ids) live in an
// open-addressing table of two Int32Arrays; every other identity (strings, larger numbers,
// bigints) in a Map. With 1M groups a Map is a 30 MB table of 3.5M slots on the JavaScript heap,
// and every major collection marked all of them: 10-12 ms of the collector's final pause landed
// on the record path, during checkpoints too (docs/architecture.md §5.8). Typed arrays are data
// to the collector, never traced.
//
// Groups are only ever added (a table goes with its window or pane), so the table needs no
// deletion; linear probing, grown at a load of one half.

const MIN_SLOTS = 16;

/** Maps key identities to group numbers (0, 1, 2, ... in insertion order). */
export class GroupIndex {
  /** Integer identities: [key] per slot, with `vals[slot]` = group + 1 (0: a free slot). */
  private keys = new Int32Array(MIN_SLOTS);
  private vals = new Int32Array(MIN_SLOTS);
  private mask = MIN_SLOTS - 1;
  private ints = 0;
  /** Every other identity. */
  private readonly others = new Map<unknown, number>();

  /** The group of identity `id`, or undefined. O(1) expected. */
  get(id: unknown): number | undefined {
    if (typeof id === 'number' && (id | 0) === id) {
      const keys = this.keys;
      const vals = this.vals;
      const mask = this.mask;
      for (let s = hash(id) & mask; ; s = (s + 1) & mask) {
        const v = vals[s]!;
        if (v === 0) return undefined;
        if (keys[s] === id) return v - 1;
      }
    }
    return this.others.get(id);
  }

  /** Adds identity `id` (not present yet) as group `group`. O(1) amortised. */
  add(id: unknown, group: number): void {
    if (typeof id === 'number' && (id | 0) === id) {
      if (2 * (this.ints + 1) > this.keys.length) this.grow();
      place(this.keys, this.vals, this.mask, id | 0, group + 1);
      this.ints++;
      return;
    }
    this.others.set(id, group);
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const slots = 2 * oldKeys.length;
    this.keys = new Int32Array(slots);
    this.vals = new Int32Array(slots);
    this.mask = slots - 1;
    for (let s = 0; s < oldKeys.length; s++) {
      const v = oldVals[s]!;
      if (v !== 0) place(this.keys, this.vals, this.mask, oldKeys[s]!, v);
    }
  }
}

function place(keys: Int32Array, vals: Int32Array, mask: number, key: number, val: number): void {
  let s = hash(key) & mask;
  while (vals[s] !== 0) s = (s + 1) & mask;
  keys[s] = key;
  vals[s] = val;
}

/** A 32-bit mix of an int32 (murmur3's finaliser), so runs of ids spread over the table. */
function hash(k: number): number {
  let h = Math.imul(k ^ (k >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
