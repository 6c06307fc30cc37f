// Internal: the value slot the ordered tree holds for each key.
//
// A cell is mutable only while no snapshot (or long-scan view) can see it. Each store has a
// current epoch, drawn from one process-wide counter; every cell records the epoch it was
// created in. A put that finds the key's cell stamped with the store's current epoch overwrites
// it in place (O(1), no tree update); otherwise it installs a new cell (an O(log n)
// copy-on-write tree update).
//
// Why that is safe: a second view of the tree is made only by snapshot() and by long scans, and
// both renew the store's epoch before cloning, so every cell such a view holds is older than
// any epoch the store writes in afterwards. Cells restored from a snapshot carry the epochs of
// the store that made them (or FROZEN_EPOCH when decoded), and epochs are unique per process,
// so they never match the restoring store's current epoch either.

let lastEpoch = 0;

/** A fresh epoch, distinct from every epoch handed out before in this process. */
export function nextEpoch(): number {
  return ++lastEpoch;
}

/** The epoch stamped on cells that no store may write in place (decoded snapshots). */
export const FROZEN_EPOCH = 0;

export class Cell {
  /** The key bytes, materialised from the tree's latin1 key on first need. */
  k: Uint8Array | undefined;
  /** The current value, or undefined while it is still a range of `src` (a decoded snapshot). */
  private val: Uint8Array | undefined;
  /** Decoded cells: the snapshot bytes the value lies in, until the value is first read. */
  private src: Uint8Array | undefined;
  private off: number;
  private len: number;
  /** The epoch in which this cell was created. */
  readonly e: number;

  constructor(k: Uint8Array | undefined, v: Uint8Array | undefined, e: number, src?: Uint8Array, off = 0, len = 0) {
    this.k = k;
    this.val = v;
    this.e = e;
    this.src = src;
    this.off = off;
    this.len = len;
  }

  /**
   * A cell whose value is `len` bytes of `src` at `off`, made into an array on first read: a
   * restore of n entries then creates no value arrays up front (a typed array costs ~0.5 us to
   * create, most of a restore's time at 1M entries when done eagerly).
   */
  static lazy(src: Uint8Array, off: number, len: number, e: number): Cell {
    return new Cell(undefined, undefined, e, src, off, len);
  }

  /** The current value. Never mutated; replaced on overwrite. */
  get v(): Uint8Array {
    let v = this.val;
    if (v === undefined) {
      const src = this.src!;
      v = this.val = new Uint8Array(src.buffer, src.byteOffset + this.off, this.len);
      this.src = undefined;
    }
    return v;
  }

  set v(value: Uint8Array) {
    this.val = value;
    this.src = undefined;
  }

  /** The value's length, without materialising it. */
  get size(): number {
    return this.val === undefined ? this.len : this.val.length;
  }
}

/** The key bytes of a cell whose tree key is `str` (cached on the cell). */
export function cellKey(str: string, cell: Cell): Uint8Array {
  let k = cell.k;
  if (k === undefined) {
    const n = str.length;
    k = new Uint8Array(n);
    for (let i = 0; i < n; i++) k[i] = str.charCodeAt(i);
    cell.k = k;
  }
  return k;
}
