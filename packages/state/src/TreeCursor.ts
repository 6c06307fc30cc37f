// Internal: walks a KeyTree's leaves in key order from a lower bound.
import { Branch, LEAF_MAX, type Leaf, type TreeNode, lowerBound, route } from './KeyTree';

/**
 * A position in a tree: `leaf` and `i` name the current entry, `leaf` is undefined past the end.
 * The tree must not change while a cursor walks it (a store's scans walk a shared root).
 */
export class TreeCursor {
  private branches: Branch[] = [];
  private at: number[] = [];
  leaf: Leaf | undefined;
  i = 0;

  /**
   * A cursor on the first entry whose key is >= `lo` (the first entry when `lo` is undefined);
   * past the end at once without a root.
   */
  constructor(root: TreeNode | undefined, lo?: Uint8Array) {
    if (root === undefined) return;
    let node = root;
    while (node instanceof Branch) {
      const ci = lo === undefined ? 0 : route(node, lo);
      this.branches.push(node);
      this.at.push(ci);
      node = node.children[ci]!;
    }
    this.leaf = node;
    this.i = lo === undefined ? 0 : lowerBound(node, lo);
    if (this.i >= node.n) this.nextLeaf();
  }

  /** A second cursor at the same position, moving independently. */
  clone(): TreeCursor {
    const c = new TreeCursor(undefined);
    c.branches = this.branches.slice();
    c.at = this.at.slice();
    c.leaf = this.leaf;
    c.i = this.i;
    return c;
  }

  /** The entry id at the cursor. */
  id(): number {
    return this.leaf!.ints[this.i]!;
  }

  /** Where the current key starts in `leaf.kb`. */
  keyStart(): number {
    return this.leaf!.ints[LEAF_MAX + this.i]!;
  }

  /** Where the current key ends in `leaf.kb`. */
  keyEnd(): number {
    return this.leaf!.ints[LEAF_MAX + this.i + 1]!;
  }

  /** Moves to the next entry. */
  next(): void {
    if (++this.i >= this.leaf!.n) this.nextLeaf();
  }

  private nextLeaf(): void {
    const branches = this.branches;
    const at = this.at;
    for (;;) {
      let depth = branches.length - 1;
      while (depth >= 0 && at[depth]! + 1 >= branches[depth]!.children.length) depth--;
      if (depth < 0) {
        this.leaf = undefined;
        return;
      }
      at[depth]!++;
      let node = branches[depth]!.children[at[depth]!]!;
      branches.length = depth + 1;
      at.length = depth + 1;
      while (node instanceof Branch) {
        branches.push(node);
        at.push(0);
        node = node.children[0]!;
      }
      this.leaf = node;
      this.i = 0;
      if (node.n > 0) return;
    }
  }
}
