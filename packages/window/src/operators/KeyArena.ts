// Internal: the store keys of a group table, packed into a few large byte pages instead of one
// Uint8Array per group.
//
// A window holding 1M groups with one key object each gives the garbage collector 3M objects
// (typed array, array buffer, bytes) to mark at every major collection, and those pauses land on
// the record path, during checkpoints too (docs/architecture.md §5.8, the record-path stall).
// Here the bytes of every key sit side by side in pages of up to 64 KiB (one object per page),
// and where each key is lives in one Int32Array: [page + 1, offset, length] per slot.

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

  /** Hands the key of slot `i` to `append` as a page range (no view is made); false if it has none. O(1). */
  appendTo(i: number, append: (bytes: Uint8Array, from: number, to: number) => void): boolean {
    if (!this.has(i)) return false;
    const at = this.loc[3 * i + 1]!;
    append(this.pages[this.loc[3 * i]! - 1]!, at, at + this.loc[3 * i + 2]!);
    return true;
  }

  /** Copies `key` in as the key of slot `i`, which has none yet. O(key length) amortised. */
  set(i: number, key: Uint8Array): void {
    const n = key.length;
    let page = this.page;
    if (page === undefined || this.pos + n > page.length) {
      const size = page === undefined ? FIRST_PAGE : Math.min(MAX_PAGE, 2 * page.length);
      this.page = page = new Uint8Array(Math.max(size, n));
      this.pages.push(page);
      this.pos = 0;
    }
    page.set(key, this.pos);
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
