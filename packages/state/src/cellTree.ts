// Internal: the ordered tree that stores and snapshots keep their entries in.
import BTree from 'sorted-btree';
import type { Cell } from './Cell';

/** Orders latin1 tree keys: code-unit order equals unsigned byte order. */
function compareLatin1(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A new empty ordered tree of latin1 key -> cell (see `bytesToLatin1`), as stores and snapshots
 * use: copy-on-write `clone()` in O(1) is what makes a snapshot O(1).
 */
export function newCellTree(): BTree<string, Cell> {
  return new BTree<string, Cell>(undefined, compareLatin1);
}
