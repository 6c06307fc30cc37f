// Internal: a run of a frozen StoreView's entries in key order, read straight from its leaves and
// pages with no object per entry, between a lower bound and an upper bound. Slicing and merging
// key groups for a rescale (sliceKeyGroups.ts) copy entries from runs into a ViewBuilder, so a
// million entries cost two copies of their bytes and no sort (docs/architecture.md §10).
import { pageBytesOf, valueLength, valueOf, valueStart } from './EntryPages';
import { compareAt } from './KeyTree';
import type { StoreView, ViewBuilder } from './StoreView';
import { TreeCursor } from './TreeCursor';

/** Compares `a[as..ae)` with `b[bs..be)` in unsigned byte order. */
export function compareRanges(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  const an = ae - as;
  const bn = be - bs;
  const n = an < bn ? an : bn;
  for (let i = 0; i < n; i++) {
    const d = a[as + i]! - b[bs + i]!;
    if (d !== 0) return d;
  }
  return an - bn;
}

/** The entries of a view with keys in `[lo, hi)` (`lo` undefined: from the first, `hi` undefined: to the last). */
export class ViewRun {
  private readonly cursor: TreeCursor;
  /** Whether the run has no current entry. */
  done = false;

  constructor(
    private readonly view: StoreView,
    lo: Uint8Array | undefined,
    private readonly hi: Uint8Array | undefined,
  ) {
    this.cursor = new TreeCursor(view.len === 0 ? undefined : view.root, lo);
    this.check();
  }

  /** The bytes holding the current key (with {@link keyStart} and {@link keyEnd}). */
  get kb(): Uint8Array {
    return this.cursor.leaf!.kb;
  }

  keyStart(): number {
    return this.cursor.keyStart();
  }

  keyEnd(): number {
    return this.cursor.keyEnd();
  }

  /** The current key's key group (its first two bytes), -1 for a key shorter than two bytes. */
  group(): number {
    const s = this.cursor.keyStart();
    if (this.cursor.keyEnd() - s < 2) return -1;
    const kb = this.cursor.leaf!.kb;
    return (kb[s]! << 8) | kb[s + 1]!;
  }

  /** A copy of the current key. */
  key(): Uint8Array {
    return this.cursor.leaf!.kb.slice(this.cursor.keyStart(), this.cursor.keyEnd());
  }

  /** A copy of the current value. */
  value(): Uint8Array {
    return valueOf(this.view.pages, this.cursor.id());
  }

  /** Appends the current entry to `builder` (one copy of its bytes). */
  addTo(builder: ViewBuilder): void {
    const c = this.cursor;
    const pages = this.view.pages;
    const id = c.id();
    const ks = c.keyStart();
    builder.add(c.leaf!.kb, ks, c.keyEnd() - ks, pageBytesOf(pages, id), valueStart(pages, id), valueLength(pages, id));
  }

  next(): void {
    this.cursor.next();
    this.check();
  }

  private check(): void {
    const c = this.cursor;
    this.done = c.leaf === undefined || (this.hi !== undefined && compareAt(this.hi, c.leaf.kb, c.keyStart(), c.keyEnd()) <= 0);
  }
}
