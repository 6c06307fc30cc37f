// Internal: the store keys of a group table, packed into a few large byte pages instead of one
// Uint8Array per group.
//
// A window holding 1M groups with one key object each gives the garbage collector 3M objects
// (typed array, array buffer, bytes) to mark at every major collection, and those pauses land on
// the record path, during checkpoints too (docs/architecture.md §5.8, the record-path stall).
// Here the bytes of every key sit side by side in pages of up to 64 KiB (one object per page),
// and where each key is lives in one Int32Array: [page + 1, offset, length] per slot.
import { copyRange } from '@weir/state';

/** The largest page; the first pages are smaller, so a table of a few groups stays small. */
const MAX_PAGE = 64 * 1024;
const FIRST_PAGE = 256;

/** Append-only store keys by slot (a group's index), each set at most once. */
export class KeyArena {
  private readonly pages: Uint8Array[] = [];
  private page: Uint8Array | undefined;
  private pos = 0;
  /** [page index + 1 (0: no key), offset, length] per slot. */
  private loc = new Int32Array(48);

  /** Whether slot `i` has a key. O(1). */
  has(i: number): boolean {
    return 3 * i < this.loc.length && this.loc[3 * i]! !== 0;
  }

  /** The key of slot `i` (a view into the arena: do not modify), or undefined. O(1). */
  get(i: number): Uint8Array | undefined {
    if (!this.has(i)) return undefined;
    const at = this.loc[3 * i + 1]!;
    return this.pages[this.loc[3 * i]! - 1]!.subarray(at, at + this.loc[3 * i + 2]!);
  }

  /** The length of slot `i`'s key (which it must have). O(1). */
  length(i: number): number {
    return this.loc[3 * i + 2]!;
  }

  /**
   * Copies the key of slot `i` into `out` from index `at`; returns the index after it, or -1 when
   * the slot has no key or the key does not fit in `out`. O(key length), no allocation.
   */
  copyTo(i: number, out: Uint8Array, at: number): number {
    if (!this.has(i)) return -1;
    const from = this.loc[3 * i + 1]!;
    const n = this.loc[3 * i + 2]!;
    if (at + n > out.length) return -1;
    const page = this.pages[this.loc[3 * i]! - 1]!;
    // a barrier log copies up to cacheSize keys of ~40 bytes in one turn: no view per key
    return copyRange(out, at, page, from, n);
  }

  /** Copies `src[0, n)` in as the key of slot `i`, which has none yet (no view made). O(n) amortised. */
  setFrom(i: number, src: Uint8Array, n: number): void {
    let page = this.page;
    if (page === undefined || this.pos + n > page.length) {
      const size = page === undefined ? FIRST_PAGE : Math.min(MAX_PAGE, 2 * page.length);
      this.page = page = new Uint8Array(Math.max(size, n));
      this.pages.push(page);
      this.pos = 0;
    }
    copyRange(page, this.pos, src, 0, n);
    if (3 * i + 3 > this.loc.length) {
      const grown = new Int32Array(Math.max(3 * i + 3, 2 * this.loc.length));
      grown.set(this.loc);
      this.loc = grown;
    }
    this.loc[3 * i] = this.pages.length;
    this.loc[3 * i + 1] = this.pos;
    this.loc[3 * i + 2] = n;
    this.pos += n;
  }
}
